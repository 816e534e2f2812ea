/** The HTML stage through the whole worker: encodings, fallbacks, headers, runtime, debug. */
import { describe, expect, inject, it } from "vitest";
import { GUARD_SOURCE_TEXT, PAGE_GUARD_SOURCE, RUNTIME_SOURCE, ZARAZ_SOURCE } from "../src/html/runtime";
import { FALLBACK_CSP } from "../src/html/csp";
import { appFor, consent, send, testSite } from "./helpers";
import { htmlSite, page, rewrite } from "./html-helpers";

const app = appFor(testSite());
const WWW = "https://www.example.com/";
const GA = '<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>';
const base64 = (text: string | Uint8Array) =>
  btoa(String.fromCharCode(...(typeof text === "string" ? new TextEncoder().encode(text) : text)));

function serve(
  body: string | Uint8Array,
  headers: Record<string, string> = {},
  extra: Record<string, string> = {},
) {
  return {
    headers: {
      "X-Fixture-Body": base64(body),
      "X-Fixture-Header": JSON.stringify({ "Content-Type": "text/html; charset=utf-8", ...headers }),
      ...extra,
    },
  };
}

describe("only HTML is rewritten", () => {
  it.each([
    ["application/json", '{"src":"https://www.googletagmanager.com/gtag/js"}'],
    ["text/javascript", "document.write('<script src=https://connect.facebook.net/x.js></script>')"],
    ["image/svg+xml", '<svg><script href="https://www.clarity.ms/tag/x"/></svg>'],
    ["text/plain", GA],
  ])("%s passes byte for byte", async (type, body) => {
    const res = await send(app, WWW, serve(body, { "Content-Type": type }));
    expect(await res.text()).toBe(body);
  });

  it("binary bodies pass byte for byte", async () => {
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31) % 256);
    const res = await send(
      app,
      WWW,
      serve(bytes, { "Content-Type": "image/png" }, { "X-Fixture-Chunk": "100" }),
    );
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });
});

