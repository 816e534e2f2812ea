import { describe, expect, it } from "vitest";
import type { CookieRule } from "../src/config/validate";
import { compileCookieClassifier } from "../src/cookies/classify-cookie";
import { decideSetCookie } from "../src/cookies/decide-set-cookie";
import { parseCookieDate } from "../src/cookies/cookie-date";
import {
  cookieLifetime,
  hasUnambiguousLifetime,
  mayDelete,
  parseSetCookie,
} from "../src/cookies/parse-set-cookie";
import { rewriteSetCookie } from "../src/cookies/rewrite-set-cookie";

const NOW = 1_795_000_000; // 2026-11-18T...Z
const httpDate = (unix: number) => new Date(unix * 1000).toUTCString();

describe("parseSetCookie", () => {
  it.each([
    ["a=b", "a", "a=b", []],
    ["  a = b ; Path=/ ;HttpOnly", "a", "a = b", ["path", "httponly"]],
    ["noequals; Secure", "", "noequals", ["secure"]],
    ["=value", "", "=value", []],
    ["a=b=c; Max-Age=10; max-age=20", "a", "a=b=c", ["max-age", "max-age"]],
    ["", "", "", []],
    [";;;", "", "", []],
    // RFC 6265bis §5.6 trims only space and tab: NBSP and form feed are part of the name.
    ["\u00a0_ga=1", "\u00a0_ga", "\u00a0_ga=1", []],
    ["\f_ga=1; \fMax-Age=5", "\f_ga", "\f_ga=1", ["\fmax-age"]],
    ["\t_ga\t=1;\tPath=/\t", "_ga", "_ga\t=1", ["path"]],
  ])("%j", (raw, name, pair, keys) => {
    const line = parseSetCookie(raw);
    expect(line.name).toBe(name);
    expect(line.pair).toBe(pair);
    expect(line.attributes.map((a) => a.key)).toEqual(keys);
  });

  it.each([
    ["=ce_consent=1.r.1.analytics", "", "ce_consent"], // sent back as `ce_consent=1.r...` (§5.8.3)
    [" = _ga = GA1", "", "_ga"],
    ["=novalue", "", ""],
    ["bare", "", ""],
    ["a=b=c", "a", "a"],
  ])("%j is stored as %j and read back as %j", (raw, name, readAs) => {
    const line = parseSetCookie(raw);
    expect([line.name, line.readAs]).toEqual([name, readAs]);
  });

  it.each([
    ["a=1; Max-Age=60", 60],
    ["a=1; Max-Age=60; Max-Age=5", 5], // the last one wins
    ["a=1; Max-Age=abc; Expires=" + httpDate(NOW + 100), 100], // invalid Max-Age is ignored
    ["a=1; Expires=" + httpDate(NOW - 10), -10],
    ["a=1; Max-Age=-1", -1],
    ["a=1; Max-Age=-0", 0],
    ["a=1; Expires=not a date", undefined],
    ["a=1", undefined],
    // The last *valid* Max-Age wins: an invalid one never enters the attribute list (§5.6).
    ["a=1; Max-Age=60; Max-Age=x", 60],
    ["a=1; Max-Age=60; Max-Age=+5", 60],
    // §5.6.2: "+", spaces inside, decimals and trailing junk make Max-Age invalid; Expires decides.
    ["a=1; Max-Age=+31536000; Expires=" + httpDate(0), -NOW],
    ["a=1; Max-Age=1e3", undefined],
    ["a=1; Max-Age=10.5", undefined],
    ["a=1; Max-Age=10s", undefined],
    ["a=1; Max-Age=- 1", undefined],
    ["a=1; Max-Age=0600", 600],
    // The cookie date algorithm (§5.1.1), not Date.parse: no date at all, a session cookie.
    ["a=1; Expires=1970", undefined],
    ["a=1; Expires=Thu, 01 Jan 1970", undefined],
    ["a=1; Expires=1/1/1970", undefined],
    ["a=1; Expires=1970-01-01T00:00:00Z", undefined],
    ["a=1; Expires=0", undefined],
    // Two-digit years: 70-99 are 19xx, 00-69 are 20xx.
    ["a=1; Expires=Thu, 01 Jan 70 00:00:00 GMT", -NOW],
    ["a=1; Expires=Wed, 01 Jan 69 00:00:00 GMT", Date.UTC(2069, 0, 1) / 1000 - NOW],
    ["a=1; Expires=Thu, 01-Jan-1970 00:00:01 GMT", 1 - NOW],
    ["a=1; Expires=Thursday, 01-Jan-70 00:00:00 GMT", -NOW],
    ["a=1; Expires=Thu Jan  1 00:00:00 1970", -NOW], // asctime
  ])("lifetime of %j is %s", (raw, lifetime) => {
    expect(cookieLifetime(parseSetCookie(raw), NOW)).toBe(lifetime);
  });

  it.each([
    ["a=1; Max-Age=60", true],
    ["a=1; Max-Age=60; Expires=" + httpDate(NOW + 60), true],
    ["a=1; Expires=Thu, 01-Jan-2026 00:00:00 GMT", true],
    ["a=1; Max-Age=+60", false],
    ["a=1; Max-Age= 60s", false],
    ["a=1; Expires=1970", false],
    ["a=1; Expires=Thu, 01 Jan 70 00:00:00 GMT", false],
    ["a=1; Expires=Thu, 31 Feb 2026 00:00:00 GMT", false],
    ["a=1; Path=/", true],
  ])("%j has a lifetime every browser reads alike: %s", (raw, unambiguous) => {
    expect(hasUnambiguousLifetime(parseSetCookie(raw))).toBe(unambiguous);
  });

  it.each([
    ["a=; Max-Age=0", true],
    ["a=x; Max-Age=+0", true],
    ["a=x; Max-Age=-5abc", true],
    ["a=x; Expires=1970", true], // V8 reads the epoch: the origin meant a deletion
    ["a=x; Expires=" + httpDate(NOW - 1), true],
    ["a=x; Max-Age=60", false],
    ["a=x; Expires=" + httpDate(NOW + 60), false],
    ["a=x", false],
  ])("%j may delete: %s", (raw, deletes) => {
    expect(mayDelete(parseSetCookie(raw), NOW)).toBe(deletes);
  });
});

