/**
 * Property tests for the cookie parsers and decisions, judged by tough-cookie's jar (RFC 6265) and
 * by the lenient readings Chromium and Firefox also apply (`Max-Age=+5`, `Date.parse`): random
 * names, values, attribute orders and cases, dates in every format §5.1.1 accepts and many it does
 * not, Max-Age signs and spaces, duplicate attributes, junk.
 */
import fc from "fast-check";
import { Cookie, parseDate } from "tough-cookie";
import { describe, expect, it } from "vitest";
import { compileCookieClassifier } from "../../src/cookies/classify-cookie";
import { parseCookieDate } from "../../src/cookies/cookie-date";
import { decideSetCookie } from "../../src/cookies/decide-set-cookie";
import { planRequestCookies } from "../../src/cookies/filter-request-cookies";
import { parseCookieHeader, serializeCookieHeader } from "../../src/cookies/parse-cookie-header";
import { parseSetCookie } from "../../src/cookies/parse-set-cookie";
import { expiryLines } from "../../src/cookies/expire-cookies";
import { cookieDomains } from "../../src/cookies/registrable-domain";
import { applyLines, expiryOf, liveCookies, newJar, storedFrom } from "../cookie-jar";
import { fuzzParameters } from "./settings";

const NOW = 1_795_000_000;
const NOW_MS = NOW * 1000;
const PAGE = "https://www.example.com/";
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

// Dates from before the epoch to far ahead, and many near now (where caps and deletions bite).
const instant = fc.oneof(
  fc.integer({ min: Date.UTC(1601, 0, 1), max: Date.UTC(9999, 11, 31) }),
  fc.integer({ min: NOW_MS - 800 * 86_400_000, max: NOW_MS + 800 * 86_400_000 }),
  fc.constant(0),
);

/** One instant written in one of the shapes origins send, valid for §5.1.1 or not. */
const dateText = fc
  .tuple(instant, fc.nat(13), fc.constantFrom("", " ", "  "), fc.boolean())
  .map(([ms, shape, space, upper]) => {
    const d = new Date(ms);
    const [Y, M, D, h, m, s, w] = [
      d.getUTCFullYear(),
      d.getUTCMonth(),
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCDay(),
    ];
    const mon = MONTHS[M] ?? "Jan";
    const day = DAYS[w] ?? "Sun";
    const time = `${pad(h)}:${pad(m)}:${pad(s)}`;
    const texts = [
      d.toUTCString(), // IMF-fixdate
      `${day}, ${pad(D)}-${mon}-${Y} ${time} GMT`, // Netscape
      `${day}day, ${pad(D)}-${mon}-${pad(Y % 100)} ${time} GMT`, // RFC 850, two-digit year
      `${day} ${mon} ${String(D).padStart(2, " ")} ${time} ${Y}`, // asctime
      `${day}, ${pad(D)} ${mon} ${pad(Y % 100)} ${time} GMT`, // two-digit year
      `${day}, ${pad(D)} ${mon} ${Y}`, // no time
      String(Y), // a year alone
      `${M + 1}/${D}/${Y}`, // US numeric
      d.toISOString(),
      `${Y} ${mon} ${D} ${h}:${m}:${s}`, // year first, unpadded
      `${time} ${D} ${mon.toLowerCase()}${"uary".slice(0, w)} ${Y}`, // time first, long month
      `${pad(D)} ${mon} ${Y} ${time}junk`,
      `${pad(D)} ${mon} ${Y} ${pad(h + 24)}:${pad(m)}:${pad(s)}`, // hour out of range
      `${pad(D + 30)} ${mon} ${Y} ${time}`, // day out of range
    ];
    const text = `${space}${texts[shape] ?? ""}${space}`;
    return upper ? text.toUpperCase() : text;
  });

const maxAgeText = fc
  .tuple(
    fc.constantFrom("", "+", "-", " ", "+ ", "--", "-0"),
    fc.oneof(fc.integer({ min: 0, max: 99_999_999 }), fc.constantFrom(0, 1, 60, 600)),
    fc.constantFrom("", "", "s", ".5", " x", "e3"),
    fc.boolean(),
  )
  .map(([sign, n, tail, zeros]) => `${sign}${zeros ? "00" : ""}${n}${tail}`);

