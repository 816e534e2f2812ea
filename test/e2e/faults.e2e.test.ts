/**
 * Faults, through the built worker over real HTTP (test/e2e/edge-http.ts): a Node origin that
 * refuses, hangs, resets, lies about its length, answers 5xx or redirects with cookies, sends a huge
 * or an endless body; D1 missing or broken under the consent API; a bundled config that does not
 * validate. Every case has one defined outcome, and three things hold in all of them:
 *   - never an unfiltered response: no refused cookie is stored by a real jar (tough-cookie), and no
 *     refused tracker is executable in the page as a real HTML parser (parse5) builds it, unless the
 *     page carries the strict fallback CSP, which refuses third-party scripts;
 *   - never a lost receipt without an error the operator sees (the worker's console output);
 *   - never a hang past a bound.
 */
import { readdirSync, readFileSync } from "node:fs";
import { get as httpGet, type IncomingMessage, type ServerResponse } from "node:http";
import { Miniflare } from "miniflare";
import { parse } from "parse5";
import { CookieJar } from "tough-cookie";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleWorker } from "../../scripts/bundle-worker.ts";
import { applyMigrations } from "../../scripts/migrations.ts";
import {
  COMPATIBILITY_DATE,
  DEBUG_SECRET,
  type RawRequestOptions,
  type RawResponse,
  request,
  site,
  startOrigin,
  type TestOrigin,
} from "./edge-http.ts";

const FALLBACK_CSP_SCRIPT = "script-src 'self'";
const TRACKER_HOST = "www.googletagmanager.com";
/** A refused (analytics) tracker, the first thing a page's head loads. */
const TRACKER = `<script async src="https://${TRACKER_HOST}/gtag/js?id=G-FAULT"></script>`;
/** Cookies of every kind the site knows, and one it does not. */
const ORIGIN_COOKIES = [
  "session=s1; Path=/; HttpOnly",
  "_ga=GA1.2.3; Path=/; Max-Age=31536000",
  "_fbp=fb.1.2; Path=/; Max-Age=7776000",
  "ab_bucket=b; Path=/",
];
const REFUSED = ["_ga", "_fbp", "ab_bucket"];

function page(bodyBytes = 0): string {
  const filler = "<p>filler text for the page body, not a tracker.</p>\n".repeat(Math.ceil(bodyBytes / 52));
  return `<!doctype html><html><head><meta charset="utf-8">${TRACKER}<title>t</title></head><body>${filler}<p>end</p></body></html>`;
}

// --- what the visitor's browser would keep and run -----------------------------------------------

/** The cookie names a real RFC 6265 jar stores from these lines, for a page on http://localhost/. */
async function storedCookieNames(lines: readonly string[]): Promise<string[]> {
  const jar = new CookieJar();
  for (const line of lines) {
    await jar.setCookie(line, "http://localhost/", { ignoreError: true });
  }
  return (await jar.getCookies("http://localhost/")).map((cookie) => cookie.key);
}

interface Node {
  nodeName: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node[];
  content?: Node;
}

const EXECUTABLE_TYPES = new Set(["", "text/javascript", "application/javascript", "module"]);

/** `src` of every script the HTML parser builds that a browser would fetch and run. */
function executableScriptSources(html: string): string[] {
  const found: string[] = [];
  const walk = (node: Node): void => {
    if (node.nodeName === "script") {
      const attr = (name: string): string | undefined => node.attrs?.find((a) => a.name === name)?.value;
      const type = (attr("type") ?? "").trim().toLowerCase();
      const src = attr("src");
      if (src !== undefined && EXECUTABLE_TYPES.has(type)) found.push(src);
    }
    for (const child of node.childNodes ?? []) walk(child);
    if (node.content) walk(node.content);
  };
  walk(parse(html));
  return found;
}

/** What a browser would do with this response: no refused cookie stored, no refused tracker run. */
async function expectFiltered(res: RawResponse): Promise<void> {
  const stored = await storedCookieNames(res.setCookie);
  for (const name of REFUSED) expect(stored, `stored cookie ${name}`).not.toContain(name);
  const csp = [res.headers["content-security-policy"] ?? []].flat().join(", ");
  if (csp.includes(FALLBACK_CSP_SCRIPT)) return; // the browser refuses every third-party script
  const trackers = executableScriptSources(res.body.toString("utf8")).filter((src) =>
    src.includes(TRACKER_HOST),
  );
  expect(trackers, "executable refused tracker scripts").toEqual([]);
}

