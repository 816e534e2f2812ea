/**
 * The inventory end to end: Debian's Chromium through the real worker over HTTP (servers.ts: the
 * demo origin, miniflare's real D1), with the demo's config sampling every page view
 * (`browserSample: 1`) and a recorder that flushes at every chance (the e2e server cannot wait the
 * production 30 s). The /run-time page's first-party script loads its trackers at run time, where
 * the HTML stage never sees them: with consent refused the page guard refuses them and the page's
 * reporter says so ("refused"); with consent granted the browser contacts them ("contacted").
 * Either way the entry is in INVENTORY_DB, and no cookie or request of the report changed anything.
 */
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingAnswer } from "./routed-browser.ts";
import { chromiumPath, demoWithInventory, launchChromium, startEdge } from "./servers.ts";

interface Row {
  name: string;
  kind: string;
  source: string;
  action: string;
  category: string | null;
  count: number;
  sample_paths: string;
}

describe.skipIf(!chromiumPath())(
  "the inventory from a browser (skipped: /usr/bin/chromium not installed)",
  () => {
    let edge: Awaited<ReturnType<typeof startEdge>> | undefined;
    let browser: Browser | undefined;
    let visitors = 0;

    beforeAll(async () => {
      [edge, browser] = await Promise.all([
        startEdge({ script: (await demoWithInventory(1)).script }),
        launchChromium([]),
      ]);
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
      await edge?.stop();
    });

    async function visitor(cookie?: string): Promise<{ context: BrowserContext; requests: string[] }> {
      if (!browser || !edge) throw new Error("the browser or the worker did not start");
      visitors++;
      const context = await browser.newContext({
        extraHTTPHeaders: { "CF-Connecting-IP": `10.9.${visitors}.1` },
      });
      if (cookie) {
        const [name = "", value = ""] = cookie.split(/=(.*)/s);
        await context.addCookies([{ name, value, url: edge.url }]);
      }
      const requests: string[] = [];
      await context.route(
        (url) => url.hostname !== "localhost",
        async (route) => {
          requests.push(route.request().url());
          await recordingAnswer(route);
        },
      );
      return { context, requests };
    }

    async function rows(): Promise<Row[]> {
      if (!edge) return [];
      const db = await edge.mf.getD1Database("INVENTORY_DB", "consent-edge");
      const { results } = await db
        .prepare(
          "SELECT * FROM inventory_entries WHERE site = 'demo' AND kind = 'host' AND source = 'browser'",
        )
        .all<Row>();
      return results;
    }

    /** Opens /run-time, waits for its patterns to run, then leaves the page: the reporter sends on pagehide. */
    async function viewRunTime(context: BrowserContext): Promise<string> {
      if (!edge) throw new Error("no worker");
      const page = await context.newPage();
      const response = await page.goto(new URL("/run-time", edge.url).href);
      const html = (await response?.text()) ?? "";
      // The patterns have run (their outcomes are in the page's log).
      await page.waitForFunction(
        () => {
          const demo = (globalThis as unknown as { runTimeDemo?: { results: Record<string, object> } })
            .runTimeDemo;
          return Object.keys(demo?.results["load"] ?? {}).length > 3;
        },
        undefined,
        { timeout: 10_000 },
      );
      await page.waitForTimeout(300);
      await page.goto(new URL("/.consent-edge/settings", edge.url).href);
      await page.close();
      return html;
    }

    async function until(check: (found: Row[]) => boolean): Promise<Row[]> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = await rows();
        if (check(found) || Date.now() > deadline) return found;
        await new Promise((done) => setTimeout(done, 100));
      }
    }

    it("a sampled page view with consent refused: the tracker its script loads is a browser 'refused' entry", async () => {
      const { context, requests } = await visitor();
      const html = await viewRunTime(context);
      // The page was sampled: the reporter shipped with the runtime.
      expect(html).toContain("/.consent-edge/report");
      // The page guard refused it: the browser never asked the tracker.
      expect(requests.some((url) => url.includes("googletagmanager.com"))).toBe(false);
      const found = await until((r) => r.some((row) => row.name === "www.googletagmanager.com"));
      const gtm = found.find((row) => row.name === "www.googletagmanager.com");
      expect(gtm).toMatchObject({ action: "refused", category: "analytics" });
      expect(JSON.parse(gtm?.sample_paths ?? "[]")).toEqual(["/run-time"]);
      expect(found.some((row) => row.action === "contacted" && row.name === "www.googletagmanager.com")).toBe(
        false,
      );
      // Never the page's own host.
      expect(found.some((row) => row.name === "localhost")).toBe(false);
      await context.close();
    });

    it("a sampled page view with consent granted: the tracker the browser did contact is a 'contacted' entry", async () => {
      const now = Math.floor(Date.now() / 1000);
      const { context, requests } = await visitor(
        `ce_consent=1.2026-04-03.${now}.functional~analytics~marketing`,
      );
      await viewRunTime(context);
      expect(requests.some((url) => url.includes("www.googletagmanager.com/gtag/js"))).toBe(true);
      const found = await until((r) =>
        r.some((row) => row.name === "www.googletagmanager.com" && row.action === "contacted"),
      );
      expect(
        found.find((row) => row.name === "www.googletagmanager.com" && row.action === "contacted"),
      ).toMatchObject({
        category: "analytics",
        count: 1,
      });
      await context.close();
    });
  },
);
