/**
 * Report-only reports exactly what enforce does, and changes nothing: every input the HTML and
 * cookie tests use goes through the whole pipeline (enforceRequest, the fixture origin or a
 * response built here) twice, with the same site in `enforce` and in `report-only`, and:
 *   - the report-only visitor gets the origin's body and headers (apart from `X-Consent-*`, and,
 *     with the debug secret, what debug output always adds: Server-Timing and a private
 *     Cache-Control) as the origin sent them to the edge;
 *   - both reports list the same elements, hosts, cookies and Link targets, and report-only's
 *     `html` is enforce's outcome in report-only words.
 * The vendor pages are read from test/fixtures/html by a glob, so a fixture added there is covered;
 * the Set-Cookie corpora are the same ../shared/testdata files test/corpus.test.ts reads; the HTML
 * stage's edge cases and the cookie and Link cases repeat those of html-stage, html-fallbacks,
 * set-cookie, withdrawal and link-header (their lists are written inline in those tests).
 */
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { compileConfig, type Site } from "../src/config/compile";
import type { SiteInput } from "../src/config/types";
import { MAX_EXPIRED_NAMES } from "../src/cookies/filter-request-cookies";
import { enforceRequest } from "../src/enforce-request";
import { MAX_HOSTS_PER_PAGE } from "../src/html/hosts-seen";
import {
  enforceHtml,
  reportOnlyOutcome,
  SHADOW_LIMIT_BYTES,
  variesByConsent,
} from "../src/html/rewrite-html";
import type { EnforcementReport } from "../src/report";
import { consent, DEBUG_SECRET, FIXED_NOW_MS, testSite } from "./helpers";
import { chunked, emptyReport, liveUrls, page, refusedTracker } from "./html-helpers";

declare global {
  interface ImportMeta {
    glob: (
      pattern: string,
      options: { query: string; import: string; eager: true },
    ) => Record<string, string>;
  }
}

/** Every vendor page of test/fixtures/html (the snippets, not their expected outputs `<name>.<state>.html`). */
const VENDOR_FIXTURES = Object.entries(
  import.meta.glob("./fixtures/html/*.html", { query: "?raw", import: "default", eager: true }),
)
  .map(([path, text]) => [/([^/]+)\.html$/.exec(path)?.[1] ?? path, text] as const)
  .filter(([name]) => !name.includes("."));

const encoder = new TextEncoder();
const bytesOf = (text: string) => encoder.encode(text);
const base64 = (bytes: Uint8Array) => {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
};
const GA_SRC = "https://www.googletagmanager.com/gtag/js?id=G-1";
const GA = `<script async src="${GA_SRC}"></script>`;
const SELECT_NOSCRIPT = "<select><option>a<noscript>x</noscript></select>";
const FRAMESET = `<!doctype html><html><head><title>x</title></head><frameset><frame src="a.html"></frameset><script src="${GA_SRC}"></script></html>`;
const WWW = "https://www.example.com/page";

function siteFor(mode: "enforce" | "report-only", overrides: Partial<SiteInput> = {}): Site {
  const compiled = compileConfig({
    sites: [
      testSite({
        trackers: { rules: [{ host: "maps.example.com", category: "functional", vendor: "Example Maps" }] },
        banner: { enabled: true },
        ...overrides,
        mode,
      }),
    ],
  });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  const [site] = compiled.config.sites;
  if (!site) throw new Error("no site");
  return site;
}

/** One input: the request the visitor sends, and what answers for the origin (the fixture origin by default). */
interface Case {
  name: string;
  method?: string;
  headers?: Record<string, string>;
  /** Instead of the fixture origin: the origin's response to the (filtered) request. */
  origin?: (request: Request) => Response;
  site?: Partial<SiteInput>;
  /** Enforce's page ended early for this reason (report-only's visitor got the whole page). */
  truncated?: string;
  /** As the middleware runs it: the origin is asked once (a POST's or a route's body, kept with tee()). */
  once?: boolean;
}

interface Run {
  status: number;
  body: Uint8Array;
  headers: Array<[string, string]>;
  report: EnforcementReport;
}

/** The fixture origin, as a site's `service:FIXTURE_ORIGIN` reaches it. */
const fixtureOrigin = (request: Request) =>
  (env as unknown as { FIXTURE_ORIGIN: Fetcher }).FIXTURE_ORIGIN.fetch(request);

/**
 * Headers by name, Set-Cookie lines in their order (as getSetCookie() gives them: workerd's
 * iteration of several Set-Cookie lines does not keep their order, whatever the Headers hold).
 */
