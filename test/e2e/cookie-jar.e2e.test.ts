/**
 * Chromium as the judge of what a browser stores: the built worker over real HTTP in front of a
 * Node origin that sends hostile Set-Cookie lines. Each line is loaded twice in a fresh context:
 * from the origin directly (the control: Chromium does store it, so the check can fail) and
 * through consent-edge (no refused cookie is stored; a capped one ends within its cap).
 */
import { type Browser, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltEdge, site, startBuiltEdge, startOrigin, type TestOrigin } from "./edge-http";
import { chromiumPath, launchChromium } from "./servers";

const HOST = "www.example.test";
const REVISION = "2026-12-01";
const PAST = "Thu, 01 Jan 2015 00:00:00 GMT";
const CAP_SECONDS = 3_600;

/** Lines Chromium stores when nothing filters them: the list, then our own. */
const STORED_BY_CHROMIUM = [
  "_ga=x; Expires=1970",
  "_ga=x; Expires=Thu, 01 Jan 1970",
  `_ga=x; Max-Age=+31536000; Expires=${PAST}`,
  "_ga=x; Expires=Thu, 01 Jan 69 00:00:00 GMT",
  "_ga=x; Expires=1/1/1970",
  "_ga=x; Expires=1970-01-01T00:00:00Z",
  "_ga=x; Max-Age=0; Max-Age=31536000",
  `_ga=x; Max-Age= 31536000; Expires=${PAST}`,
  `_ga=x; Expires=${PAST}; Expires=Fri, 01 Jan 2038 00:00:00 GMT`,
  "_ga=x; Expires=0",
  "_fbp=fb.1; Domain=.example.test; Path=/",
  "_fbp=fb.1; Domain=EXAMPLE.TEST; Max-Age=31536000",
  "_ga_XYZ=GS1; Max-Age=31536000; Path=/",
  "  _ga  =  x  ; Max-Age=600",
  "undeclared=1; Max-Age=600",
];

/** The origin granting consent by itself (issue 7 item 7). */
const CONSENT_LINES = [
  `ce_consent=1.${REVISION}.${Math.floor(Date.now() / 1000)}.analytics~marketing`,
  `ce_consent=1.${REVISION}.${Math.floor(Date.now() / 1000)}.analytics; Domain=example.test; Path=/`,
  ` ce_consent =1.${REVISION}.${Math.floor(Date.now() / 1000)}.marketing; Max-Age=99999`,
];

/**
 * Nameless cookies whose value reads back as a name (`=_ga=GA1` is sent as `_ga=GA1`, RFC 6265bis
 * §5.8.3): this Chromium refuses to store them (the control shows it), other readers may not, so
 * the worker drops them all the same (test/set-cookie.test.ts).
 */
const NAMELESS = ["=_ga=GA1.2.3", `=ce_consent=1.${REVISION}.${Math.floor(Date.now() / 1000)}.analytics`];

const REFUSED = /^(_ga|_ga_.*|_fbp|undeclared|)$/;

const executablePath = chromiumPath();

