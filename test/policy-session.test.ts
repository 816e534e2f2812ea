/**
 * `session: true` is enforced: the kept cookie loses every `Max-Age` and `Expires`, so the browser
 * (tough-cookie as its stand-in) keeps it only until it closes. Through the whole worker, from the
 * fixture origin's lines as a careless origin writes them.
 */
import { describe, expect, it } from "vitest";
import { parseSetCookie } from "../src/cookies/parse-set-cookie";
import { rewriteSetCookie } from "../src/cookies/rewrite-set-cookie";
import type { CookieRule } from "../src/config/validate";
import { expiryOf, storedFrom } from "./cookie-jar";
import { appFor, FIXED_NOW, FIXED_NOW_MS, send, testSite } from "./helpers";

const app = appFor(
  testSite({
    cookies: [
      { name: "sid", category: "necessary", session: true, httpOnly: true },
      { name: "lang", category: "necessary", maxAge: "1y" },
    ],
  }),
);

describe("a session cookie (session: true)", () => {
  it.each([
    ["Max-Age", "sid=1; Path=/; Max-Age=31536000"],
    ["Expires", `sid=1; Path=/; Expires=${new Date((FIXED_NOW + 86_400) * 1000).toUTCString()}`],
    [
      "both, twice, in any case",
      "sid=1; max-age=60; Path=/; EXPIRES=Wed, 01 Jan 2100 00:00:00 GMT; Max-Age=9",
    ],
  ])("with %s is kept as a session cookie in the jar", async (_, line) => {
    const res = await send(app, "https://www.example.com/", {
      originSets: [line, "lang=en; Path=/; Max-Age=60"],
    });
    const lines = res.headers.getSetCookie();
    const stored = storedFrom(lines, "https://www.example.com/", FIXED_NOW_MS);
    const sid = stored.find((cookie) => cookie.key === "sid");
    expect(sid?.value).toBe("1");
    expect(sid && expiryOf(sid, FIXED_NOW_MS)).toBe(Infinity);
    expect(sid?.httpOnly).toBe(true);
    // The rule with a cap is not made a session cookie.
    const lang = stored.find((cookie) => cookie.key === "lang");
    expect(lang && expiryOf(lang, FIXED_NOW_MS)).toBe(FIXED_NOW_MS + 60_000);
  });

  it("a line that is already a session cookie is left as it is", () => {
    const rule = { pattern: "sid", order: 0, category: "necessary", session: true } as CookieRule;
    expect(rewriteSetCookie(parseSetCookie("sid=1; Path=/"), rule, FIXED_NOW)).toBeUndefined();
    expect(rewriteSetCookie(parseSetCookie("sid=1; Path=/; Max-Age=5"), rule, FIXED_NOW)).toEqual({
      line: "sid=1; Path=/",
      changes: ["session"],
    });
  });
});
