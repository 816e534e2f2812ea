/**
 * Issue 12 item 3, the edge's side, in Debian's Chromium over real HTTP: the built worker in
 * workerd (receipts in Miniflare's D1) in front of a real Node origin that sets YouTube's cookie
 * (a rule of `service: "youtube"`, marketing) and Meta's on every page. Granting YouTube alone
 * through the page's `consentEdge.set` stores a version 2 consent cookie in Chromium's jar, with
 * its receipt; YouTube's cookie then lives and reaches the origin (told `X-Consent-Services`) while
 * the rest of marketing does not; a whole choice without YouTube deletes it from the jar and keeps
 * it from the origin on the next page.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConsentCookie } from "../../src/consent/consent-cookie";
import { type BuiltEdge, site, startBuiltEdge, startOrigin, type TestOrigin } from "./edge-http";
import { chromiumPath, launchChromium } from "./servers";

const executablePath = chromiumPath();
if (!executablePath && process.env.CI)
  throw new Error("CI must install Debian's chromium for the browser test");

interface PageGlobals {
  consentEdge: {
    set: (categories: string[], services?: string[]) => Promise<boolean>;
    services: () => string[];
    granted: () => string[];
  };
}

const PAGE = "<!doctype html><html><head><title>Watch</title></head><body><h1>Watch</h1></body></html>";

describe.skipIf(!executablePath)("services at the edge (skipped: /usr/bin/chromium not installed)", () => {
  let origin: TestOrigin;
  let edge: BuiltEdge;
  let browser: Browser | undefined;

  beforeAll(async () => {
    origin = await startOrigin((_, res) => {
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      res.setHeader("Set-Cookie", ["YSC=yt-1; Path=/", "_fbp=fb.1.2; Path=/"]);
      res.end(PAGE);
    });
    edge = await startBuiltEdge({
      sites: [
        site({
          origin: origin.url,
          consent: { receipts: true },
          cookies: [
            ...((site().cookies as unknown[] | undefined) ?? []),
            { name: "YSC", category: "marketing", service: "youtube", provider: "YouTube" },
          ],
        }),
      ],
    });
    browser = await launchChromium([]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await edge.stop();
    await origin.stop();
  });

  const names = async (context: BrowserContext) =>
    (await context.cookies()).map((cookie) => cookie.name).sort();
  const consentValue = async (context: BrowserContext) =>
    (await context.cookies()).find((cookie) => cookie.name === "ce_consent")?.value ?? "";
  const lastOriginRequest = () => origin.requests[origin.requests.length - 1];
  const receiptRow = async (id: string | undefined) => {
    const db = await edge.mf.getD1Database("CONSENT_DB", "consent-edge");
    return db
      .prepare("SELECT granted, services, method FROM consent_receipts WHERE id = ?")
      .bind(id ?? "")
      .first<{ granted: string; services: string | null; method: string }>();
  };
  const servicesInPage = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as PageGlobals).consentEdge.services());

  it("YouTube alone: its cookie lives and reaches the origin, marketing's others do not; withdrawn, it is deleted", async () => {
    if (!browser) throw new Error("no browser");
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${edge.url}/watch`);
    // Undecided in an unknown region (opt-in): neither marketing cookie is stored.
    expect(await names(context)).toEqual([]);

    // "Always allow YouTube" as a whole choice, from the page's own API.
    expect(
      await page.evaluate(() => (globalThis as unknown as PageGlobals).consentEdge.set([], ["youtube"])),
    ).toBe(true);
    const granted = parseConsentCookie(await consentValue(context));
    if (!granted.ok) throw new Error("the stored consent cookie does not parse");
    expect(granted.choice).toMatchObject({ granted: [], services: ["youtube"] });
    expect((await consentValue(context)).startsWith("2.")).toBe(true);
    expect(await receiptRow(granted.choice.receiptId)).toEqual({
      granted: "necessary",
      services: "youtube",
      method: "json",
    });
    expect(await servicesInPage(page)).toEqual(["youtube"]);

    // The next page: YouTube's cookie is kept, Meta's dropped; the origin is told the service.
    await page.reload();
    expect(await names(context)).toEqual(["YSC", "ce_consent"]);
    expect(await servicesInPage(page)).toEqual(["youtube"]);
    expect(lastOriginRequest()?.headers["x-consent-services"]).toBe("youtube");
    await page.reload();
    expect(lastOriginRequest()?.headers.cookie).toContain("YSC=yt-1");

    // A whole choice without YouTube (analytics only) through the consent API, with the context's
    // jar (the page is closed first: its runtime would reload itself on the withdrawal).
    await page.close();
    const res = await context.request.post(`${edge.url}/.consent-edge/consent`, {
      headers: { "Content-Type": "application/json", Origin: edge.url },
      data: JSON.stringify({ granted: ["analytics"] }),
    });
    const answer = (await res.json()) as { services: string[] };
    expect(answer.services).toEqual([]);
    const withdrawn = parseConsentCookie(await consentValue(context));
    expect(withdrawn.ok && withdrawn.choice.services).toBeUndefined();
    expect((await consentValue(context)).startsWith("1.")).toBe(true);
    const before = origin.requests.length;
    const next = await context.newPage();
    await next.goto(`${edge.url}/watch`);
    expect(await names(context)).toEqual(["ce_consent"]);
    const sent = origin.requests.slice(before).map((request) => request.headers.cookie ?? "");
    expect(sent.length).toBeGreaterThan(0);
    for (const cookie of sent) expect(cookie).not.toContain("YSC");
    expect(lastOriginRequest()?.headers["x-consent-services"]).toBe("");
    expect(await servicesInPage(next)).toEqual([]);
    await context.close();
  });
});