// --- the built worker, with its console output and its workerd process ----------------------------

interface Edge {
  url: string;
  mf: Miniflare;
  /** Everything the worker wrote to the console so far: what an operator sees in the logs. */
  output: () => string;
  /** The workerd process serving it (for its memory). */
  pid: number;
  stop: () => Promise<void>;
}

async function startEdge(config: unknown, options: { d1?: boolean } = {}): Promise<Edge> {
  const script = await bundleWorker("src/index.ts", { config });
  const before = new Set(workerdChildren());
  let text = "";
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    modules: true,
    script,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: { CONSENT_DEBUG_SECRET: DEBUG_SECRET },
    ...((options.d1 ?? true) ? { d1Databases: ["CONSENT_DB"] } : {}),
    handleRuntimeStdio(stdout, stderr) {
      stdout.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      stderr.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    },
  });
  const url = await mf.ready;
  if (options.d1 ?? true) await applyMigrations(mf);
  const pid = workerdChildren().find((p) => !before.has(p)) ?? -1;
  return { url: `http://localhost:${url.port}`, mf, output: () => text, pid, stop: () => mf.dispose() };
}

/** Pids of workerd processes this test process started. */
function workerdChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ...: comm may hold spaces, so read after the last ")".
      const [, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(ppid) === process.pid && stat.includes("(workerd)")) pids.push(Number(entry));
    } catch {
      // the process exited while we looked
    }
  }
  return pids;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) / 1024;
}

/** `request` from edge-http.ts on a connection of its own (see `fresh` there). */
function fresh(base: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  return request(base, { ...options, fresh: true });
}

/** Settles a request however it ends: a response, or the connection failing mid-body. */
async function settle(
  edge: Edge,
  path: string,
  headers: Record<string, string> = {},
  timeoutMs = 20_000,
): Promise<{ res?: RawResponse; error?: Error; ms: number }> {
  const started = performance.now();
  try {
    const res = await fresh(edge.url, { path, headers, timeoutMs });
    return { res, ms: performance.now() - started };
  } catch (error) {
    return { error: error as Error, ms: performance.now() - started };
  }
}

// --- the origin: one route per fault ------------------------------------------------------------

/** Write a raw HTTP/1.1 response straight to the socket, bypassing node:http's own framing checks. */
function raw(
  response: ServerResponse,
  head: string,
  body: string | Buffer,
  end: "close" | "fin" | "rst",
): void {
  const socket = response.socket;
  if (!socket) return;
  socket.write(`${head}\r\n\r\n`);
  socket.write(body);
  if (end === "close") socket.end();
  // Mid-body: a FIN before the last chunk, or a TCP reset.
  else setTimeout(() => (end === "fin" ? socket.end() : socket.resetAndDestroy()), 50);
}

function headLines(status: string, contentType: string, extra: string[] = []): string {
  // Connection: close, so that workerd does not reuse the connection: bytes past a short
  // Content-Length would otherwise be read as the next request's response.
  return [
    `HTTP/1.1 ${status}`,
    "Connection: close",
    `Content-Type: ${contentType}`,
    ...ORIGIN_COOKIES.map((c) => `Set-Cookie: ${c}`),
    ...extra,
  ].join("\r\n");
}

