/**
 * What a real cookie jar stores from the worker's Set-Cookie lines (tough-cookie, RFC 6265, in
 * workerd): refused cookies never, kept ones within their rule's cap, the consent cookie only from
 * the consent API; withdrawal leaves nothing behind in any domain or path variant; and the peer
 * corpora (IETF http-state cases, a top-site Set-Cookie corpus, the Public Suffix List's tests).
 */
import { describe, expect, inject, it } from "vitest";
import { compileCookieClassifier } from "../src/cookies/classify-cookie";
import { decideSetCookie } from "../src/cookies/decide-set-cookie";
import { expiryLines } from "../src/cookies/expire-cookies";
import { parseSetCookie } from "../src/cookies/parse-set-cookie";
import { cookieDomains } from "../src/cookies/registrable-domain";
import { applyLines, expiryOf, liveCookies, newJar, storedFrom } from "./cookie-jar";
import { appFor, consent, FIXED_NOW, FIXED_NOW_MS, send, testSite } from "./helpers";

const PAGE = "https://www.example.com/";
const DAY = 86_400;
const httpDate = (unix: number) => new Date(unix * 1000).toUTCString();
const PAST = httpDate(FIXED_NOW - 10 * DAY);
const FUTURE = httpDate(FIXED_NOW + 800 * DAY);

/** testSite's caps, in seconds. */
const CAPS: Record<string, number> = { _ga: 400 * DAY, _fbp: 90 * DAY, lang: 365 * DAY, refresh: 7 * DAY };

/**
 * Hostile origin lines, each with whether tough-cookie (the RFC) stores it when nobody filters it.
 * Where Chromium differs, the Chromium test (test/e2e/cookie-jar.e2e.test.ts) is the judge.
 */
const HOSTILE: Array<[string, boolean]> = [
  // Issue 7 item 2: lines a parser may take for deletions that browsers store.
  ["_ga=x; Expires=1970", true],
  ["_ga=x; Expires=Thu, 01 Jan 1970", true],
  ["_ga=x; Expires=1/1/1970", true],
  ["_ga=x; Expires=1970-01-01T00:00:00Z", true],
  ["_ga=x; Expires=Wed, 01 Jan 69 00:00:00 GMT", true], // 2069 by §5.1.1, 1969 by Date.parse
  [`_ga=x; Max-Age=+31536000; Expires=${httpDate(0)}`, false], // Chromium stores it for a year
  ["_ga=x; Max-Age=0; Max-Age=31536000", true],
  [`_ga=x; Max-Age=31536000; Expires=${PAST}`, true],
  [`_ga=x; Expires=${PAST}; Expires=${FUTURE}`, true],
  ["_ga=x; Max-Age=x; Max-Age=600", true],
  ["_ga=x; max-age=0600", true],
  ["_ga=x; MAX-AGE=60; Domain=EXAMPLE.com; Path=/", true],
  // Sets in every shape.
  ["_fbp=fb.1.2; Max-Age=7776000; Domain=.example.com; Secure; SameSite=None", true],
  ["_fbp=fb.1.2", true],
  ["_ga_ABC=GS1; Path=/; Expires=Fri, 01 Jan 38 00:00:00 GMT", true],
  ["__Host-ad=1; Path=/; Secure", true],
  ["__Secure-ad=1; Secure; Domain=example.com", true],
  ["  _ga  =  x  ; Max-Age=60", true],
  ["_ga=x;;;; ;Max-Age=60;", true],
  ["undeclared=1; Max-Age=60", true],
  // Deletions of refused cookies: the worker's own line, which stores nothing.
  ["_ga=; Max-Age=0", false],
  [`_fbp=x; Expires=${httpDate(0)}; Domain=example.com; Path=/`, false],
];

const CONSENT_LINES = [
  "ce_consent=1.2026-04-03.1763900000.analytics~marketing",
  "ce_consent=1.2026-04-03.1763900000.analytics; Domain=example.com; Path=/",
  " ce_consent =1.2026-04-03.1763900000.analytics; Max-Age=99999999",
  "CE_CONSENT=1.2026-04-03.1763900000.analytics",
  "ce_consent=1.2026-04-03.1763900000.marketing; Path=/shop; Secure; HttpOnly",
];

