/**
 * A real browser (Debian's Chromium, driven by playwright-core) through consent-edge on the demo
 * site, with every tracker host resolved to local fake servers that record what reaches them.
 */
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchChromium, startEdge, startFakeTrackers, type TrackerHit } from "./servers";

const ANALYTICS_HOSTS = [
  "www.googletagmanager.com",
  "www.clarity.ms",
  "us-assets.i.posthog.com",
  "analytics.aktok.com",
];
// Every host the demo page embeds a tracker from. (Chromium's own background requests, to Google's
// update and account services, also resolve to the fake servers; they are not the page's.)
const TRACKER_HOST =
  /googletagmanager\.com|google-analytics\.com|clarity\.ms|posthog\.com|analytics\.aktok\.com|facebook\.(com|net)|youtube\.com|doubleclick\.net|googleadservices\.com/;
const MARKETING = /connect\.facebook\.net|www\.facebook\.com|gtag\/js\?id=AW-/;
const ANALYTICS_COOKIES = /^(_ga|_ga_.*|_clck|_clsk|ph_.*_posthog|_pk_.*)$/;
const MARKETING_COOKIES = /^(_fbp|_fbc|_gcl_au|__gads)$/;

/** What the demo page exposes, as seen from page.evaluate callbacks (which run in the browser). */
interface PageGlobals {
  consentEdge: { grant: (categories: string[]) => void; withdraw: (categories?: string[]) => void };
  __loaded?: string[];
  __sameDocument?: boolean;
}

const executablePath = chromiumPath();
if (!executablePath && process.env.CI)
  throw new Error("CI must install Debian's chromium for the browser test");

describe.skipIf(!executablePath)("in Chromium (skipped: /usr/bin/chromium not installed)", () => {
  let edge: Awaited<ReturnType<typeof startEdge>> | undefined;
  let trackers: Awaited<ReturnType<typeof startFakeTrackers>> = { hits: [], stop: () => Promise.resolve() };
  let browser: Browser | undefined;
  let page: Page;
  const home = () => edge?.url ?? "http://localhost/";

  beforeAll(async () => {
    [edge, trackers] = await Promise.all([startEdge(), startFakeTrackers()]);
    browser = await launchChromium([
      "--ignore-certificate-errors",
      // Every host but the demo's own resolves to the fake tracker servers on loopback.
      "--host-resolver-rules=MAP * 127.0.0.1, EXCLUDE localhost",
    ]);
    page = await (await browser.newContext()).newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([edge?.stop(), trackers.stop()]);
  });

  const cookieNames = async () => (await page.context().cookies()).map((cookie) => cookie.name);
  const trackerHits = (start = 0): TrackerHit[] =>
    trackers.hits.slice(start).filter((hit) => TRACKER_HOST.test(hit.host));

  it("with no consent, no request reaches any tracker host and no tracking cookie is set", async () => {
    await page.goto(home(), { waitUntil: "load" });
    await page.waitForTimeout(1_500);
    expect(trackerHits()).toEqual([]);
    const names = await cookieNames();
    expect(names).toContain("aktok_session");
    expect(names.filter((name) => ANALYTICS_COOKIES.test(name) || MARKETING_COOKIES.test(name))).toEqual([]);
    // Google Consent Mode v2 defaults were set before any tag could run, from the categories.
    const firstCommand = await page.evaluate(() =>
      Array.from((globalThis as unknown as { dataLayer: ArrayLike<unknown>[] }).dataLayer[0] ?? []),
    );
    expect(firstCommand).toEqual([
      "consent",
      "default",
      {
        ad_storage: "denied",
        ad_user_data: "denied",
        ad_personalization: "denied",
        analytics_storage: "denied",
        functionality_storage: "denied",
        personalization_storage: "denied",
        security_storage: "granted",
      },
    ]);
    // The cookie guard refuses a script's write of a cookie whose category is refused, and lets others by.
    await page.evaluate(() => {
      const { document } = globalThis as unknown as { document: { cookie: string } };
      document.cookie = "_ga=GA1.1.sneaky; path=/";
      document.cookie = "aktok_theme_probe=1; path=/";
    });
    const afterWrites = await cookieNames();
    expect(afterWrites).not.toContain("_ga");
    expect(afterWrites).toContain("aktok_theme_probe");
    // The page itself is intact: its first-party script ran.
    expect(
      await page.evaluate(() => typeof (globalThis as unknown as Partial<PageGlobals>).consentEdge),
    ).toBe("object");
  });

  it("granting analytics through the runtime runs the analytics scripts without a reload; marketing stays blocked", async () => {
    const start = trackers.hits.length;
    expect(trackerHits()).toEqual([]);
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).__sameDocument = true;
      (globalThis as unknown as PageGlobals).consentEdge.grant(["analytics"]);
    });
    await page.waitForFunction(
      () => ((globalThis as unknown as PageGlobals).__loaded ?? []).length >= 4,
      null,
      {
        timeout: 10_000,
      },
    );
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__sameDocument)).toBe(true);
    const hits = trackerHits(start);
    for (const host of ANALYTICS_HOSTS) expect(hits.map((hit) => hit.host)).toContain(host);
    expect(hits.filter((hit) => MARKETING.test(`${hit.host}${hit.path}`))).toEqual([]);
    const loaded = await page.evaluate(() => (globalThis as unknown as PageGlobals).__loaded ?? []);
    expect(loaded.sort()).toEqual(["clarity", "ga4", "matomo", "posthog"]);
    const names = await cookieNames();
    expect(names).toEqual(
      expect.arrayContaining(["_ga", "_clck", "ph_phc_demo123_posthog", "_pk_id.1.1fff"]),
    );
    expect(names.filter((name) => MARKETING_COOKIES.test(name))).toEqual([]);
  });

  it("after withdrawal, the next navigation leaves no analytics cookie in the jar", async () => {
    // Withdrawal reloads the page (scripts that ran cannot be un-run); the edge then deletes their cookies.
    const reloaded = page.waitForEvent("load");
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).consentEdge.withdraw(["analytics"]);
    });
    await reloaded;
    await page.goto(`${home()}pricing`, { waitUntil: "load" });
    const names = await cookieNames();
    expect(names.filter((name) => ANALYTICS_COOKIES.test(name))).toEqual([]);
    expect(names).toContain("aktok_session");
  });
});

