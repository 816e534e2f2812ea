/**
 * The two examples as their users run them, in workerd: examples/hono-app (consentEdge() in front
 * of a Hono app's own routes) and examples/proxy (the stand-alone worker in front of an origin).
 * Each imports the package by its name; here that name is the source (the built package is tested
 * installed from its tarball by test/e2e/pack.e2e.test.ts).
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { serializeConsentCookie } from "../src/consent/consent-cookie";
import { storedFrom } from "./cookie-jar";
import { liveScripts, liveUrls, refusedTracker } from "./html-helpers";
import { RUNTIME_SOURCE } from "../src/html/runtime";

// The package's names (consent-edge/hono, consent-edge/worker) resolve to the source: vitest.config.ts's alias.
import honoApp from "../examples/hono-app/src/index";
import proxy from "../examples/proxy/src/index";

const NOW_MS = Date.now();
const REVISION = "2026-12-01";
const GA = "https://www.googletagmanager.com/gtag/js?id=G-EXAMPLE123";
const YOUTUBE = "https://www.youtube.com/embed/dQw4w9WgXcQ";

function consentCookie(granted: string[]): string {
  const value = serializeConsentCookie({
    revision: REVISION,
    givenAt: Math.floor(NOW_MS / 1000) - 60,
    granted,
  });
  return `ce_consent=${value}`;
}

async function get(
  app: {
    fetch: (request: Request, bindings: typeof env, ctx: ExecutionContext) => Response | Promise<Response>;
  },
  url: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(url, { headers }), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

function storedNames(response: Response): string[] {
  return storedFrom(response.headers.getSetCookie(), "https://www.example.com/", NOW_MS)
    .map((cookie) => cookie.key)
    .sort();
}

/**
 * Whether the Meta Pixel's own snippet would run (its text, in an executable script). The runtime
 * carries the site's snippet signatures as data for its page guard: it is not the pixel.
 */
const pixelRuns = (html: string) =>
  liveScripts(html).some((script) => script.includes("fbq('init'") && !script.startsWith(RUNTIME_SOURCE));

describe("examples/hono-app: consentEdge() in front of the app's own routes", () => {
  it("without consent: no _ga or _fbp, GA4, the Meta Pixel and YouTube neutralised", async () => {
    const res = await get(honoApp, "https://www.example.com/");
    expect(res.status).toBe(200);
    expect(storedNames(res)).toEqual([]);
    const html = await res.text();
    expect(html).toContain("<h1>Welcome</h1>");
    expect(liveUrls(html, refusedTracker)).toEqual([]);
    expect(pixelRuns(html)).toBe(false);
  });

  it("analytics granted: _ga and GA4 go through; the marketing cookie, pixel and video do not", async () => {
    const res = await get(honoApp, "https://www.example.com/", { Cookie: consentCookie(["analytics"]) });
    expect(storedNames(res)).toEqual(["_ga"]);
    const html = await res.text();
    expect(liveUrls(html, refusedTracker)).toEqual([GA]);
    expect(pixelRuns(html)).toBe(false);
  });

  it("everything granted: both cookies, GA4, the pixel and the video", async () => {
    const res = await get(honoApp, "https://www.example.com/", {
      Cookie: consentCookie(["functional", "analytics", "marketing"]),
    });
    expect(storedNames(res)).toEqual(["_fbp", "_ga"]);
    const html = await res.text();
    // (The pixel's <noscript> image is text to a browser that runs scripts.)
    expect(liveUrls(html, refusedTracker).sort()).toEqual([GA, YOUTUBE].sort());
    expect(pixelRuns(html)).toBe(true);
  });

  it("the API route sees only consented cookies and sets its necessary one", async () => {
    const res = await get(honoApp, "https://www.example.com/api/hello", {
      Cookie: `_ga=GA1.1.1; _fbp=fb.1; session=s-1; ${consentCookie(["analytics"])}`,
    });
    const body = await res.json<{ granted: string[]; cookie: string }>();
    expect(body.granted).toEqual(["necessary", "analytics"]);
    expect(body.cookie).toBe(`_ga=GA1.1.1; session=s-1; ${consentCookie(["analytics"])}`);
    expect(storedNames(res)).toEqual(["session"]);
  });

  it("a host the config does not claim is refused", async () => {
    const res = await get(honoApp, "https://elsewhere.example.net/");
    expect(res.status).toBe(421);
  });
});

describe("examples/proxy: the stand-alone worker in front of its origin", () => {
  it("the origin's refused cookies are dropped, its necessary one kept", async () => {
    const res = await get(proxy, "https://www.example.com/basket", {
      Cookie: "_ga=GA1.1.1; session=s-1",
      "X-Fixture-Set-Cookie": JSON.stringify([
        "_ga=GA1.1.2; Path=/",
        "_fbp=fb.1; Path=/",
        "session=s-2; Path=/",
      ]),
    });
    expect(res.status).toBe(200);
    expect(storedNames(res)).toEqual(["session"]);
    const received = await res.json<{ url: string }>();
    expect(received.url).toBe("https://origin.example.com/basket");
    expect(res.headers.get("X-Fixture-Received-Cookie")).toBe("session=s-1");
  });

  it("granted marketing lets _fbp through", async () => {
    const res = await get(proxy, "https://www.example.com/", {
      Cookie: consentCookie(["marketing"]),
      "X-Fixture-Set-Cookie": JSON.stringify(["_ga=GA1.1.2; Path=/", "_fbp=fb.1; Path=/"]),
    });
    expect(storedNames(res)).toEqual(["_fbp"]);
  });
});
