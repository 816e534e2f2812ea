/**
 * `consent-edge explain`: the debug headers parsed back (every format src/debug/debug-headers.ts
 * writes, the cap's `... (+N more)` included) and printed, and the command run through main()
 * against the real app in front of the fixture origin: the answer is the worker's own.
 */
import { describe, expect, it } from "vitest";
import {
  parseElements,
  parseExplain,
  parseHosts,
  parseList,
  parseServerTiming,
  renderExplain,
  splitList,
} from "../src/cli/explain";
import { main } from "../src/cli/main";
import { PLAIN } from "../src/cli/render";
import { cap } from "../src/debug/debug-headers";
import { appFor, consent, DEBUG_SECRET, send, testSite } from "./helpers";

function must<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new Error("nothing parsed");
  return value;
}

/** The URL a fetch was asked for. */
function hrefOf(input: RequestInfo | URL): string {
  return typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
}

const GA_PAGE =
  '<!doctype html><html><head><script async src="https://www.googletagmanager.com/gtag/js?id=G-TEST1"></script><script src="https://cdn.vendor-unknown.example/x.js"></script></head><body><p>hi</p></body></html>';

/** An Io whose fetch is the real app, the fixture origin told what to answer. */
function ioFor(app: ReturnType<typeof appFor>, origin: { setCookie?: string[]; html?: string } = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io = {
    readFile: (path: string): string => {
      throw new Error(`ENOENT: ${path}`);
    },
    stdout: (line: string) => stdout.push(line),
    stderr: (line: string) => stderr.push(line),
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      if (origin.html) {
        headers.set("X-Fixture-Body", btoa(origin.html));
        headers.set("X-Fixture-Header", JSON.stringify({ "Content-Type": "text/html; charset=utf-8" }));
      }
      return send(app, hrefOf(input), {
        ...init,
        headers,
        ...(origin.setCookie ? { originSets: origin.setCookie } : {}),
      });
    }) as typeof fetch,
  };
  return { io, stdout, stderr };
}

describe("parsing the debug headers", () => {
  it("splits lists at commas outside parentheses: a reason can hold one", () => {
    expect(splitList("_ga (analytics: _ga, DNT), _fbp (marketing: _fbp)")).toEqual([
      "_ga (analytics: _ga, DNT)",
      "_fbp (marketing: _fbp)",
    ]);
  });

  it("counts what the 1 KB cap left out, as the worker writes it", () => {
    const names = Array.from({ length: 80 }, (_, i) => `cookie_${i} (undeclared: block)`);
    const header = cap(names);
    const list = parseList(header);
    expect(list.items.length).toBeGreaterThan(10);
    expect(list.items.length + list.more).toBe(80);
    expect(list.items[0]).toEqual({ name: "cookie_0", detail: "undeclared: block" });
    const lines = renderExplain(
      "https://x/",
      {
        ...must(
          parseExplain(200, new Headers({ "X-Consent-Site": "s", "X-Consent-Cookies-Dropped": header })),
        ),
      },
      PLAIN,
    );
    expect(lines).toContain("cookies: 80 changes");
    expect(lines.join("\n")).toMatch(
      new RegExp(`^ +dropped +\\+${list.more} more +\\(the worker caps each debug header at 1 KB\\)$`, "m"),
    );
  });

  it("reads elements whose rule is a snippet with commas and parentheses in it", () => {
    const fired = [
      "link host:googletagmanager.com (analytics)",
      "inline-script inline:gtag('config', 'G- (analytics)",
      "script url:https://www.googletagmanager.com/gtag/js?id=AW-* (marketing)",
      "inline-script inline:_paq.push + host:analytics.aktok.com (analytics)",
    ];
    expect(parseElements(`4: ${cap(fired)}`)).toEqual({
      count: 4,
      items: [
        { element: "link", rule: "host:googletagmanager.com", category: "analytics" },
        { element: "inline-script", rule: "inline:gtag('config', 'G-", category: "analytics" },
        {
          element: "script",
          rule: "url:https://www.googletagmanager.com/gtag/js?id=AW-*",
          category: "marketing",
        },
        {
          element: "inline-script",
          rule: "inline:_paq.push + host:analytics.aktok.com",
          category: "analytics",
        },
      ],
      more: 0,
    });
    const many = Array.from({ length: 60 }, (_, i) => `script host:t${i}.example (analytics)`);
    const capped = must(parseElements(`60: ${cap(many)}`));
    expect(capped.items.length + capped.more).toBe(60);
    expect(capped.items.at(-1)?.rule).toMatch(/^host:t\d+\.example$/);
    // An item longer than the worker's 128 characters is cut, its category with it.
    const long = must(
      parseElements(
        `2: ${cap([`inline-script inline:${"x".repeat(200)} (analytics)`, "script host:a.example (marketing)"])}`,
      ),
    );
    expect(long.items.map((item) => [item.element, item.category])).toEqual([
      ["inline-script", "?"],
      ["script", "marketing"],
    ]);
  });

  it("reads hosts (rule or undeclared, allowed or neutralised) and Server-Timing", () => {
    expect(
      parseHosts(
        "www.googletagmanager.com (googletagmanager.com) neutralised, cdn.example (undeclared) allowed",
      ),
    ).toEqual({
      items: [
        { host: "www.googletagmanager.com", rule: "googletagmanager.com", action: "neutralised" },
        { host: "cdn.example", rule: null, action: "allowed" },
      ],
      more: 0,
    });
    expect(
      parseServerTiming(
        'consent-edge;dur=3;desc="worker", consent-edge-origin;dur=12;desc="origin", other;dur=1',
      ),
    ).toEqual([
      { name: "consent-edge", ms: 3, desc: "worker" },
      { name: "consent-edge-origin", ms: 12, desc: "origin" },
    ]);
  });

  it("strips control characters an origin put in a name before printing", () => {
    const report = parseExplain(
      200,
      new Headers({
        "X-Consent-Site": "s",
        "X-Consent-Cookies-Dropped": "\u001b]0;owned\u0007x\u001b[31m (undeclared: block)",
      }),
    );
    const text = renderExplain("https://x/", must(report), PLAIN).join("\n");
    expect(text).not.toMatch(
      /[\u0000-\u001f\u007f]/u.source.length ? /[\u0000-\u0009\u000b-\u001f\u007f]/ : /$^/,
    );
    expect(text).toContain("\uFFFD]0;owned\uFFFDx\uFFFD[31m");
  });

  it("is nothing without X-Consent-Site (no or a wrong secret)", () => {
    expect(parseExplain(200, new Headers({ "X-Consent-Granted": "necessary" }))).toBeUndefined();
  });
});

