/**
 * The page guard's browser tests share one setup: the demo worker (startEdge) and Debian's Chromium,
 * where every request to a host other than the demo's is answered by the test (Playwright routing)
 * and recorded, so nothing leaves the machine and a test sees exactly what the browser fetched.
 * Each visitor is a fresh context (an empty jar) and its own client to the consent API's throttle
 * (20 grants a minute per client), so that a file full of grants is not throttled.
 */
import type { Browser, BrowserContext, Route } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchChromium, startEdge } from "./servers";

export interface Visitor {
  context: BrowserContext;
  /** Every URL requested from a host that is not the demo's, in order. */
  requests: string[];
}

export interface RoutedBrowser {
  /** The demo worker's URL (http://localhost:<port>/). */
  url(): string;
  /**
   * A fresh visitor: `headers` go with every request; `answer` fulfils each routed request (by
   * default an empty 200 of the type its resource type wants).
   */
  visitor(options?: {
    headers?: Record<string, string>;
    answer?: (route: Route) => Promise<void>;
  }): Promise<Visitor>;
}

/** Starts the worker and Chromium for the enclosing describe block (beforeAll), and stops them after. */
export function routedBrowser(): RoutedBrowser {
  let edge: Awaited<ReturnType<typeof startEdge>> | undefined;
  let browser: Browser | undefined;
  let visitors = 0;

  beforeAll(async () => {
    [edge, browser] = await Promise.all([startEdge(), launchChromium([])]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await edge?.stop();
  });

  return {
    url: () => edge?.url ?? "http://localhost/",
    async visitor(options = {}) {
      if (!browser) throw new Error("the browser did not start");
      visitors++;
      const context = await browser.newContext({
        extraHTTPHeaders: {
          "CF-Connecting-IP": `10.${visitors >> 8}.${visitors & 255}.1`,
          ...options.headers,
        },
      });
      const requests: string[] = [];
      await context.route(
        (url) => url.hostname !== "localhost",
        async (route) => {
          requests.push(route.request().url());
          await (options.answer ?? emptyAnswer)(route);
        },
      );
      return { context, requests };
    },
  };
}

/**
 * An answer that tells a script that ran from one only fetched: a tracker script pushes its URL to
 * `window.__ran` (when the page has one) as it runs; an embed gets an empty page, a pixel an empty image.
 */
export async function recordingAnswer(route: Route): Promise<void> {
  const url = route.request().url();
  const script = route.request().resourceType() === "script";
  await route.fulfill({
    status: 200,
    contentType: script ? "text/javascript" : url.includes("youtube") ? "text/html" : "image/gif",
    body: script ? `window.__ran && window.__ran.push(${JSON.stringify(url)})` : "",
  });
}

async function emptyAnswer(route: Route): Promise<void> {
  const type = route.request().resourceType();
  await route.fulfill({
    status: 200,
    contentType: type === "script" ? "text/javascript" : type === "document" ? "text/html" : "image/gif",
    body: "",
  });
}