const sortedHeaders = (headers: Headers): Array<[string, string]> => [
  ...[...headers]
    .filter(([name]) => name !== "set-cookie")
    .map(([name, value]): [string, string] => [name, value])
    .sort(([a], [b]) => a.localeCompare(b)),
  ...headers.getSetCookie().map((line): [string, string] => ["set-cookie", line]),
];

async function run(
  testCase: Case,
  mode: "enforce" | "report-only",
  flavour: { debug: boolean; observe: boolean },
): Promise<Run & { origin: { status: number; body: Uint8Array; headers: Array<[string, string]> } }> {
  const site = siteFor(mode, testCase.site);
  const headers = new Headers(testCase.headers);
  if (flavour.debug) headers.set("X-Consent-Debug", DEBUG_SECRET);
  const request = new Request(WWW, {
    method: testCase.method ?? "GET",
    headers,
    ...(testCase.method === "POST" ? { body: "q=1" } : {}),
  });
  const asked: Request[] = [];
  const answer = async (filtered: Request) => {
    asked.push(filtered.clone());
    return testCase.origin ? testCase.origin(filtered) : fixtureOrigin(filtered);
  };
  let observed: EnforcementReport | undefined;
  const response = await enforceRequest(request, site, {
    env,
    clock: () => FIXED_NOW_MS,
    askOrigin: answer,
    askAgain: testCase.once !== true,
    // The report is handed over only to an observer. With the debug secret the shadow and the
    // host recording run whether or not one observes, so a debug run observes too.
    ...(flavour.observe || flavour.debug
      ? {
          observe: (report: EnforcementReport) => {
            observed = report;
          },
        }
      : {}),
  });
  const body = new Uint8Array(await response.arrayBuffer());
  // What the origin sent the edge for this request: the same filtered request, asked again.
  const first = asked[0];
  if (!first) throw new Error("the origin was not asked");
  const direct = await (testCase.origin ? testCase.origin(first) : fixtureOrigin(first));
  const origin = {
    status: direct.status,
    body: new Uint8Array(await direct.arrayBuffer()),
    headers: sortedHeaders(direct.headers),
  };
  const report = observed ?? emptyReport(site);
  await report.htmlDone;
  return { status: response.status, body, headers: sortedHeaders(response.headers), report, origin };
}

/** What both modes must report alike. */
function comparable(report: EnforcementReport) {
  return {
    neutralised: report.neutralised,
    hosts: report.hosts,
    dropped: report.dropped,
    rewritten: report.rewritten,
    expired: report.expired,
    withheld: report.withheld,
    notExpired: report.notExpired ?? [],
    undeclared: report.undeclared,
    linkDropped: report.linkDropped ?? [],
  };
}

const DEBUG_ADDS = new Set(["server-timing", "cache-control"]);
const withoutConsentHeaders = (headers: Array<[string, string]>, debug: boolean) =>
  headers.filter(([name]) => !name.startsWith("x-consent-") && !(debug && DEBUG_ADDS.has(name)));

/** `html`: the HTML-stage outcomes of enforce and report-only agree, in report-only's words. */
function expectSameOutcome(enforced: string | undefined, reportOnly: string | undefined, truncated?: string) {
  if (enforced === undefined || enforced === "not html") expect(reportOnly).toBe(enforced);
  else expect(reportOnly).toBe(reportOnlyOutcome(enforced, truncated));
  expect(variesByConsent(reportOnly)).toBe(false);
}

async function expectParity(testCase: Case) {
  for (const flavour of [
    { debug: false, observe: true },
    { debug: true, observe: true },
  ]) {
    const enforced = await run(testCase, "enforce", flavour);
    const reportOnly = await run(testCase, "report-only", flavour);
    const label = `${testCase.name} (${flavour.debug ? "debug" : "observed"})`;
    expect(reportOnly.status, label).toBe(reportOnly.origin.status);
    expect(base64(reportOnly.body), `${label}: body`).toBe(base64(reportOnly.origin.body));
    expect(withoutConsentHeaders(reportOnly.headers, flavour.debug), `${label}: headers`).toEqual(
      withoutConsentHeaders(reportOnly.origin.headers, flavour.debug),
    );
    expect(comparable(reportOnly.report), `${label}: report`).toEqual(comparable(enforced.report));
    // With the debug secret enforce reads the whole page first: a failure past the look-ahead is a fallback then.
    expectSameOutcome(
      enforced.report.html,
      reportOnly.report.html,
      flavour.debug ? undefined : testCase.truncated,
    );
  }
}

/** A fixture-origin request for `body` with `headers` (X-Fixture-Header) and extra fixture controls. */
function served(
  body: string | Uint8Array,
  headers: Record<string, string> = { "Content-Type": "text/html; charset=utf-8" },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    "X-Fixture-Body": base64(typeof body === "string" ? bytesOf(body) : body),
    "X-Fixture-Header": JSON.stringify(headers),
    ...extra,
  };
}

