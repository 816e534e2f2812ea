/**
 * The page guard's requests (src/runtime/guard/requests.ts) in Debian's Chromium, through the real
 * worker (demo/edge.ts with demo/consent-edge.config.json): a first-party script, injected into the
 * demo home page after the runtime ran, makes requests with fetch, XMLHttpRequest, sendBeacon,
 * WebSocket, EventSource and new Image().src, and a loopback HTTPS server that every host resolves
 * to records each request, WebSocket upgrade and EventSource GET. Each API in three states: no
 * consent (nothing reaches the tracker host; the failure the platform gives a request CSP blocks),
 * granted after load (the next request goes through without a reload; none refused before is sent),
 * granted at load (exactly what a page without the guard sees). The unguarded reference pages are
 * served by the same loopback server, outside the worker.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { Duplex } from "node:stream";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chromiumPath,
  freePort,
  launchChromium,
  selfSignedCertificate,
  startEdge,
  type TrackerHit,
} from "./servers";

/** Hosts as demo/consent-edge.config.json classifies them (built-in rules): */
const ANALYTICS = "us.i.posthog.com";
const MARKETING = "px.ads.linkedin.com";
const UNMATCHED = "api.unlisted-vendor.test";
const PROBE = readFileSync(new URL("fixtures/guard-requests/probe.js", import.meta.url), "utf8");
/** Every request the test makes has a path under this prefix, and each path is made once. */
const PREFIX = "/rq/";
const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

interface FakeHit extends TrackerHit {
  kind: "http" | "upgrade";
  method: string;
}

/**
 * One HTTPS server for every host: answers like an API (CORS open, no Date header so that two
 * answers are byte-equal), an image, an event stream (one message, kept open), a WebSocket (one
 * message, closes cleanly), and the two unguarded reference pages. Records every hit.
 */
async function startFakeHosts(port: number): Promise<{ hits: FakeHit[]; stop: () => Promise<void> }> {
  const hits: FakeHit[] = [];
  const record = (request: IncomingMessage, kind: FakeHit["kind"]) => {
    hits.push({
      host: (request.headers.host ?? "").replace(/:\d+$/, ""),
      path: request.url ?? "/",
      kind,
      method: request.method ?? "",
    });
  };
  const answer = (request: IncomingMessage, response: ServerResponse) => {
    record(request, "http");
    response.sendDate = false;
    const path = request.url ?? "/";
    if (path === "/reference" || path === "/reference-csp") {
      response.writeHead(200, {
        "Content-Type": "text/html; charset=utf-8",
        ...(path === "/reference-csp" ? { "Content-Security-Policy": "connect-src 'self'" } : {}),
      });
      response.end("<!doctype html><title>reference</title><p>no consent-edge here</p>");
      return;
    }
    const cors = { "Access-Control-Allow-Origin": "*", "Cache-Control": "no-store" };
    if (path.startsWith(`${PREFIX}image`)) {
      response.writeHead(200, { ...cors, "Content-Type": "image/gif" });
      response.end(GIF);
    } else if (request.headers.accept === "text/event-stream") {
      response.writeHead(200, { ...cors, "Content-Type": "text/event-stream" });
      response.write("retry: 60000\ndata: hello\n\n");
    } else {
      response.writeHead(200, { ...cors, "Content-Type": "text/plain" });
      response.end("ok");
    }
  };
  const upgrade = (request: IncomingMessage, socket: Duplex) => {
    record(request, "upgrade");
    const key = String(request.headers["sec-websocket-key"]);
    const accept = createHash("sha1")
      .update(key + WEBSOCKET_GUID)
      .digest("base64");
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    // One unmasked text frame, "hello" (RFC 6455 §5.2).
    socket.write(Buffer.concat([Buffer.from([0x81, 5]), Buffer.from("hello")]));
    socket.on("data", (frame: Buffer) => {
      // The client's close frame (opcode 8): answer with a close 1000, so the close is clean.
      if (((frame[0] ?? 0) & 0x0f) === 8) socket.end(Buffer.from([0x88, 2, 0x03, 0xe8]));
    });
    socket.on("error", () => undefined);
  };
  const server: Server = createServer(selfSignedCertificate(), answer);
  server.on("upgrade", upgrade);
  await new Promise<void>((done) => server.listen(port, "127.0.0.1", done));
  return {
    hits,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => {
          done();
        });
      }),
  };
}