const junk = fc.string({
  unit: fc.constantFrom(..."abc=;,\t \"'\\/\u0001\u007f\u00a0\u00ff-_.0123456789:".split("")),
  maxLength: 12,
});

const attributeCase = (key: string) =>
  fc.constantFrom(key, key.toLowerCase(), key.toUpperCase(), ` ${key} `, `\t${key}`);

const attribute = fc.oneof(
  fc.tuple(attributeCase("Expires"), dateText).map(([k, v]) => `${k}=${v}`),
  fc.tuple(attributeCase("Max-Age"), maxAgeText).map(([k, v]) => `${k}=${v}`),
  fc.tuple(attributeCase("Max-Age"), fc.constantFrom(" = 0", "=", "=+0", "= 60")).map(([k, v]) => `${k}${v}`),
  fc
    .tuple(
      attributeCase("Domain"),
      fc.constantFrom(
        "example.com",
        ".example.com",
        "www.example.com",
        "EXAMPLE.COM",
        "other.test",
        "",
        "exa mple.com",
      ),
    )
    .map(([k, v]) => `${k}=${v}`),
  fc
    .tuple(
      attributeCase("Path"),
      fc.constantFrom("/", "/a", "/a/b", "", "relative", "/a b", "/a\u0001", "/%3B"),
    )
    .map(([k, v]) => `${k}=${v}`),
  fc.constantFrom(
    "Secure",
    "HttpOnly",
    "SameSite=None",
    "SameSite=Lax",
    "samesite=strict",
    "Partitioned",
    "Version=1",
  ),
  junk,
);

const cookieName = fc.oneof(
  fc.constantFrom("_ga", "_ga_X1", "_fbp", "__Host-ad", "__host-ad", "__Secure-ad", "undeclared", "x"),
  fc.constantFrom("ce_consent", "CE_CONSENT", " ce_consent", "ce_consent\t", "\u00a0ce_consent"),
  fc.string({ unit: fc.constantFrom(..."_-.abcXYZ019!#$%&'*+^`|~".split("")), minLength: 1, maxLength: 10 }),
  junk,
);

const cookieValue = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'abcXYZ019._-%="'.split("")), maxLength: 16 }),
  fc.constant(""),
  junk,
);

const separator = fc.constantFrom(";", "; ", " ;", ";;", " ; ", ";\t");

/** A whole Set-Cookie line as a hostile or careless origin writes it. */
const setCookieLine = fc
  .tuple(
    cookieName,
    fc.constantFrom("=", " = ", "=", ""),
    cookieValue,
    fc.array(fc.tuple(separator, attribute), { maxLength: 6 }),
    fc.boolean(),
  )
  .map(([name, eq, value, attributes, nameless]) => {
    const pair = nameless ? `=${name}=${value}` : `${name}${eq}${value}`;
    return pair + attributes.map(([sep, attr]) => `${sep}${attr}`).join("");
  })
  // What a Headers object can carry: no CR, LF or NUL (Fetch: a header value).
  .filter((line) => !/[\r\n\0]/.test(line));

const rules = (cap?: number) =>
  compileCookieClassifier(
    [
      { pattern: "session", category: "necessary", order: 0 },
      { pattern: "_ga", category: "analytics", order: 1, ...(cap ? { maxAgeSeconds: cap } : {}) },
      { pattern: "_ga_*", category: "analytics", order: 2, ...(cap ? { maxAgeSeconds: cap } : {}) },
      { pattern: "_fbp", category: "marketing", order: 3, ...(cap ? { maxAgeSeconds: cap } : {}) },
      { pattern: "__Host-ad", category: "marketing", order: 4 },
      { pattern: "__Secure-ad", category: "marketing", order: 5 },
    ],
    "ce_consent",
  );

const ALL = new Set(["necessary", "functional", "analytics", "marketing"]);
const NONE = new Set(["necessary"]);