const STATES: Record<string, string[]> = {
  none: [],
  analytics: ["analytics"],
  all: ["functional", "analytics", "marketing"],
};

describe("every vendor fixture (test/fixtures/html), in every consent state", () => {
  it("finds the fixtures", () => {
    expect(VENDOR_FIXTURES.length).toBeGreaterThanOrEqual(13);
  });

  it.each(
    VENDOR_FIXTURES.flatMap(([vendor, fragment]) =>
      Object.entries(STATES).flatMap(([state, granted]) =>
        [false, true].map((dnt) => [vendor, state, dnt, fragment, granted] as const),
      ),
    ),
  )("%s, %s granted, DNT %s", async (vendor, state, dnt, fragment, granted) => {
    const html = page(fragment);
    const headers: Record<string, string> = {
      ...served(html, {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "public, max-age=300",
        ETag: '"v1"',
      }),
      Cookie: `session=s; _ga=GA1.1; _fbp=fb.1; lang=en${granted.length ? `; ${consent(granted)}` : ""}`,
      ...(dnt ? { DNT: "1" } : {}),
    };
    await expectParity({ name: `${vendor} ${state}`, headers });
  });
});

describe("the HTML stage's edge cases (html-stage, html-fallbacks)", () => {
  const compressed = async (text: string, format: "gzip" | "deflate" | "deflate-raw") =>
    new Uint8Array(
      await new Response(
        new Blob([bytesOf(text)]).stream().pipeThrough(new CompressionStream(format)),
      ).arrayBuffer(),
    );
  const long = "<p>filler paragraph to push the failure past the look-ahead window</p>\n".repeat(1_500);
  const cases: Array<() => Promise<Case> | Case> = [
    ...[
      ["application/json", '{"src":"https://www.googletagmanager.com/gtag/js"}'],
      ["text/javascript", "document.write('<script src=https://connect.facebook.net/x.js></script>')"],
      ["image/svg+xml", '<svg><script href="https://www.clarity.ms/tag/x"/></svg>'],
      ["text/plain", GA],
      ["application/xhtml+xml", `<svg xmlns="http://www.w3.org/2000/svg"><script href="${GA_SRC}"/></svg>`],
      ["text/xml", "<x/>"],
      ["text/html; charset=utf-16", page(GA)],
      ["text/html; charset=x-bogus", page(GA)],
      ["text/html; charset=iso-2022-jp", page(GA)],
      ["text/html; charset=windows-1252", page(GA)],
    ].map(([type, body]) => (): Case => ({
      name: `Content-Type ${type}`,
      headers: served(body ?? "", { "Content-Type": type ?? "" }),
    })),
    ...(
      [
        ["no Content-Type", {}, `\n  ${page(GA)}`],
        ["unknown/unknown", { "Content-Type": "unknown/unknown" }, page(GA)],
        ["an unparseable type", { "Content-Type": "html" }, page(GA)],
        ["nosniff", { "X-Content-Type-Options": "nosniff" }, page(GA)],
        ["untyped plain text", {}, "hello <script src=x></script>"],
        ["untyped JSON", {}, '{"src":"https://www.googletagmanager.com/gtag/js"}'],
        ["untyped XML", {}, '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'],
      ] as Array<[string, Record<string, string>, string]>
    ).map(([name, headers, body]) => (): Case => ({
      name,
      headers: served(body, headers, { "X-Fixture-Chunk": "3" }),
    })),
    () => ({ name: "noscript in select", headers: served(page(`${GA}${SELECT_NOSCRIPT}`)) }),
    () => ({
      name: "noscript in select, in chunks",
      headers: served(page(`${GA}<p>before</p>${SELECT_NOSCRIPT}<p>tail</p>`), undefined, {
        "X-Fixture-Chunk": "16",
      }),
    }),
    () => ({ name: "a script after frameset", headers: served(FRAMESET) }),
    () => ({
      name: "a failure past the look-ahead window",
      truncated: "ambiguous markup",
      headers: served(page(`${long}${SELECT_NOSCRIPT}${GA}<p>tail</p>`), undefined, {
        "X-Fixture-Chunk": "4096",
      }),
    }),
    () => ({
      name: "a POST (the fallback's copy kept with tee())",
      method: "POST",
      headers: served(page(`${GA}${SELECT_NOSCRIPT}`)),
    }),
    () => ({
      name: "a UTF-16 byte order mark",
      headers: served(
        Uint8Array.from([0xff, 0xfe, ...Array.from(bytesOf(page(GA))).flatMap((byte) => [byte, 0])]),
        undefined,
        { "X-Fixture-Chunk": "1" },
      ),
    }),
    () => ({
      name: "a CSP with a nonce",
      headers: served(page(`<script nonce="n0nce">first()</script>${GA}`), {
        "Content-Type": "text/html",
        "Content-Security-Policy": "script-src 'nonce-n0nce' 'strict-dynamic'",
      }),
    }),
    () => ({
      name: "a CSP without one",
      headers: served(page(GA), {
        "Content-Type": "text/html",
        "Content-Security-Policy": "script-src 'self'",
      }),
    }),
    () => ({
      name: "an iframe and a script",
      headers: served(page(`${GA}<iframe src="https://www.youtube.com/embed/x"></iframe>`)),
    }),
    ...(["gzip", "deflate"] as const).map((encoding) => (): Case => ({
      name: `a ${encoding} body (the fixture origin encodes it)`,
      headers: served(page(GA), undefined, { "X-Fixture-Encoding": encoding, "X-Fixture-Chunk": "16" }),
    })),
    ...(
      [
        ["deflate", "deflate-raw"],
        ["x-gzip", "gzip"],
        ["GZIP", "gzip"],
        ["gzip, identity", "gzip"],
      ] as const
    ).map(([label, format]) => async (): Promise<Case> => {
      const body = await compressed(page(GA), format);
      return {
        name: `Content-Encoding ${label} (${format})`,
        headers: served(
          body,
          { "Content-Type": "text/html", "Content-Encoding": label },
          { "X-Fixture-Encoding": "raw" },
        ),
      };
    }),
    ...["zstd", "gzip, br", "compress"].map((coding) => (): Case => ({
      name: `Content-Encoding ${coding} (not decoded)`,
      headers: served(
        Uint8Array.from({ length: 300 }, (_, i) => (i * 13) % 256),
        { "Content-Type": "text/html", "Content-Encoding": coding },
        { "X-Fixture-Encoding": "raw" },
      ),
    })),
    () => ({
      name: "a body that is not deflate as labelled",
      headers: served(
        page(GA),
        { "Content-Type": "text/html", "Content-Encoding": "deflate" },
        { "X-Fixture-Encoding": "raw" },
      ),
    }),
    () => ({
      name: "a br body",
      headers: {
        "X-Fixture-Body": inject("brotliPage"),
        "X-Fixture-Encoding": "raw",
        "X-Fixture-Header": JSON.stringify({ "Content-Type": "text/html", "Content-Encoding": "br" }),
      },
    }),
    () => ({ name: "a 304", headers: { "X-Fixture-Status": "304" } }),
    () => ({ name: "a HEAD", method: "HEAD", headers: served(page(GA)) }),
    () => ({ name: "a 404 page", headers: served(page(GA), undefined, { "X-Fixture-Status": "404" }) }),
  ];

  it.each(cases.map((make, index) => [index, make] as const))("case %i", async (_, make) => {
    await expectParity(await make());
  });
});

