/**
 * Cloudflare Zaraz and consent-edge on one site, in Debian's Chromium (issue 12, item 2): the built
 * worker in workerd in front of a Node origin whose page runs a stand-in of Zaraz's Consent API
 * (fixtures/zaraz-standin.js: Zaraz itself is only served by Cloudflare's edge). A choice made in
 * consent-edge (its banner, consentEdge.set) is told to Zaraz with zaraz.consent.set, once Zaraz
 * says it is ready; a choice made in Zaraz, in its cf_consent cookie, decides at the edge.
 */
import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGLISH_TEXTS } from "../../src/texts/languages/en.ts";
import { type BuiltEdge, site, startBuiltEdge, startOrigin, type TestOrigin } from "./edge-http.ts";
import { chromiumPath, launchChromium } from "./servers.ts";

const STANDIN = readFileSync(new URL("fixtures/zaraz-standin.js", import.meta.url), "utf8");
/** The site's Zaraz purposes (the stand-in also has kPzm, which the site does not map). */
const MAP = { USeX: "analytics", dqVA: "marketing" };
const PAGE =
  `<!doctype html><html><head><meta charset="utf-8"><title>Zaraz</title><script>${STANDIN}</script></head>` +
  `<body><p>A page of a site that runs Zaraz</p></body></html>`;

type Call = [string, unknown?];
interface ZarazWindow {
  __zaraz?: { calls: Call[]; ready: boolean };
  __zarazImpostor?: { calls: Call[] };
  consentEdge: {
    set(categories: string[]): Promise<boolean>;
    grant(categories: string[]): Promise<boolean>;
    granted(): string[];
  };
}

const executablePath = chromiumPath();
if (!executablePath && process.env.CI)
  throw new Error("CI must install Debian's chromium for the Zaraz test");