describe("consent-edge explain against the app", () => {
  const app = appFor(testSite());

  it("prints the consent and where it came from, each cookie dropped, rewritten or expired and why, the HTML outcome and the timing", async () => {
    const { io, stdout, stderr } = ioFor(app, {
      setCookie: [
        "_ga=GA1.1; Max-Age=63072000; Path=/",
        "_fbp=fb.1; Path=/",
        "ab_bucket=b; Path=/",
        "session=s; Path=/",
      ],
      html: GA_PAGE,
    });
    const code = await main(
      [
        "explain",
        "https://www.example.com/",
        "--secret",
        DEBUG_SECRET,
        "--cookie",
        `_fbp=old; ${consent(["analytics"])}`,
      ],
      io,
    );
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    const text = stdout.join("\n");
    expect(stdout[0]).toBe("https://www.example.com/ → 200");
    expect(text).toMatch(/^ {2}site {8}test, enforce$/m);
    expect(text).toMatch(/^ {2}granted {5}necessary, analytics$/m);
    expect(text).toMatch(/^ {2}from {8}consent-cookie \(valid\)$/m);
    expect(text).toMatch(/^ {2}✗ +dropped +_fbp +marketing: _fbp$/m);
    expect(text).toMatch(/^ {2}✗ +dropped +ab_bucket +undeclared: block$/m);
    expect(text).toMatch(/^ {2}~ +rewritten +_ga +max-age/m);
    expect(text).toMatch(/^ {2}✗ +expired +_fbp +marketing: _fbp$/m);
    expect(text).toMatch(/^html: rewritten/m);
    expect(text).toMatch(/^timing: worker \d+ ms, origin \d+ ms$/m);
  });

  it("says what neutralised a tag when analytics is refused", async () => {
    const { io, stdout } = ioFor(app, { html: GA_PAGE });
    expect(
      await main(["explain", "https://www.example.com/", "--secret", DEBUG_SECRET, "--country", "DE"], io),
    ).toBe(0);
    const text = stdout.join("\n");
    expect(text).toMatch(/^ {2}region {6}DE \(opt-in\)$/m);
    expect(text).toMatch(/^ {2}elements neutralised: 1$/m);
    expect(text).toMatch(/^ {4}✗ +script +host:googletagmanager\.com +analytics$/m);
    expect(text).toMatch(/^ {2}third-party hosts: 2$/m);
    expect(text).toMatch(/^ {4}✗ +www\.googletagmanager\.com +host:googletagmanager\.com +neutralised$/m);
    expect(text).toMatch(/^ {4}! +cdn\.vendor-unknown\.example +undeclared +allowed$/m);
  });

  it("--json prints the parsed report", async () => {
    const { io, stdout } = ioFor(app, { setCookie: ["_fbp=fb.1; Path=/"] });
    expect(
      await main(["explain", "https://www.example.com/", "--secret", DEBUG_SECRET, "--json", "--gpc"], io),
    ).toBe(0);
    const report = JSON.parse(stdout.join("\n")) as {
      site: string;
      signals: string;
      cookies: { dropped: { items: unknown[] } };
    };
    expect(report.site).toBe("test");
    expect(report.signals).toBe("gpc");
    expect(report.cookies.dropped.items).toEqual([{ name: "_fbp", detail: "marketing: _fbp" }]);
  });

  it("a wrong secret is a clear error and exit 1", async () => {
    const { io, stdout, stderr } = ioFor(app);
    expect(await main(["explain", "https://www.example.com/", "--secret", "wrong"], io)).toBe(1);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([
      '✗ https://www.example.com/ answered 200 without debug headers (no X-Consent-Site): the debug secret is wrong, the site has no "debugSecret", or the URL is not served by consent-edge',
    ]);
  });
});
