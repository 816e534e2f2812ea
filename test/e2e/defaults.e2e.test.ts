/**
 * The curated defaults in Chromium, through the built worker (src/index.ts in workerd over real
 * HTTP): a page with a Bing UET pixel in its HTML, and first-party JavaScript that loads UET's
 * bat.js, adds a pixel and calls fetch towards bat.bing.com. Every request to a host other than
 * localhost is intercepted (Playwright routing) and recorded, so nothing leaves the machine. With
 * `"defaults": true` and no consent, no request reaches bat.bing.com, neither from the HTML (the
 * edge) nor from script (the page guard); with marketing granted, or with the defaults off, they do.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { site, startBuiltEdge, startOrigin, type BuiltEdge, type TestOrigin } from "./edge-http";
import { chromiumPath, launchChromium } from "./servers";

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>UET</title></head><body>
<img src="https://bat.bing.com/action/0?ti=1&Ver=2" alt="">
<script src="/first-party.js"></script>
<p id="done">page</p></body></html>`;

// First-party script: the edge never sees what it creates or requests; the page guard must.
const FIRST_PARTY = `
var s = document.createElement("script"); s.src = "https://bat.bing.com/bat.js"; document.head.appendChild(s);
var i = new Image(); i.src = "https://bat.bing.com/action/0?ti=2&Ver=2";
fetch("https://bat.bing.com/action/0?ti=3").catch(function () {});
`;

const REVISION = "2026-12-01";
const executablePath = chromiumPath();

describe.skipIf(!executablePath)(
  "Bing UET with the defaults, in Chromium (skipped: no /usr/bin/chromium)",
  () => {
    let origin: TestOrigin | undefined;
    let withDefaults: BuiltEdge | undefined;
    let withoutDefaults: BuiltEdge | undefined;
    let browser: Browser | undefined;

    beforeAll(async () => {
      origin = await startOrigin((request, response) => {
        const script = request.url === "/first-party.js";
        response.writeHead(200, {
          "Content-Type": script ? "text/javascript" : "text/html; charset=utf-8",
        });
        response.end(script ? FIRST_PARTY : PAGE);
      });
      const config = (defaults: boolean) => ({
        sites: [site({ origin: origin?.url, policyRevision: REVISION, defaults })],
      });
      [withDefaults, withoutDefaults, browser] = await Promise.all([
        startBuiltEdge(config(true)),
        startBuiltEdge(config(false)),
        launchChromium([]),
      ]);
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await Promise.all([withDefaults?.stop(), withoutDefaults?.stop(), origin?.stop()]);
    });

    /** Every URL off localhost the page asked for, after it loaded and its script ran. */
    async function bingRequests(edge: BuiltEdge | undefined, granted?: string): Promise<string[]> {
      if (!browser || !edge) throw new Error("not started");
      const context = await browser.newContext();
      const requested: string[] = [];
      await context.route(
        (url) => url.hostname !== "localhost",
        async (route) => {
          requested.push(route.request().url());
          await route.fulfill({ status: 200, body: "" });
        },
      );
      if (granted) {
        const givenAt = Math.floor(Date.now() / 1000) - 60;
        await context.addCookies([
          { name: "ce_consent", value: `1.${REVISION}.${givenAt}.${granted}`, url: edge.url },
        ]);
      }
      const page = await context.newPage();
      await page.goto(`${edge.url}/`, { waitUntil: "load" });
      // The first-party script's fetch and bat.js are asynchronous: give them time to be asked for.
      await page.waitForTimeout(500);
      await context.close();
      return requested.filter((url) => new URL(url).hostname === "bat.bing.com");
    }

    it("no request reaches bat.bing.com with the defaults on and no consent", async () => {
      expect(await bingRequests(withDefaults)).toEqual([]);
    });

    it("the pixel, bat.js and the beacon load once marketing is granted", async () => {
      const requested = await bingRequests(withDefaults, "marketing");
      expect(requested).toContain("https://bat.bing.com/action/0?ti=1&Ver=2");
      expect(requested).toContain("https://bat.bing.com/bat.js");
      expect(requested).toContain("https://bat.bing.com/action/0?ti=3");
    });

    it("with the defaults off, the built-in rules let all of it through (the test can fail)", async () => {
      const requested = await bingRequests(withoutDefaults);
      expect(requested).toContain("https://bat.bing.com/action/0?ti=1&Ver=2");
      expect(requested).toContain("https://bat.bing.com/bat.js");
    });
  },
);
