/**
 * The HTML stage over real HTTP, as production runs it: the built worker in workerd (Miniflare, no
 * dev proxy) in front of a Node origin that writes the bytes itself: content codings the origin was
 * not asked for (raw and zlib deflate, x-gzip, stacked, lying labels, a body damaged part-way),
 * pages the rewriter rejects, untyped pages, and when the first byte reaches the visitor.
 */
import type { ServerResponse } from "node:http";
import {
  brotliDecompressSync,
  deflateRawSync,
  deflateSync,
  gunzipSync,
  gzipSync,
  inflateRawSync,
  inflateSync,
} from "node:zlib";
import { parse } from "parse5";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyDocument, sniffUnknownType } from "../../src/html/content-type";
import { FALLBACK_CSP } from "../../src/html/csp";
import { chromiumPath, launchChromium } from "./servers";
import {
  DEBUG_SECRET,
  request,
  site,
  startBuiltEdge,
  startOrigin,
  type BuiltEdge,
  type RawResponse,
  type TestOrigin,
} from "./edge-http";

const GA_SRC = "https://www.googletagmanager.com/gtag/js?id=G-1";
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body><p>Content</p><script async src="${GA_SRC}"></script></body></html>`;
const SELECT_PAGE = PAGE.replace(
  "<p>Content</p>",
  "<p>Content</p><select><option>a<noscript>x</noscript></select>",
);
/**
 * The same markup after 36 KiB of the page, sent at once: within the 64 KiB look-ahead of output, which
 * also holds the injected runtime, page guard and rules (about 17 KiB since issue 12), so still the
 * original page.
 */
const SELECT_DEEP = SELECT_PAGE.replace(
  "<p>Content</p>",
  `<p>Content</p>${"<p>before the select</p>\n".repeat(1_500)}`,
);
/** A page of 1.5 MiB sent at once: many batches of output, the last tracker near its end. */
const LONG_PAGE = PAGE.replace(
  "</body>",
  `${"<p>a long page</p>\n".repeat(80_000)}<script async src="${GA_SRC}&amp;end"></script><p>end</p></body>`,
);
const HEAD = '<!doctype html><html><head><meta charset="utf-8"><title>slow</title></head><body><p>first</p>';
const SLOW_MS = 1_500;
/** What browsers send. */
const BROWSER = { "Accept-Encoding": "gzip, deflate, br" };
const IDENTITY = { "Accept-Encoding": "identity" };

type Route = (res: ServerResponse) => void | Promise<void>;

function send(res: ServerResponse, body: Buffer, headers: Record<string, string>): void {
  res.writeHead(200, { ...headers, "Content-Length": String(body.length) });
  res.end(body);
}

const html = { "Content-Type": "text/html; charset=utf-8" };
const filler = "<p>filler paragraph, long enough to stream before the damage</p>\n".repeat(3_000);
const damaged = (() => {
  const coded = deflateSync(
    Buffer.from(
      PAGE.replace("<p>Content</p>", `<p>Content</p>${filler}`).replace("</body>", "<p>tail</p></body>"),
    ),
  );
  for (let i = Math.floor(coded.length * 0.6); i < coded.length; i += 1) coded[i] = 0xff;
  return coded;
})();
const STACKED = Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 7) % 256));
const UTF16 = Buffer.from(PAGE, "utf16le");
const UTF16_BOM = Buffer.from(`\uFEFF${PAGE}`, "utf16le");
const ISO2022 = Buffer.from(PAGE.replace("<p>Content</p>", "<p>\x1b$B$3$s$K$A$O\x1b(B</p>"), "latin1");

/** Pages served whole, with a correct Content-Length: [body, headers]. */
const fixed: Record<string, [Buffer, Record<string, string>]> = {
  "/raw-deflate": [deflateRawSync(PAGE), { ...html, "Content-Encoding": "deflate" }],
  "/zlib-deflate": [deflateSync(PAGE), { ...html, "Content-Encoding": "deflate" }],
  "/gzip": [gzipSync(PAGE), { ...html, "Content-Encoding": "gzip" }],
  "/x-gzip": [gzipSync(PAGE), { ...html, "Content-Encoding": "x-gzip" }],
  "/upper-gzip": [gzipSync(PAGE), { ...html, "Content-Encoding": "GZIP" }],
  "/stacked": [STACKED, { ...html, "Content-Encoding": "gzip, br" }],
  "/lying-gzip": [Buffer.from(PAGE), { ...html, "Content-Encoding": "gzip" }],
  "/lying-deflate": [Buffer.from(PAGE), { ...html, "Content-Encoding": "deflate" }],
  "/damaged-deflate": [damaged, { ...html, "Content-Encoding": "deflate" }],
  "/select": [Buffer.from(SELECT_PAGE), html],
  "/select-deep": [Buffer.from(SELECT_DEEP), html],
  "/long-page": [Buffer.from(LONG_PAGE), html],
  "/utf-16": [UTF16, { "Content-Type": "text/html; charset=utf-16" }],
  "/utf-16-bom": [UTF16_BOM, html],
  "/iso-2022-jp": [ISO2022, { "Content-Type": "text/html; charset=iso-2022-jp" }],
  "/untyped": [Buffer.from(`\n${PAGE}`), {}],
  "/untyped-nosniff": [Buffer.from(PAGE), { "X-Content-Type-Options": "nosniff" }],
  "/svg": [
    Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg"><script href="${GA_SRC}"/></svg>`),
    {
      "Content-Type": "image/svg+xml",
    },
  ],
};

