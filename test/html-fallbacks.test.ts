/**
 * The HTML stage's edges, in workerd with the real HTMLRewriter: what counts as HTML (Content-Type
 * parsing, several headers, sniffing untyped bodies as browsers do), content codings (zlib and raw
 * deflate, codings the runtime leaves encoded, stacked and unknown ones, labels that lie), pages
 * the rewriter rejects, and when the first byte goes out. Output is judged with parse5.
 */
import { parse } from "parse5";
import { describe, expect, it } from "vitest";
import {
  classifyDocument,
  extractMimeType,
  forbidsSniffing,
  htmlContentType,
  mayRunScripts,
  sniffUnknownType,
} from "../src/html/content-type";
import { FALLBACK_CSP } from "../src/html/csp";
import { isZlibHeader, planDecoding } from "../src/html/decode-body";
import { enforceHtml, LOOKAHEAD_BYTES, variesByConsent } from "../src/html/rewrite-html";
import type { Site } from "../src/config/compile";
import { appFor, consent, send, testSite } from "./helpers";
import { chunked, emptyReport, htmlSite, page } from "./html-helpers";

const GA_SRC = "https://www.googletagmanager.com/gtag/js?id=G-1";
const GA = `<script async src="${GA_SRC}"></script>`;
const SELECT_NOSCRIPT = "<select><option>a<noscript>x</noscript></select>";
const FRAMESET = `<!doctype html><html><head><title>x</title></head><frameset><frame src="a.html"></frameset><script src="${GA_SRC}"></script></html>`;
const encoder = new TextEncoder();
const bytesOf = (text: string) => encoder.encode(text);

type Node = { nodeName: string; attrs?: Array<{ name: string; value: string }>; childNodes?: Node[] };

/** Scripts a browser would fetch from a tracker host, as parse5 reads the page. */
function executableTrackerScripts(html: string): string[] {
  const found: string[] = [];
  const visit = (node: Node) => {
    if (node.nodeName === "script") {
      const attrs = new Map((node.attrs ?? []).map((attr) => [attr.name, attr.value]));
      const type = (attrs.get("type") ?? "").trim().toLowerCase();
      const runs = ["", "text/javascript", "module", "application/javascript"].includes(type);
      const src = attrs.get("src");
      if (runs && src?.includes("googletagmanager.com")) found.push(src);
    }
    for (const child of node.childNodes ?? []) visit(child);
    const content = (node as { content?: Node }).content;
    if (content) visit(content);
  };
  visit(parse(html));
  return found;
}

async function compress(bytes: Uint8Array, format: "gzip" | "deflate" | "deflate-raw"): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

interface Served {
  body: Uint8Array;
  headers: Headers;
  html: string | undefined;
  origin: number;
}

/** The HTML stage over `body` with `headers`, as a GET whose refetch serves the same bytes again. */
async function stage(
  body: Uint8Array | ReadableStream<Uint8Array>,
  headers: Record<string, string> | Array<[string, string]>,
  options: { granted?: string[]; site?: Site; method?: string; chunk?: number; buffer?: boolean } = {},
): Promise<Served> {
  const site = options.site ?? htmlSite();
  let origin = 0;
  const make = () => {
    origin += 1;
    const stream = body instanceof ReadableStream ? body : chunked(body, options.chunk ?? 0);
    return new Response(stream, { headers: new Headers(headers) });
  };
  const first = make();
  const out = new Headers(first.headers);
  const report = emptyReport(site);
  const method = options.method ?? "GET";
  const result = await enforceHtml(
    first,
    out,
    {
      site,
      granted: new Set(["necessary", ...(options.granted ?? [])]),
      doNotTrack: false,
      page: new URL("https://www.example.com/"),
      method,
      buffer: options.buffer ?? false,
      ...(method === "GET" ? { refetch: () => Promise.resolve(make()) } : {}),
    },
    report,
  );
  const bytes = new Uint8Array(await new Response(result).arrayBuffer());
  return { body: bytes, headers: out, html: report.html, origin };
}

const text = (served: Served) => new TextDecoder().decode(served.body);

