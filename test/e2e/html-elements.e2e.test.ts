/**
 * Every element kind that loads, through the built worker (src/index.ts in workerd over real HTTP)
 * in Chromium, with every host but localhost resolved to one local fake tracker server that speaks
 * HTTP and HTTPS on the same port and records each request. Before consent no request reaches a
 * tracker host; granting restores the elements without a reload and their requests arrive.
 * Also the document.cookie guard, with Chromium's own cookie jar as the judge.
 */
import { once } from "node:events";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { type Browser, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { site, startBuiltEdge, startOrigin, type BuiltEdge, type TestOrigin } from "./edge-http";
import { chromiumPath, launchChromium, selfSignedCertificate } from "./servers";

const TRACKER = "www.googletagmanager.com";
const T = `https://${TRACKER}/e`;

/** Each path a restored element must request, and the markup that holds it. */
const ELEMENTS: Array<[path: string, markup: string]> = [
  ["/e/script.js", `<script src="${T}/script.js"></script>`],
  ["/e/style.css", `<link rel="stylesheet" href="${T}/style.css">`],
  ["/e/img-entity.gif", `<img src="https&#58;//${TRACKER}/e/img-entity.gif" alt="">`],
  ["/e/img-upper.gif", `<img src="HTTPS://WWW.GOOGLETAGMANAGER.COM/e/img-upper.gif" alt="">`],
  ["/e/img-padded.gif", `<img src="  //${TRACKER}/e/img-padded.gif " alt="">`],
  ["/e/img-tab.gif", `<img src="/&Tab;/${TRACKER}/e/img-tab.gif" alt="">`],
  ["/e/img-backslash.gif", `<img src="\\\\${TRACKER}\\e\\img-backslash.gif" alt="">`],
  ["/e/srcset.gif", `<img srcset="${T}/srcset.gif 1x" alt="">`],
  ["/e/picture.gif", `<picture><source srcset="${T}/picture.gif"><img src="/local.gif" alt=""></picture>`],
  [
    "/e/svg-image.gif",
    `<svg width="2" height="2"><image href="${T}/svg-image.gif" width="1" height="1"/></svg>`,
  ],
  [
    "/e/svg-xlink.gif",
    `<svg width="2" height="2"><image xlink:href="${T}/svg-xlink.gif" width="1" height="1"/></svg>`,
  ],
  [
    "/e/feimage.gif",
    `<svg width="2" height="2"><filter id="f"><feImage href="${T}/feimage.gif"/></filter><rect width="2" height="2" filter="url(#f)"/></svg>`,
  ],
  ["/e/svg-script.js", `<svg><script href="${T}/svg-script.js"></script></svg>`],
  ["/e/poster.gif", `<video poster="${T}/poster.gif" width="2" height="2"></video>`],
  ["/e/video.mp4", `<video src="${T}/video.mp4" preload="auto" muted></video>`],
  ["/e/audio.mp3", `<audio src="${T}/audio.mp3" preload="auto"></audio>`],
  ["/e/source.mp4", `<video preload="auto" muted><source src="${T}/source.mp4" type="video/mp4"></video>`],
  ["/e/input.gif", `<form><input type="image" src="${T}/input.gif" alt="go"></form>`],
  ["/e/object.html", `<object data="${T}/object.html" type="text/html"></object>`],
  ["/e/embed.html", `<embed src="${T}/embed.html" type="text/html">`],
  ["/e/iframe.html", `<iframe src="${T}/iframe.html"></iframe>`],
  ["/e/srcdoc.gif", `<iframe srcdoc="<img src='${T}/srcdoc.gif'>"></iframe>`],
];
// An HTML <script href> (href means nothing outside SVG) is made inert too; restoring it must not
// hold up the elements after it, as waiting for a load that never comes would.
const PING = `<iframe name="pf" src="/blank"></iframe><a id="ping" href="/blank?2" target="pf" ping="${T}/ping">ping</a>`;

function elementsPage(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>elements</title>
<link rel="icon" href="${T}/icon.png">
<link rel="preload" as="image" imagesrcset="${T}/preload.gif 1x">
</head><body><p>elements</p>
<script href="${T}/html-script-href.js"></script>
${ELEMENTS.map(([, markup]) => markup).join("\n")}
${PING}
</body></html>`;
}

const BASE_PAGE = `<!doctype html><html><head><meta charset="utf-8"><base href="${T}/base/"><title>base</title></head>
<body><p>base</p><script src="relative.js"></script><img src="relative.gif" alt=""></body></html>`;
const REFRESH_PAGE = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=${T}/refresh"><title>refresh</title></head><body><p>stay</p></body></html>`;
const COPIES_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>copies</title></head><body><script src="${T}/copies.js"></script></body></html>`;
// No favicon request: Chromium would send it to the edge with the _ga a test just wrote, and the edge
// answers any request carrying a refused cookie with its deletion, racing the test's look at the jar.
const COOKIE_PAGE = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>cookies</title></head><body><p>cookies</p></body></html>`;

interface Hit {
  host: string;
  path: string;
}

/**
 * The fake tracker, as Chromium's proxy: plain http requests arrive in absolute form, https ones as
 * CONNECT tunnels whose TLS this server terminates itself (a self-signed certificate, accepted with
 * --ignore-certificate-errors). Every request is recorded with the host it was for.
 */
async function startFakeTracker(): Promise<{ port: number; hits: Hit[]; stop: () => Promise<void> }> {
  const hits: Hit[] = [];
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const target = new URL(request.url ?? "/", `http://${request.headers.host ?? "unknown"}`);
    hits.push({ host: target.hostname, path: `${target.pathname}${target.search}` });
    const path = target.pathname;
    const type = path.endsWith(".js")
      ? "text/javascript"
      : path.endsWith(".css")
        ? "text/css"
        : path.endsWith(".html")
          ? "text/html"
          : "image/gif";
    response.writeHead(200, {
      "Content-Type": type,
      "Access-Control-Allow-Origin": "*",
      "Cache-Control": "no-store",
    });
    response.end(type === "text/html" ? "<p>tracker</p>" : "");
  };
  const https = createHttpsServer(selfSignedCertificate(), handle);
  const proxy = createHttpServer(handle);
  const sockets = new Set<Socket>();
  proxy.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  proxy.on("connect", (_request: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) socket.unshift(head);
    https.emit("connection", socket);
  });
  proxy.listen(0, "127.0.0.1");
  await once(proxy, "listening");
  return {
    port: (proxy.address() as AddressInfo).port,
    hits,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

const executablePath = chromiumPath();

describe.skipIf(!executablePath)("every loading element in Chromium (skipped: no /usr/bin/chromium)", () => {
  let origin: TestOrigin | undefined;
  let edge: BuiltEdge | undefined;
  let tracker: Awaited<ReturnType<typeof startFakeTracker>> | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    origin = await startOrigin((request, response) => {
      const path = request.url ?? "/";
      const body = path.startsWith("/elements")
        ? elementsPage()
        : path.startsWith("/base")
          ? BASE_PAGE
          : path.startsWith("/refresh")
            ? REFRESH_PAGE
            : path.startsWith("/cookies")
              ? COOKIE_PAGE
              : path.startsWith("/copies")
                ? COPIES_PAGE
                : "<!doctype html><p>local</p>";
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      response.end(body);
    });
    [edge, tracker] = await Promise.all([
      startBuiltEdge({
        sites: [site({ origin: origin.url, trackers: { cookieGuard: true } })],
      }),
      startFakeTracker(),
    ]);
    browser = await launchChromium([
      "--ignore-certificate-errors",
      "--autoplay-policy=no-user-gesture-required",
      // Every host but the edge's own (localhost) is the fake tracker, whatever the scheme: it is
      // Chromium's proxy (one port for http and https, where --host-resolver-rules needs 80 and 443).
      `--proxy-server=http://127.0.0.1:${tracker.port}`,
      "--proxy-bypass-list=localhost",
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([edge?.stop(), origin?.stop(), tracker?.stop()]);
  });

  /** A fresh context (no consent cookie) that records every request its pages make, too. */
  async function visit(path: string): Promise<{ context: BrowserContext; requested: string[] }> {
    if (!browser || !edge) throw new Error("not started");
    const context = await browser.newContext();
    const requested: string[] = [];
    context.on("request", (request) => {
      const url = new URL(request.url());
      if (url.hostname === TRACKER) requested.push(url.pathname);
    });
    const page = await context.newPage();
    page.on("pageerror", (error) => {
      console.error(`page error on ${path}: ${error.message}`);
    });
    page.on("console", (message) => {
      if (message.type() === "error") console.error(`console on ${path}: ${message.text()}`);
    });
    await page.goto(`${edge.url}${path}`, { waitUntil: "load" });
    return { context, requested };
  }
  const trackerHits = (start: number) =>
    (tracker?.hits ?? [])
      .slice(start)
      .filter((hit) => hit.host === TRACKER)
      .map((hit) => hit.path);
  const grant = (context: BrowserContext, categories: string[]) =>
    context.pages()[0]?.evaluate((granted) => {
      (globalThis as unknown as { consentEdge: { grant: (c: string[]) => void } }).consentEdge.grant(granted);
    }, categories);

  it("no element reaches a tracker host before consent; granting restores every one without a reload", async () => {
    const start = tracker?.hits.length ?? 0;
    const { context, requested } = await visit("/elements");
    const page = context.pages()[0];
    if (!page) throw new Error("no page");
    await page.waitForTimeout(1_500);
    await page.click("#ping");
    await page.waitForTimeout(500);
    expect(trackerHits(start)).toEqual([]);
    expect(requested).toEqual([]);

    await page.evaluate(() => {
      (globalThis as unknown as { sameDocument: boolean }).sameDocument = true;
    });
    await grant(context, ["analytics", "marketing"]);
    const expected = ELEMENTS.map(([path]) => path);
    await expect
      .poll(() => expected.filter((path) => !trackerHits(start).includes(path)), { timeout: 15_000 })
      .toEqual([]);
    await page.click("#ping");
    await expect.poll(() => trackerHits(start).includes("/e/ping"), { timeout: 10_000 }).toBe(true);
    expect(
      await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument),
    ).toBe(true);
    await context.close();
  });

  it("a base on a tracker host: nothing relative reaches it before consent; granted, the base and what needs it are restored", async () => {
    const start = tracker?.hits.length ?? 0;
    const { context } = await visit("/base");
    const page = context.pages()[0];
    if (!page) throw new Error("no page");
    await page.waitForTimeout(1_000);
    expect(trackerHits(start)).toEqual([]);
    // Tag Manager's host also serves Google Ads (marketing): the base needs both.
    await grant(context, ["analytics", "marketing"]);
    await expect.poll(() => trackerHits(start), { timeout: 10_000 }).toContain("/e/base/relative.js");
    await context.close();
  });

  it("a meta refresh to a tracker does not navigate before consent, and does once granted", async () => {
    const start = tracker?.hits.length ?? 0;
    const { context } = await visit("/refresh");
    const page = context.pages()[0];
    if (!page) throw new Error("no page");
    await page.waitForTimeout(1_500);
    expect(trackerHits(start)).toEqual([]);
    expect(await page.textContent("p")).toBe("stay");
    await grant(context, ["analytics", "marketing"]);
    await expect.poll(() => trackerHits(start), { timeout: 10_000 }).toContain("/e/refresh");
    await context.close();
  });

  it.each([
    ["a grant dated a day ahead beside a refusal", 86_000],
    ["a newer grant beside a refusal", 60],
  ])(
    "planted consent cookie copies (%s): the page keeps the edge's refusal and restores nothing",
    async (_, ahead) => {
      if (!browser || !edge) throw new Error("not started");
      const start = tracker?.hits.length ?? 0;
      const context = await browser.newContext();
      const now = Math.floor(Date.now() / 1000);
      // Two copies the browser sends together, as a sibling's Domain= cookie and the visitor's own
      // would be: the visitor refused; the planted copy (on a longer path, so it is sent first) grants.
      await context.addCookies([
        { name: "ce_consent", value: `1.2026-12-01.${now}.-`, url: edge.url },
        {
          name: "ce_consent",
          value: `1.2026-12-01.${now + ahead}.analytics~marketing`,
          domain: "localhost",
          path: "/copies",
        },
      ]);
      const page = await context.newPage();
      await page.goto(`${edge.url}/copies`, { waitUntil: "load" });
      await page.waitForTimeout(1_500);
      expect(
        await page.evaluate(() =>
          (globalThis as unknown as { consentEdge: { granted: () => string[] } }).consentEdge.granted(),
        ),
      ).toEqual(["necessary"]);
      expect(trackerHits(start)).toEqual([]);
      await context.close();
    },
  );

  describe("the document.cookie guard, judged by Chromium's jar", () => {
    /** Writes `line` through the guarded document.cookie, or around it (the browser's own setter). */
    async function afterWrite(line: string, options: { direct: boolean; preset: boolean }) {
      const { context } = await visit("/cookies");
      const page = context.pages()[0];
      if (!page || !edge) throw new Error("no page");
      // From here no request reaches the worker: a late one (Chromium's /favicon.ico) would carry the
      // cookie just written, and the worker's answer would delete it, so the jar would show the
      // worker's deletion instead of what the write did.
      await context.route("**/*", (route) => route.abort());
      if (options.preset)
        await context.addCookies([
          { name: "_ga", value: "old", url: edge.url, expires: Date.now() / 1000 + 3600 },
        ]);
      await page.evaluate(
        ([value, direct]) => {
          const doc = (globalThis as unknown as { document: object }).document;
          if (direct) {
            const own = Object.getOwnPropertyDescriptor(
              Object.getPrototypeOf(Object.getPrototypeOf(doc)),
              "cookie",
            );
            own?.set?.call(doc, value);
          } else (doc as { cookie: string }).cookie = value;
        },
        [line, options.direct] as const,
      );
      const cookies = await context.cookies();
      await context.close();
      // A nameless cookie is sent as its value alone: `=_ga=1` reaches the server as `_ga=1`.
      return cookies.filter((cookie) => {
        const sent = cookie.name === "" ? (cookie.value.split("=")[0] ?? "").trim() : cookie.name;
        return sent === "_ga" || sent === "_ga_X" || sent === "_fbp";
      });
    }
    const stored = async (line: string, direct: boolean) =>
      (await afterWrite(line, { direct, preset: false })).length > 0;
    const deletes = async (line: string, direct: boolean) =>
      (await afterWrite(line, { direct, preset: true })).every((cookie) => cookie.value !== "old");

    it.each([
      "_ga=1",
      "_ga=1; Max-Age=0600",
      "_ga=1; max-age=0600; path=/",
      "_ga=1; Max-Age=0; Max-Age=600",
      "_ga=1; Max-Age=600; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
      "_ga=1; Expires=1970",
      "_ga=1; Expires=Thu, 01 Jan 1970",
      "_ga=1; Expires=1/1/1970",
      "_ga=1; Expires=Thu, 01 Jan 69 00:00:00 GMT",
      "_ga=1; comment=max-age=0",
      "_ga=1; x=expires=thu, 01 jan 1970",
      "_ga=max-age=0",
      " _ga =1",
      "_ga_X=1",
      "_fbp=1; Max-Age=31536000",
    ])("Chromium stores %j written directly; through the guard it stores nothing", async (line) => {
      expect(await stored(line, true)).toBe(true);
      expect(await stored(line, false)).toBe(false);
    });

    it.each([
      "_ga=; Max-Age=0",
      "_ga=; max-age=-1",
      "_ga=; MAX-AGE = 0 ",
      "_ga=; Max-Age=600; Max-Age=0",
      "_ga=; Expires=Fri, 01 Jan 2100 00:00:00 GMT; Max-Age=0",
      "_ga=; expires=Thu, 01 Jan 1970 00:00:00 GMT",
      "_ga=; Expires=Thu, 01-Jan-70 00:00:01 GMT",
      "_ga=; path=/; expires=Wed, 21 Oct 2015 07:28:00 GMT",
    ])("the deletion %j deletes in Chromium, through the guard too", async (line) => {
      expect(await deletes(line, true)).toBe(true);
      expect(await deletes(line, false)).toBe(true);
    });

    it.each(["=_ga=1", "_ga=1; Max-Age=\u00a00", "_ga=1; Max-Age=+0"])(
      "%j stores nothing refused through the guard, whatever Chromium makes of it directly",
      async (line) => {
        expect(await stored(line, false)).toBe(false);
      },
    );
  });
});