const SLOW_REST = `<script async src="${GA_SRC}"></script><p>rest</p></body></html>`;
const routes: Record<string, Route> = {
  "/damaged-deflate-slowly": async (res) => {
    res.writeHead(200, { ...html, "Content-Encoding": "deflate" });
    const cut = Math.floor(damaged.length * 0.6);
    res.write(damaged.subarray(0, cut));
    await new Promise((resolve) => setTimeout(resolve, 200));
    res.end(damaged.subarray(cut));
  },
  "/slow": async (res) => {
    res.writeHead(200, html);
    res.write(HEAD);
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
    res.end(SLOW_REST);
  },
  // A length known up front must not make the edge wait for the whole body (it would, were the
  // output read in blocks of a size the origin has yet to send: rewrite-html.ts, gatherer).
  "/slow-with-length": async (res) => {
    res.writeHead(200, { ...html, "Content-Length": String(Buffer.byteLength(HEAD + SLOW_REST)) });
    res.write(HEAD);
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
    res.end(SLOW_REST);
  },
};

let origin: TestOrigin;
let edge: BuiltEdge;

beforeAll(async () => {
  origin = await startOrigin(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const page = fixed[path];
    const route = routes[path];
    if (page) send(res, ...page);
    else if (route) await route(res);
    else send(res, Buffer.from("not found"), { "Content-Type": "text/plain" });
  });
  edge = await startBuiltEdge({ sites: [site({ origin: origin.url })] });
});

afterAll(async () => {
  await edge.stop();
  await origin.stop();
});

/** The body as the browser gets it, decoded by its own Content-Encoding (deflate either way). */
function decoded(res: RawResponse): Buffer {
  const coding = (res.headers["content-encoding"] ?? "").toLowerCase();
  if (coding === "gzip") return gunzipSync(res.body);
  if (coding === "br") return brotliDecompressSync(res.body);
  if (coding === "deflate") {
    try {
      return inflateSync(res.body);
    } catch {
      return inflateRawSync(res.body);
    }
  }
  return res.body;
}

type Node = { nodeName: string; attrs?: Array<{ name: string; value: string }>; childNodes?: Node[] };

/** Scripts a browser would fetch from the tracker, as parse5 reads the page. */
function trackerScripts(page: string): string[] {
  const found: string[] = [];
  const visit = (node: Node) => {
    const attrs = new Map((node.attrs ?? []).map((attr) => [attr.name, attr.value]));
    const type = (attrs.get("type") ?? "").toLowerCase();
    if (
      node.nodeName === "script" &&
      attrs.get("src")?.includes("googletagmanager") &&
      (type === "" || type === "text/javascript")
    ) {
      found.push(attrs.get("src") ?? "");
    }
    for (const child of node.childNodes ?? []) visit(child);
  };
  visit(parse(page));
  return found;
}

const get = (path: string, headers: Record<string, string> = BROWSER) =>
  request(edge.url, { path, headers: { ...headers, "X-Consent-Debug": DEBUG_SECRET } });