describe("Content-Type as browsers read it (Fetch §3.1.7, MIME Sniffing §4.4)", () => {
  it.each([
    ["text/html", "html"],
    ["TEXT/HTML ; charset=utf-8", "html"],
    ['text/html;charset="utf-8"', "html"],
    ["  text/html  ", "html"],
    ["text/plain, text/html", "html"],
    ["text/html, text/plain", "other"],
    ["text/html, */*", "html"],
    ["text/html, garbage", "html"],
    ["text/htmlx", "other"],
    ["text/html-sandboxed", "other"],
    ["text / html", "unknown"],
    ["", "unknown"],
    ["garbage", "unknown"],
    ["*/*", "unknown"],
    ["unknown/unknown", "unknown"],
    ["Application/Unknown", "unknown"],
    ["application/xhtml+xml", "xml"],
    ["image/svg+xml; charset=utf-8", "xml"],
    ["text/xml", "xml"],
    ["application/xml", "xml"],
    ["application/rss+xml", "xml"],
    ["application/json", "other"],
    ["text/plain", "other"],
    ["image/png", "other"],
  ])("%j is %s", (value, kind) => {
    expect(classifyDocument(new Headers({ "Content-Type": value }))).toBe(kind);
  });

  it("no Content-Type at all is unknown, and may run scripts", () => {
    expect(classifyDocument(new Headers())).toBe("unknown");
    expect(mayRunScripts(new Headers())).toBe(true);
    expect(mayRunScripts(new Headers({ "Content-Type": "image/png" }))).toBe(false);
  });

  it("several Content-Type headers are read as one list, the last valid type winning", () => {
    const headers = new Headers();
    headers.append("Content-Type", "text/plain");
    headers.append("Content-Type", "text/html; charset=windows-1252");
    expect(classifyDocument(headers)).toBe("html");
    expect(htmlContentType(headers)).toBe("text/html; charset=windows-1252");
  });

  it.each([
    ["text/html; charset=utf-8, text/html", { essence: "text/html", charset: "utf-8" }],
    ["text/html; charset=utf-8, text/plain", { essence: "text/plain" }],
    ['text/html; charset="a,b"', { essence: "text/html", charset: "a,b" }],
    ["text/html; foo=bar; charset=iso-8859-1", { essence: "text/html", charset: "iso-8859-1" }],
    ["text/html; charset=", { essence: "text/html" }],
  ])("%j extracts %j", (value, expected) => {
    expect(extractMimeType(value)).toEqual(expected);
  });

  it.each([
    ["nosniff", true],
    ["NoSniff", true],
    ["nosniff, foo", true],
    ["foo, nosniff", false],
    ["", false],
  ])("X-Content-Type-Options %j forbids sniffing: %s", (value, expected) => {
    expect(forbidsSniffing(new Headers({ "X-Content-Type-Options": value }))).toBe(expected);
  });
});

describe("sniffing an untyped body (MIME Sniffing §7.1, sniff-scriptable)", () => {
  it.each([
    ["<!DOCTYPE html>", "html"],
    ["<!doctype HTML >", "html"],
    ["\n\t \r\f<html>", "html"],
    ["<HEAD>", "html"],
    ["<script>alert(1)</script>", "html"],
    ["<iframe src=x>", "html"],
    ["<h1>Title", "html"],
    ["<div>", "html"],
    ["<font ", "html"],
    ["<table>", "html"],
    ["<a href=x>", "html"],
    ["<style>", "html"],
    ["<title>", "html"],
    ["<b>", "html"],
    ["<body>", "html"],
    ["<br>", "html"],
    ["<p>", "html"],
    ["<!-- x -->", "html"],
    ["<?xml version='1.0'?><svg/>", "xml"],
    ["<scripts>", "other"],
    ["<htmlx>", "other"],
    ["<!doctypehtml>", "other"],
    ["\uFEFF<!doctype html>", "other"],
    ["hello <html>", "other"],
    ["%PDF-1.4", "other"],
    ['{"a":1}', "other"],
    ["<?XML", "other"],
  ])("%j is %s", (body, expected) => {
    expect(sniffUnknownType(bytesOf(body), true)).toBe(expected);
  });

  it.each(["", "   ", "<", "<!DOC", "<htm", "<p", " <?xm"])(
    "%j needs more bytes while the body may continue",
    (body) => {
      expect(sniffUnknownType(bytesOf(body), false)).toBe("more");
      expect(sniffUnknownType(bytesOf(body), true)).toBe("other");
    },
  );

  it("looks no further than the 1445-byte resource header", () => {
    expect(sniffUnknownType(bytesOf(`${" ".repeat(1445)}<html>`), false)).toBe("other");
    expect(sniffUnknownType(bytesOf(`${" ".repeat(1438)}<html>`), false)).toBe("html");
  });
});