describe.skipIf(!executablePath)("the banner in Chromium (skipped: /usr/bin/chromium not installed)", () => {
  let edge: Awaited<ReturnType<typeof startEdge>> | undefined;
  let trackers: Awaited<ReturnType<typeof startFakeTrackers>> = { hits: [], stop: () => Promise.resolve() };
  let browser: Browser | undefined;
  const home = () => edge?.url ?? "http://localhost/";

  beforeAll(async () => {
    [edge, trackers] = await Promise.all([startEdge(), startFakeTrackers(81, 444)]);
    browser = await launchChromium([
      "--ignore-certificate-errors",
      "--host-resolver-rules=MAP * 127.0.0.1:444, EXCLUDE localhost",
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([edge?.stop(), trackers.stop()]);
  });

  async function freshPage(javaScriptEnabled: boolean) {
    if (!browser) throw new Error("no browser");
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await page.goto(home(), { waitUntil: "load" });
    return page;
  }
  const consentValue = async (page: Page) =>
    (await page.context().cookies()).find((cookie) => cookie.name === "ce_consent")?.value ?? "";

  it.each([true, false])("Reject all works with one click (JavaScript %s)", async (javaScript) => {
    const page = await freshPage(javaScript);
    const banner = page.getByRole("region", { name: "Cookies on this site" });
    await expect.poll(() => banner.isVisible()).toBe(true);
    await Promise.all([
      javaScript ? Promise.resolve() : page.waitForURL(home()),
      // The demo origin has "Reject all" buttons of its own (its demo panel): click the banner's.
      banner.getByRole("button", { name: "Reject all" }).click(),
    ]);
    await expect
      .poll(() => consentValue(page), { timeout: 10_000 })
      .toMatch(/^1\.2026-04-03\.\d+\.-\.[A-Za-z0-9_-]{22}$/);
    await page.goto(home(), { waitUntil: "load" });
    expect(await banner.isVisible()).toBe(false);
    await page.context().close();
  });

  it.each([true, false])("Accept all works with one click (JavaScript %s)", async (javaScript) => {
    const page = await freshPage(javaScript);
    const banner = page.getByRole("region", { name: "Cookies on this site" });
    await Promise.all([
      javaScript ? Promise.resolve() : page.waitForURL(home()),
      banner.getByRole("button", { name: "Accept all" }).click(),
    ]);
    await expect
      .poll(() => consentValue(page), { timeout: 10_000 })
      .toMatch(/^1\.2026-04-03\.\d+\.functional~analytics~marketing\.[A-Za-z0-9_-]{22}$/);
    if (javaScript) {
      // Applied without a reload: the trackers run in the page the visitor is on.
      await page.waitForFunction(
        () => ((globalThis as unknown as PageGlobals).__loaded ?? []).includes("meta"),
        null,
        { timeout: 10_000 },
      );
    } else {
      await page.goto(home(), { waitUntil: "load" });
      // Served with every tracker live: nothing left inert, and the banner closed.
      expect(await page.locator("[data-ce-category]").count()).toBe(0);
      expect(await page.locator("script[src*='googletagmanager']").count()).toBeGreaterThan(0);
      expect(await banner.isVisible()).toBe(false);
    }
    await page.context().close();
  });
});
