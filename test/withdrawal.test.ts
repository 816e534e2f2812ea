import { describe, expect, inject, it } from "vitest";
import { expiryLines } from "../src/cookies/expire-cookies";
import { MAX_EXPIRED_NAMES } from "../src/cookies/filter-request-cookies";
import { cookieDomains, registrableDomain } from "../src/cookies/registrable-domain";
import { appFor, send, testSite } from "./helpers";

const EPOCH = "Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";

describe("cookieDomains", () => {
  it.each([
    ["www.aktok.com", ["www.aktok.com", "aktok.com"]],
    ["aktok.com", ["aktok.com"]],
    [
      "a.b.shop.example.co.uk",
      ["a.b.shop.example.co.uk", "b.shop.example.co.uk", "shop.example.co.uk", "example.co.uk"],
    ],
    ["foo.github.io", ["foo.github.io"]], // a private-section public suffix: its own registrable domain
    ["bar.foo.github.io", ["bar.foo.github.io", "foo.github.io"]],
    ["github.io", []],
    ["co.uk", []],
    ["localhost", []],
    ["127.0.0.1", []],
    ["[::1]", []],
  ])("%s -> %j", (host, domains) => {
    expect(cookieDomains(host)).toEqual(domains);
  });
});

describe("expiryLines", () => {
  it("expires host-only and every Domain= variant, on / and the rule's path, Secure over https", () => {
    expect(
      expiryLines(
        { name: "_ga", path: "/api/auth" },
        { domains: ["www.aktok.com", "aktok.com"], secure: true },
      ),
    ).toEqual([
      `_ga=; ${EPOCH}; Path=/; Secure`,
      `_ga=; ${EPOCH}; Path=/; Domain=www.aktok.com; Secure`,
      `_ga=; ${EPOCH}; Path=/; Domain=aktok.com; Secure`,
      `_ga=; ${EPOCH}; Path=/api/auth; Secure`,
      `_ga=; ${EPOCH}; Path=/api/auth; Domain=www.aktok.com; Secure`,
      `_ga=; ${EPOCH}; Path=/api/auth; Domain=aktok.com; Secure`,
    ]);
  });

  it("only host-only on localhost over http, without Secure", () => {
    expect(expiryLines({ name: "_fbp" }, { domains: [], secure: false })).toEqual([
      `_fbp=; ${EPOCH}; Path=/`,
    ]);
  });

  it("a __Host- cookie has exactly one variant: host-only, Path=/, Secure", () => {
    expect(
      expiryLines(
        { name: "__Host-ad", path: "/x" },
        { domains: ["a.example.com", "example.com"], secure: false },
      ),
    ).toEqual([`__Host-ad=; ${EPOCH}; Path=/; Secure`]);
  });

  it("a __Secure- cookie is always expired with Secure", () => {
    const lines = expiryLines({ name: "__Secure-ad" }, { domains: ["example.com"], secure: false });
    expect(lines).toEqual([
      `__Secure-ad=; ${EPOCH}; Path=/; Secure`,
      `__Secure-ad=; ${EPOCH}; Path=/; Domain=example.com; Secure`,
    ]);
  });

  it.each(["/a;b", "/a b", "/a\u0000", "/a\r\nSet-Cookie: x=1", "relative"])(
    "never echoes an unsafe rule path %j into a header: only Path=/ is deleted",
    (path) => {
      expect(expiryLines({ name: "_ga", path }, { domains: [], secure: false })).toEqual([
        `_ga=; ${EPOCH}; Path=/`,
      ]);
    },
  );

  it.each(["a b", "a,b", 'a"b', "a\tb", ""])("never echoes a non-token name %j into a header", (name) => {
    expect(expiryLines({ name }, { domains: ["example.com"], secure: true })).toEqual([]);
  });
});

describe("registrableDomain against the Public Suffix List's own tests", () => {
  const data = inject("publicSuffixTests");
  it.skipIf(data === null)(
    "matches publicsuffix/list tests/tests.txt (skipped: ../shared/testdata absent)",
    () => {
      const cases = (data ?? "")
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "" && !line.startsWith("//"))
        .map((line) => line.split(/\s+/) as [string, string]);
      // Only inputs a URL can produce as a hostname: lowercase ASCII, no leading dot.
      const hostnames = cases.filter(
        ([input]) => input !== "null" && !input.startsWith(".") && /^[\x21-\x7e]+$/.test(input),
      );
      expect(hostnames.length).toBeGreaterThan(50);
      const mismatches = hostnames
        .map(([input, expected]) => [input, expected, registrableDomain(input.toLowerCase()) ?? "null"])
        .filter(([, expected, actual]) => expected !== actual);
      expect(mismatches).toEqual([]);
    },
  );
});

describe("the debug headers list as expired only cookies a deletion line was sent for (issue 7 item 9)", () => {
  const app = appFor(testSite());
  const sentNames = (res: Response) =>
    new Set(res.headers.getSetCookie().map((line) => line.slice(0, line.indexOf("="))));
  const listed = (value: string | null) =>
    value === null || value === "none"
      ? []
      : value.split(", ").map((item) => item.slice(0, item.indexOf(" (")));

  it.each([
    ["a name that is not a token", "_ga_a b=1; _ga=1", ["_ga"], ["_ga_a b"]],
    ["a name with a comma", "_ga_a,b=1", [], ["_ga_a,b"]],
    ["a quoted name", '_ga_"x"=1; _fbp=2', ["_fbp"], ['_ga_"x"']],
  ])("%s", async (_label, cookie, expired, notExpired) => {
    const res = await send(app, "https://www.example.com/", { headers: { Cookie: cookie }, debug: true });
    const expiredHeader = listed(res.headers.get("X-Consent-Cookies-Expired"));
    expect(expiredHeader).toEqual(expired);
    for (const name of expiredHeader) expect(sentNames(res).has(name)).toBe(true);
    expect(listed(res.headers.get("X-Consent-Cookies-Not-Expired"))).toEqual(notExpired);
    expect(res.headers.get("X-Consent-Cookies-Not-Expired")).toContain(": not a token");
  });

  it(`past ${MAX_EXPIRED_NAMES} names, the rest are reported as not expired, not as expired`, async () => {
    const names = Array.from({ length: MAX_EXPIRED_NAMES + 5 }, (_, i) => `_ga_${i}`);
    const res = await send(app, "https://www.example.com/", {
      headers: { Cookie: names.map((name) => `${name}=1`).join("; ") },
      debug: true,
    });
    const sent = sentNames(res);
    expect(sent.size).toBe(MAX_EXPIRED_NAMES);
    expect(names.slice(MAX_EXPIRED_NAMES).some((name) => sent.has(name))).toBe(false);
    // The header is capped in length, so compare what it lists with what was sent.
    const expiredHeader = listed(res.headers.get("X-Consent-Cookies-Expired")).filter(
      (name) => !name.startsWith("..."),
    );
    expect(expiredHeader.length).toBeGreaterThan(0);
    for (const name of expiredHeader) expect(sent.has(name)).toBe(true);
    const notExpired = res.headers.get("X-Consent-Cookies-Not-Expired") ?? "";
    for (const name of names.slice(MAX_EXPIRED_NAMES))
      expect(notExpired).toContain(`${name} (analytics: _ga_*): over the limit`);
  });
});