/** Stream `chunk` until `total` bytes are written (Infinity: until the peer goes away), with backpressure. */
function stream(response: ServerResponse, chunk: Buffer, total: number): void {
  let written = 0;
  const pump = (): void => {
    while (written < total) {
      written += chunk.length;
      if (!response.write(chunk)) {
        response.once("drain", pump);
        return;
      }
    }
    response.end();
  };
  response.on("close", () => (written = total + 1));
  pump();
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://origin");
  const [, kind, variant] = url.pathname.split("/");
  const cookies = (): void => {
    res.setHeader("Set-Cookie", ORIGIN_COOKIES);
  };
  switch (kind) {
    case "status": {
      cookies();
      res.writeHead(Number(variant), { "Content-Type": "text/html; charset=utf-8" });
      res.end(page());
      return;
    }
    case "redirect": {
      cookies();
      res.writeHead(Number(variant), {
        Location: url.searchParams.get("to") ?? "/",
        "Content-Type": "text/html",
      });
      res.end(page());
      return;
    }
    case "hang":
      return; // never answers
    case "reset-before-headers":
      req.socket.destroy();
      return;
    case "rst":
    case "fin": {
      // Headers and part of a chunked body, then a TCP reset (rst) or a close (fin) before the last
      // chunk. `late`: past the 64 KiB look-ahead.
      const html = variant !== "binary";
      const body = html
        ? page(variant === "late" ? 200_000 : 2_000).slice(0, variant === "late" ? 150_000 : 1_500)
        : Buffer.alloc(5_000, 7);
      raw(
        res,
        headLines("200 OK", html ? "text/html; charset=utf-8" : "application/octet-stream", [
          "Transfer-Encoding: chunked",
        ]),
        `${Buffer.byteLength(body).toString(16)}\r\n${typeof body === "string" ? body : body.toString("latin1")}\r\n`,
        kind,
      );
      return;
    }
    case "length": {
      // `short`: Content-Length smaller than the body; `long`: larger, and the connection closes.
      const [which, type] = (variant ?? "").split("-");
      const html = type === "html";
      const body = html ? page(3_000) : "x".repeat(3_000);
      const declared = which === "short" ? 100 : Buffer.byteLength(body) + 5_000;
      raw(
        res,
        headLines("200 OK", html ? "text/html; charset=utf-8" : "text/plain", [
          `Content-Length: ${declared}`,
        ]),
        body,
        "close",
      );
      return;
    }
    case "huge": {
      cookies();
      const html = variant === "html";
      res.writeHead(200, { "Content-Type": html ? "text/html; charset=utf-8" : "application/octet-stream" });
      if (html) res.write(page());
      stream(
        res,
        Buffer.from(html ? "<p>a paragraph of a very long page</p>\n".repeat(1_700) : "b".repeat(65_536)),
        STREAM_BYTES,
      );
      return;
    }
    case "endless": {
      cookies();
      const html = variant === "html";
      res.writeHead(200, { "Content-Type": html ? "text/html; charset=utf-8" : "application/octet-stream" });
      if (html) res.write(page());
      // Trackers keep coming: every one of them must arrive neutralised, however far into the page.
      const chunk = Buffer.from(
        html ? `${TRACKER}${"<p>and more of an endless page</p>\n".repeat(1_600)}` : "e".repeat(65_536),
      );
      stream(res, chunk, Number.POSITIVE_INFINITY);
      return;
    }
    default:
      cookies();
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(page());
  }
}

// --- the tests ----------------------------------------------------------------------------------

