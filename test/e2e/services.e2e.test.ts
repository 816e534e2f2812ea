/**
 * Consent per service in the page (issue 12 item 3), in Debian's Chromium: the built worker in
 * workerd in front of a Node origin whose page embeds two YouTube videos beside a marketing pixel
 * and script of another vendor. Every request to a host other than the edge's is answered here
 * (Playwright routing) and recorded, so a test sees exactly what the browser fetched.
 *
 *   "Show it just this once" plays the one video, for this page view: marketing stays refused,
 *   no cookie is written, the consent API is not called, the other video stays inert, and the next
 *   page view shows both placeholders again.
 *   "Always allow YouTube" grants YouTube alone (a scoped grant of the service through the consent
 *   API, cookie version 2): every YouTube embed loads, the other marketing vendor stays blocked,
 *   the edge serves the embeds live on the next page view, and the banner's Customise has YouTube
 *   ticked and Marketing not.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { parse } from "parse5";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConsentCookie } from "../../src/consent/consent-cookie.ts";
import { ENGLISH_TEXTS } from "../../src/texts/languages/en.ts";
import { attributeOf, elementsNamed } from "../dom.ts";
import { type BuiltEdge, site, startBuiltEdge, startOrigin, type TestOrigin } from "./edge-http.ts";
import { chromiumPath, launchChromium } from "./servers.ts";

/** The other marketing vendor: a site rule without a service. */
const ADS_HOST = "ads.example";
const PAGE =
  `<!doctype html><html><head><meta charset="utf-8"><title>Videos</title>` +
  `<script src="https://${ADS_HOST}/tag.js"></script></head><body>` +
  `<h1>Two videos</h1>` +
  `<iframe id="one" title="First video" src="https://www.youtube.com/embed/first"></iframe>` +
  `<iframe id="two" title="Second video" src="https://www.youtube-nocookie.com/embed/second"></iframe>` +
  `<img id="pixel" alt="" src="https://${ADS_HOST}/pixel.gif">` +
  `</body></html>`;

const ONCE = ENGLISH_TEXTS.placeholderOnce;
const ALWAYS = ENGLISH_TEXTS.placeholderAlways.replace("{services}", "YouTube");

/** What the tests read of the page (the e2e tests have no DOM types). */
interface InPage {
  hasAttribute(name: string): boolean;
}
interface ServicesWindow {
  consentEdge: { granted(): string[]; services(): string[] };
  document: {
    cookie: string;
    body: { append(node: unknown): void };
    createElement(tag: "iframe"): InPage & { src: string };
    querySelector(selector: string): { click(): void } | null;
  };
}

const executablePath = chromiumPath();
if (!executablePath && process.env.CI)
  throw new Error("CI must install Debian's chromium for the services browser test");