describe("as the middleware runs it (the origin asked once)", () => {
  it.each(
    VENDOR_FIXTURES.filter(([vendor]) => ["ga4", "meta-pixel", "youtube", "first-party"].includes(vendor)),
  )("%s", async (vendor, fragment) => {
    await expectParity({ name: vendor, once: true, headers: served(page(fragment)) });
    await expectParity({
      name: `${vendor}, deflate`,
      once: true,
      headers: served(page(fragment), undefined, {
        "X-Fixture-Encoding": "deflate",
        "X-Fixture-Chunk": "64",
      }),
    });
    await expectParity({
      name: `${vendor}, ambiguous`,
      once: true,
      headers: served(page(`${fragment}${SELECT_NOSCRIPT}`)),
    });
  });
});

describe("encoded bodies come back as the origin's", () => {
  it.each(["gzip", "deflate"])("%s: the origin's Content-Encoding, and its bytes", async (encoding) => {
    const headers = served(page(GA), undefined, { "X-Fixture-Encoding": encoding });
    const reportOnly = await run({ name: encoding, headers }, "report-only", { debug: true, observe: true });
    expect(reportOnly.headers).toContainEqual(["content-encoding", encoding]);
    expect(base64(reportOnly.body)).toBe(base64(reportOnly.origin.body));
    expect(reportOnly.report.html).toBe("report-only: would rewrite");
    expect(reportOnly.report.neutralised).toEqual([
      { element: "script", rule: "host:googletagmanager.com", category: "analytics" },
    ]);
  });

  it("br: the origin's Content-Encoding, and its bytes", async () => {
    const headers = {
      "X-Fixture-Body": inject("brotliPage"),
      "X-Fixture-Encoding": "raw",
      "X-Fixture-Header": JSON.stringify({ "Content-Type": "text/html", "Content-Encoding": "br" }),
    };
    const reportOnly = await run({ name: "br", headers }, "report-only", { debug: true, observe: true });
    expect(reportOnly.headers).toContainEqual(["content-encoding", "br"]);
    expect(base64(reportOnly.body)).toBe(base64(reportOnly.origin.body));
    expect(new TextDecoder().decode(reportOnly.body)).toBe(inject("brotliPagePlain"));
    expect(reportOnly.report.neutralised).toEqual([
      { element: "script", rule: "host:googletagmanager.com", category: "analytics" },
    ]);
  });
});