describe("parseCookieDate (RFC 6265bis §5.1.1)", () => {
  it.each([
    ["Thu, 01 Jan 1970 00:00:00 GMT", 0],
    ["Sun, 06 Nov 1994 08:49:37 GMT", Date.UTC(1994, 10, 6, 8, 49, 37)],
    ["Sunday, 06-Nov-94 08:49:37 GMT", Date.UTC(1994, 10, 6, 8, 49, 37)],
    ["Sun Nov  6 08:49:37 1994", Date.UTC(1994, 10, 6, 8, 49, 37)],
    ["6 nov 1994 8:9:7", Date.UTC(1994, 10, 6, 8, 9, 7)],
    ["1994 Nov 06 08:49:37", Date.UTC(1994, 10, 6, 8, 49, 37)], // four digits are never a day-of-month
    ["NOVEMBER 06 1994 08:49:37", Date.UTC(1994, 10, 6, 8, 49, 37)],
    ["06 Nov 00 00:00:00", Date.UTC(2000, 10, 6)],
    ["06 Nov 69 00:00:00", Date.UTC(2069, 10, 6)],
    ["06 Nov 70 00:00:00", Date.UTC(1970, 10, 6)],
    ["06 Nov 1601 00:00:00", Date.UTC(1601, 10, 6)],
    ["29 Feb 2024 00:00:00", Date.UTC(2024, 1, 29)],
    ["06 Nov 1994 08:49:37junk", Date.UTC(1994, 10, 6, 8, 49, 37)],
  ])("%j -> %s", (text, expected) => {
    expect(parseCookieDate(text)).toBe(expected);
  });

  it.each([
    "1970",
    "Thu, 01 Jan 1970",
    "1/1/1970",
    "1970-01-01",
    "01 Jan 1970 24:00:00",
    "01 Jan 1970 00:60:00",
    "01 Jan 1970 00:00:60",
    "00 Jan 1970 00:00:00",
    "32 Jan 1970 00:00:00",
    "31 Feb 2026 00:00:00",
    "29 Feb 2025 00:00:00",
    "01 Jan 1600 00:00:00",
    "01 Foo 1970 00:00:00",
    "01 Jan 19700 00:00:00",
    "",
  ])("%j is not a cookie date", (text) => {
    expect(parseCookieDate(text)).toBeUndefined();
  });
});

