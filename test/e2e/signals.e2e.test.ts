/**
 * What Sec-GPC refuses the edge refuses on every page, even over a consent cookie that grants it
 * (consent.gpc, binding in the demo's opt-in region): the page runtime must not grant it either,
 * neither from the cookie when the page starts nor after a grant in the page. In Debian's Chromium,
 * through the real worker in front of the demo origin, every other host answered here.
 */
import { describe, expect, it } from "vitest";
import demoConfig from "../../demo/consent-edge.config.json";
import { routedBrowser, type Visitor } from "./routed-browser";
import { chromiumPath } from "./servers";

interface Globals {
  consentEdge: { grant(categories: string[]): Promise<boolean>; granted(): string[] };
}

const MARKETING = /connect\.facebook\.net|facebook\.com\/tr|youtube\.com|gtag\/js\?id=AW-/;
const ANALYTICS = /gtag\/js\?id=G-|clarity\.ms|posthog\.com/;

const executablePath = chromiumPath();
if (!executablePath && process.env.CI)
  throw new Error("CI must install Debian's chromium for the browser test");

describe.skipIf(!executablePath)("Sec-GPC in the page (Chromium)", () => {
  const demo = routedBrowser();

  /** A visitor whose consent cookie grants everything, sending Sec-GPC: 1 when `gpc`. */
  async function visitor(gpc: boolean): Promise<Visitor> {
    const visitor = await demo.visitor({ headers: gpc ? { "Sec-GPC": "1" } : {} });
    const site = demoConfig.sites[0];
    const all = site?.categories.filter((category) => category !== "necessary") ?? [];
    await visitor.context.addCookies([
      {
        name: "ce_consent",
        value: `1.${site?.policyRevision ?? ""}.${Math.floor(Date.now() / 1000)}.${all.join("~")}`,
        url: demo.url(),
      },
    ]);
    return visitor;
  }

  it("without GPC the cookie's grants load marketing and analytics (the control)", async () => {
    const { context, requests } = await visitor(false);
    const page = await context.newPage();
    await page.goto(demo.url(), { waitUntil: "load" });
    await expect.poll(() => requests.some((url) => MARKETING.test(url))).toBe(true);
    expect(requests.some((url) => ANALYTICS.test(url))).toBe(true);
    await context.close();
  });

  it("with GPC, marketing stays refused in the page: at start and after a grant in the page", async () => {
    const { context, requests } = await visitor(true);
    const page = await context.newPage();
    await page.goto(demo.url(), { waitUntil: "load" });
    await expect.poll(() => requests.some((url) => ANALYTICS.test(url))).toBe(true);
    await page.waitForTimeout(500);
    expect(requests.filter((url) => MARKETING.test(url))).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as Globals).consentEdge.granted())).not.toContain(
      "marketing",
    );
    await page.evaluate(() => (globalThis as unknown as Globals).consentEdge.grant(["marketing"]));
    await page.waitForTimeout(800);
    expect(requests.filter((url) => MARKETING.test(url))).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as Globals).consentEdge.granted())).not.toContain(
      "marketing",
    );
    await context.close();
  });
});
