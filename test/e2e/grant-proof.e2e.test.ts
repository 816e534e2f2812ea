/**
 * Issue 9, item 6, "Every grant keeps its proof", in Debian's Chromium through the demo worker
 * (receipts in Miniflare's D1), every tracker host answered by the local fakes: a grant made in the
 * page goes through the consent API, so its receipt exists before the cookie does; a grant the API
 * refuses is not applied; an embed placeholder's button grants what it shows and decides nothing else
 * (the demo's YouTube embed: the YouTube service alone, issue 12 item 3).
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "./edge-http";
import { chromiumPath, freePort, launchChromium, startEdge, startFakeTrackers } from "./servers";

const executablePath = chromiumPath();
if (!executablePath && process.env.CI)
  throw new Error("CI must install Debian's chromium for the browser test");

interface PageGlobals {
  consentEdge: {
    grant: (categories: string[]) => Promise<boolean>;
    set: (categories: string[]) => Promise<boolean>;
    withdraw: (categories?: string[]) => Promise<boolean>;
    granted: () => string[];
    services: () => string[];
  };
  __sameDocument?: boolean;
  __loaded?: string[];
}

/**
 * The consent cookie's parts: `1.<revision>.<secs>.<granted>[.<receiptId>]`, or with services
 * granted on their own `2.<revision>.<secs>.<granted>.<services>[.<receiptId>]`.
 */
const CONSENT = /^1\.2026-04-03\.\d+\.([^.]+)(?:\.([A-Za-z0-9_-]+))?$/;
const CONSENT_V2 = /^2\.2026-04-03\.\d+\.([^.]+)\.([^.]+)(?:\.([A-Za-z0-9_-]+))?$/;

