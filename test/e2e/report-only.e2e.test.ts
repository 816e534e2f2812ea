/**
 * Report-only over real HTTP, as production runs it: the built worker in workerd (Miniflare) in
 * front of a Node origin that writes its bytes itself. A report-only site serves exactly the bytes
 * and headers the origin sends (gzip and deflate bodies included: the encoded bytes, their
 * Content-Encoding and Content-Length); with the debug secret its headers list the elements an
 * enforcing site neutralises on the same page; with `X-Consent-Preview: enforce` as well, the page
 * is the enforced one, judged by parse5 (no tracker script a browser would run).
 */
import type { IncomingHttpHeaders } from "node:http";
import { deflateSync, gunzipSync, gzipSync, inflateSync } from "node:zlib";
import { parse } from "parse5";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
const PAGE = [
  '<!doctype html><html><head><meta charset="utf-8"><title>report-only</title>',
  `<script async src="${GA_SRC}"></script>`,
  '<link rel="preconnect" href="https://connect.facebook.net">',
  "</head><body><p>Content</p>",
  '<iframe src="https://www.youtube.com/embed/x"></iframe>',
  '<img src="https://www.facebook.com/tr?id=1&ev=PageView" width="1" height="1">',
  '<script src="https://cdn.jsdelivr.net/npm/lib.js"></script>',
  "</body></html>",
].join("");
const BROWSER = { "Accept-Encoding": "gzip, deflate, br" };
/**
 * What each page is asked for with. An unencoded page is asked for without compression: for a
 * client that accepts gzip, workerd compresses an unencoded text response itself, as it does for a
 * bare pass-through worker (measured with `new Response(origin.body, origin)`), and so does
 * Cloudflare in front of a deployed worker: those bytes are the runtime's, not the origin's.
 */
const ASKED_WITH: Record<string, Record<string, string>> = {
  "/plain": { "Accept-Encoding": "identity" },
  "/gzip": BROWSER,
  "/deflate": BROWSER,
};
const ORIGIN_HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "public, max-age=300",
  ETag: '"page-v1"',
  Link: `<${GA_SRC}>; rel=preload; as=script`,
};
const SET_COOKIES = [
  "session=s; Path=/; HttpOnly",
  "_ga=GA1.1.1; Path=/; Max-Age=63072000",
  "_fbp=fb.1; Path=/",
];

const bodies: Record<string, [Buffer, Record<string, string>]> = {
  "/plain": [Buffer.from(PAGE), {}],
  "/gzip": [gzipSync(PAGE), { "Content-Encoding": "gzip" }],
  "/deflate": [deflateSync(PAGE), { "Content-Encoding": "deflate" }],
};

let origin: TestOrigin;
let reportOnly: BuiltEdge;
let enforcing: BuiltEdge;

beforeAll(async () => {
  origin = await startOrigin((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const [body, headers] = bodies[path] ?? [Buffer.from("not found"), { "Content-Type": "text/plain" }];
    res.setHeader("Set-Cookie", SET_COOKIES);
    res.writeHead(200, { ...ORIGIN_HEADERS, ...headers, "Content-Length": String(body.length) });
    res.end(body);
  });
  const sites = (mode: string) => ({
    sites: [site({ origin: origin.url, mode, banner: { enabled: true } })],
  });
  [reportOnly, enforcing] = await Promise.all([
    startBuiltEdge(sites("report-only"), { d1: false }),
    startBuiltEdge(sites("enforce"), { d1: false }),
  ]);
});

afterAll(async () => {
  await Promise.all([reportOnly.stop(), enforcing.stop()]);
  await origin.stop();
});

/** Every header the origin controls: those a hop adds on its own (Date, Connection...) aside. */
function originHeaders(headers: IncomingHttpHeaders): Record<string, unknown> {
  const hop = new Set(["date", "connection", "keep-alive", "transfer-encoding"]);
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => !hop.has(name) && !name.startsWith("x-consent-"))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

function decoded(res: RawResponse): string {
  const coding = res.headers["content-encoding"];
  if (coding === "gzip") return gunzipSync(res.body).toString("utf8");
  if (coding === "deflate") return inflateSync(res.body).toString("utf8");
  return res.body.toString("utf8");
}

type Node = { nodeName: string; attrs?: Array<{ name: string; value: string }>; childNodes?: Node[] };