describe("content encoding", () => {
  const html = page(GA);

  it.each(["gzip", "deflate"])("a %s origin body is decoded and rewritten", async (encoding) => {
    const res = await send(
      app,
      WWW,
      serve(html, {}, { "X-Fixture-Encoding": encoding, "X-Fixture-Chunk": "16" }),
    );
    const text = await res.text();
    expect(text).toContain('data-ce-src="https://www.googletagmanager.com/gtag/js?id=G-1"');
    expect(text).not.toContain(' src="https://www.googletagmanager.com');
    expect(text).toContain("<p>Content</p>");
  });

  it("a br origin body is decoded and rewritten", async () => {
    const res = await send(app, WWW, {
      headers: {
        "X-Fixture-Body": inject("brotliPage"),
        "X-Fixture-Encoding": "raw",
        "X-Fixture-Header": JSON.stringify({ "Content-Type": "text/html", "Content-Encoding": "br" }),
      },
    });
    const text = await res.text();
    expect(text).toContain("<p>br</p>");
    expect(text).toContain('data-ce-src="https://www.googletagmanager.com/gtag/js?id=G-BR"');
    expect(inject("brotliPagePlain")).toContain(' src="https://www.googletagmanager.com/gtag/js?id=G-BR"');
  });

  it("asks the origin only for encodings the runtime can decode", async () => {
    const res = await send(app, WWW, {
      headers: { "Accept-Encoding": "zstd, br;q=0.9, gzip, deflate, compress" },
    });
    const received = await res.json<{ headers: Record<string, string> }>();
    expect(received.headers["accept-encoding"]).toBe("br;q=0.9, gzip");
  });

  it("a body in an encoding it cannot decode is not rewritten, but served under a strict CSP", async () => {
    const res = await send(
      app,
      WWW,
      serve(
        new Uint8Array([40, 181, 47, 253, 0, 1, 2]),
        { "Content-Encoding": "zstd" },
        { "X-Fixture-Encoding": "raw", "X-Consent-Debug": "test-debug-secret" },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Consent-Html")).toBe("fallback: encoding zstd; strict CSP");
    expect(res.headers.get("Content-Security-Policy")).toBe(FALLBACK_CSP);
  });
});

describe("pages the rewriter cannot handle", () => {
  it.each([
    ["an ASCII-incompatible charset", page(GA), "text/html; charset=utf-16", "fallback: charset; strict CSP"],
    ["an unknown charset", page(GA), "text/html; charset=x-bogus", "fallback: charset; strict CSP"],
    [
      "ambiguous markup (noscript inside select)",
      page(`${GA}<select><option>a<noscript>x</noscript></select>`),
      "text/html; charset=utf-8",
      "fallback: ambiguous markup; strict CSP",
    ],
  ])(
    "%s: the original page under a strict CSP, never a 5xx or an empty body",
    async (_, html, type, reason) => {
      const res = await send(app, WWW, { ...serve(html, { "Content-Type": type }), debug: true });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(html);
      expect(res.headers.get("X-Consent-Html")).toBe(reason);
      expect(res.headers.get("Content-Security-Policy")).toBe(FALLBACK_CSP);
    },
  );

  it("a POST is never repeated: its page is kept with tee() for the fallback", async () => {
    const html = page(`${GA}<select><option>a<noscript>x</noscript></select>`);
    const res = await send(app, WWW, { ...serve(html), method: "POST", body: "q=1", debug: true });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(html);
    expect(res.headers.get("X-Consent-Html")).toBe("fallback: ambiguous markup; strict CSP");
  });

  it("with every category granted the fallback adds no CSP", async () => {
    const html = page(`${GA}<select><option>a<noscript>x</noscript></select>`);
    const res = await send(app, WWW, {
      ...serve(html, {}, { Cookie: consent(["functional", "analytics", "marketing"]) }),
      debug: true,
    });
    expect(await res.text()).toBe(html);
    expect(res.headers.get("X-Consent-Html")).toBe("fallback: ambiguous markup");
    expect(res.headers.has("Content-Security-Policy")).toBe(false);
  });
});

describe("response headers of a rewritten page", () => {
  it("drop the length, weaken the validator, vary on Cookie, stay private", async () => {
    const res = await send(
      app,
      WWW,
      serve(page(GA), { ETag: '"abc"', "Content-Length": "999", "Cache-Control": "public, max-age=300" }),
    );
    await res.text();
    expect(res.headers.get("ETag")).toBe('W/"abc"');
    expect(res.headers.get("Vary")).toBe("Cookie, Accept-Language");
    expect(res.headers.get("Cache-Control")).toBe("private, max-age=300");
  });

  it("the runtime carries the page's CSP nonce and comes before every script", async () => {
    const html = page(`<script nonce="n0nce">first()</script>${GA}`);
    const res = await send(
      app,
      WWW,
      serve(html, { "Content-Security-Policy": "script-src 'nonce-n0nce' 'strict-dynamic'" }),
    );
    const text = await res.text();
    const firstScript = text.indexOf("<script");
    expect(text.slice(firstScript, firstScript + 32)).toBe('<script nonce="n0nce">(function(');
    expect(text).toContain('<script nonce="n0nce">first()</script>');
  });

  it.each([
    ["script-src 'self' 'sha256-AAAA'", /^script-src 'self' 'sha256-AAAA' 'sha256-[A-Za-z0-9+/]+=*'$/],
    ["default-src 'self'; img-src *", /^default-src 'self' 'sha256-[A-Za-z0-9+/]+=*'; img-src \*$/],
    ["script-src 'self' 'unsafe-inline'", /^script-src 'self' 'unsafe-inline'$/],
    ["img-src *", /^img-src \*$/],
  ])("a CSP of %j lets the runtime run, and only the runtime", async (policy, expected) => {
    const res = await send(app, WWW, serve(page(GA), { "Content-Security-Policy": policy }));
    const text = await res.text();
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toMatch(expected);
    const hash = /'sha256-([^']+)'$/.exec(csp.split(";")[0] ?? "")?.[1];
    if (hash && hash !== "AAAA") {
      const runtime = /<script>(\(function\(C,G,P,Z\)[\s\S]*?)<\/script>/.exec(text)?.[1] ?? "";
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(runtime));
      expect(btoa(String.fromCharCode(...new Uint8Array(digest)))).toBe(hash);
    }
  });

  it("debug headers count what was neutralised, and the rules that fired", async () => {
    const res = await send(app, WWW, {
      ...serve(page(`${GA}<iframe src="https://www.youtube.com/embed/x"></iframe>`)),
      debug: true,
    });
    expect(res.headers.get("X-Consent-Html")).toBe("rewritten");
    expect(res.headers.get("X-Consent-Elements-Neutralised")).toBe(
      "2: script host:googletagmanager.com (analytics), iframe host:youtube.com (marketing/youtube)",
    );
  });

  it("report-only leaves the page alone, and says what enforce would do", async () => {
    const reportOnly = appFor(testSite({ mode: "report-only" }));
    const html = page(GA);
    const res = await send(reportOnly, WWW, { ...serve(html), debug: true });
    expect(await res.text()).toBe(html);
    expect(res.headers.get("X-Consent-Html")).toBe("report-only: would rewrite");
    expect(res.headers.get("X-Consent-Elements-Neutralised")).toBe(
      "1: script host:googletagmanager.com (analytics)",
    );
  });
});