describe("an HTML body without a usable Content-Type", () => {
  it.each([
    ["no Content-Type", {}],
    ["unknown/unknown", { "Content-Type": "unknown/unknown" }],
    ["application/unknown", { "Content-Type": "application/unknown" }],
    ["*/*", { "Content-Type": "*/*" }],
    ["an unparseable one", { "Content-Type": "html" }],
  ])("%s: enforced as HTML and labelled text/html", async (_, headers) => {
    for (const chunk of [0, 1, 7]) {
      const served = await stage(bytesOf(`\n  ${page(GA)}`), headers, { chunk });
      expect(served.html).toBe("rewritten (sniffed as html)");
      expect(served.headers.get("Content-Type")).toBe("text/html");
      expect(executableTrackerScripts(text(served))).toEqual([]);
      expect(text(served)).toContain("<p>Content</p>");
    }
  });

  it("with nosniff it is left as it is (browsers do not run it) but under the strict CSP", async () => {
    const html = page(GA);
    const served = await stage(bytesOf(html), { "X-Content-Type-Options": "nosniff" });
    expect(text(served)).toBe(html);
    expect(served.html).toBe("unknown type, nosniff: unchanged; strict CSP");
    expect(served.headers.get("Content-Security-Policy")).toBe(FALLBACK_CSP);
    expect(served.headers.has("Content-Type")).toBe(false);
  });

  it.each([
    ["plain text", "hello <script src=x></script>", "not html (sniffed)", false],
    ["JSON", '{"src":"https://www.googletagmanager.com/gtag/js"}', "not html (sniffed)", false],
    [
      "XML",
      '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
      "not rewritable: sniffed xml; strict CSP",
      true,
    ],
  ])("%s passes byte for byte", async (_, body, outcome, csp) => {
    const served = await stage(bytesOf(body), {}, { chunk: 3 });
    expect(text(served)).toBe(body);
    expect(served.html).toBe(outcome);
    expect(served.headers.get("Content-Security-Policy")).toBe(csp ? FALLBACK_CSP : null);
  });

  it("a binary untyped body passes byte for byte", async () => {
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 37) % 256);
    const served = await stage(bytes, {}, { chunk: 100 });
    expect(served.body).toEqual(bytes);
  });
});

describe("documents that run scripts but are not HTML", () => {
  it.each(["application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml"])(
    "%s: unchanged, under the strict CSP while a category is refused, and never shared",
    async (type) => {
      const body = `<svg xmlns="http://www.w3.org/2000/svg"><script href="${GA_SRC}"/></svg>`;
      const refused = await stage(bytesOf(body), { "Content-Type": type });
      expect(text(refused)).toBe(body);
      expect(refused.html).toBe(`not rewritable: ${type}; strict CSP`);
      expect(refused.headers.get("Content-Security-Policy")).toBe(FALLBACK_CSP);
      expect(variesByConsent(refused.html)).toBe(true);

      const granted = await stage(
        bytesOf(body),
        { "Content-Type": type },
        {
          granted: ["functional", "analytics", "marketing"],
        },
      );
      expect(text(granted)).toBe(body);
      expect(granted.headers.has("Content-Security-Policy")).toBe(false);
      expect(granted.headers.get("Vary")).toBe("Cookie");
    },
  );
});