describe.skipIf(!executablePath)("consent per service, in Chromium", () => {
  let origin: TestOrigin | undefined;
  let edge: BuiltEdge | undefined;
  let browser: Browser | undefined;
  let visitors = 0;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    origin = await startOrigin((_request, response) => {
      response.setHeader("Content-Type", "text/html; charset=utf-8");
      response.end(PAGE);
    });
    [edge, browser] = await Promise.all([
      startBuiltEdge({
        sites: [
          site({
            origin: origin.url,
            banner: { enabled: true },
            trackers: { rules: [{ host: ADS_HOST, category: "marketing", vendor: "Example Ads" }] },
          }),
        ],
      }),
      launchChromium([]),
    ]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
    await edge?.stop();
    await origin?.stop();
  });

  interface Visit {
    page: Page;
    context: BrowserContext;
    /** Every URL requested of a host other than the edge's, in order. */
    thirdParty: string[];
    /** Every request to the consent API. */
    api: string[];
    errors: string[];
  }

  /** A fresh visitor (an empty jar, a client of its own to the consent API's throttle) who rejected all. */
  async function refusingVisitor(): Promise<Visit> {
    if (!browser || !edge) throw new Error("the browser or the worker did not start");
    visitors++;
    const context = await browser.newContext({
      extraHTTPHeaders: { "CF-Connecting-IP": `10.13.${visitors}.1` },
    });
    contexts.push(context);
    const thirdParty: string[] = [];
    const api: string[] = [];
    await context.route(
      (url) => url.hostname !== "localhost",
      async (route) => {
        const request = route.request();
        thirdParty.push(request.url());
        const type = request.resourceType();
        await route.fulfill({
          status: 200,
          contentType:
            type === "document" ? "text/html" : type === "script" ? "text/javascript" : "image/gif",
          body: type === "document" ? "<p>a video</p>" : "",
        });
      },
    );
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("request", (request) => {
      if (new URL(request.url()).pathname.startsWith("/.consent-edge/")) api.push(request.url());
    });
    await page.goto(`${edge.url}/`);
    await page
      .getByRole("region", { name: ENGLISH_TEXTS.title })
      .getByRole("button", { name: ENGLISH_TEXTS.rejectAll, exact: true })
      .click();
    await expect
      .poll(async () => (await context.cookies()).map((cookie) => cookie.name))
      .toContain("ce_consent");
    await page.reload();
    api.length = 0;
    return { page, context, thirdParty, api, errors };
  }

  const youtube = (urls: string[]) => urls.filter((url) => /youtube(-nocookie)?\.com\/embed\//.test(url));
  const ads = (urls: string[]) => urls.filter((url) => new URL(url).hostname === ADS_HOST);
  const inert = (page: Page, id: string) =>
    page.locator(`#${id}`).evaluate((element: InPage) => element.hasAttribute("data-ce-category"));
  const jar = async (context: BrowserContext) =>
    (await context.cookies()).map(({ name, value }) => `${name}=${value}`).sort();
  const state = (page: Page) =>
    page.evaluate(() => {
      const edge = (globalThis as unknown as ServicesWindow).consentEdge;
      return { granted: edge.granted(), services: edge.services() };
    });

  it("'Show it just this once' plays that one video without granting anything or writing a cookie", async () => {
    const { page, context, thirdParty, api, errors } = await refusingVisitor();
    expect(await inert(page, "one")).toBe(true);
    expect(await inert(page, "two")).toBe(true);
    expect(await page.getByRole("button", { name: ONCE }).count()).toBe(2);
    const cookiesBefore = await jar(context);
    const documentCookieBefore = await page.evaluate(
      () => (globalThis as unknown as ServicesWindow).document.cookie,
    );

    await page.getByRole("button", { name: ONCE }).first().click();
    await expect.poll(() => youtube(thirdParty)).toEqual(["https://www.youtube.com/embed/first"]);
    expect(await inert(page, "one")).toBe(false);
    expect(await page.locator("#one").isVisible()).toBe(true);
    // Its placeholder is gone; the second video's is still there, and the video inert.
    expect(await page.getByRole("button", { name: ONCE }).count()).toBe(1);
    expect(await inert(page, "two")).toBe(true);

    // Nothing else of YouTube loads: a YouTube iframe a script adds now is made inert.
    const added = await page.evaluate(() => {
      const { document } = globalThis as unknown as ServicesWindow;
      const frame = document.createElement("iframe");
      frame.src = "https://www.youtube.com/embed/added";
      document.body.append(frame);
      return frame.hasAttribute("data-ce-category");
    });
    expect(added).toBe(true);

    await page.waitForTimeout(500);
    expect(youtube(thirdParty)).toEqual(["https://www.youtube.com/embed/first"]);
    expect(ads(thirdParty)).toEqual([]);
    expect(await state(page)).toEqual({ granted: ["necessary"], services: [] });
    expect(await page.evaluate(() => (globalThis as unknown as ServicesWindow).document.cookie)).toBe(
      documentCookieBefore,
    );
    expect(await jar(context)).toEqual(cookiesBefore);
    expect(api).toEqual([]);
    expect(errors).toEqual([]);

    // The next page view: both placeholders again, both videos inert, nothing more requested.
    await page.reload();
    expect(await page.getByRole("button", { name: ONCE }).count()).toBe(2);
    expect(await inert(page, "one")).toBe(true);
    expect(await inert(page, "two")).toBe(true);
    await page.waitForTimeout(300);
    expect(youtube(thirdParty)).toEqual(["https://www.youtube.com/embed/first"]);
  });

  it("only the visitor's own click loads once: a scripted click does nothing", async () => {
    const { page, thirdParty } = await refusingVisitor();
    await page.evaluate(() => {
      (globalThis as unknown as ServicesWindow).document.querySelector("[data-ce-once]")?.click();
    });
    await page.waitForTimeout(300);
    expect(await inert(page, "one")).toBe(true);
    expect(youtube(thirdParty)).toEqual([]);
  });

  it("'Always allow YouTube' loads every YouTube embed and no other marketing, survives a reload, and is ticked in Customise", async () => {
    const { page, context, thirdParty, api, errors } = await refusingVisitor();
    await page.getByRole("button", { name: ALWAYS }).first().click();
    await expect
      .poll(() => youtube(thirdParty).sort())
      .toEqual(["https://www.youtube-nocookie.com/embed/second", "https://www.youtube.com/embed/first"]);
    expect(await inert(page, "one")).toBe(false);
    expect(await inert(page, "two")).toBe(false);
    expect(await page.getByRole("button", { name: ALWAYS }).count()).toBe(0);
    expect(await state(page)).toEqual({ granted: ["necessary"], services: ["youtube"] });
    // One call: the scoped grant of the service.
    expect(api).toHaveLength(1);

    // The cookie the consent API set, as Chromium keeps it: version 2, YouTube on its own.
    const cookie = (await context.cookies()).find((c) => c.name === "ce_consent");
    expect(cookie?.value.startsWith("2.")).toBe(true);
    const parsed = parseConsentCookie(cookie?.value ?? "");
    expect(parsed.ok && parsed.choice.granted).toEqual([]);
    expect(parsed.ok && parsed.choice.services).toEqual(["youtube"]);

    // The next page view: the edge serves both embeds live, and the other vendor inert.
    const response = await page.reload();
    const served = parse((await response?.text()) ?? "");
    const frames = elementsNamed(served, "iframe");
    expect(frames.map((frame) => attributeOf(frame, "src"))).toEqual([
      "https://www.youtube.com/embed/first",
      "https://www.youtube-nocookie.com/embed/second",
    ]);
    expect(frames.map((frame) => attributeOf(frame, "data-ce-category"))).toEqual([undefined, undefined]);
    const pixel = elementsNamed(served, "img").find((img) => attributeOf(img, "id") === "pixel");
    expect(pixel && attributeOf(pixel, "src")).toBeUndefined();
    expect(pixel && attributeOf(pixel, "data-ce-category")).toBe("marketing");
    await page.waitForTimeout(500);
    expect(ads(thirdParty)).toEqual([]);
    expect(await state(page)).toEqual({ granted: ["necessary"], services: ["youtube"] });

    // Customise, opened from the settings link: YouTube ticked under Marketing, Marketing not.
    await page.getByRole("link", { name: ENGLISH_TEXTS.settingsLink }).click();
    const banner = page.getByRole("region", { name: ENGLISH_TEXTS.title });
    await expect.poll(() => banner.isVisible()).toBe(true);
    expect(await banner.getByRole("checkbox", { name: "YouTube" }).isChecked()).toBe(true);
    expect(
      await banner.getByRole("checkbox", { name: ENGLISH_TEXTS.categories.marketing.label }).isChecked(),
    ).toBe(false);
    expect(errors).toEqual([]);
  });

  it("unticking YouTube in Customise and saving withdraws it: the page reloads with the embeds inert", async () => {
    const { page, thirdParty } = await refusingVisitor();
    await page.getByRole("button", { name: ALWAYS }).first().click();
    await expect.poll(() => youtube(thirdParty).length).toBe(2);
    await page.getByRole("link", { name: ENGLISH_TEXTS.settingsLink }).click();
    const banner = page.getByRole("region", { name: ENGLISH_TEXTS.title });
    await banner.getByRole("checkbox", { name: "YouTube" }).uncheck();
    await Promise.all([
      page.waitForEvent("load"),
      banner.getByRole("button", { name: ENGLISH_TEXTS.save, exact: true }).click(),
    ]);
    expect(await inert(page, "one")).toBe(true);
    expect(await inert(page, "two")).toBe(true);
    expect(await state(page)).toEqual({ granted: ["necessary"], services: [] });
  });
});
