/**
 * The document.cookie guard (issue 7, item 6), run as shipped (GUARD_SOURCE_TEXT) against a stand-in
 * Document whose cookie setter records what passes. A write of a refused cookie passes only when the
 * browser would read it as a deletion; tough-cookie (RFC 6265's parser and date algorithm) is the
 * judge: nothing the guard lets through leaves a live refused cookie in a real jar.
 * Chromium judges the same strings in test/e2e/browser.e2e.test.ts.
 */
import fc from "fast-check";
import { CookieJar } from "tough-cookie";
import { describe, expect, it } from "vitest";
import {
  GUARD_SOURCE_TEXT,
  PAGE_GUARD_SOURCE,
  RUNTIME_SOURCE,
  runtimeConfig,
  runtimeText,
} from "../src/html/runtime";
import { fuzzParameters } from "./fuzz/settings";
import { htmlSite } from "./html-helpers";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const URL_ = "https://www.example.com/";
const RULES: Array<[string, string]> = [
  ["^_ga$", "analytics"],
  ["^_ga_.*$", "analytics"],
  ["^_fbp$", "marketing"],
];

/** The guard installed on a fresh stand-in document; returns what reached the real setter. */
function install(granted: string[]): { write: (value: string) => boolean } {
  const passed: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a stand-in for Document.prototype
  class Doc {}
  Object.defineProperty(Doc.prototype, "cookie", {
    configurable: true,
    get: () => "",
    set: (value: string) => {
      passed.push(value);
    },
  });
  const document = new Doc() as { cookie: string };
  class FixedDate extends Date {
    static override now() {
      return NOW;
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the shipped guard text is what is tested
  const load = new Function("document", "Document", "Date", `return ${GUARD_SOURCE_TEXT}`) as (
    ...globals: unknown[]
  ) => (config: { guard: Array<[string, string]> }, has: (category: string) => boolean) => void;
  const guard = load(document, Doc, FixedDate);
  guard({ guard: RULES }, (category) => category === "necessary" || granted.includes(category));
  return {
    write(value) {
      const before = passed.length;
      document.cookie = value;
      return passed.length > before;
    },
  };
}

/** tough-cookie's verdict: after `_ga` and `_fbp` were stored, does `line` leave one of them live? */
function jarKeepsRefused(line: string): boolean {
  const jar = new CookieJar();
  const now = new Date(NOW);
  jar.setCookieSync("_ga=old; Max-Age=31536000", URL_, { now });
  jar.setCookieSync("_fbp=old; Max-Age=31536000", URL_, { now });
  jar.setCookieSync(line, URL_, { now, ignoreError: true });
  return jar
    .getCookiesSync(URL_, { expire: false })
    .filter((cookie) => (cookie.expiryTime(now) ?? Number.POSITIVE_INFINITY) > NOW)
    .some((cookie) => {
      // A nameless cookie is sent as its value alone: `=_ga=1` reaches the server as `_ga=1`.
      const sentName = cookie.key === "" ? cookie.value.split("=")[0]?.trim() : cookie.key;
      return (sentName === "_ga" || sentName === "_fbp") && cookie.value !== "old";
    });
}

/** tough-cookie's verdict: does `line` delete the stored `_ga`? */
function jarDeletes(line: string): boolean {
  const jar = new CookieJar();
  const now = new Date(NOW);
  jar.setCookieSync("_ga=old; Max-Age=31536000", URL_, { now });
  jar.setCookieSync(line, URL_, { now, ignoreError: true });
  return !jar
    .getCookiesSync(URL_, { expire: false })
    .some((cookie) => cookie.key === "_ga" && (cookie.expiryTime(now) ?? Number.POSITIVE_INFINITY) > NOW);
}

const REFUSED = [
  "_ga=1",
  "_ga=1; Max-Age=0600",
  "_ga=1; max-age=0600; path=/",
  "_ga=1; Max-Age=+0",
  "_ga=1; Max-Age=0x0",
  "_ga=1; Max-Age=0.0",
  "_ga=1; Max-Age=0; Max-Age=600",
  "_ga=1; Max-Age=600; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
  "_ga=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=600",
  "_ga=1; Expires=1970",
  "_ga=1; Expires=Thu, 01 Jan 1970",
  "_ga=1; Expires=1/1/1970",
  "_ga=1; Expires=1970-01-01T00:00:00Z",
  "_ga=1; Expires=Thu, 01 Jan 69 00:00:00 GMT",
  "_ga=1; Expires=Thu, 31 Feb 1970 00:00:00 GMT",
  "_ga=1; Expires=Thu, 01 Jan 1600 00:00:00 GMT",
  "_ga=1; Expires=Thu, 01 Jan 1970 24:00:00 GMT",
  "_ga=1; expires=Thu, 01 Jan 1970 00:00:00 GMT; expires=Fri, 01 Jan 2100 00:00:00 GMT",
  "_ga=1; comment=max-age=0",
  "_ga=1; path=/max-age=0",
  "_ga=1; x=expires=thu, 01 jan 1970",
  "_ga=max-age=0",
  "_ga=expires=Thu, 01 Jan 1970 00:00:00 GMT",
  "=_ga=1",
  "  =  _ga=1",
  " _ga =1",
  "\t_ga=1",
  "_ga_ABC=GS1.1",
  "_fbp=fb.1.2",
] as const;

/**
 * Parsers disagree on these (tough-cookie reads a deletion; RFC 6265bis ignores a line with a control
 * character, older browsers cut it short at one, leaving `_ga=1`; `Max-Age= 0 1` is no number to
 * RFC 6265bis §5.6.2): the guard does not trust them to delete.
 */
const UNCERTAIN = [
  // tough-cookie trims a no-break space; browsers trim only SP and HTAB (RFC 6265bis §5.6).
  "_ga=1; Max-Age=\u00a00",
  "_ga=1; Max-Age= 0 1",
  "_ga=1; Max-Age=0\u0000",
  "_ga=1\u0000; Max-Age=0",
  "_ga=1; Max-Age=0\n",
  "_ga=1\n; Max-Age=0",
  "_ga=1; Max-Age=0\r",
  "_ga=1; Max-Age=0\u0001",
] as const;

const DELETIONS = [
  "_ga=; Max-Age=0",
  "_ga=; max-age=-1",
  "_ga=; MAX-AGE=0",
  "_ga=; Max-Age = 0 ",
  "_ga=;\tMax-Age=0",
  "_ga=; Max-Age=-0",
  "_ga=; Max-Age=00",
  "_ga=; Max-Age=-31536000",
  "_ga=; Max-Age=600; Max-Age=0",
  "_ga=; Expires=Fri, 01 Jan 2100 00:00:00 GMT; Max-Age=0",
  "_ga=; expires=Thu, 01 Jan 1970 00:00:00 GMT",
  "_ga=; EXPIRES=thu, 01-jan-1970 00:00:00 gmt",
  "_ga=; Expires=Thu, 01-Jan-70 00:00:01 GMT",
  `_ga=; expires=${new Date(0).toUTCString()}`,
  "_ga=; expires=Wed, 21 Oct 2015 07:28:00 GMT",
  "_ga=; Expires=Fri, 01 Jan 2100 00:00:00 GMT; expires=Thu, 01 Jan 1970 00:00:00 GMT",
  "_ga=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; secure",
  "_ga=x; expires=1 Jan 1970 00:00:00",
] as const;

describe("the cookie guard", () => {
  it.each(REFUSED)("refuses %j (the browser would store it, or not delete)", (line) => {
    expect(install([]).write(line)).toBe(false);
    expect(jarDeletes(line)).toBe(false);
  });

  it.each(UNCERTAIN)("refuses %j (not every browser reads it as a deletion)", (line) => {
    expect(install([]).write(line)).toBe(false);
  });

  it.each(DELETIONS)("lets the deletion %j through", (line) => {
    expect(install([]).write(line)).toBe(true);
    expect(jarDeletes(line)).toBe(true);
  });

  it.each(["theme=dark", "theme=dark; Max-Age=600", "session_hint=1; expires=Fri, 01 Jan 2100 00:00:00 GMT"])(
    "lets %j through (no rule names it)",
    (line) => {
      expect(install([]).write(line)).toBe(true);
    },
  );

  it.each(["_ga=1; Max-Age=600", "_ga_ABC=1", "=_ga=1"])(
    "lets %j through once analytics is granted",
    (line) => {
      expect(install(["analytics"]).write(line)).toBe(true);
    },
  );

  it("is judged by a real jar: nothing it lets through leaves a refused cookie live (property)", () => {
    const ws = fc.constantFrom("", " ", "\t", "  ");
    const name = fc.constantFrom("_ga", "_GA", "_ga_X", "_fbp", "theme", "", " _ga", "=_ga", "_ga\u00a0");
    const maxAge = fc.constantFrom(
      "0",
      "-1",
      "00",
      "0600",
      "600",
      "+0",
      "+600",
      "0x0",
      "1e3",
      "",
      " 0",
      "-0",
      "0 ",
    );
    const date = fc.constantFrom(
      "Thu, 01 Jan 1970 00:00:00 GMT",
      "Fri, 01 Jan 2100 00:00:00 GMT",
      "Thu, 01 Jan 1970",
      "1970",
      "1/1/1970",
      "01-Jan-70 00:00:00",
      "01 Jan 69 00:00:00",
      "31 Feb 1970 00:00:00",
      "Jan 1 1970 23:59:59",
      "1 jan 1601 00:00:00",
      "1 jan 1600 00:00:00",
      "",
    );
    const attributeName = (canonical: string) =>
      fc.constantFrom(
        canonical,
        canonical.toUpperCase(),
        canonical.charAt(0).toUpperCase() + canonical.slice(1),
      );
    const attribute = fc.oneof(
      fc
        .tuple(ws, attributeName("max-age"), ws, ws, maxAge)
        .map(([a, n, b, c, v]) => `${a}${n}${b}=${c}${v}`),
      fc.tuple(ws, attributeName("expires"), ws, date).map(([a, n, b, v]) => `${a}${n}${b}=${v}`),
      fc.constantFrom(
        " path=/",
        " Secure",
        " SameSite=Lax",
        " comment=max-age=0",
        " x=expires=Thu, 01 Jan 1970",
        " Max-Age",
      ),
    );
    const line = fc
      .tuple(name, fc.constantFrom("", "1", "x=y", "max-age=0"), fc.array(attribute, { maxLength: 4 }))
      .map(([n, v, attributes]) => [`${n}=${v}`, ...attributes].join(";"));
    fc.assert(
      fc.property(line, (value) => {
        if (install([]).write(value)) expect(jarKeepsRefused(value), value).toBe(false);
      }),
      fuzzParameters(),
    );
  });
});

describe("where the guard ships", () => {
  it("only in the runtime of a site with cookieGuard, after the core runtime", () => {
    const site = (trackers: Record<string, boolean>) =>
      runtimeText(runtimeConfig(htmlSite({ trackers }), new Set(["necessary"])));
    const plain = site({ runtimeGuard: false });
    const guarded = site({ cookieGuard: true, runtimeGuard: false });
    expect(plain.startsWith(RUNTIME_SOURCE)).toBe(true);
    expect(plain).not.toContain(GUARD_SOURCE_TEXT);
    expect(plain.endsWith("})")).toBe(true);
    expect(guarded.startsWith(RUNTIME_SOURCE)).toBe(true);
    expect(guarded.endsWith(`,${GUARD_SOURCE_TEXT})`)).toBe(true);
  });

  it("the page guard ships by default, after the cookie guard's place (0 when the site has none)", () => {
    const site = (trackers: Record<string, boolean>) =>
      runtimeText(runtimeConfig(htmlSite({ trackers }), new Set(["necessary"])));
    expect(site({}).endsWith(`,0,${PAGE_GUARD_SOURCE})`)).toBe(true);
    expect(site({ cookieGuard: true }).endsWith(`,${GUARD_SOURCE_TEXT},${PAGE_GUARD_SOURCE})`)).toBe(true);
    expect(site({ runtimeGuard: false })).not.toContain(PAGE_GUARD_SOURCE);
  });
});