describe("content codings", () => {
  const html = page(GA);

  it.each([
    ["deflate (zlib, RFC 1950)", "deflate", "deflate" as const],
    ["deflate as a bare DEFLATE stream (RFC 1951)", "deflate", "deflate-raw" as const],
    ["DEFLATE", "DEFLATE", "deflate" as const],
    ["x-gzip", "x-gzip", "gzip" as const],
    ["GZIP (the runtime decodes only `gzip`)", "GZIP", "gzip" as const],
    ["gzip, identity", "gzip, identity", "gzip" as const],
  ])("%s is decoded, enforced and sent uncompressed", async (_, label, format) => {
    const coded = await compress(bytesOf(html), format);
    for (const chunk of [0, 1, 5]) {
      const served = await stage(
        coded,
        { "Content-Type": "text/html", "Content-Encoding": label },
        { chunk },
      );
      expect(served.html).toBe("rewritten");
      expect(served.headers.has("Content-Encoding")).toBe(false);
      expect(executableTrackerScripts(text(served))).toEqual([]);
      expect(text(served)).toContain("<p>Content</p>");
    }
  });

  it.each([
    ["gzip, br", "gzip, br"],
    ["br, gzip", "br, gzip"],
    ["zstd", "zstd"],
    ["compress", "compress"],
    ["BR (not decoded by the runtime)", "br"],
  ])("%s: the original bytes with their own Content-Encoding, under the strict CSP", async (name, coding) => {
    const label = name.startsWith("BR") ? "BR" : coding;
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 13) % 256);
    const served = await stage(bytes, {
      "Content-Type": "text/html",
      "Content-Encoding": label,
      "Content-Length": "300",
    });
    expect(served.body).toEqual(bytes);
    expect(served.html).toBe(`fallback: encoding ${coding}; strict CSP`);
    expect(served.headers.get("Content-Encoding")).toBe(label);
    expect(served.headers.get("Content-Length")).toBe("300");
    expect(served.headers.get("Content-Security-Policy")).toBe(FALLBACK_CSP);
    expect(served.origin).toBe(1);
  });

  it.each([
    ["deflate", bytesOf(html)],
    ["x-gzip", bytesOf(html)],
    ["deflate", Uint8Array.of(0x78, 0x9c, 1, 2, 3, 4, 5, 6, 7, 8)],
  ])(
    "a body that is not %s as labelled: the original bytes, still labelled, under the strict CSP",
    async (label, bytes) => {
      const served = await stage(bytes, {
        "Content-Type": "text/html",
        "Content-Encoding": label,
        "Content-Length": String(bytes.byteLength),
      });
      expect(served.body).toEqual(bytes);
      expect(served.html).toMatch(/^fallback: (undecodable body|rewriter error); strict CSP$/);
      expect(served.headers.get("Content-Encoding")).toBe(label);
      expect(served.headers.get("Content-Length")).toBe(String(bytes.byteLength));
      expect(served.headers.get("Content-Security-Policy")).toBe(FALLBACK_CSP);
    },
  );

  it("a POST whose body is not deflate as labelled gets its own bytes back from the tee() copy", async () => {
    const bytes = bytesOf(html);
    const served = await stage(
      bytes,
      { "Content-Type": "text/html", "Content-Encoding": "deflate" },
      {
        method: "POST",
      },
    );
    expect(served.body).toEqual(bytes);
    expect(served.headers.get("Content-Encoding")).toBe("deflate");
    expect(served.origin).toBe(1);
  });

  it.each([
    ["at once: before a byte went out, the original bytes under the strict CSP", 0],
    ["after a pause: after the first bytes went out, the page ends there", 50],
  ])("a coding that fails part-way, %s", async (_, pauseMs) => {
    const filler = "<p>filler paragraph, long enough to stream before the damage</p>\n".repeat(3_000);
    const coded = await compress(bytesOf(page(`${filler}${GA}<p>tail</p>`)), "deflate");
    const damaged = coded.slice();
    const cut = Math.floor(coded.length * 0.6);
    for (let i = cut; i < coded.length; i += 1) damaged[i] = 0xff;
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(damaged.slice(0, cut));
        if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
        controller.enqueue(damaged.slice(cut));
        controller.close();
      },
    });
    const served = await stage(pauseMs > 0 ? body : damaged, {
      "Content-Type": "text/html",
      "Content-Encoding": "deflate",
    });
    if (pauseMs === 0) {
      expect(served.body).toEqual(damaged);
      expect(served.headers.get("Content-Encoding")).toBe("deflate");
      expect(served.html).toBe("fallback: undecodable body; strict CSP");
      return;
    }
    expect(served.html).toBe("rewritten");
    expect(text(served)).toContain("<p>filler paragraph");
    expect(text(served)).not.toContain("<p>tail</p>");
    expect(executableTrackerScripts(text(served))).toEqual([]);
  });

  it.each([
    [[0x78, 0x9c], true],
    [[0x78, 0x01], true],
    [[0x78, 0xda], true],
    [[0x48, 0x89], true],
    [[0x78, 0x9d], false],
    [[0x79, 0x9c], false],
    [[0xf3, 0x48], false],
    [[0x78], false],
  ])("%j starts a zlib stream: %s", (bytes, expected) => {
    expect(isZlibHeader(Uint8Array.from(bytes))).toBe(expected);
  });

  it.each([
    [null, { kind: "none" }],
    ["identity", { kind: "none" }],
    ["Identity, identity", { kind: "none" }],
    ["gzip", { kind: "runtime" }],
    ["br", { kind: "runtime" }],
    ["x-gzip", { kind: "stream", coding: "gzip" }],
    ["Gzip", { kind: "stream", coding: "gzip" }],
    ["deflate", { kind: "stream", coding: "deflate" }],
    ["identity, deflate", { kind: "stream", coding: "deflate" }],
    ["gzip, gzip", { kind: "unsupported", coding: "gzip, gzip" }],
    ["deflate, br", { kind: "unsupported", coding: "deflate, br" }],
    ["zstd", { kind: "unsupported", coding: "zstd" }],
  ])("Content-Encoding %j: %j", (value, plan) => {
    expect(planDecoding(value)).toEqual(plan);
  });
});