/** A Set-Cookie line any origin could send: one that Headers accepts. */
function sendable(line: string): boolean {
  try {
    new Headers().append("Set-Cookie", line);
    return true;
  } catch {
    return false;
  }
}

/** An origin answering with these Set-Cookie lines (and a page). */
const settingCookies =
  (lines: string[], extra: Record<string, string> = {}) =>
  (): Response => {
    const headers = new Headers({ "Content-Type": "text/html; charset=utf-8", ...extra });
    for (const line of lines) headers.append("Set-Cookie", line);
    return new Response(page(GA), { headers });
  };

describe("cookies: Set-Cookie corpora (../shared/testdata), every consent state", () => {
  const top = inject("topSetCookie");
  const state = inject("httpStateParser");
  const lines = [
    ...(top ? Object.values(JSON.parse(top) as Record<string, string[]>).flat() : []),
    ...(state ? (JSON.parse(state) as Array<{ received: string[] }>).flatMap((c) => c.received) : []),
  ].filter(sendable);
  const groups: string[][] = [];
  for (let i = 0; i < lines.length; i += 40) groups.push(lines.slice(i, i + 40));

  it.skipIf(top === null || state === null)("has the corpora (skipped: ../shared/testdata absent)", () => {
    expect(lines.length).toBeGreaterThan(300);
  });

  it.each(
    groups.flatMap((group, index) =>
      Object.entries(STATES).map(([name, granted]) => [index, name, group, granted] as const),
    ),
  )("lines group %i, %s granted", async (index, name, group, granted) => {
    await expectParity({
      name: `group ${index} ${name}`,
      headers: granted.length ? { Cookie: consent(granted) } : {},
      origin: settingCookies(group),
    });
  });
});

describe("cookies: the set-cookie and withdrawal cases", () => {
  const EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT";
  const LINES = [
    "session=abc; Path=/; Secure; HttpOnly; SameSite=Lax",
    "_ga=GA1.1.1; Path=/; Max-Age=63072000",
    "_ga_ABC=GS1.1; Path=/",
    "_fbp=fb.1.1; Path=/; Max-Age=7776000",
    "lang=en; Path=/",
    "unknown=1; Path=/",
    `_fbp=; Expires=${EPOCH}; Path=/`,
    "__Host-ad=1; Path=/; Secure",
    "ph_phc_x_posthog=1; Path=/",
    "ce_consent=1.2026-04-03.1.analytics; Path=/",
    "=ce_consent=forged",
    " = _ga = GA1",
  ];
  const COOKIES = [
    "_ga_a b=1; _ga=1",
    "_ga_a,b=1",
    '_ga_"x"=1; _fbp=2',
    "session=s; lang=en; _fbp=1; unknown=2; __Host-ad=3",
    Array.from({ length: MAX_EXPIRED_NAMES + 5 }, (_, i) => `_ga_${i}=1`).join("; "),
  ];
  it.each(
    Object.entries(STATES).flatMap(([name, granted]) =>
      [...COOKIES, ""].flatMap((cookie) =>
        ["block", "report"].map(
          (undeclared) => [name, cookie.slice(0, 30), undeclared, granted, cookie] as const,
        ),
      ),
    ),
  )("%s granted, Cookie %j..., undeclared %s", async (_, __, undeclared, granted, cookie) => {
    const header = [cookie, granted.length ? consent(granted) : ""].filter(Boolean).join("; ");
    await expectParity({
      name: "cookies",
      headers: header ? { Cookie: header } : {},
      origin: settingCookies(LINES),
      site: { undeclared: undeclared as "block" | "report" },
    });
  });

  it("the reports list what enforce withholds and expires, and report-only's origin got every cookie", async () => {
    const testCase: Case = { name: "withheld", headers: { Cookie: "session=s; _ga=1; _fbp=2" } };
    const enforced = await run(testCase, "enforce", { debug: false, observe: true });
    const reportOnly = await run(testCase, "report-only", { debug: false, observe: true });
    const names = (list: Array<{ name: string }>) => list.map(({ name }) => name);
    expect(names(reportOnly.report.withheld)).toEqual(["_ga", "_fbp"]);
    expect(names(reportOnly.report.expired)).toEqual(["_ga", "_fbp"]);
    expect(names(enforced.report.withheld)).toEqual(["_ga", "_fbp"]);
    const received = (r: Run) => r.headers.find(([name]) => name === "x-fixture-received-cookie")?.[1];
    expect(received(enforced)).toBe("session=s");
    expect(received(reportOnly)).toBe("session=s; _ga=1; _fbp=2");
  });
});