describe("origin faults, through the built worker over real HTTP", () => {
  let origin: TestOrigin;
  let other: TestOrigin;
  let edge: Edge;

  beforeAll(async () => {
    origin = await startOrigin(handle);
    other = await startOrigin((_req, res) => {
      res.setHeader("Set-Cookie", ORIGIN_COOKIES);
      res.end(page());
    });
    edge = await startEdge({
      sites: [
        // A short originTimeout keeps the hanging-origin case quick; the default is 30 s.
        site({ origin: origin.url, originTimeout: "3s" }),
        site({ id: "refused", hosts: ["refused.test"], origin: "http://localhost:1" }),
      ],
    });
  });
  afterAll(async () => {
    await edge.stop();
    await origin.stop();
    await other.stop();
  });

  it("an origin that refuses connections: 502 without a cookie, at once, and the log says so", async () => {
    const { res, ms } = await settle(edge, "/", { Host: "refused.test" });
    expect(res?.status).toBe(502);
    expect(res?.setCookie).toEqual([]);
    expect(ms).toBeLessThan(5_000);
    expect(edge.output()).toMatch(/"event":"origin-failed","site":"refused"/);
  });

  it("an origin that resets before the headers: 502 without a cookie", async () => {
    const { res } = await settle(edge, "/reset-before-headers/");
    expect(res?.status).toBe(502);
    expect(res?.setCookie).toEqual([]);
  });

  it.each([500, 502, 503, 504])(
    "a %i with refused Set-Cookie lines keeps its status and loses the cookies",
    async (status) => {
      const { res } = await settle(edge, `/status/${status}`);
      expect(res?.status).toBe(status);
      if (!res) return;
      expect(await storedCookieNames(res.setCookie)).toEqual(["session"]);
      await expectFiltered(res);
    },
  );

  it.each([301, 302, 303, 307, 308])(
    "a %i to another host goes back to the visitor, filtered, and is never followed by the worker",
    async (status) => {
      const to = `${other.url.replace("localhost", "127.0.0.1")}/landing`;
      const before = other.requests.length;
      const { res } = await settle(edge, `/redirect/${status}?to=${encodeURIComponent(to)}`);
      expect(res?.status).toBe(status);
      expect(res?.headers.location).toBe(to);
      if (!res) return;
      expect(await storedCookieNames(res.setCookie)).toEqual(["session"]);
      await expectFiltered(res);
      expect(other.requests.length).toBe(before);
    },
  );

  // Within the look-ahead nothing has been sent, so the failure falls back to the original page
  // under the strict CSP; past it, the page ends where the rewriter stopped and the log says so.
  // Either way the visitor's response is filtered or broken off, never unfiltered, never hung.
  it.each([
    ["a reset", "an HTML page, within the look-ahead", "/rst/early"],
    ["a reset", "an HTML page, past the look-ahead", "/rst/late"],
    ["a reset", "a binary body", "/rst/binary"],
    ["a close", "an HTML page, within the look-ahead", "/fin/early"],
    ["a close", "an HTML page, past the look-ahead", "/fin/late"],
    ["a close", "a binary body", "/fin/binary"],
  ])(
    "%s mid-body (%s): the visitor's response ends, filtered, within the bound",
    async (_kind, _label, path) => {
      const logged = edge.output().length;
      const { res, error, ms } = await settle(edge, path);
      expect(ms).toBeLessThan(10_000);
      if (!res) {
        expect(error?.message).toMatch(/aborted|reset|socket hang up|ECONNRESET|terminated/i);
        return;
      }
      expect(res.status).toBe(200);
      await expectFiltered(res);
      if (path.endsWith("/late")) {
        // Past the window: what was sent had been enforced (no fallback CSP needed), and no more.
        expect(res.headers["content-security-policy"]).toBeUndefined();
        // At most what the origin sent (150,000 bytes) plus what the worker adds (runtime, banner).
        expect(res.body.length).toBeLessThan(150_000 + 32 * 1024);
        await expect
          .poll(() => edge.output().slice(logged), { timeout: 5_000 })
          .toMatch(/"event":"html-truncated"/);
      }
      if (path.endsWith("/binary")) expect(res.body.length).toBeLessThanOrEqual(5_000);
    },
  );

  // Decision: the worker bounds the wait for the origin's response headers (the site's
  // `originTimeout`, 30 s unless set, at most 100 s: Cloudflare's own proxy waits 100 s, then 524)
  // and answers 504 without a cookie. It must enforce it itself: in workerd a visitor who gives up
  // does not cancel the origin request (checked with `workerd serve` directly, for consent-edge and
  // a bare pass-through alike), so without a bound every hanging origin request stays open in the
  // isolate. The body, once headers came, has no bound: it streams (the huge and endless cases below).
  it("an origin that never answers: 504 without a cookie within its originTimeout, and the log says so", async () => {
    const logged = edge.output().length;
    const { res, ms } = await settle(edge, "/hang/", {}, 10_000);
    expect(res?.status).toBe(504);
    expect(res?.setCookie).toEqual([]);
    expect(ms).toBeGreaterThanOrEqual(2_900);
    expect(ms).toBeLessThan(6_000);
    expect(edge.output().slice(logged)).toMatch(/"event":"origin-timeout"/);
  });

  it.each([
    ["shorter than the body, HTML", "/length/short-html"],
    ["shorter than the body, text", "/length/short-text"],
    ["longer than the body, HTML", "/length/long-html"],
    ["longer than the body, text", "/length/long-text"],
  ])("a wrong Content-Length (%s): filtered, within the bound", async (_label, path) => {
    const { res, error, ms } = await settle(edge, path);
    expect(ms).toBeLessThan(10_000);
    if (res) {
      await expectFiltered(res);
      // A short Content-Length frames the body: the bytes past it are not part of the response.
      if (path.includes("short") && path.endsWith("text")) expect(res.body.length).toBe(100);
    } else expect(error).toBeDefined();
  });

  // The worker streams: the visitor's first bytes come at once, and the worker's memory does not
  // follow the body. RSS is sampled every 8 MiB read: a worker that held the body would grow by at
  // least the whole second half (80 MiB); a streaming one levels off once V8 collects the read
  // buffers it has let go (external memory is collected in bounded steps, and the allocator may
  // keep a step of 20 to 30 MiB it took late), so the bound is half of what holding would cost.
  // A huge body is read to its end; an endless one until the same cap.
  it.each([
    ["a 160 MiB HTML body", "/huge/html", true],
    ["a 160 MiB binary body", "/huge/binary", true],
    ["an endless HTML body", "/endless/html", false],
    ["an endless binary body", "/endless/binary", false],
  ])(
    "%s streams through, filtered, without the worker holding it",
    async (_label, path, toTheEnd) => {
      const result = await readStreaming(edge, path, STREAM_BYTES);
      expect(result.status).toBe(200);
      expect(result.firstByteMs).toBeLessThan(5_000);
      if (toTheEnd) expect(result.complete).toBe(true);
      expect(result.bytes).toBeGreaterThanOrEqual(STREAM_BYTES);
      const half = Math.floor(result.rssMiB.length / 2);
      const firstHalf = Math.max(...result.rssMiB.slice(0, half));
      const secondHalf = Math.max(...result.rssMiB.slice(half));
      expect(
        secondHalf - firstHalf,
        `RSS every 8 MiB: ${result.rssMiB.map((m) => m.toFixed(0)).join(" ")}`,
      ).toBeLessThan(STREAM_BYTES / 2 / 2 / 1024 / 1024);
      expect(await storedCookieNames(result.setCookie)).toEqual(["session"]);
      // Cut at an arbitrary byte: what the parser builds from the first 256 KiB runs no tracker.
      expect(executableScriptSources(result.head).filter((src) => src.includes(TRACKER_HOST))).toEqual([]);
    },
    120_000,
  );
});