describe("rewriteSetCookie", () => {
  const base: CookieRule = { pattern: "x", category: "analytics", order: 0 };
  it.each<[string, Partial<CookieRule>, string | undefined, string[]]>([
    ["x=1; Max-Age=100", { maxAgeSeconds: 200 }, undefined, []],
    ["x=1; Max-Age=300; Path=/", { maxAgeSeconds: 200 }, "x=1; Path=/; Max-Age=200", ["max-age"]],
    [
      `x=1; Expires=${httpDate(NOW + 1_000)}; Path=/`,
      { maxAgeSeconds: 200 },
      `x=1; Path=/; Max-Age=200; Expires=${httpDate(NOW + 200)}`,
      ["max-age"],
    ],
    ["x=1", { maxAgeSeconds: 200 }, undefined, []], // a session cookie is already shorter than any cap
    [
      "x=1; Path=/",
      { secure: true, httpOnly: true },
      "x=1; Path=/; Secure; HttpOnly",
      ["secure", "httponly"],
    ],
    ["x=1; secure; HTTPONLY", { secure: true, httpOnly: true }, undefined, []],
    ["x=1; SameSite=None; Secure", { sameSite: "Lax" }, "x=1; Secure; SameSite=Lax", ["samesite"]],
    ["x=1; samesite=lax", { sameSite: "Lax" }, undefined, []],
    ["x=1; SameSite=Strict", { sameSite: "Lax" }, undefined, []], // never weakened to the rule's minimum
    ["x=1; SameSite=Bogus", { sameSite: "Lax" }, "x=1; SameSite=Lax", ["samesite"]],
    ["x=1; SameSite=Lax", { sameSite: "Strict" }, "x=1; SameSite=Strict", ["samesite"]],
    ["x=1; Path=/", { path: "/api/auth" }, "x=1; Path=/api/auth", ["path"]],
    ["x=1", { path: "/api/auth" }, "x=1; Path=/api/auth", ["path"]],
    ["x=1; Path=/api/auth/refresh", { path: "/api/auth" }, undefined, []],
    ["x=1; Path=/api/authz", { path: "/api/auth" }, "x=1; Path=/api/auth", ["path"]],
    ["x=1", { path: "/a;Domain=evil.test" }, undefined, []], // an unsafe path is never echoed
    ["x=1", { path: "/a\u0000" }, undefined, []],
  ])("%j with %j", (raw, rule, expected, changes) => {
    const result = rewriteSetCookie(parseSetCookie(raw), { ...base, ...rule }, NOW);
    expect(result?.line).toBe(expected);
    expect(result?.changes ?? []).toEqual(changes);
  });
});

describe("decideSetCookie", () => {
  const classify = compileCookieClassifier(
    [
      { pattern: "sid", category: "necessary", order: 0, httpOnly: true },
      { pattern: "_ga", category: "analytics", order: 1, maxAgeSeconds: 3_600 },
    ],
    "ce_consent",
  );
  const decide = (raw: string, granted: string[], undeclared: "block" | "allow" | "report" = "block") =>
    decideSetCookie(raw, {
      classify,
      consentCookieName: "ce_consent",
      granted: new Set(["necessary", ...granted]),
      undeclared,
      now: NOW,
    });

  it.each([
    ["sid=1; HttpOnly", [], "keep"],
    ["sid=1", [], "rewrite"],
    ["_ga=GA1; Max-Age=60", [], "drop"],
    ["_ga=GA1; Max-Age=60", ["analytics"], "keep"],
    ["_ga=GA1; Max-Age=99999", ["analytics"], "rewrite"],
    // An origin deleting a refused cookie gets our own deletion line, never its own (issue 7 item 2).
    ["_ga=; Max-Age=0", [], "delete"],
    [`_ga=; Expires=${httpDate(0)}`, [], "delete"],
    // Only the consent API may set the consent cookie (issue 7 item 7).
    ["ce_consent=1.r.1.-", [], "drop"],
    ["ce_consent=1.r.1.analytics", ["analytics"], "drop"],
    ["unknown=1", [], "drop"],
    ["noequals", [], "drop"],
  ])("%j granted %j -> %s", (raw, granted, action) => {
    expect(decide(raw, granted).action).toBe(action);
  });

  it.each([
    ["allow", "keep"],
    ["report", "keep"],
    ["block", "drop"],
  ] as const)("undeclared cookies under %s -> %s", (policy, action) => {
    const decision = decide("mystery=1", [], policy);
    expect(decision.action).toBe(action);
    expect(decision.reason).toEqual({ kind: "undeclared", policy });
  });

  it("keeps a kept line byte for byte", () => {
    const raw = "sid=a%20b==; httponly;   Path=/x ; Weird";
    const decision = decide(raw, []);
    expect(decision.action === "keep" && decision.line).toBe(raw);
  });
});