describe("Link headers (link-header)", () => {
  const GTM = "<https://www.googletagmanager.com/gtag/js?id=G-1>; rel=preload; as=script";
  const FB = '<https://connect.facebook.net/en_US/fbevents.js>; rel="preload"; as="script"';
  const OWN = "</app.css>; rel=preload; as=style";
  const CANONICAL = "<https://www.googletagmanager.com/x>; rel=canonical";
  const VALUES = [
    [GTM, OWN, FB, "<https://www.googletagmanager.com>; rel=preconnect", CANONICAL].join(", "),
    `${GTM}, ${FB}`,
    '<//www.googletagmanager.com/gtm.js>; REL="dns-prefetch Preload"',
    `https://www.googletagmanager.com/gtm.js; rel=preload, ${OWN}`,
    OWN,
  ];
  it.each(
    VALUES.flatMap((value) =>
      Object.entries(STATES).map(([name, granted]) => [value, name, granted] as const),
    ),
  )("%s, %s granted", async (value, _, granted) => {
    await expectParity({
      name: "link",
      headers: {
        ...served(page(GA), { "Content-Type": "text/html", Link: value }),
        ...(granted.length ? { Cookie: consent(granted) } : {}),
      },
    });
  });

  it("report-only keeps the header and reports what enforce drops, in the debug headers too", async () => {
    const headers = served(page(GA), { "Content-Type": "text/html", Link: `${GTM}, ${OWN}` });
    const reportOnly = await run({ name: "link", headers }, "report-only", { debug: true, observe: false });
    expect(reportOnly.headers).toContainEqual(["link", `${GTM}, ${OWN}`]);
    expect(reportOnly.report.linkDropped).toEqual(["https://www.googletagmanager.com/gtag/js?id=G-1"]);
    expect(reportOnly.headers).toContainEqual([
      "x-consent-link-dropped",
      "https://www.googletagmanager.com/gtag/js?id=G-1",
    ]);
  });
});