describe("the jar stores no refused cookie from anything the worker emits", () => {
  const app = appFor(testSite());
  const refusedNames = /^(?!session$|refresh$)/;

  it.each(HOSTILE)("%j (stored when unfiltered: %s)", async (line, unfilteredStores) => {
    // The control: without the worker, the jar does store what the table says.
    expect(storedFrom([line], PAGE, FIXED_NOW_MS).length > 0).toBe(unfilteredStores);
    const res = await send(app, PAGE, { originSets: [line] });
    expect(res.status).toBe(200);
    const emitted = res.headers.getSetCookie();
    const stored = storedFrom(emitted, PAGE, FIXED_NOW_MS).filter((cookie) => refusedNames.test(cookie.key));
    expect(stored.map((cookie) => cookie.key)).toEqual([]);
    // A refused cookie's line is never the origin's own.
    expect(emitted).not.toContain(line);
  });

  it("nor from all of them at once, beside a cookie the browser already holds", async () => {
    const jar = newJar();
    applyLines(jar, ["_ga=old; Max-Age=9999"], PAGE, FIXED_NOW_MS);
    const res = await send(app, PAGE, {
      originSets: HOSTILE.map(([line]) => line),
      headers: { Cookie: "_ga=old" },
    });
    applyLines(jar, res.headers.getSetCookie(), PAGE, FIXED_NOW_MS);
    expect(liveCookies(jar, FIXED_NOW_MS).map((cookie) => cookie.key)).toEqual([]);
  });
});

describe("the debug headers say what was sent for the origin's lines", () => {
  const app = appFor(testSite());
  it("an origin deletion of a refused cookie is listed as rewritten to our deletion; a set as dropped", async () => {
    const res = await send(app, PAGE, {
      originSets: ["_ga=x; Expires=1970", "_fbp=1; Max-Age=60"],
      debug: true,
    });
    expect(res.headers.get("X-Consent-Cookies-Rewritten")).toBe("_ga (deletion)");
    expect(res.headers.get("X-Consent-Cookies-Dropped")).toBe("_fbp (marketing: _fbp)");
    expect(res.headers.getSetCookie()).toEqual(["_ga=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"]);
  });
});

describe("kept cookies stay within their rule's cap in the jar", () => {
  const app = appFor(testSite());
  const granted = { Cookie: consent(["functional", "analytics", "marketing"]) };
  const lines = [
    ...HOSTILE.map(([line]) => line).filter((line) => !/^\s*(__|undeclared)/.test(line)),
    `lang=en; Expires=${FUTURE}`,
    "lang=en; Expires=Fri, 01 Jan 38 00:00:00 GMT",
    "refresh=r; Max-Age=999999999; Path=/api/auth",
    `refresh=r; Expires=${FUTURE}; Max-Age=x; Path=/api/auth`,
    `_fbp=x; Expires=${FUTURE}; Max-Age=60; Max-Age=-`,
  ];

  it.each(lines)("%j", async (line) => {
    const res = await send(app, PAGE, { originSets: [line], headers: granted });
    const name = parseSetCookie(line).name;
    const cap = CAPS[name] ?? Infinity; // `_ga_*` has no cap in testSite
    for (const cookie of storedFrom(
      res.headers.getSetCookie(),
      "https://www.example.com/api/auth/x",
      FIXED_NOW_MS,
    )) {
      const expiry = expiryOf(cookie, FIXED_NOW_MS);
      // A session cookie is shorter than any cap; a persistent one ends within it.
      if (expiry !== Infinity) expect(expiry).toBeLessThanOrEqual(FIXED_NOW_MS + cap * 1000);
    }
  });

  it("and a granted cookie the origin sets is still stored", async () => {
    const res = await send(app, PAGE, { originSets: [`_ga=GA1; Expires=${FUTURE}`], headers: granted });
    const stored = storedFrom(res.headers.getSetCookie(), PAGE, FIXED_NOW_MS);
    expect(stored.map((cookie) => [cookie.key, cookie.value])).toEqual([["_ga", "GA1"]]);
    expect(stored.map((cookie) => expiryOf(cookie, FIXED_NOW_MS))).toEqual([FIXED_NOW_MS + 400 * DAY * 1000]);
  });
});