/** Lifetimes (s) a lenient reader could take from a line: strtol-style Max-Age, Date.parse Expires. */
function lenientLifetimes(line: string): number[] {
  const out: number[] = [];
  for (const attribute of parseSetCookie(line).attributes) {
    if (attribute.key === "max-age") {
      const match = /^\s*([+-]?\d+)/.exec(attribute.value);
      if (match) out.push(Number(match[1]));
    }
    if (attribute.key === "expires") {
      const at = Date.parse(attribute.value);
      if (!Number.isNaN(at)) out.push(Math.floor(at / 1000) - NOW);
      const strict = parseCookieDate(attribute.value);
      if (strict !== undefined) out.push(Math.floor(strict / 1000) - NOW);
    }
  }
  return out;
}

/** Neither a header nor an attribute can be smuggled through a line we write. */
function expectNoInjection(emitted: string, origin: string) {
  expect(emitted).not.toMatch(/[\r\n\0]/);
  const parsed = Cookie.parse(emitted);
  if (!parsed) return;
  // Every attribute tough-cookie does not know must already have been in the origin's line.
  for (const extension of parsed.extensions ?? []) expect(origin).toContain(extension);
}

describe("Set-Cookie properties", () => {
  it("no parser or decision throws, on generated lines or on any string", () => {
    const classify = rules(3_600);
    fc.assert(
      fc.property(fc.oneof(setCookieLine, fc.string(), fc.string({ unit: "binary" })), (line) => {
        parseSetCookie(line);
        parseCookieDate(line);
        for (const granted of [ALL, NONE]) {
          for (const undeclared of ["block", "allow", "report"] as const) {
            decideSetCookie(line, {
              classify,
              consentCookieName: "ce_consent",
              granted,
              undeclared,
              now: NOW,
            });
          }
        }
      }),
      fuzzParameters(),
    );
  });

  it("a refused cookie: whatever the worker emits stores nothing in the jar, and is never the origin's line", () => {
    const classify = rules();
    fc.assert(
      fc.property(setCookieLine, (line) => {
        const decision = decideSetCookie(line, {
          classify,
          consentCookieName: "ce_consent",
          granted: NONE,
          undeclared: "block",
          now: NOW,
        });
        if (decision.action === "drop") return;
        if (decision.action === "delete") {
          expect(storedFrom([decision.line], PAGE, NOW_MS)).toEqual([]);
          expect(lenientLifetimes(decision.line).every((lifetime) => lifetime <= 0)).toBe(true);
          expect(decision.line).not.toBe(line);
          expectNoInjection(decision.line, line);
          // Our deletion carries no attribute of the origin's but Path, Domain, Secure, Partitioned.
          const parsed = Cookie.parse(decision.line);
          expect(parsed?.key).toBe(decision.name);
          expect(parsed?.value).toBe("");
          expect((parsed?.extensions ?? []).filter((extension) => extension !== "Partitioned")).toEqual([]);
          return;
        }
        // Kept or rewritten: only a necessary cookie may be.
        expect(decision.reason).toMatchObject({ kind: "rule", category: "necessary" });
      }),
      fuzzParameters(),
    );
  });

  it("a kept cookie with a cap: the jar's expiry, and every lenient reading, is within the cap", () => {
    fc.assert(
      fc.property(setCookieLine, fc.integer({ min: 60, max: 400 * 86_400 }), (line, cap) => {
        const decision = decideSetCookie(line, {
          classify: rules(cap),
          consentCookieName: "ce_consent",
          granted: ALL,
          undeclared: "block",
          now: NOW,
        });
        if (
          decision.action === "drop" ||
          decision.reason.kind !== "rule" ||
          decision.reason.category === "necessary"
        )
          return;
        if (!["_ga", "_fbp"].includes(decision.name) && !decision.name.startsWith("_ga_")) return;
        for (const cookie of storedFrom([decision.line], PAGE, NOW_MS)) {
          const expiry = expiryOf(cookie, NOW_MS);
          if (expiry !== Infinity) expect(expiry).toBeLessThanOrEqual(NOW_MS + cap * 1000);
        }
        for (const lifetime of lenientLifetimes(decision.line)) expect(lifetime).toBeLessThanOrEqual(cap);
        if (decision.action === "rewrite") expectNoInjection(decision.line, line);
      }),
      fuzzParameters(),
    );
  });

  it("the origin never sets the consent cookie, under any name a reader takes for it", () => {
    fc.assert(
      fc.property(setCookieLine, (line) => {
        const decision = decideSetCookie(line, {
          classify: rules(),
          consentCookieName: "ce_consent",
          granted: ALL,
          undeclared: "allow",
          now: NOW,
        });
        if (decision.action === "drop") return;
        const { readAs } = parseSetCookie(line);
        expect(readAs.trim().toLowerCase()).not.toBe("ce_consent");
        // Nor does the jar end up holding one.
        const stored = storedFrom([decision.line], PAGE, NOW_MS).map((cookie) => cookie.key.toLowerCase());
        expect(stored).not.toContain("ce_consent");
      }),
      fuzzParameters(),
    );
  });

  it("parseCookieDate is RFC 6265 §5.1.1 as tough-cookie implements it", () => {
    fc.assert(
      fc.property(fc.oneof(dateText, fc.string({ maxLength: 30 })), (text) => {
        const ours = parseCookieDate(text);
        const theirs = parseDate(text)?.getTime();
        expect(ours).toBe(theirs);
      }),
      fuzzParameters(),
    );
  });
});