describe("the runtime", () => {
  const gzippedSize = async (text: string) =>
    (await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer())
      .byteLength;

  // Issue 12 grew every budget by 0.8 to 0.9 KB (measured here, gzip): about 650 bytes for consent
  // per service (consent cookie version 2 read and written, read field by field as the edge reads
  // it; services granted on their own in `has`; consentEdge's services arguments and services();
  // the placeholder's always-allow and load-once buttons, read as the parser inserts them so that
  // a script cannot rewrite what they do; the page guard letting exactly the load-once URLs
  // through), and about 200 for telling Cloudflare Zaraz the choice (runtime/zaraz.ts).
  // Before: 1,926, 5,662 and 6,250 bytes; after: 2,799, 6,518 and 7,105 (2,807, 6,526 and 7,112
  // once a whole choice only narrowed the page at boot). Then telling Zaraz left the core for a
  // bundle of its own, shipped only to sites with a `zaraz` source (below): 2,647, 6,381 and 6,965
  // bytes, the budgets lowered to that, rounded up to the next 0.1 KB.
  it("is at most 2.6 KB gzipped", async () => {
    expect(await gzippedSize(RUNTIME_SOURCE)).toBeLessThanOrEqual(2_662);
  });

  // Issue 9's target for the runtime with the page guard was 3.5 KB: it is missed by about 2.9 KB
  // (README, "The page guard"); these budgets keep it from growing.
  it("with the page guard (on by default) is at most 6.3 KB gzipped", async () => {
    expect(await gzippedSize(RUNTIME_SOURCE + PAGE_GUARD_SOURCE)).toBeLessThanOrEqual(6_451);
  });

  it("with the page guard and the document.cookie guard (only for sites that enable it) is at most 6.9 KB gzipped", async () => {
    expect(await gzippedSize(RUNTIME_SOURCE + PAGE_GUARD_SOURCE + GUARD_SOURCE_TEXT)).toBeLessThanOrEqual(
      7_065,
    );
  });

  // Telling Cloudflare Zaraz (runtime/zaraz.ts), only for sites with a `zaraz` source: 297 bytes
  // gzipped alone, 6,570 with the runtime and the page guard (44 more than when it was in the core:
  // its own function, and the runtime's test of a whole choice handed to it).
  it("the Zaraz bundle is at most 0.3 KB gzipped, and with the runtime and the page guard at most 6.5 KB", async () => {
    expect(await gzippedSize(ZARAZ_SOURCE)).toBeLessThanOrEqual(307);
    expect(await gzippedSize(RUNTIME_SOURCE + PAGE_GUARD_SOURCE + ZARAZ_SOURCE)).toBeLessThanOrEqual(6_656);
  });

  it("ships the guard only to sites that enable it", async () => {
    const { text: without } = await rewrite(page(GA), []);
    const guarded = htmlSite({ trackers: { cookieGuard: true } });
    const { text: withGuard } = await rewrite(page(GA), [], { site: guarded, keepRuntime: true });
    expect(without).not.toContain(GUARD_SOURCE_TEXT);
    expect(withGuard).toContain(GUARD_SOURCE_TEXT);
  });

  it("is injected once even without <head>, before the first script", async () => {
    const { text } = await rewrite(`<p>hi</p>${GA}<script>x()</script>`, []);
    expect(text.match(/<!-- consent-edge runtime -->/g)).toHaveLength(1);
    expect(text.indexOf("<!-- consent-edge runtime -->")).toBeLessThan(text.indexOf("<script"));
  });

  it("cannot be broken out of by config text", async () => {
    const { text } = await rewrite(page(GA), [], {});
    expect(text).not.toContain("</script><script>alert");
  });
});