describe("pages the rewriter rejects: the original page under the strict CSP", () => {
  it.each([
    ["UTF-16", "text/html; charset=utf-16", "fallback: charset; strict CSP"],
    ["UTF-16BE", "text/html; charset=UTF-16BE", "fallback: charset; strict CSP"],
    ["ISO-2022-JP", "text/html; charset=iso-2022-jp", "fallback: charset; strict CSP"],
    ["a replacement label", "text/html; charset=iso-2022-kr", "fallback: charset; strict CSP"],
    ["an unknown label", "text/html; charset=x-bogus", "fallback: charset; strict CSP"],
  ])("%s", async (_, type, outcome) => {
    const bytes = bytesOf(page(GA));
    const served = await stage(bytes, { "Content-Type": type, "Content-Length": String(bytes.byteLength) });
    expect(served.body).toEqual(bytes);
    expect(served.html).toBe(outcome);
    expect(served.headers.get("Content-Length")).toBe(String(bytes.byteLength));
    expect(served.headers.get("Content-Security-Policy")).toBe(FALLBACK_CSP);
  });

  it.each([
    ["FF FE", [0xff, 0xfe]],
    ["FE FF", [0xfe, 0xff]],
  ])("a UTF-16 byte order mark (%s) overrides a UTF-8 label, as in browsers", async (_, bom) => {
    const utf16 = Uint8Array.from([...bom, ...Array.from(bytesOf(page(GA))).flatMap((byte) => [byte, 0])]);
    const served = await stage(utf16, { "Content-Type": "text/html; charset=utf-8" }, { chunk: 1 });
    expect(served.body).toEqual(utf16);
    expect(served.html).toBe("fallback: charset (UTF-16 byte order mark); strict CSP");
  });

  it("noscript in select, the page in one piece: the original page, never a truncated or empty one", async () => {
    const html = page(`${GA}${SELECT_NOSCRIPT}`);
    const served = await stage(bytesOf(html), { "Content-Type": "text/html" });
    expect(text(served)).toBe(html);
    expect(served.html).toBe("fallback: ambiguous markup; strict CSP");
  });

  it("a script after <frameset>, in one piece: the original page", async () => {
    const served = await stage(bytesOf(FRAMESET), { "Content-Type": "text/html" });
    expect(text(served)).toBe(FRAMESET);
    expect(served.html).toBe("fallback: ambiguous markup; strict CSP");
  });

  // Arriving in pieces without pause, the page is held up to LOOKAHEAD_BYTES: the fallback holds
  // whatever the chunking (a slow origin is the other case: "the first byte" below).
  it.each([
    ["noscript in select", 1, page(`${GA}<p>before</p>${SELECT_NOSCRIPT}<p>tail</p>`)],
    ["noscript in select", 16, page(`${GA}<p>before</p>${SELECT_NOSCRIPT}<p>tail</p>`)],
    ["a script after frameset", 8, FRAMESET],
    ["a script after frameset", 1, FRAMESET],
  ])("%s, in chunks of %i: the original page", async (_, chunk, html) => {
    const served = await stage(bytesOf(html), { "Content-Type": "text/html" }, { chunk });
    expect(text(served)).toBe(html);
    expect(served.html).toBe("fallback: ambiguous markup; strict CSP");
  });
});