describe("codings the origin was not asked for", () => {
  it.each(["/raw-deflate", "/zlib-deflate", "/gzip", "/x-gzip", "/upper-gzip"])(
    "%s: decoded, enforced, labelled as what it now is",
    async (path) => {
      for (const headers of [BROWSER, IDENTITY]) {
        const res = await get(path, headers);
        expect(res.status).toBe(200);
        expect(res.headers["x-consent-html"]).toBe("rewritten");
        const page = decoded(res).toString("utf8");
        expect(page).toContain("<p>Content</p>");
        expect(page).toContain(`data-ce-src="${GA_SRC.replace("?", "?")}"`);
        expect(trackerScripts(page)).toEqual([]);
      }
    },
  );

  it.each([
    ["/stacked", STACKED, "gzip, br", "fallback: encoding gzip, br; strict CSP"],
    ["/lying-gzip", Buffer.from(PAGE), "gzip", "fallback: undecodable body; strict CSP"],
    ["/lying-deflate", Buffer.from(PAGE), "deflate", "fallback: undecodable body; strict CSP"],
  ])(
    "%s: the origin's own bytes with their own Content-Encoding, under the strict CSP",
    async (path, bytes, coding, outcome) => {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers["x-consent-html"]).toBe(outcome);
      expect(res.headers["content-encoding"]).toBe(coding);
      expect(res.body.equals(bytes)).toBe(true);
      expect(res.headers["content-length"]).toBe(String(bytes.length));
      expect(res.headers["content-security-policy"]).toBe(FALLBACK_CSP);
    },
  );

  it("a body that fails to decode part-way, all at once: the origin's bytes under the strict CSP", async () => {
    const res = await get("/damaged-deflate", IDENTITY);
    expect(res.status).toBe(200);
    expect(res.headers["x-consent-html"]).toBe("fallback: undecodable body; strict CSP");
    expect(res.headers["content-encoding"]).toBe("deflate");
    expect(res.body.equals(damaged)).toBe(true);
  });

  it("a body that fails to decode after the first bytes went out ends the page there: a 200, never the rest", async () => {
    const res = await request(edge.url, { path: "/damaged-deflate-slowly", headers: IDENTITY });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBeUndefined();
    const page = res.text();
    expect(page).toContain("<p>filler paragraph");
    expect(page).not.toContain("<p>tail</p>");
    expect(trackerScripts(page)).toEqual([]);
  });
});

describe("pages the rewriter rejects arrive as the original page under the strict CSP", () => {
  it.each([
    ["/select", Buffer.from(SELECT_PAGE), "fallback: ambiguous markup; strict CSP"],
    ["/select-deep", Buffer.from(SELECT_DEEP), "fallback: ambiguous markup; strict CSP"],
    ["/utf-16", UTF16, "fallback: charset; strict CSP"],
    ["/utf-16-bom", UTF16_BOM, "fallback: charset (UTF-16 byte order mark); strict CSP"],
    ["/iso-2022-jp", ISO2022, "fallback: charset; strict CSP"],
  ])("%s", async (path, bytes, outcome) => {
    const plain = await get(path, IDENTITY);
    expect(plain.status).toBe(200);
    expect(plain.headers["x-consent-html"]).toBe(outcome);
    expect(plain.headers["content-security-policy"]).toBe(FALLBACK_CSP);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers["content-length"]).toBe(String(bytes.length));
    expect(plain.body.equals(bytes)).toBe(true);

    const compressed = await get(path, BROWSER);
    expect(compressed.headers["content-security-policy"]).toBe(FALLBACK_CSP);
    expect(decoded(compressed).equals(bytes)).toBe(true);

    const visitor = await request(edge.url, { path, headers: BROWSER });
    expect(decoded(visitor).equals(bytes)).toBe(true);
    expect(visitor.headers["cache-control"]).toContain("private");
  });
});

describe("a page far longer than the look-ahead", () => {
  it("is enforced to its last byte", async () => {
    const res = await get("/long-page", IDENTITY);
    const page = decoded(res).toString("utf8");
    expect(res.headers["x-consent-html"]).toBe("rewritten");
    expect(page.length).toBeGreaterThan(LONG_PAGE.length);
    expect(page).toContain("<p>end</p></body></html>");
    expect(trackerScripts(page)).toEqual([]);
  });
});

describe("pages without a usable Content-Type", () => {
  it("an untyped HTML page is enforced and labelled text/html", async () => {
    const res = await get("/untyped");
    expect(res.headers["content-type"]).toBe("text/html");
    expect(res.headers["x-consent-html"]).toBe("rewritten (sniffed as html)");
    const page = decoded(res).toString("utf8");
    expect(page).toContain("<p>Content</p>");
    expect(trackerScripts(page)).toEqual([]);
  });

  it.each([
    ["/untyped-nosniff", "unknown type, nosniff: unchanged; strict CSP"],
    ["/svg", "not rewritable: image/svg+xml; strict CSP"],
  ])("%s: unchanged, under the strict CSP", async (path, outcome) => {
    const res = await get(path, IDENTITY);
    expect(res.headers["x-consent-html"]).toBe(outcome);
    expect(res.headers["content-security-policy"]).toBe(FALLBACK_CSP);
    expect(res.text()).toContain(GA_SRC.split("?")[0]);
  });
});