describe.skipIf(!executablePath)(
  "Chromium stores no refused cookie (skipped: /usr/bin/chromium absent)",
  () => {
    let origin: TestOrigin;
    let edge: BuiltEdge;
    let browser: Browser;
    let lines: string[] = [];

    beforeAll(async () => {
      origin = await startOrigin((request, response) => {
        const url = new URL(request.url ?? "/", "http://origin");
        const index = Number(url.searchParams.get("line"));
        const line = lines[index];
        const set = url.pathname === "/plant" ? plantLines() : line === undefined ? [] : [line];
        response.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Set-Cookie": set });
        response.end("<!doctype html><title>cookies</title><p>cookies</p>");
      });
      edge = await startBuiltEdge(
        {
          sites: [
            site({
              hosts: [HOST],
              origin: origin.url,
              policyRevision: REVISION,
              cookies: [
                { name: "session", category: "necessary" },
                { name: "_ga", category: "analytics", maxAge: "1h" },
                { name: "_ga_*", category: "analytics", maxAge: "1h" },
                { name: "_fbp", category: "marketing", path: "/account" },
              ],
            }),
          ],
        },
        { d1: false },
      );
      browser = await launchChromium([
        // www.example.test (a registrable domain under an unlisted TLD) is this machine.
        "--host-resolver-rules=MAP *.example.test 127.0.0.1",
      ]);
    }, 60_000);

    afterAll(async () => {
      await browser.close();
      await edge.stop();
      await origin.stop();
    });

    const url = (port: number, path: string) => `http://${HOST}:${port}${path}`;

    /** The cookies Chromium holds after loading `path` from `port` with `lines` in force. */
    async function load(context: BrowserContext, port: number, path: string) {
      const page = await context.newPage();
      const response = await page.goto(url(port, path), { waitUntil: "load" });
      expect(response?.status()).toBe(200);
      await page.close();
      return context.cookies();
    }

    async function storedThrough(port: number, line: string, consent?: string) {
      lines = [line];
      const context = await browser.newContext();
      try {
        if (consent) await context.addCookies([{ name: "ce_consent", value: consent, url: url(port, "/") }]);
        return (await load(context, port, "/page?line=0")).filter(
          (cookie) => cookie.name !== "ce_consent" || !consent,
        );
      } finally {
        await context.close();
      }
    }

    it.each(STORED_BY_CHROMIUM)("%j: stored from the origin, not through the worker", async (line) => {
      const direct = await storedThrough(origin.port, line);
      expect(direct.filter((cookie) => REFUSED.test(cookie.name)).length).toBe(1);
      const edged = await storedThrough(edge.port, line);
      expect(edged.map((cookie) => cookie.name)).toEqual([]);
    });

    it.each(CONSENT_LINES)("%j: the origin cannot grant consent", async (line) => {
      const direct = await storedThrough(origin.port, line);
      expect(direct.length).toBe(1);
      const edged = await storedThrough(edge.port, line);
      expect(edged).toEqual([]);
    });

    it.each(NAMELESS)("%j: not stored by Chromium either way", async (line) => {
      expect(await storedThrough(origin.port, line)).toEqual([]);
      expect(await storedThrough(edge.port, line)).toEqual([]);
    });

    it.each(STORED_BY_CHROMIUM.filter((line) => /^\s*_ga/.test(line)))(
      "%j with analytics granted: what Chromium stores ends within the rule's cap",
      async (line) => {
        const consent = `1.${REVISION}.${Math.floor(Date.now() / 1000) - 60}.analytics`;
        const edged = await storedThrough(edge.port, line, consent);
        const limit = Date.now() / 1000 + CAP_SECONDS + 5;
        for (const cookie of edged.filter((c) => c.name !== "ce_consent")) {
          // -1 is a session cookie: shorter than any cap.
          if (cookie.expires !== -1) expect(cookie.expires).toBeLessThanOrEqual(limit);
        }
      },
    );

    it("the control: without the worker, Chromium keeps a capped line past the cap", async () => {
      const direct = await storedThrough(origin.port, `_ga=x; Max-Age=+31536000; Expires=${PAST}`);
      expect(
        direct.map((cookie) => cookie.expires).some((expires) => expires > Date.now() / 1000 + CAP_SECONDS),
      ).toBe(true);
    });

    /** Every slot Chromium can hold `_fbp` in on www.example.test: host-only, each Domain=, both paths. */
    function plantLines(): string[] {
      const out: string[] = [];
      for (const path of ["/", "/account"]) {
        out.push(`_fbp=v; Path=${path}`);
        for (const domain of [HOST, "example.test", ".example.test"])
          out.push(`_fbp=v; Path=${path}; Domain=${domain}`);
      }
      return out;
    }

    it("withdrawal: every variant Chromium holds is deleted by one response", async () => {
      const context = await browser.newContext();
      try {
        // Cookies do not depend on the port: planting through the origin is planting for the site.
        const planted = await load(context, origin.port, "/plant");
        // host-only and Domain=www.example.test are distinct in Chromium: 3 slots on each of 2 paths.
        expect(planted.filter((cookie) => cookie.name === "_fbp").length).toBe(6);
        const page = await context.newPage();
        const response = await page.goto(url(edge.port, "/account/x?line=99"), { waitUntil: "load" });
        expect(response?.status()).toBe(200);
        expect((await context.cookies()).filter((cookie) => cookie.name === "_fbp")).toEqual([]);
      } finally {
        await context.close();
      }
    });
  },
);