/** A body whose first part arrives at once and the rest only when `release()` is called. */
function slowBody(first: string, rest: string) {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      sent += 1;
      if (sent === 1) controller.enqueue(bytesOf(first));
      else {
        await gate;
        controller.enqueue(bytesOf(rest));
        controller.close();
      }
    },
  });
  return { body, release };
}

async function firstRead(site: Site, body: ReadableStream<Uint8Array>, buffer = false) {
  const headers = new Headers({ "Content-Type": "text/html; charset=utf-8" });
  const report = emptyReport(site);
  const result = enforceHtml(
    new Response(body, { headers }),
    headers,
    {
      site,
      granted: new Set(["necessary"]),
      doNotTrack: false,
      page: new URL("https://www.example.com/"),
      method: "GET",
      buffer,
      refetch: () => Promise.resolve(new Response(page(`${GA}${SELECT_NOSCRIPT}`), { headers })),
    },
    report,
  );
  const settled = await Promise.race([
    result,
    new Promise<"waiting">((resolve) => {
      setTimeout(() => {
        resolve("waiting");
      }, 200);
    }),
  ]);
  return { settled, result, report, headers };
}

/** The text of each <p>, in document order, as parse5 reads the page. */
function paragraphs(html: string): string[] {
  const found: string[] = [];
  const textOf = (node: Node): string =>
    node.nodeName === "#text"
      ? ((node as { value?: string }).value ?? "")
      : (node.childNodes ?? []).map(textOf).join("");
  const visit = (node: Node) => {
    if (node.nodeName === "p") found.push(textOf(node));
    for (const child of node.childNodes ?? []) visit(child);
  };
  visit(parse(html));
  return found;
}

// The rewriter's output is read in buffers smaller than lol-html's largest pieces (rewrite-html.ts,
// PIECE_SIZE) and gathered in batches of up to 64 KiB: every byte must arrive once, in order,
// whatever the sizes of the origin's chunks and of the text between two handlers.
describe("reading the rewriter's output", () => {
  const long = "a paragraph with no markup in it, ".repeat(6_000); // about 200 KiB: one piece, many reads
  const many = Array.from({ length: 3_000 }, (_, i) => `<p>item ${i}</p>`).join("\n");
  const shapes: Array<[string, string]> = [
    ["one 200 KiB text run", `${GA}<p>${long}</p>${GA}<p>end</p>`],
    ["3,000 short paragraphs, trackers around them", `${GA}${many}${GA}<p>end</p>`],
    ["a tracker after 64 KiB", `<p>${long.slice(0, 70_000)}</p>${GA}<p>end</p>`],
  ];
  it.each(
    shapes.flatMap(([name, body]) => [0, 1_000, 16_384, 70_000].map((chunk) => [name, chunk, body] as const)),
  )(
    "%s, in chunks of %i bytes (0: one piece): every paragraph once, in order, no live tracker",
    async (_, chunk, body) => {
      const html = page(body);
      const served = await stage(bytesOf(html), { "Content-Type": "text/html" }, { chunk });
      const out = text(served);
      expect(served.html).toBe("rewritten");
      expect(paragraphs(out)).toEqual(paragraphs(html));
      expect(executableTrackerScripts(out)).toEqual([]);
    },
  );
});