describe("only the consent API sets the consent cookie (issue 7 item 7)", () => {
  const app = appFor(testSite());
  it.each(CONSENT_LINES)("an origin's %j stores nothing, and the debug headers say so", async (line) => {
    expect(storedFrom([line], PAGE, FIXED_NOW_MS).length).toBe(1); // the control
    const res = await send(app, PAGE, { originSets: [line], debug: true });
    expect(storedFrom(res.headers.getSetCookie(), PAGE, FIXED_NOW_MS)).toEqual([]);
    expect(res.headers.get("X-Consent-Cookies-Dropped")).toMatch(
      /^ce_consent \(consent cookie: only the consent API/i,
    );
  });
});

describe("withdrawal leaves no variant of a refused cookie in the jar", () => {
  const RULE_PATH = "/account";

  /** Every place a cookie named `name` can be stored on `host`, as Set-Cookie lines from there. */
  function variants(name: string, host: string, parents: string[]): string[] {
    if (name.startsWith("__Host-")) return [`${name}=v; Path=/; Secure`];
    const lines: string[] = [];
    for (const path of ["/", RULE_PATH]) {
      for (const secure of ["", "; Secure"]) {
        lines.push(`${name}=v; Path=${path}${secure}`);
        for (const domain of parents) {
          lines.push(`${name}=v; Path=${path}; Domain=${domain}${secure}`);
          lines.push(`${name}=v; Path=${path}; Domain=.${domain}${secure}`);
          lines.push(`${name}=v; Path=${path}; Domain=${domain.toUpperCase()}${secure}`);
        }
      }
    }
    return name.startsWith("__Secure-") ? lines.filter((line) => line.endsWith("Secure")) : lines;
  }

  /** The parents of `host` down to `registrable`, from the PSL test's answer, not from our code. */
  function parentsOf(host: string, registrable: string | null): string[] {
    if (registrable === null) return [];
    const parents: string[] = [];
    for (
      let current = host;
      current.length >= registrable.length;
      current = current.slice(current.indexOf(".") + 1)
    ) {
      parents.push(current);
      if (current === registrable || !current.includes(".")) break;
    }
    return parents;
  }

  function assertWithdrawn(host: string, registrable: string | null, names: string[]) {
    for (const name of names) {
      const jar = newJar();
      const plants = variants(name, host, parentsOf(host, registrable));
      // Plant each variant one at a time so that each can be checked to exist.
      for (const line of plants) applyLines(jar, [line], `https://${host}${RULE_PATH}/page`, FIXED_NOW_MS);
      const planted = liveCookies(jar, FIXED_NOW_MS).length;
      const deletions = expiryLines(
        { name, path: RULE_PATH },
        { domains: cookieDomains(host), secure: true },
      );
      applyLines(jar, deletions, `https://${host}/`, FIXED_NOW_MS);
      const left = liveCookies(jar, FIXED_NOW_MS).map(
        (cookie) => `${cookie.key}; ${cookie.domain}; ${cookie.path}`,
      );
      expect({ host, name, planted: planted > 0, left }).toEqual({ host, name, planted: true, left: [] });
    }
  }

  it.each([
    ["www.example.com", "example.com"],
    ["example.com", "example.com"],
    ["a.b.shop.example.co.uk", "example.co.uk"],
    ["foo.github.io", "foo.github.io"],
    ["bar.foo.github.io", "foo.github.io"],
    ["localhost", null],
  ] as const)("on %s", (host, registrable) => {
    assertWithdrawn(host, registrable, ["_ga", "__Secure-ad", "__Host-ad"]);
  });

  it("through the worker: every variant the browser holds is gone after one response", async () => {
    const app = appFor(testSite({ cookies: [{ name: "_ga", category: "analytics", path: RULE_PATH }] }));
    const jar = newJar();
    for (const line of variants("_ga", "www.example.com", ["www.example.com", "example.com"]))
      applyLines(jar, [line], `https://www.example.com${RULE_PATH}/x`, FIXED_NOW_MS);
    // 4, not 8: tough-cookie follows RFC 6265 §5.3 step 11, where host-only and `Domain=` the host
    // share one slot (same name, domain, path); Chromium keeps both, and test/e2e judges that.
    expect(liveCookies(jar, FIXED_NOW_MS).length).toBe(4);
    const res = await send(app, PAGE, { headers: { Cookie: "_ga=v" } });
    applyLines(jar, res.headers.getSetCookie(), PAGE, FIXED_NOW_MS);
    expect(liveCookies(jar, FIXED_NOW_MS)).toEqual([]);
  });

  const psl = inject("publicSuffixTests");
  it.skipIf(psl === null)(
    "for every hostname in the Public Suffix List's tests (skipped: ../shared absent)",
    () => {
      const cases = (psl ?? "")
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "" && !line.startsWith("//"))
        .map((line) => line.split(/\s+/) as [string, string])
        // Hostnames a URL can carry: ASCII, no leading dot (the rest are not hosts a request has).
        .filter(([input]) => input !== "null" && !input.startsWith(".") && /^[\x21-\x7e]+$/.test(input))
        .map(([input, expected]) => [input.toLowerCase(), expected === "null" ? null : expected] as const);
      expect(cases.length).toBeGreaterThan(50);
      for (const [host, registrable] of cases) assertWithdrawn(host, registrable, ["_ga"]);
    },
  );
});