/** The `src` of every script a browser would fetch and run, as parse5 reads the page. */
function liveScriptSources(page: string): string[] {
  const found: string[] = [];
  const visit = (node: Node) => {
    const attrs = new Map((node.attrs ?? []).map((attr) => [attr.name, attr.value]));
    const type = (attrs.get("type") ?? "").trim().toLowerCase();
    const src = attrs.get("src");
    if (node.nodeName === "script" && src && ["", "text/javascript", "module"].includes(type))
      found.push(src);
    for (const child of node.childNodes ?? []) visit(child);
  };
  visit(parse(page));
  return found;
}

describe("a report-only site", () => {
  it.each(Object.keys(bodies))("%s: the origin's exact bytes and headers", async (path) => {
    const headers = ASKED_WITH[path] ?? BROWSER;
    const direct = await request(origin.url, { path, headers });
    const visitor = await request(reportOnly.url, { path, headers });
    expect(visitor.status).toBe(200);
    expect(visitor.body.equals(direct.body)).toBe(true);
    expect(visitor.body.equals(bodies[path]?.[0] ?? Buffer.alloc(0))).toBe(true);
    expect(originHeaders(visitor.headers)).toEqual(originHeaders(direct.headers));
    expect(visitor.headers["content-length"]).toBe(String(bodies[path]?.[0].length));
    expect(Object.keys(visitor.headers).filter((name) => name.startsWith("x-consent-"))).toEqual([]);
    expect(visitor.setCookie).toEqual(SET_COOKIES);
  });

  it.each(Object.keys(bodies))(
    "%s with the debug secret: the elements enforce neutralises, and still the origin's bytes",
    async (path) => {
      const debug = { ...ASKED_WITH[path], "X-Consent-Debug": DEBUG_SECRET };
      const visitor = await request(reportOnly.url, { path, headers: debug });
      const enforced = await request(enforcing.url, { path, headers: debug });
      expect(visitor.body.equals(bodies[path]?.[0] ?? Buffer.alloc(0))).toBe(true);
      expect(visitor.headers["content-encoding"]).toBe(bodies[path]?.[1]["Content-Encoding"]);
      expect(visitor.headers["x-consent-mode"]).toBe("report-only");
      expect(visitor.headers["x-consent-html"]).toBe("report-only: would rewrite");
      expect(enforced.headers["x-consent-html"]).toBe("rewritten");
      const elements = visitor.headers["x-consent-elements-neutralised"];
      expect(elements).toBe(enforced.headers["x-consent-elements-neutralised"]);
      expect(elements).toMatch(/^4: /);
      expect(elements).toContain("script host:googletagmanager.com (analytics)");
      expect(elements).toContain("iframe host:youtube.com (marketing/youtube)");
      expect(visitor.headers["x-consent-hosts"]).toBe(enforced.headers["x-consent-hosts"]);
      expect(visitor.headers["x-consent-hosts"]).toContain("cdn.jsdelivr.net (undeclared) allowed");
      expect(visitor.headers["x-consent-cookies-dropped"]).toBe(
        enforced.headers["x-consent-cookies-dropped"],
      );
      expect(visitor.headers["x-consent-link-dropped"]).toBe(GA_SRC);
      expect(visitor.headers["link"]).toBe(ORIGIN_HEADERS.Link);
      expect(enforced.headers["link"]).toBeUndefined();
      expect(visitor.setCookie).toEqual(SET_COOKIES);
    },
  );

  it("with the debug secret and X-Consent-Preview: enforce, the enforced page: no live tracker script", async () => {
    const headers = { ...BROWSER, "X-Consent-Debug": DEBUG_SECRET, "X-Consent-Preview": "enforce" };
    const preview = await request(reportOnly.url, { path: "/gzip", headers });
    const page = decoded(preview);
    expect(liveScriptSources(PAGE)).toContain(GA_SRC);
    expect(liveScriptSources(page)).not.toContain(GA_SRC);
    expect(liveScriptSources(page)).toContain("https://cdn.jsdelivr.net/npm/lib.js");
    expect(page).toContain('id="ce-banner"');
    expect(preview.headers["x-consent-mode"]).toBe("report-only (preview: enforce)");
    expect(preview.headers["x-consent-html"]).toBe("rewritten");
    expect(preview.headers["cache-control"]).toContain("private");
    expect(preview.setCookie.map((line) => line.split("=")[0])).toEqual(["session"]);
  });

  it("without the secret the preview header changes nothing", async () => {
    const visitor = await request(reportOnly.url, {
      path: "/gzip",
      headers: { ...BROWSER, "X-Consent-Preview": "enforce" },
    });
    expect(visitor.body.equals(bodies["/gzip"]?.[0] ?? Buffer.alloc(0))).toBe(true);
    expect(visitor.setCookie).toEqual(SET_COOKIES);
  });
});