describe.skipIf(!executablePath)(
  "every grant keeps its proof (skipped: /usr/bin/chromium not installed)",
  () => {
    let edge: Awaited<ReturnType<typeof startEdge>> | undefined;
    let trackers: Awaited<ReturnType<typeof startFakeTrackers>> = { hits: [], stop: () => Promise.resolve() };
    let browser: Browser | undefined;
    const home = () => edge?.url ?? "http://localhost/";
    let clients = 0;

    beforeAll(async () => {
      // Ports of its own, so that it can run beside the other browser tests.
      const [http, https] = [await freePort(), await freePort()];
      [edge, trackers] = await Promise.all([startEdge(), startFakeTrackers(http, https)]);
      browser = await launchChromium([
        "--ignore-certificate-errors",
        `--host-resolver-rules=MAP * 127.0.0.1:${String(https)}, EXCLUDE localhost`,
      ]);
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await Promise.all([edge?.stop(), trackers.stop()]);
    });

    /**
     * A fresh visitor (no cookies) with an address of its own: the consent API throttles grants per
     * client (CF-Connecting-IP, which Cloudflare sets), so each test's budget is its own.
     */
    async function visitor(): Promise<{ context: BrowserContext; page: Page; ip: string }> {
      if (!browser) throw new Error("no browser");
      const ip = `198.51.100.${String(++clients)}`;
      const context = await browser.newContext({ extraHTTPHeaders: { "CF-Connecting-IP": ip } });
      const page = await context.newPage();
      page.on("pageerror", (error) => {
        console.error(`page error: ${error.message}`);
      });
      return { context, page, ip };
    }
    const consentOf = async (context: BrowserContext) => {
      const value = (await context.cookies()).find((cookie) => cookie.name === "ce_consent")?.value ?? "";
      const match = CONSENT.exec(value);
      const v2 = CONSENT_V2.exec(value);
      return v2
        ? { value, granted: v2[1], services: v2[2], receiptId: v2[3] }
        : { value, granted: match?.[1], services: undefined, receiptId: match?.[2] };
    };
    const receipt = async (context: BrowserContext, id: string | undefined) => {
      const res = await context.request.get(`${home()}.consent-edge/receipts/${id ?? "none"}`);
      return { status: res.status(), body: (await res.json()) as Record<string, unknown> };
    };
    const youtubeHits = (start: number) =>
      trackers.hits.slice(start).filter((hit) => hit.host === "www.youtube.com");
    const banner = (page: Page) => page.getByRole("region", { name: "Cookies on this site" });
    /** The banner's ticked categories: `:checked` is the live state, which the script sets. */
    const ticked = async (page: Page) => {
      const boxes = await page.locator("#ce-banner input[name=category]:checked").all();
      return Promise.all(boxes.map((box) => box.getAttribute("value")));
    };
    /** The services ticked under their categories (granted on their own). */
    const tickedServices = async (page: Page) => {
      const boxes = await page.locator("#ce-banner input[name=service]:checked").all();
      return Promise.all(boxes.map((box) => box.getAttribute("value")));
    };

    it("a placeholder click: receipt first, only that service, the iframe loads without a reload, the banner still asks", async () => {
      const { context, page } = await visitor();
      await page.goto(`${home()}blog/hello`, { waitUntil: "load" });
      await expect.poll(() => banner(page).isVisible()).toBe(true);
      const start = trackers.hits.length;
      await page.evaluate(() => {
        (globalThis as unknown as PageGlobals).__sameDocument = true;
      });
      expect(await page.locator("iframe[data-ce-src*='youtube.com']").count()).toBe(1);

      // YouTube is a service (marketing:youtube): the button allows it alone, not Marketing.
      await page.getByRole("button", { name: "Always allow YouTube" }).click();
      await expect.poll(async () => (await consentOf(context)).services, { timeout: 10_000 }).toBe("youtube");
      const { granted, receiptId } = await consentOf(context);
      expect(granted).toBe("+-");
      const proof = await receipt(context, receiptId);
      expect(proof.status).toBe(200);
      expect(proof.body).toMatchObject({
        id: receiptId,
        site: "demo",
        action: "grant",
        granted: ["necessary"],
        services: ["youtube"],
        method: "placeholder",
        previousId: null,
      });

      // The embed loads in the page the visitor is on; nothing else was granted.
      await expect.poll(() => youtubeHits(start).length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await page.locator("iframe[src^='https://www.youtube.com/embed/']").count()).toBe(1);
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__sameDocument)).toBe(true);
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).consentEdge.granted())).toEqual(
        ["necessary"],
      );
      expect(
        await page.evaluate(() => (globalThis as unknown as PageGlobals).consentEdge.services()),
      ).toEqual(["youtube"]);
      // Nothing else of Marketing (the Meta Pixel, Google Ads) nor of the other categories.
      expect(
        trackers.hits
          .slice(start)
          .filter((hit) =>
            /clarity|posthog|analytics\.aktok|facebook|doubleclick|googleadservices/.test(hit.host),
          ),
      ).toEqual([]);
      // The banner stays open: the visitor has decided nothing about the categories.
      expect(await banner(page).isVisible()).toBe(true);
      expect(await ticked(page)).toEqual([]);
      expect(await tickedServices(page)).toEqual(["youtube"]);

      // The next page: still undecided, so the banner is back, with what was granted ticked.
      await page.goto(`${home()}pricing`, { waitUntil: "load" });
      expect(await banner(page).isVisible()).toBe(true);
      expect(await ticked(page)).toEqual([]);
      expect(await tickedServices(page)).toEqual(["youtube"]);

      // Deciding then is a whole choice, linked to the placeholder's receipt; the banner closes.
      await banner(page).getByRole("button", { name: "Reject all" }).click();
      await expect.poll(async () => (await consentOf(context)).granted, { timeout: 10_000 }).toBe("-");
      const refusal = await receipt(context, (await consentOf(context)).receiptId);
      expect(refusal.body).toMatchObject({ action: "withdraw", previousId: receiptId });
      await context.close();
    });

    it("page code: consentEdge.grant(['analytics']) writes a receipt, resolves true, and runs the analytics tags", async () => {
      const { context, page } = await visitor();
      await page.goto(home(), { waitUntil: "load" });
      const ok = await page.evaluate(() =>
        (globalThis as unknown as PageGlobals).consentEdge.grant(["analytics"]),
      );
      expect(ok).toBe(true);
      const { granted, receiptId } = await consentOf(context);
      expect(granted).toBe("+analytics");
      expect((await receipt(context, receiptId)).body).toMatchObject({
        granted: ["necessary", "analytics"],
        method: "page",
      });
      await page.waitForFunction(
        () => ((globalThis as unknown as PageGlobals).__loaded ?? []).includes("ga4"),
        null,
        { timeout: 10_000 },
      );
      await context.close();
    });

    it("when the API refuses (throttled), no grant is applied: no cookie, the embed stays inert, the promise says false", async () => {
      const { context, page, ip } = await visitor();
      // Use up this client's budget of decisions (20 a minute) from outside the browser.
      for (let i = 0; i < 20; i++) {
        const res = await request(home(), {
          method: "POST",
          path: "/.consent-edge/consent",
          headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip },
          body: JSON.stringify({ granted: ["functional"] }),
        });
        expect(res.status).toBe(200);
      }
      await page.goto(`${home()}blog/hello`, { waitUntil: "load" });
      const start = trackers.hits.length;
      const refused = page.waitForResponse((res) => res.url().endsWith("/.consent-edge/consent"));
      await page.getByRole("button", { name: "Always allow YouTube" }).click();
      expect((await refused).status()).toBe(429);
      expect(
        await page.evaluate(() => (globalThis as unknown as PageGlobals).consentEdge.grant(["analytics"])),
      ).toBe(false);
      await page.waitForTimeout(500);

      expect((await consentOf(context)).value).toBe("");
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).consentEdge.granted())).toEqual(
        ["necessary"],
      );
      expect(await page.locator("iframe[data-ce-src*='youtube.com']").count()).toBe(1);
      expect(youtubeHits(start)).toEqual([]);
      expect(await banner(page).isVisible()).toBe(true);
      await context.close();
    });

    it("when the API cannot be reached, a withdrawal is applied in the page all the same", async () => {
      const { context, page } = await visitor();
      await page.goto(home(), { waitUntil: "load" });
      expect(
        await page.evaluate(() => (globalThis as unknown as PageGlobals).consentEdge.grant(["analytics"])),
      ).toBe(true);
      // From here on the consent API is unreachable (as if the network dropped).
      await page.route("**/.consent-edge/consent", (route) => route.abort("internetdisconnected"));
      const reloaded = page.waitForEvent("load");
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).consentEdge.withdraw())).toBe(
        true,
      );
      await reloaded;
      const { granted, receiptId } = await consentOf(context);
      expect(granted).toBe("-");
      expect(receiptId).toBeUndefined();
      // A grant still needs the API: refused, not applied.
      expect(
        await page.evaluate(() => (globalThis as unknown as PageGlobals).consentEdge.grant(["marketing"])),
      ).toBe(false);
      expect((await consentOf(context)).granted).toBe("-");
      await context.close();
    });
  },
);