describe("the first byte of a page the origin sends slowly", () => {
  it.each([
    ["identity", "/slow", IDENTITY],
    ["gzip", "/slow", { "Accept-Encoding": "gzip" }],
    ["identity, Content-Length", "/slow-with-length", IDENTITY],
    ["gzip, Content-Length", "/slow-with-length", { "Accept-Encoding": "gzip" }],
  ])("reaches the visitor before the origin finished (%s)", async (_, path, headers) => {
    const res = await request(edge.url, { path, headers });
    const page = decoded(res).toString("utf8");
    console.log(`time to first byte, ${SLOW_MS} ms origin pause, ${_}: ${Math.round(res.firstByteMs)} ms`);
    expect(res.firstByteMs).toBeLessThan(SLOW_MS / 2);
    expect(page).toContain("<p>first</p>");
    expect(page).toContain("<p>rest</p>");
    expect(trackerScripts(page)).toEqual([]);
  });

  it("with the debug secret the page is buffered to its end, so that the headers can count it", async () => {
    const res = await get("/slow", IDENTITY);
    expect(res.firstByteMs).toBeGreaterThanOrEqual(SLOW_MS - 50);
    expect(res.headers["x-consent-elements-neutralised"]).toMatch(/^1: script/);
  });
});

/**
 * The judge of what counts as a page: Chromium, straight from the origin (no worker). Whatever
 * runs a script there must be what the HTML stage rewrites (`html`, or sniffed as html) or puts
 * under the strict CSP (`xml`, `unknown` with nosniff); whatever does not run may pass untouched.
 */
const executablePath = chromiumPath();
describe.skipIf(!executablePath)("what Chromium runs, and what the HTML stage decides", () => {
  const SCRIPT_PAGE = "<!doctype html><p>page</p><script>window.ran = true</script>";
  const XML_PAGE =
    '<?xml version="1.0"?><root><script xmlns="http://www.w3.org/1999/xhtml">window.ran = true</script></root>';
  const SVG_PAGE = '<svg xmlns="http://www.w3.org/2000/svg"><script>window.ran = true</script></svg>';
  const cases: Array<[string, string[], string, string]> = [
    ["no Content-Type", [], SCRIPT_PAGE, "html"],
    ["no Content-Type, leading whitespace", [], `\n\t ${SCRIPT_PAGE}`, "html"],
    ["no Content-Type, nosniff", ["X-Content-Type-Options", "nosniff"], SCRIPT_PAGE, "nosniff"],
    ["unknown/unknown", ["Content-Type", "unknown/unknown"], SCRIPT_PAGE, "html"],
    ["TEXT/HTML ; charset=utf-8", ["Content-Type", "TEXT/HTML ; charset=utf-8"], SCRIPT_PAGE, "html"],
    ["text/plain, text/html", ["Content-Type", "text/plain, text/html"], SCRIPT_PAGE, "html"],
    ["text/html, text/plain", ["Content-Type", "text/html, text/plain"], SCRIPT_PAGE, "other"],
    ["text/plain", ["Content-Type", "text/plain"], SCRIPT_PAGE, "other"],
    ["text/xml", ["Content-Type", "text/xml"], XML_PAGE, "xml"],
    ["image/svg+xml", ["Content-Type", "image/svg+xml"], SVG_PAGE, "xml"],
    [
      "application/xhtml+xml",
      ["Content-Type", "application/xhtml+xml"],
      `<html xmlns="http://www.w3.org/1999/xhtml"><body><script>window.ran = true</script></body></html>`,
      "xml",
    ],
  ];
  let server: TestOrigin;
  beforeAll(async () => {
    server = await startOrigin((req, res) => {
      const index = Number(new URL(req.url ?? "/", "http://x").searchParams.get("case"));
      const [, header, body] = cases[index] ?? ["", [], "", ""];
      const bytes = Buffer.from(body);
      res.writeHead(200, [...header, "Content-Length", String(bytes.length)]);
      res.end(bytes);
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  it.each(cases.map((entry, index) => [entry[0], index, entry[3]] as const))(
    "%s",
    async (_, index, expected) => {
      const [, header, body] = cases[index] ?? ["", [], "", ""];
      const headers = new Headers();
      for (let i = 0; i < header.length; i += 2) headers.append(header[i] ?? "", header[i + 1] ?? "");
      const kind = classifyDocument(headers);
      const decided =
        kind === "unknown"
          ? headers.has("X-Content-Type-Options")
            ? "nosniff"
            : sniffUnknownType(Buffer.from(body), true)
          : kind;
      expect(decided).toBe(expected);

      const browser = await launchChromium([]);
      try {
        const page = await browser.newPage();
        await page.goto(`${server.url}/?case=${index}`);
        const ran = await page.evaluate(() => (globalThis as { ran?: boolean }).ran === true);
        // Scripts run exactly where the stage rewrites or adds the strict CSP.
        expect(ran).toBe(decided === "html" || decided === "xml");
      } finally {
        await browser.close();
      }
    },
  );
});