describe("the first byte", () => {
  const site = htmlSite();
  const HEAD =
    '<!doctype html><html><head><meta charset="utf-8"><title>Slow</title></head><body><p>first</p>';

  it("goes out before a slow origin finishes", async () => {
    const { body, release } = slowBody(HEAD, `${GA}<p>rest</p></body></html>`);
    const { settled, result, report } = await firstRead(site, body);
    expect(settled).not.toBe("waiting");
    const stream = await result;
    if (!stream) throw new Error("no body");
    const reader = (stream as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let all = "";
    // Everything the origin sent so far arrives while the rest is still held back by the origin.
    while (!all.includes("<p>first</p>")) {
      const next = await Promise.race([
        reader.read(),
        new Promise<"stalled">((resolve) => {
          setTimeout(() => {
            resolve("stalled");
          }, 500);
        }),
      ]);
      if (next === "stalled" || next.done) throw new Error(`head not streamed: ${all}`);
      all += decoder.decode(next.value, { stream: true });
    }
    release();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      all += decoder.decode(next.value, { stream: true });
    }
    expect(all).toContain("<p>rest</p>");
    expect(executableTrackerScripts(all)).toEqual([]);
    expect(report.html).toBe("rewritten");
  });

  it("waits while a <select> is open, so that an ambiguity error can still fall back", async () => {
    const { body, release } = slowBody(
      `${HEAD}<form><select><option>a`,
      `<noscript>x</noscript></select>${GA}</body></html>`,
    );
    const { settled, result, report, headers } = await firstRead(site, body);
    expect(settled).toBe("waiting");
    release();
    const served = await new Response(await result).text();
    expect(served).toBe(page(`${GA}${SELECT_NOSCRIPT}`));
    expect(report.html).toBe("fallback: ambiguous markup; strict CSP");
    expect(headers.get("Content-Security-Policy")).toBe(FALLBACK_CSP);
  });

  it("streams again once the <select> closed", async () => {
    const { body, release } = slowBody(
      `${HEAD}<select><option>a</option></select><p>after</p>`,
      "</body></html>",
    );
    const { settled } = await firstRead(site, body);
    expect(settled).not.toBe("waiting");
    release();
  });

  it("a failure after the first byte ends the page there, and never sends what followed it", async () => {
    const { body, release } = slowBody(
      HEAD,
      `<select><option>a<noscript>x</noscript></select>${GA}<p>tail</p>`,
    );
    const { settled, result } = await firstRead(site, body);
    expect(settled).not.toBe("waiting");
    release();
    const served = await new Response(await result).text();
    expect(served).toContain("<p>first</p>");
    expect(served).not.toContain("<p>tail</p>");
    expect(executableTrackerScripts(served)).toEqual([]);
  });

  it("with the debug secret the page is read to its end first", async () => {
    const { body, release } = slowBody(HEAD, "</body></html>");
    const { settled } = await firstRead(site, body, true);
    expect(settled).toBe("waiting");
    release();
  });

  it(`holds an open <select> no longer than ${LOOKAHEAD_BYTES} bytes`, async () => {
    const options = "<option>an option in a very long list</option>".repeat(2_000);
    const { body, release } = slowBody(`${HEAD}<select>${options}`, "</select></body></html>");
    const { settled } = await firstRead(site, body);
    expect(settled).not.toBe("waiting");
    release();
  });
});

describe("through the whole worker", () => {
  const app = appFor(testSite());
  const WWW = "https://www.example.com/";
  const base64 = (value: string) => btoa(String.fromCharCode(...bytesOf(value)));
  const serve = (html: string, headers: Record<string, string>, extra: Record<string, string> = {}) => ({
    headers: { "X-Fixture-Body": base64(html), "X-Fixture-Header": JSON.stringify(headers), ...extra },
  });

  it.each([
    ["refused", {}],
    ["granted", { Cookie: consent(["functional", "analytics", "marketing"]) }],
  ])("a fallback page (%s) is never left for a shared cache to replay", async (_, extra) => {
    const html = page(`${GA}${SELECT_NOSCRIPT}`);
    const res = await send(
      app,
      WWW,
      serve(html, { "Content-Type": "text/html", "Cache-Control": "public, max-age=600" }, extra),
    );
    expect(await res.text()).toBe(html);
    expect(res.headers.get("Cache-Control")).toBe("private, max-age=600");
    expect(res.headers.get("Vary")).toContain("Cookie");
  });

  it("an untyped page from the origin is enforced as HTML", async () => {
    const res = await send(app, WWW, { ...serve(page(GA), { "Content-Type": "" }), debug: true });
    const body = await res.text();
    expect(res.headers.get("Content-Type")).toBe("text/html");
    expect(res.headers.get("X-Consent-Html")).toBe("rewritten (sniffed as html)");
    expect(executableTrackerScripts(body)).toEqual([]);
  });
});