describe("the third-party hosts of a page", () => {
  const PAGE = page(
    [
      GA,
      '<script src="https://cdn.jsdelivr.net/npm/x.js"></script>',
      '<script src="https://cdn.jsdelivr.net/npm/y.js"></script>',
      '<img src="https://static.example.com/logo.png">',
      '<img src="https://cdn.other.test/a.png" data-consent-category="marketing">',
      '<iframe src="https://www.youtube.com/embed/x"></iframe>',
      "<script>fetch('https://api.undeclared.test/x'); gtag('config', 'G-1')</script>",
      '<link rel="preconnect" href="https://fonts.gstatic.com">',
    ].join("\n"),
  );

  it("are listed once per host and outcome, with their rule or undeclared; first-party hosts are not", async () => {
    const { report } = await run({ name: "hosts", headers: served(PAGE) }, "enforce", {
      debug: false,
      observe: true,
    });
    expect(report.hosts).toEqual([
      {
        host: "www.googletagmanager.com",
        rule: "host:googletagmanager.com",
        category: "analytics",
        neutralised: true,
      },
      { host: "cdn.jsdelivr.net", rule: null, category: null, neutralised: false },
      { host: "cdn.other.test", rule: "attribute:marketing", category: "marketing", neutralised: true },
      { host: "www.youtube.com", rule: "host:youtube.com", category: "marketing", neutralised: true },
      { host: "api.undeclared.test", rule: null, category: null, neutralised: true },
      { host: "fonts.gstatic.com", rule: null, category: null, neutralised: false },
    ]);
  });

  it("are not recorded when nobody reads them, and the page is the same either way", async () => {
    for (const granted of [[], ["functional", "analytics", "marketing"]]) {
      const headers = { ...served(PAGE), ...(granted.length ? { Cookie: consent(granted) } : {}) };
      const quiet = await run({ name: "quiet", headers }, "enforce", { debug: false, observe: false });
      const observed = await run({ name: "observed", headers }, "enforce", { debug: false, observe: true });
      expect(base64(quiet.body)).toBe(base64(observed.body));
      expect(observed.report.hosts.length).toBeGreaterThan(0);
    }
    const site = siteFor("enforce");
    const report = emptyReport(site);
    const body = await enforceHtml(
      new Response(chunked(bytesOf(PAGE), 0), { headers: { "Content-Type": "text/html" } }),
      new Headers({ "Content-Type": "text/html" }),
      {
        site,
        granted: new Set(["necessary"]),
        doNotTrack: false,
        page: new URL(WWW),
        method: "GET",
        buffer: false,
      },
      report,
    );
    await new Response(body).text();
    expect(report.hosts).toEqual([]);
    expect(report.neutralised.length).toBeGreaterThan(0);
  });

  it("are recorded with everything granted too (nothing neutralised)", async () => {
    const headers = { ...served(PAGE), Cookie: consent(["functional", "analytics", "marketing"]) };
    const { report } = await run({ name: "all", headers }, "report-only", { debug: false, observe: true });
    expect(report.hosts.map(({ host, neutralised }) => [host, neutralised])).toEqual([
      ["www.googletagmanager.com", false],
      ["cdn.jsdelivr.net", false],
      ["cdn.other.test", false],
      ["www.youtube.com", false],
      ["api.undeclared.test", false],
      ["fonts.gstatic.com", false],
    ]);
  });

  it(`are capped at ${MAX_HOSTS_PER_PAGE} per page`, async () => {
    const many = Array.from(
      { length: MAX_HOSTS_PER_PAGE + 50 },
      (_, i) => `<img src="https://h${i}.test/a.png">`,
    );
    const { report } = await run({ name: "many", headers: served(page(many.join(""))) }, "report-only", {
      debug: false,
      observe: true,
    });
    expect(report.hosts).toHaveLength(MAX_HOSTS_PER_PAGE);
    expect(report.hosts.at(-1)?.host).toBe(`h${MAX_HOSTS_PER_PAGE - 1}.test`);
  });

  it("appear in the debug headers", async () => {
    const reportOnly = await run({ name: "debug", headers: served(PAGE) }, "report-only", {
      debug: true,
      observe: false,
    });
    const value = reportOnly.headers.find(([name]) => name === "x-consent-hosts")?.[1];
    expect(value).toBe(
      "www.googletagmanager.com (host:googletagmanager.com) neutralised, cdn.jsdelivr.net (undeclared) allowed, " +
        "cdn.other.test (attribute:marketing) neutralised, www.youtube.com (host:youtube.com) neutralised, " +
        "api.undeclared.test (undeclared) neutralised, fonts.gstatic.com (undeclared) allowed",
    );
  });
});

describe("the shadow", () => {
  const site = siteFor("report-only");
  const input = (overrides: { buffer?: boolean; observe?: boolean; signal?: AbortSignal } = {}) => ({
    site,
    granted: new Set(["necessary"]),
    doNotTrack: false,
    page: new URL(WWW),
    method: "GET",
    buffer: overrides.buffer ?? false,
    observe: overrides.observe ?? false,
    ...(overrides.signal ? { signal: overrides.signal } : {}),
  });

  it("does not run when nobody reads its result: the page and nothing else", async () => {
    const report = emptyReport(site);
    const html = page(GA);
    const body = await enforceHtml(
      new Response(html, { headers: { "Content-Type": "text/html" } }),
      new Headers({ "Content-Type": "text/html" }),
      input(),
      report,
    );
    expect(await new Response(body).text()).toBe(html);
    expect(report.html).toBe("report-only: unchanged");
    expect(report.htmlDone).toBeUndefined();
    expect(report.neutralised).toEqual([]);
  });

  const big = page(
    `${GA}${"<p>a paragraph of a very long page</p>\n".repeat(Math.ceil((SHADOW_LIMIT_BYTES * 1.5) / 38))}` +
      `<script src="https://connect.facebook.net/en_US/fbevents.js"></script><p>end</p>`,
  );

  it.each([
    ["with the debug secret (read before the response starts)", { buffer: true }],
    ["for the inventory (read beside the visitor)", { observe: true }],
  ])(
    `stops after ${SHADOW_LIMIT_BYTES} bytes, %s: the visitor still gets the whole page`,
    async (_, flags) => {
      expect(big.length).toBeGreaterThan(SHADOW_LIMIT_BYTES);
      const report = emptyReport(site);
      const headers = new Headers({ "Content-Type": "text/html" });
      const body = await enforceHtml(
        new Response(chunked(bytesOf(big), 16 * 1024), { headers }),
        headers,
        input(flags),
        report,
      );
      expect(await new Response(body).text()).toBe(big);
      await report.htmlDone;
      expect(report.html).toBe(
        `report-only: would rewrite; shadow stopped: after ${SHADOW_LIMIT_BYTES} bytes (the rest was not judged)`,
      );
      // The first tracker was judged, the one past the limit was not.
      expect(report.neutralised).toEqual([
        { element: "script", rule: "host:googletagmanager.com", category: "analytics" },
      ]);
    },
  );

  it("stops when the visitor goes away, and never holds up the visitor's stream", async () => {
    let pulls = 0;
    // An origin that sends a first part and then nothing more.
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        if (pulls === 1) controller.enqueue(bytesOf(`<!doctype html><html><body>${GA}<p>first</p>`));
        return new Promise(() => {});
      },
    });
    const controller = new AbortController();
    const report = emptyReport(site);
    const headers = new Headers({ "Content-Type": "text/html" });
    const body = await enforceHtml(
      new Response(endless, { headers }),
      headers,
      input({ observe: true, signal: controller.signal }),
      report,
    );
    if (!body) throw new Error("no body");
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("<p>first</p>");
    controller.abort();
    await reader.cancel();
    await report.htmlDone;
    expect(report.html).toMatch(/^report-only: .*shadow stopped: the visitor went away$/);
  });

  it("a page the shadow's rewriter rejects reaches the visitor whole", async () => {
    const html = page(`${GA}${SELECT_NOSCRIPT}<p>tail</p>`);
    const report = emptyReport(site);
    const headers = new Headers({ "Content-Type": "text/html" });
    const body = await enforceHtml(
      new Response(chunked(bytesOf(html), 5), { headers }),
      headers,
      input({ observe: true }),
      report,
    );
    expect(await new Response(body).text()).toBe(html);
    await report.htmlDone;
    expect(report.html).toBe("report-only: would fall back: ambiguous markup; strict CSP");
  });
});