const STREAM_BYTES = 160 * 1024 * 1024;

interface Streamed {
  status: number;
  setCookie: string[];
  firstByteMs: number;
  bytes: number;
  /** The response ended by itself (not cut by us at `cap`). */
  complete: boolean;
  head: string;
  /** The worker's RSS every 8 MiB read. */
  rssMiB: number[];
}

/** GET `path`, keep the first 256 KiB, count the rest, and stop at `cap` bytes. */
function readStreaming(edge: Edge, path: string, cap: number): Promise<Streamed> {
  const target = new URL(edge.url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpGet(
      { host: "127.0.0.1", port: target.port, path, headers: { Host: target.host }, agent: false },
      (res) => {
        let bytes = 0;
        let firstByteMs = -1;
        let head = "";
        const rss: number[] = [];
        const finish = (complete: boolean): void => {
          resolve({
            status: res.statusCode ?? 0,
            setCookie: res.headers["set-cookie"] ?? [],
            firstByteMs,
            bytes,
            complete,
            head,
            rssMiB: rss,
          });
        };
        res.on("data", (chunk: Buffer) => {
          if (firstByteMs < 0) firstByteMs = performance.now() - started;
          if (head.length < 256 * 1024) head += chunk.toString("utf8");
          const before = bytes;
          bytes += chunk.length;
          const step = 8 * 1024 * 1024;
          if (Math.floor(before / step) !== Math.floor(bytes / step)) rss.push(rssMiB(edge.pid));
          if (bytes > cap + 1024 * 1024) {
            finish(false);
            req.destroy();
          }
        });
        res.on("end", () => {
          finish(true);
        });
        res.on("error", () => undefined);
      },
    );
    req.on("error", (error) => {
      if (!req.destroyed) reject(error);
    });
    req.setTimeout(100_000, () => req.destroy(new Error("timeout")));
  });
}