describe("decideSetCookie: a refused cookie never passes as the origin wrote it (issue 7 item 2)", () => {
  const classify = compileCookieClassifier(
    [
      { pattern: "_ga", category: "analytics", order: 0 },
      { pattern: "__Host-ad", category: "marketing", order: 1 },
      { pattern: "__Secure-ad", category: "marketing", order: 2 },
    ],
    "ce_consent",
  );
  const context = {
    classify,
    consentCookieName: "ce_consent",
    granted: new Set(["necessary"]),
    undeclared: "block" as const,
    now: NOW,
  };
  const EPOCH_ATTRIBUTES = "Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";

  // What the review saw Chromium store, and their relatives: each is dropped or replaced.
  it.each<[string, string | undefined]>([
    ["_ga=x; Expires=1970", `_ga=; ${EPOCH_ATTRIBUTES}`],
    ["_ga=x; Expires=Thu, 01 Jan 1970", `_ga=; ${EPOCH_ATTRIBUTES}`],
    [`_ga=x; Max-Age=+31536000; Expires=${httpDate(0)}`, `_ga=; ${EPOCH_ATTRIBUTES}`],
    ["_ga=x; Expires=Thu, 01 Jan 70 00:00:00 GMT", `_ga=; ${EPOCH_ATTRIBUTES}`],
    ["_ga=x; Expires=1/1/1970", `_ga=; ${EPOCH_ATTRIBUTES}`],
    ["_ga=x; Max-Age=0; Max-Age=31536000", `_ga=; ${EPOCH_ATTRIBUTES}`],
    [
      "_ga=x; Max-Age=-1; Path=/a; Domain=.example.com; Secure",
      `_ga=; ${EPOCH_ATTRIBUTES}; Path=/a; Domain=.example.com; Secure`,
    ],
    ["_ga=x; Max-Age=0; Path=/a b; Domain=ex ample.com", `_ga=; ${EPOCH_ATTRIBUTES}`], // unsafe parts left out
    ["_ga=x; Max-Age=0; Path=/a\u0001; Domain=a.com\u0001", `_ga=; ${EPOCH_ATTRIBUTES}`],
    ["_ga=x; Max-Age=0; Path=relative", `_ga=; ${EPOCH_ATTRIBUTES}`],
    ["_ga=x; Max-Age=0; Partitioned", `_ga=; ${EPOCH_ATTRIBUTES}; Secure; Partitioned`],
    [
      "__Host-ad=x; Max-Age=0; Domain=example.com; Path=/x",
      `__Host-ad=; ${EPOCH_ATTRIBUTES}; Path=/; Secure`,
    ],
    ["__Secure-ad=x; Max-Age=0", `__Secure-ad=; ${EPOCH_ATTRIBUTES}; Secure`],
    // Sets, in any date format: dropped.
    ["_ga=x; Max-Age=31536000", undefined],
    [`_ga=x; Expires=${httpDate(NOW + 1_000)}`, undefined],
    ["_ga=x; Expires=Fri, 01 Jan 38 00:00:00 GMT", undefined],
    ["_ga=x", undefined],
    // Nameless cookies read back as `_ga=...`: judged as _ga; no canonical deletion exists for them.
    ["=_ga=x; Max-Age=0", undefined],
    ["=_ga=x", undefined],
  ])("%j -> %j", (raw, expected) => {
    const decision = decideSetCookie(raw, context);
    if (expected === undefined) expect(decision.action).toBe("drop");
    else expect(decision.action === "delete" && decision.line).toBe(expected);
    expect(decision.reason.kind).toBe("rule");
  });

  it.each([
    "ce_consent=1.r.1.analytics~marketing",
    "ce_consent=1.r.1.-; Domain=example.com; Path=/",
    " ce_consent =1.r.1.analytics",
    "\tce_consent\t=1.r.1.analytics; Max-Age=99999999",
    "=ce_consent=1.r.1.analytics",
    "CE_CONSENT=1.r.1.analytics",
    "Ce_Consent=1.r.1.analytics; Secure; HttpOnly",
    "ce_consent=; Max-Age=0",
  ])("an origin line for the consent cookie is dropped and reported: %j", (raw) => {
    const decision = decideSetCookie(raw, {
      ...context,
      granted: new Set(["necessary", "analytics", "marketing"]),
    });
    expect(decision.action).toBe("drop");
    expect(decision.reason).toEqual({ kind: "consent-cookie", setByOrigin: true });
  });

  it("a cookie that merely starts with the consent cookie's name is judged as itself", () => {
    expect(decideSetCookie("ce_consent2=1", context).reason).toEqual({ kind: "undeclared", policy: "block" });
  });
});