/** What page.evaluate callbacks see (they run in the browser, as their text). */
interface Probe {
  fetch(url: string, form?: "url" | "request"): Promise<unknown>;
  xhr(url: string): Promise<{ events: string[] }>;
  beacon(url: string): unknown;
  ws(url: string): Promise<{ events: string[]; url: string; instance: boolean }>;
  es(url: string): Promise<{ events: string[]; url: string; instance: boolean }>;
  image(url: string): Promise<string>;
  shape(): unknown;
  hostile(url: string): Promise<Record<string, unknown>>;
}
interface Window_ {
  __probe: Probe;
  __sameDocument?: boolean;
  consentEdge: { grant(categories: string[]): void; granted(): string[] };
}

const API = ["fetch", "fetch-url", "fetch-request", "xhr", "beacon", "ws", "es", "image"] as const;
type Api = (typeof API)[number];

/** One request with one API to `url`, as the probe describes it. */
function run(page: Page, api: Api, url: string): Promise<unknown> {
  return page.evaluate(
    ([api, url]) => {
      const p = (globalThis as unknown as Window_).__probe;
      switch (api) {
        case "fetch":
          return p.fetch(url);
        case "fetch-url":
          return p.fetch(url, "url");
        case "fetch-request":
          return p.fetch(url, "request");
        case "xhr":
          return p.xhr(url);
        case "beacon":
          return p.beacon(url);
        case "ws":
          return p.ws(url.replace(/^https/, "wss"));
        case "es":
          return p.es(url);
        case "image":
          return p.image(url);
      }
    },
    [api, url] as const,
  );
}

/** Every API (or those given) once, to `https://<host>/rq/<api>-<tag>`: the results by API. */
async function runAll(
  page: Page,
  host: string,
  tag: string,
  apis: readonly Api[] = API,
): Promise<Record<Api, unknown>> {
  const results = {} as Record<Api, unknown>;
  for (const api of apis) results[api] = await run(page, api, `https://${host}${PREFIX}${api}-${tag}`);
  return results;
}

/** The same results with the tag and host taken out, to compare two pages' results. */
const untagged = (results: unknown, tag: string, host: string): unknown =>
  JSON.parse(JSON.stringify(results).replaceAll(tag, "TAG").replaceAll(host, "HOST"));

const executablePath = chromiumPath();
if (!executablePath && process.env.CI)
  throw new Error("CI must install Debian's chromium for the browser test");