describe("consent receipts while D1 is down", () => {
  let origin: TestOrigin;
  beforeAll(async () => {
    origin = await startOrigin((_req, res) => {
      res.end("ok");
    });
  });
  afterAll(async () => {
    await origin.stop();
  });

  const grant = (edge: Edge): Promise<RawResponse> =>
    fresh(edge.url, {
      method: "POST",
      path: "/.consent-edge/consent",
      headers: { "Content-Type": "application/json", "Sec-Fetch-Site": "same-origin" },
      body: JSON.stringify({ granted: ["analytics"] }),
    });

  const DOWN = [
    ["without the CONSENT_DB binding", { d1: false }, undefined],
    ["with the receipts table dropped", { d1: true }, "DROP TABLE consent_receipts"],
  ] as const;

  async function withD1Down(
    options: { d1: boolean },
    sql: string | undefined,
    run: (edge: Edge) => Promise<void>,
  ): Promise<void> {
    const edge = await startEdge(
      { sites: [site({ origin: origin.url, consent: { receipts: true } })] },
      options,
    );
    try {
      if (sql) await (await edge.mf.getD1Database("CONSENT_DB")).exec(sql);
      await run(edge);
    } finally {
      await edge.stop();
    }
  }

  it.each(DOWN)(
    "%s: a grant is refused (503, no consent cookie) and the operator sees why",
    async (_label, options, sql) => {
      await withD1Down(options, sql, async (edge) => {
        const res = await grant(edge);
        expect(res.status).toBe(503);
        expect(res.headers["cache-control"]).toMatch(/no-store/);
        expect(res.setCookie.filter((line) => line.startsWith("ce_consent="))).toEqual([]);
        await expect
          .poll(() => edge.output(), { timeout: 5_000 })
          .toMatch(/"event":"receipt-failed","site":"[^"]+","reason":"write: /);
      });
    },
  );

  it.each(DOWN)(
    "%s: a refusal is still applied (it needs no proof), and the missing receipt is logged",
    async (_label, options, sql) => {
      await withD1Down(options, sql, async (edge) => {
        const res = await fresh(edge.url, {
          method: "POST",
          path: "/.consent-edge/consent",
          headers: { "Content-Type": "application/json", "Sec-Fetch-Site": "same-origin" },
          body: JSON.stringify({ choice: "reject-all" }),
        });
        expect(res.status).toBe(200);
        expect(res.setCookie.filter((line) => /^ce_consent=1\.[^.]+\.\d+\.-(;|$)/.test(line))).toHaveLength(
          1,
        );
        await expect
          .poll(() => edge.output(), { timeout: 5_000 })
          .toMatch(/"event":"receipt-failed","site":"[^"]+","reason":"write: /);
      });
    },
  );

  it("with the receipts table dropped: a receipt lookup is a 503 the operator sees, never a hang", async () => {
    await withD1Down({ d1: true }, "DROP TABLE consent_receipts", async (edge) => {
      const lookup = await fresh(edge.url, {
        path: "/.consent-edge/receipts/AAAAAAAAAAAAAAAAAAAAAA",
        timeoutMs: 10_000,
      });
      expect(lookup.status).toBe(503);
      expect(lookup.headers["cache-control"]).toMatch(/no-store/);
      await expect
        .poll(() => edge.output(), { timeout: 5_000 })
        .toMatch(/"event":"receipt-failed","site":"[^"]+","reason":"lookup: /);
    });
  });

  // Without the binding, a site that keeps receipts must not answer 404 "this site keeps no
  // receipts": the operator's missing binding would look like a missing receipt.
  it("without the CONSENT_DB binding: a receipt lookup is a 503 the operator sees", async () => {
    await withD1Down({ d1: false }, undefined, async (edge) => {
      const lookup = await fresh(edge.url, {
        path: "/.consent-edge/receipts/AAAAAAAAAAAAAAAAAAAAAA",
        timeoutMs: 10_000,
      });
      expect(lookup.status).toBe(503);
      await expect.poll(() => edge.output(), { timeout: 2_000 }).toMatch(/CONSENT_DB/);
    });
  });
});

describe("a bundled config that does not validate", () => {
  it("answers every request 503, proxies nothing, and logs the problems", async () => {
    const origin = await startOrigin((_req, res) => {
      res.setHeader("Set-Cookie", ORIGIN_COOKIES);
      res.end(page());
    });
    const edge = await startEdge({
      sites: [site({ origin: origin.url, policyRevision: "not valid!", undeclared: "maybe" })],
    });
    try {
      for (const [method, path] of [
        ["GET", "/"],
        ["POST", "/form"],
        ["GET", "/.consent-edge/consent"],
        ["HEAD", "/page"],
        ["GET", "/.well-known/gpc.json"],
      ] as const) {
        const res = await fresh(edge.url, { method, path, ...(method === "POST" ? { body: "a=1" } : {}) });
        expect(res.status, `${method} ${path}`).toBe(503);
        expect(res.setCookie).toEqual([]);
        expect(res.headers["cache-control"]).toBe("no-store");
      }
      expect(origin.requests).toEqual([]);
      expect(edge.output()).toMatch(/"event":"config-invalid"/);
      expect(edge.output()).toMatch(/policyRevision/);
    } finally {
      await edge.stop();
      await origin.stop();
    }
  });
});