describe("rewriteSetCookie: a lifetime cap every browser keeps", () => {
  const rule: CookieRule = { pattern: "x", category: "analytics", order: 0, maxAgeSeconds: 3_600 };
  const rewrite = (raw: string) => rewriteSetCookie(parseSetCookie(raw), rule, NOW)?.line;
  it.each<[string, string | undefined]>([
    ["x=1; Max-Age=60", undefined],
    [`x=1; Expires=${httpDate(NOW + 60)}`, undefined],
    ["x=1", undefined],
    // Over the cap, by whichever attribute the RFC takes.
    ["x=1; Max-Age=60; Max-Age=99999", "x=1; Max-Age=3600"],
    [
      `x=1; Max-Age=99999; Expires=${httpDate(NOW + 60)}`,
      `x=1; Max-Age=3600; Expires=${httpDate(NOW + 3_600)}`,
    ],
    // Ambiguous readings are rewritten even when the RFC's reading is within the cap.
    [
      `x=1; Max-Age=+31536000; Expires=${httpDate(NOW + 60)}`,
      `x=1; Max-Age=60; Expires=${httpDate(NOW + 60)}`,
    ],
    ["x=1; Max-Age=60s", "x=1"], // invalid everywhere but strtol: a session cookie for everyone
    ["x=1; Expires=1970; Path=/", "x=1; Path=/"],
    ["x=1; Expires=Fri, 01 Jan 38 00:00:00 GMT", `x=1; Max-Age=3600; Expires=${httpDate(NOW + 3_600)}`],
    ["x=1; Expires=Thu, 01 Jan 70 00:00:00 GMT", `x=1; Max-Age=0; Expires=${httpDate(0)}`],
    ["x=1; Max-Age=60; Max-Age=x", "x=1; Max-Age=60"],
  ])("%j -> %j", (raw, expected) => {
    expect(rewrite(raw)).toBe(expected);
  });
});

describe("decideSetCookie: a cookie is allowed only under every name it can be read back as", () => {
  const classify = compileCookieClassifier(
    [{ pattern: "_ga", category: "analytics", order: 0 }],
    "ce_consent",
  );
  const decide = (raw: string) =>
    decideSetCookie(raw, {
      classify,
      consentCookieName: "ce_consent",
      granted: new Set(["necessary"]),
      undeclared: "allow",
      now: NOW,
    });
  it.each([
    ["\u00a0_ga=GA1", "drop"], // a String.prototype.trim reader sees _ga
    ["_ga\u00a0=GA1", "drop"],
    ["\ufeff_ga=GA1", "drop"],
    ["=_ga=GA1", "drop"], // sent back as `_ga=GA1`
    ["\u00a0ce_consent=1.r.1.analytics", "drop"],
    ["\u00a0other=1", "keep"], // undeclared under every reading: allowed
    ["_gax=1", "keep"],
  ])("%j -> %s", (raw, action) => {
    expect(decide(raw).action).toBe(action);
  });
});

describe("rewriteSetCookie: every expiry attribute is within the cap, whichever a reader takes", () => {
  const rule: CookieRule = { pattern: "x", category: "analytics", order: 0, maxAgeSeconds: 60 };
  it.each<[string, string | undefined]>([
    [`x=; Max-Age=0; Expires=${httpDate(NOW + 61)}`, `x=; Max-Age=0; Expires=${httpDate(0)}`],
    [`x=1; Max-Age=30; Expires=${httpDate(NOW + 3_600)}`, `x=1; Max-Age=30; Expires=${httpDate(NOW + 30)}`],
    [`x=1; Max-Age=30; Expires=${httpDate(NOW + 30)}`, undefined],
  ])("%j -> %j", (raw, expected) => {
    expect(rewriteSetCookie(parseSetCookie(raw), rule, NOW)?.line).toBe(expected);
  });
});