describe.skipIf(!executablePath)(
  "requests made by script, in Chromium (skipped: no /usr/bin/chromium)",
  () => {
    let edge: Awaited<ReturnType<typeof startEdge>> | undefined;
    let fake: Awaited<ReturnType<typeof startFakeHosts>> = { hits: [], stop: () => Promise.resolve() };
    let browser: Browser | undefined;
    let context: BrowserContext;
    let guarded: Page;
    const home = () => edge?.url ?? "http://localhost/";

    /** The test's hits (the home page's own trackers, restored on grant, are not the test's). */
    const hitsOf = (tag: string) =>
      fake.hits.filter((hit) => hit.path.startsWith(PREFIX) && hit.path.includes(tag));

    async function open(url: string): Promise<Page> {
      const page = await context.newPage();
      await page.goto(url, { waitUntil: "load" });
      await page.addScriptTag({ content: PROBE });
      return page;
    }

    beforeAll(async () => {
      const port = await freePort();
      [edge, fake] = await Promise.all([startEdge(), startFakeHosts(port)]);
      browser = await launchChromium([
        "--ignore-certificate-errors",
        // Every host but the demo's own (localhost) is the loopback server, whatever port a URL names.
        `--host-resolver-rules=MAP * 127.0.0.1:${port}, EXCLUDE localhost`,
      ]);
      context = await browser.newContext();
      guarded = await open(home());
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await Promise.all([edge?.stop(), fake.stop()]);
    });

    it("with no consent, each API fails as the platform fails a blocked request, and nothing reaches the host", async () => {
      const refused = await runAll(guarded, ANALYTICS, "none");
      const marketing = await runAll(guarded, MARKETING, "none-marketing");
      // The same calls on a page without consent-edge whose CSP (connect-src 'self') blocks them.
      const csp = await open(`https://reference.test/reference-csp`);
      // (Not the image: connect-src does not cover images.)
      const blocked = await runAll(csp, ANALYTICS, "csp", API.slice(0, -1));
      await csp.close();

      const failed = { rejected: { name: "TypeError", message: "Failed to fetch", typeError: true } };
      for (const api of ["fetch", "fetch-url", "fetch-request"] as const) {
        expect(refused[api]).toEqual(failed);
        expect(blocked[api]).toEqual(failed);
      }
      // XHR: open, then send returns and the network error arrives later: readyState 4, status 0.
      expect(refused.xhr).toEqual({
        events: [
          "readystatechange 1 0",
          "onreadystatechange 1",
          "open returned 1",
          "loadstart 1 0",
          "send returned 1 0",
          "readystatechange 4 0",
          "onreadystatechange 4",
          "error 4 0",
          "loadend 4 0",
        ],
        status: 0,
        statusText: "",
        responseURL: "",
        responseText: "",
        headers: "",
      });
      expect(refused.xhr).toEqual(blocked.xhr);
      expect(refused.beacon).toEqual({ value: false });
      // WebSocket: a real instance, connecting, then error and close 1006 (the port-1 block); url as given.
      expect(refused.ws).toEqual({
        events: ["constructed 0", "error 3", "close 1006 false 3"],
        url: `wss://${ANALYTICS}${PREFIX}ws-none`,
        instance: true,
        readyState: 3,
      });
      // EventSource: error, CLOSED, never retried, exactly as CSP blocks it; url as given.
      expect(refused.es).toEqual({
        events: ["constructed 0", "error 2", "after 1.5 s 2"],
        url: `https://${ANALYTICS}${PREFIX}es-none`,
        instance: true,
      });
      expect(untagged(refused.es, "none", ANALYTICS)).toEqual(untagged(blocked.es, "csp", ANALYTICS));
      // The marketing host, with nothing granted, fails the same way.
      expect(untagged(marketing, "none-marketing", MARKETING)).toEqual(untagged(refused, "none", ANALYTICS));

      await guarded.waitForTimeout(1_500);
      expect(hitsOf("none")).toEqual([]);
      expect(hitsOf("csp")).toEqual([]);
    });

    it("hosts no rule names behave exactly as on a page without consent-edge", async () => {
      const reference = await open("https://reference.test/reference");
      const unguarded = await runAll(reference, UNMATCHED, "bare");
      const here = await runAll(guarded, UNMATCHED, "unmatched");
      expect(unguarded.xhr).toMatchObject({ status: 200, responseText: "ok" });
      expect(unguarded.ws).toMatchObject({
        events: ["constructed 0", "open 1 ", "message hello", "close 1000 true 3"],
      });
      expect(untagged(here, "unmatched", UNMATCHED)).toEqual(untagged(unguarded, "bare", UNMATCHED));
      await guarded.waitForTimeout(500);
      // Each request once (the EventSource's stream stays open: no retry).
      for (const api of API) {
        expect(hitsOf(`${api}-unmatched`).length, api).toBe(1);
        expect(hitsOf(`${api}-bare`).length, api).toBe(1);
      }
      // What the page cannot get right fails as the platform fails it, with the guard or without.
      const hostileHere = await guarded.evaluate(
        (url) => (globalThis as unknown as Window_).__probe.hostile(url),
        `https://${UNMATCHED}/rq/h1`,
      );
      const hostileThere = await reference.evaluate(
        (url) => (globalThis as unknown as Window_).__probe.hostile(url),
        `https://${UNMATCHED}/rq/h2`,
      );
      expect(untagged(hostileHere, "h1", UNMATCHED)).toEqual(untagged(hostileThere, "h2", UNMATCHED));
      expect(hostileHere.fetchToStringOnce).toMatchObject([{ status: 200 }, 1]);
      // The constructors keep their constants, prototype, subclassing and their refusal to run without new.
      const shape = {
        here: await guarded.evaluate(() => (globalThis as unknown as Window_).__probe.shape()),
        there: await reference.evaluate(() => (globalThis as unknown as Window_).__probe.shape()),
      };
      expect(shape.here).toEqual({
        ws: [0, 1, 2, 3],
        es: [0, 1, 2],
        protoConstant: 3,
        subclass: true,
        withoutNew: ["TypeError", "TypeError"],
      });
      expect(shape.here).toEqual(shape.there);
      await reference.close();
    });

    it("an object URL of a refused host is converted once and refused", async () => {
      const hostile = await guarded.evaluate(
        (url) => (globalThis as unknown as Window_).__probe.hostile(url),
        `https://${ANALYTICS}/rq/once`,
      );
      expect(hostile.fetchToStringOnce).toEqual([
        { rejected: { name: "TypeError", message: "Failed to fetch", typeError: true } },
        1,
      ]);
      await guarded.waitForTimeout(500);
      expect(hitsOf("once")).toEqual([]);
    });

    it("granted after load: the next request goes through without a reload, and none refused before is ever sent", async () => {
      await guarded.evaluate(() => {
        const w = globalThis as unknown as Window_;
        w.__sameDocument = true;
        w.consentEdge.grant(["analytics"]);
      });
      await guarded.waitForFunction(() =>
        (globalThis as unknown as Window_).consentEdge.granted().includes("analytics"),
      );
      const after = await runAll(guarded, ANALYTICS, "after");
      expect(after.fetch).toMatchObject({ resolved: true, status: 200, body: "ok" });
      expect(after["fetch-url"]).toMatchObject({ resolved: true, status: 200, body: "ok" });
      expect(after["fetch-request"]).toMatchObject({ resolved: true, status: 200, body: "ok" });
      expect(after.xhr).toMatchObject({ status: 200, responseText: "ok" });
      expect(after.beacon).toEqual({ value: true });
      expect(after.ws).toMatchObject({
        events: ["constructed 0", "open 1 ", "message hello", "close 1000 true 3"],
      });
      expect(after.es).toMatchObject({
        events: ["constructed 0", "open 1", "message hello", "after 1.5 s 1"],
      });
      expect(after.image).toBe("load 1x1");
      // Marketing is still refused.
      expect(await run(guarded, "fetch", `https://${MARKETING}${PREFIX}fetch-still`)).toMatchObject({
        rejected: { message: "Failed to fetch" },
      });
      expect(await guarded.evaluate(() => (globalThis as unknown as Window_).__sameDocument)).toBe(true);

      await guarded.waitForTimeout(2_000);
      for (const api of API) expect(hitsOf(`${api}-after`).length, api).toBe(1);
      expect(hitsOf(`${PREFIX}ws-after`)).toMatchObject([{ kind: "upgrade", host: ANALYTICS }]);
      expect(hitsOf(`${PREFIX}es-after`)).toMatchObject([{ kind: "http", method: "GET", host: ANALYTICS }]);
      expect(hitsOf(`${PREFIX}beacon-after`)).toMatchObject([{ method: "POST" }]);
      // Never queued: nothing refused before the grant reached the host after it.
      expect(hitsOf("none")).toEqual([]);
      expect(hitsOf("still")).toEqual([]);
    });

    it("granted at load: each API answers exactly as on a page without consent-edge", async () => {
      // The consent cookie now grants analytics: the next page is rendered for it.
      const page = await open(home());
      expect(await page.evaluate(() => (globalThis as unknown as Window_).consentEdge.granted())).toContain(
        "analytics",
      );
      const reference = await open("https://reference.test/reference");
      const here = await runAll(page, ANALYTICS, "loaded");
      const there = await runAll(reference, ANALYTICS, "reference");
      expect(here.xhr).toMatchObject({ status: 200, responseText: "ok" });
      expect(untagged(here, "loaded", ANALYTICS)).toEqual(untagged(there, "reference", ANALYTICS));
      await page.waitForTimeout(500);
      for (const api of API) expect(hitsOf(`${api}-loaded`).length, api).toBe(1);
      await Promise.all([page.close(), reference.close()]);
    });
  },
);