describe("htmlDone", () => {
  it("settles in enforce when the rewritten page has been read, also when it is cancelled", async () => {
    const site = siteFor("enforce");
    const html = page(`${GA}${"<p>x</p>".repeat(20_000)}`);
    for (const cancel of [false, true]) {
      const report = emptyReport(site);
      let settled = false;
      const headers = new Headers({ "Content-Type": "text/html" });
      const body = await enforceHtml(
        new Response(chunked(bytesOf(html), 4096), { headers }),
        headers,
        {
          site,
          granted: new Set(["necessary"]),
          doNotTrack: false,
          page: new URL(WWW),
          method: "GET",
          buffer: false,
        },
        report,
      );
      void report.htmlDone?.then(() => {
        settled = true;
      });
      await Promise.resolve();
      expect(settled).toBe(false);
      if (cancel) await body?.cancel();
      else await new Response(body).text();
      await report.htmlDone;
      expect(settled).toBe(true);
    }
  });
});

describe("the banner preview", () => {
  const PAGE_HEADERS = served(page(GA), {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "public, max-age=60",
  });
  const COOKIES = "session=s; _ga=GA1.1; _fbp=fb.1";

  it("with the debug secret, X-Consent-Preview: enforce gets what enforce sends", async () => {
    const headers = { ...PAGE_HEADERS, Cookie: COOKIES, "X-Consent-Preview": "enforce" };
    const preview = await run({ name: "preview", headers }, "report-only", { debug: true, observe: false });
    const enforced = await run({ name: "enforce", headers }, "enforce", { debug: true, observe: false });
    const text = new TextDecoder().decode(preview.body);
    expect(text).toBe(new TextDecoder().decode(enforced.body));
    expect(text).toContain("data-ce-src=");
    expect(liveUrls(text, refusedTracker)).toEqual([]);
    expect(liveUrls(new TextDecoder().decode(preview.origin.body), refusedTracker)).not.toEqual([]);
    expect(text).toContain('id="ce-banner"');
    const header = (r: Run, name: string) => r.headers.find(([n]) => n === name)?.[1];
    expect(header(preview, "x-consent-mode")).toBe("report-only (preview: enforce)");
    expect(header(preview, "cache-control")).toContain("private");
    expect(header(preview, "x-fixture-received-cookie")).toBe("session=s");
    expect(header(preview, "x-consent-html")).toBe("rewritten");
  });

  it("without the secret the preview header does nothing", async () => {
    const headers = { ...PAGE_HEADERS, Cookie: COOKIES, "X-Consent-Preview": "enforce" };
    const reportOnly = await run({ name: "no secret", headers }, "report-only", {
      debug: false,
      observe: false,
    });
    expect(base64(reportOnly.body)).toBe(base64(reportOnly.origin.body));
    expect(reportOnly.headers.find(([n]) => n === "x-fixture-received-cookie")?.[1]).toBe(COOKIES);
    expect(reportOnly.headers.find(([n]) => n === "cache-control")?.[1]).toBe("public, max-age=60");
  });
});