describe.skipIf(!executablePath)("consent-edge tells Zaraz, in Chromium", () => {
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
            consent: { sources: ["consent-cookie", { cmp: "zaraz", map: MAP }] },
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

  /** A fresh visitor (an empty jar, a client of its own to the consent API's throttle) on `query`. */
  async function visit(query = ""): Promise<{ page: Page; errors: string[] }> {
    if (!browser || !edge) throw new Error("the browser or the worker did not start");
    visitors++;
    const context = await browser.newContext({
      extraHTTPHeaders: { "CF-Connecting-IP": `10.12.${visitors}.1` },
    });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${edge.url}/${query}`);
    return { page, errors };
  }

  const calls = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as ZarazWindow).__zaraz?.calls ?? []);
  const untilReady = (page: Page) =>
    page.waitForFunction(() => (globalThis as unknown as ZarazWindow).__zaraz?.ready === true);
  const untilCalled = (page: Page) =>
    page.waitForFunction(() => ((globalThis as unknown as ZarazWindow).__zaraz?.calls.length ?? 0) > 0);
  const banner = (page: Page) => page.getByRole("region", { name: ENGLISH_TEXTS.title });

  it("Accept all in the banner sets every mapped purpose granted, then sends Zaraz's queued events", async () => {
    const { page, errors } = await visit();
    await untilReady(page);
    // Undecided: nothing told at boot, so Zaraz's own state is left as it is.
    expect(await calls(page)).toEqual([]);
    await banner(page).getByRole("button", { name: ENGLISH_TEXTS.acceptAll, exact: true }).click();
    await untilCalled(page);
    expect(await calls(page)).toEqual([["set", { USeX: true, dqVA: true }], ["sendQueuedEvents"]]);
    expect(errors).toEqual([]);

    // The next page view: consent-edge's cookie decided, and is read before Zaraz's, so Zaraz is
    // told again at boot; it already grants both, so no queued events are sent twice.
    await page.reload();
    await untilCalled(page);
    expect(await calls(page)).toEqual([["set", { USeX: true, dqVA: true }]]);
  });

  it("Reject all sets every mapped purpose refused and sends nothing", async () => {
    const { page } = await visit();
    await untilReady(page);
    await banner(page).getByRole("button", { name: ENGLISH_TEXTS.rejectAll, exact: true }).click();
    await untilCalled(page);
    expect(await calls(page)).toEqual([["set", { USeX: false, dqVA: false }]]);
  });

  it("a choice made before Zaraz is ready is told when its ready event fires", async () => {
    const { page } = await visit("?zarazDelay=2000");
    const applied = await page.evaluate(() =>
      (globalThis as unknown as ZarazWindow).consentEdge.set(["analytics"]),
    );
    expect(applied).toBe(true);
    expect(await page.evaluate(() => (globalThis as unknown as ZarazWindow).__zaraz?.ready)).toBe(false);
    expect(await calls(page)).toEqual([]);
    await untilCalled(page);
    expect(await calls(page)).toEqual([["set", { USeX: true, dqVA: false }], ["sendQueuedEvents"]]);
  });

  it("an undecided visitor's scoped grant is not told: Zaraz would keep it as a whole choice", async () => {
    const { page } = await visit();
    await untilReady(page);
    expect(
      await page.evaluate(() => (globalThis as unknown as ZarazWindow).consentEdge.grant(["marketing"])),
    ).toBe(true);
    expect(await page.evaluate(() => (globalThis as unknown as ZarazWindow).consentEdge.granted())).toContain(
      "marketing",
    );
    await page.waitForTimeout(300);
    expect(await calls(page)).toEqual([]);
  });

  it("a grant on top of a whole choice (a placeholder's button, consentEdge.grant) is told", async () => {
    const { page } = await visit();
    await untilReady(page);
    await banner(page).getByRole("button", { name: ENGLISH_TEXTS.rejectAll, exact: true }).click();
    await untilCalled(page);
    // The consent API merges the grant onto the refusal: a whole choice, marketing alone.
    expect(
      await page.evaluate(() => (globalThis as unknown as ZarazWindow).consentEdge.grant(["marketing"])),
    ).toBe(true);
    await page.waitForFunction(() => ((globalThis as unknown as ZarazWindow).__zaraz?.calls.length ?? 0) > 1);
    expect(await calls(page)).toEqual([
      ["set", { USeX: false, dqVA: false }],
      ["set", { USeX: false, dqVA: true }],
      ["sendQueuedEvents"],
    ]);
  });

  it.each([
    ["absent", "?zaraz=none"],
    ["hostile", "?zaraz=hostile"],
  ])("with Zaraz %s, a choice still applies and nothing is thrown", async (_, query) => {
    const { page, errors } = await visit(query);
    await page.waitForTimeout(400);
    const applied = await page.evaluate(() =>
      (globalThis as unknown as ZarazWindow).consentEdge.set(["analytics", "marketing"]),
    );
    expect(applied).toBe(true);
    expect(await page.evaluate(() => (globalThis as unknown as ZarazWindow).consentEdge.granted())).toEqual([
      "necessary",
      "analytics",
      "marketing",
    ]);
    expect(errors).toEqual([]);
  });

  it("a script that replaces window.zaraz once Zaraz is ready is not the one told", async () => {
    const { page } = await visit("?zaraz=replaced");
    await untilReady(page);
    await page.evaluate(() => (globalThis as unknown as ZarazWindow).consentEdge.set(["marketing"]));
    await untilCalled(page);
    expect(await calls(page)).toEqual([["set", { USeX: false, dqVA: true }], ["sendQueuedEvents"]]);
    expect(await page.evaluate(() => (globalThis as unknown as ZarazWindow).__zarazImpostor?.calls)).toEqual(
      [],
    );
  });

  it.each([
    ["percent-encoded", ""],
    ["as raw JSON", "?zarazCookie=raw"],
  ])(
    "a choice made in Zaraz, in its cf_consent cookie (%s) as Chromium keeps it, decides at the edge",
    async (_, query) => {
      const { page } = await visit(query);
      await untilReady(page);
      // What Zaraz's own modal does when the visitor saves: set, and the cookie written.
      await page.evaluate(() => {
        (
          globalThis as unknown as { zaraz: { consent: { set(p: Record<string, boolean>): void } } }
        ).zaraz.consent.set({
          USeX: false,
          dqVA: true,
        });
      });
      await page.reload();
      await untilReady(page);
      expect(await page.evaluate(() => (globalThis as unknown as ZarazWindow).consentEdge.granted())).toEqual(
        ["necessary", "marketing"],
      );
      // Decided by Zaraz: the banner stays closed, and nothing of consent-edge's is told back at boot.
      expect(await banner(page).isVisible()).toBe(false);
      expect(await calls(page)).toEqual([]);
    },
  );
});