describe("peer corpora, judged in the jar", () => {
  const httpState = inject("httpStateParser");
  const topSetCookie = inject("topSetCookie");
  const cap = 30 * DAY;
  const decide = (line: string, granted: boolean) =>
    decideSetCookie(line, {
      classify: compileCookieClassifier(
        granted ? [{ pattern: "*", category: "analytics", order: 0, maxAgeSeconds: cap }] : [],
        "ce_consent",
      ),
      consentCookieName: "ce_consent",
      granted: new Set(granted ? ["necessary", "analytics"] : ["necessary"]),
      undeclared: "block",
      now: FIXED_NOW,
    });
  const emit = (lines: string[], granted: boolean) =>
    lines.flatMap((line) => {
      const decision = decide(line, granted);
      return decision.action === "drop" ? [] : [decision.line];
    });
  const summary = (cookies: Array<{ key: string; value: string }>) =>
    cookies.map((c) => `${c.key}=${c.value}`).sort();

  interface ParserCase {
    test: string;
    received: string[];
    "sent-to"?: string;
    sent: Array<{ name: string; value: string }>;
  }

  describe.skipIf(httpState === null)("IETF http-state parser cases (skipped: ../shared absent)", () => {
    const cases = JSON.parse(httpState ?? "[]") as ParserCase[];
    const from = (c: ParserCase) => `http://home.example.org:8888/cookie-parser?${c.test}`;
    const to = (c: ParserCase) => new URL(c["sent-to"] ?? `/cookie-parser-result?${c.test}`, from(c)).href;
    const sentBy = (lines: string[], c: ParserCase) => {
      const jar = newJar();
      applyLines(jar, lines, from(c), FIXED_NOW_MS);
      // getCookies checks expiry against the real clock whatever `now` says: check it ourselves.
      const sent = jar
        .getCookiesSync(to(c), { expire: false })
        .filter((cookie) => expiryOf(cookie, FIXED_NOW_MS) > FIXED_NOW_MS);
      return summary(sent);
    };

    it("has the cases", () => {
      expect(cases.length).toBe(222);
    });

    it("granted and capped: the browser sends back exactly what it would have without the worker", () => {
      const differs = cases.filter(
        (c) => JSON.stringify(sentBy(emit(c.received, true), c)) !== JSON.stringify(sentBy(c.received, c)),
      );
      expect(differs.map((c) => c.test)).toEqual([]);
    });

    it("granted and capped: every case's browser sends back the suite's expected cookies", () => {
      const disagree = cases
        .filter(
          (c) =>
            JSON.stringify(sentBy(emit(c.received, true), c)) !==
            JSON.stringify(summary(c.sent.map((s) => ({ key: s.name, value: s.value })))),
        )
        .map((c) => c.test);
      expect(disagree).toEqual([]);
    });

    it("refused: nothing at all is stored, for any case", () => {
      const stored = cases.filter((c) => {
        const jar = newJar();
        applyLines(jar, emit(c.received, false), from(c), FIXED_NOW_MS);
        return liveCookies(jar, FIXED_NOW_MS).length > 0;
      });
      expect(stored.map((c) => c.test)).toEqual([]);
    });
  });

  describe.skipIf(topSetCookie === null)("top-site Set-Cookie corpus (skipped: ../shared absent)", () => {
    const corpus = Object.entries(JSON.parse(topSetCookie ?? "{}") as Record<string, string[]>);

    it("stores cookies at all when nothing filters it (so the checks below can fail)", () => {
      const stored = corpus.flatMap(([host, lines]) => storedFrom(lines, `https://${host}/`, FIXED_NOW_MS));
      expect(stored.length).toBeGreaterThan(20);
    });

    it.each(corpus)(
      "%s: granted keeps every cookie, within the cap; refused stores nothing",
      (host, lines) => {
        const url = `https://${host}/`;
        const direct = storedFrom(lines, url, FIXED_NOW_MS);
        const kept = storedFrom(emit(lines, true), url, FIXED_NOW_MS);
        expect(summary(kept)).toEqual(summary(direct));
        for (const cookie of kept) {
          const expiry = expiryOf(cookie, FIXED_NOW_MS);
          // A session cookie is shorter than any cap.
          if (expiry !== Infinity) expect(expiry).toBeLessThanOrEqual(FIXED_NOW_MS + cap * 1000);
        }
        expect(storedFrom(emit(lines, false), url, FIXED_NOW_MS)).toEqual([]);
      },
    );
  });
});