describe("a rewriter failure past the look-ahead window", () => {
  it("ends the page at the last whole 64 KiB read before the failure: nothing unenforced is sent", async () => {
    const filler = "<p>filler paragraph to push the failure past the look-ahead window</p>\n".repeat(1_500);
    const html = page(`${filler}<select><option>a<noscript>x</noscript></select>${GA}<p>tail</p>`);
    const res = await send(app, WWW, serve(html, {}, { "X-Fixture-Chunk": "4096" }));
    expect(res.status).toBe(200);
    const text = await res.text();
    // The look-ahead window was sent in full: this is the streaming case, not the fallback.
    expect(text.length).toBeGreaterThanOrEqual(64 * 1024);
    expect(text).toContain("<p>filler paragraph");
    expect(text).not.toContain("<p>tail</p>");
    expect(text).not.toContain(' src="https://www.googletagmanager.com');
  });
});

describe("preconnects", () => {
  it.each([
    '<link rel="PreConnect" href="https://www.googletagmanager.com">',
    '<link rel="stylesheet preload" as="style" href="https://www.googletagmanager.com/x.css">',
    '<link href="//www.clarity.ms" rel="dns-prefetch">',
  ])("%s is neutralised, whatever the case or order of its rel tokens", async (tag) => {
    const { text } = await rewrite(page(tag), []);
    expect(text).toContain('data-ce-category="analytics"');
    expect(text).not.toMatch(/ href="(https:)?\/\/www\.(googletagmanager|clarity)/);
  });

  // This used to leave the stylesheet alone: but a stylesheet is a request to the tracker host,
  // with its cookies, before any script runs (issue 7, item 4).
  it("a stylesheet from a tracker host is neutralised like a preconnect", async () => {
    const tag = '<link rel="stylesheet" href="https://www.googletagmanager.com/x.css">';
    const { text } = await rewrite(page(tag), []);
    expect(text).toContain(
      '<link rel="stylesheet" data-ce-href="https://www.googletagmanager.com/x.css" data-ce-category="analytics">',
    );
  });

  it.each([
    '<link rel="stylesheet" href="/site.css">',
    '<link rel="canonical" href="https://www.googletagmanager.com/">',
    '<link rel="alternate" hreflang="de" href="https://www.googletagmanager.com/de">',
  ])("%s is left alone (first-party, or a link that loads nothing)", async (tag) => {
    const { text } = await rewrite(page(tag), []);
    expect(text).toContain(tag);
  });
});