describe("withdrawal properties", () => {
  const registrables = ["example.com", "example.co.uk", "foo.github.io", "example.test"];
  const hostAndVariant = fc
    .tuple(
      fc.constantFrom(...registrables),
      fc.array(fc.constantFrom("www", "a", "b-c", "x1"), { maxLength: 3 }),
      fc.nat(4),
      fc.constantFrom("/", "/account"),
      fc.boolean(),
      fc.constantFrom("_ga", "__Secure-ga", "__Host-ga"),
    )
    .map(([registrable, labels, depth, path, secure, name]) => {
      const host = [...labels, registrable].join(".");
      const parents = [...labels.keys(), labels.length].map((i) =>
        [...labels.slice(i), registrable].join("."),
      );
      const domain = depth < parents.length ? parents[depth] : undefined;
      return { host, domain, path, secure, name };
    });

  it("a refused cookie planted in any slot the host can hold is gone after the worker's deletions", () => {
    fc.assert(
      fc.property(
        hostAndVariant,
        fc.constantFrom("", ".", "upper"),
        ({ host, domain, path, secure, name }, form) => {
          const prefixed = name.startsWith("__Host-")
            ? `${name}=v; Path=/; Secure`
            : `${name}=v; Path=${path}${domain ? `; Domain=${form === "upper" ? domain.toUpperCase() : `${form}${domain}`}` : ""}${secure || name.startsWith("__Secure-") ? "; Secure" : ""}`;
          const jar = newJar();
          applyLines(jar, [prefixed], `https://${host}/account/x`, NOW_MS);
          expect(liveCookies(jar, NOW_MS).length).toBe(1);
          applyLines(
            jar,
            expiryLines({ name, path: "/account" }, { domains: cookieDomains(host), secure: true }),
            `https://${host}/`,
            NOW_MS,
          );
          expect(liveCookies(jar, NOW_MS)).toEqual([]);
        },
      ),
      fuzzParameters(),
    );
  });
});

describe("Cookie header properties", () => {
  it("never throws; the origin receives only pairs the visitor sent, byte for byte, no CR/LF/NUL", () => {
    const classify = rules();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(cookieName, cookieValue), { maxLength: 12 }),
        fc.constantFrom("; ", ";", " ; "),
        (pairs, sep) => {
          const header = pairs.map(([name, value]) => `${name}=${value}`).join(sep);
          const cookies = parseCookieHeader(header);
          const plan = planRequestCookies(cookies, classify, NONE, "block");
          const sent = serializeCookieHeader(plan.kept);
          for (const cookie of plan.kept) expect(header).toContain(cookie.raw);
          if (!/[\r\n\0]/.test(header)) expect(sent).not.toMatch(/[\r\n\0]/);
          // Nothing refused reaches the origin.
          for (const cookie of parseCookieHeader(sent))
            expect(["session", "ce_consent"]).toContain(cookie.name);
        },
      ),
      fuzzParameters(),
    );
  });
});
