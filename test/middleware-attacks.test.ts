/**
 * consentEdge() reviewed as an attacker would: every way a downstream route, a middleware after
 * ours, a mounted sub-app or a crafted request could get a refused cookie, a live tracker or a
 * forged consent past it. Cookies are judged by tough-cookie, pages by parse5, in workerd with the
 * real HTMLRewriter.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { compress } from "hono/compress";
import { getCookie, setCookie } from "hono/cookie";
import { mount } from "hono/mount";
import { streamSSE } from "hono/streaming";
import { describe, expect, it } from "vitest";
import { compileConfig } from "../src/config/compile";
import type { SiteInput } from "../src/config/types";
import { FALLBACK_CSP } from "../src/html/csp";
import { ConsentEdgeConfigError, consentEdge } from "../src/middleware/consent-edge";
import { consent, FIXED_NOW_MS, testSite } from "./helpers";
import { GA, send, stored, WWW } from "./hono-helpers";
import { liveUrls, page, refusedTracker } from "./html-helpers";

const GA_URL = "https://www.googletagmanager.com/gtag/js?id=G-1";
const clock = () => FIXED_NOW_MS;

/** What a browser reads: the body decoded by its Content-Encoding, as Fetch does. */
async function browserText(response: Response): Promise<string> {
  const coding = response.headers.get("Content-Encoding")?.trim().toLowerCase();
  if (!response.body) return "";
  if (coding === "gzip" || coding === "deflate") {
    return new Response(response.body.pipeThrough(new DecompressionStream(coding))).text();
  }
  return response.text();
}

async function gzip(text: string): Promise<Uint8Array> {
  const compressed = new Response(
    new Blob([text]).stream().pipeThrough(new CompressionStream("gzip")),
  ).arrayBuffer();
  return new Uint8Array(await compressed);
}

function guarded(site: SiteInput = testSite()) {
  const app = new Hono();
  app.use(consentEdge({ sites: [site] }, { clock }));
  return app;
}

describe("bodies a route already encoded", () => {
  // A big enough page for compress()'s 1 KiB threshold.
  const bigPage = page(`${GA}${"<p>filler text for the compressor</p>".repeat(60)}`);

  it("compress() after consentEdge: the tracker in the gzip body is neutralised", async () => {
    const app = guarded();
    app.use(compress());
    app.get("/", (c) => c.html(bigPage));
    const res = await send(app, "/", { headers: { "Accept-Encoding": "gzip" } });
    const html = await browserText(res);
    expect(html).toContain("filler text");
    expect(liveUrls(html, refusedTracker)).toEqual([]);

    const granted = await send(app, "/", {
      headers: { "Accept-Encoding": "gzip", Cookie: consent(["analytics"]) },
    });
    expect(liveUrls(await browserText(granted), refusedTracker)).toEqual([GA_URL]);
  });

  it("a route's own pre-gzipped page (encodeBody manual) is neutralised", async () => {
    const app = guarded();
    const bytes = await gzip(bigPage);
    app.get("/", () => {
      return new Response(bytes, {
        headers: { "Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip" },
        encodeBody: "manual",
      });
    });
    const res = await send(app, "/");
    const html = await browserText(res);
    expect(html).toContain("filler text");
    expect(liveUrls(html, refusedTracker)).toEqual([]);
  });

  it("compress() with deflate: neutralised too", async () => {
    const app = guarded();
    app.use(compress({ encoding: "deflate" }));
    app.get("/", (c) => c.html(bigPage));
    const res = await send(app, "/", { headers: { "Accept-Encoding": "deflate" } });
    const html = await browserText(res);
    expect(html).toContain("filler text");
    expect(liveUrls(html, refusedTracker)).toEqual([]);
  });

  it("a page labelled gzip but written as text (for the runtime to compress) is rewritten", async () => {
    const app = guarded();
    app.get(
      "/",
      () => new Response(bigPage, { headers: { "Content-Type": "text/html", "Content-Encoding": "gzip" } }),
    );
    const res = await send(app, "/");
    // Still text: the runtime compresses it on the way out (encodeBody "automatic").
    const html = await res.text();
    expect(html).toContain("filler text");
    expect(liveUrls(html, refusedTracker)).toEqual([]);
  });

  it("a brotli page of a route's own cannot be decoded here: refused, never served live", async () => {
    const app = guarded();
    // Bytes that are no markup, as brotli output is not.
    const bytes = new Uint8Array([0x1b, 0x4a, 0x00, 0xf8, 0x25, 0x1a, 0x2c, 0x91, 0x07, 0x00]);
    app.get("/", (c) => {
      setCookie(c, "session", "s1", { path: "/", secure: true, httpOnly: true });
      return c.body(bytes, 200, { "Content-Type": "text/html", "Content-Encoding": "br" });
    });
    const res = await send(app, "/");
    expect(res.status).toBe(502);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.get("Content-Encoding")).toBeNull();
  });

  it("a page labelled br but written as markup is rewritten", async () => {
    const app = guarded();
    app.get("/", (c) => c.body(bigPage, 200, { "Content-Type": "text/html", "Content-Encoding": "br" }));
    const res = await send(app, "/");
    const html = await res.text();
    expect(html).toContain("filler text");
    expect(liveUrls(html, refusedTracker)).toEqual([]);
  });
});

describe("the path a site is chosen by", () => {
  // Two sites on one host: the shop enforces, the rest of the host only reports.
  const shop = testSite({ id: "shop", pathPrefix: "/shop" });
  const rest = testSite({ id: "rest", mode: "report-only" });
  const app = new Hono();
  app.use(consentEdge({ sites: [shop, rest] }, { clock }));
  app.get("/shop/page", (c) => {
    setCookie(c, "_ga", "GA1.1.1", { path: "/" });
    return c.html(page(GA));
  });

  it.each(["/shop/page", "/%73hop/page", "/sh%6Fp/page", "/%73%68%6f%70/page"])(
    "%s: the shop's policy applies to the shop's route",
    async (path) => {
      const res = await send(app, path);
      expect(res.status).toBe(200);
      expect(stored(res)).toEqual([]);
      expect(liveUrls(await res.text(), refusedTracker)).toEqual([]);
    },
  );

  it.each(["//shop/page", "/shop//page", "/shop/./page", "/x/../shop/page", "/shop/%2e%2e/shop/page"])(
    "%s: whatever answers, no refused cookie and no live tracker",
    async (path) => {
      const ctx = createExecutionContext();
      const res = await app.fetch(new Request(`${WWW}${path}`), env, ctx);
      await waitOnExecutionContext(ctx);
      expect(stored(res)).toEqual([]);
      expect(liveUrls(await res.text(), refusedTracker)).toEqual([]);
    },
  );
});

describe("consent headers a visitor sends", () => {
  const app = guarded();
  app.get("/echo", (c) =>
    c.json({
      granted: c.req.header("X-Consent-Granted") ?? null,
      source: c.req.header("x-consent-source") ?? null,
      decided: c.req.raw.headers.get("X-CONSENT-DECIDED"),
      services: c.req.header("X-Consent-Services") ?? null,
      others: [...c.req.raw.headers.keys()].filter((name) => name.startsWith("x-consent-")).sort(),
    }),
  );

  it("never reach the route, whatever their case; the route sees only what was resolved", async () => {
    const headers = new Headers();
    headers.append("x-consent-granted", "necessary,analytics,marketing");
    headers.append("X-CONSENT-GRANTED", "analytics");
    headers.append("X-Consent-Source", "cookie");
    headers.append("X-Consent-Decided", "1");
    headers.append("X-Consent-Anything", "1");
    headers.append("x-consent-services", "youtube");
    const res = await send(app, "/echo", { headers });
    const seen = await res.json<{
      granted: string;
      source: string;
      decided: string;
      services: string;
      others: string[];
    }>();
    expect(seen.granted).toBe("necessary");
    expect(seen.decided).toBe("0");
    expect(seen.source).not.toBe("cookie");
    // Services granted on their own (docs/services.md): none resolved, whatever the visitor claims.
    expect(seen.services).toBe("");
    expect(seen.others).toEqual([
      "x-consent-decided",
      "x-consent-granted",
      "x-consent-services",
      "x-consent-source",
    ]);
  });
});

describe("sub-apps, mounts and base paths", () => {
  it("app.route(): a sub-app's routes see filtered cookies and have their cookies enforced", async () => {
    const sub = new Hono();
    sub.get("/page", (c) => {
      setCookie(c, "_fbp", "fb.1", { path: "/" });
      return c.json({ ga: getCookie(c, "_ga") ?? null, cookie: c.req.header("Cookie") ?? null });
    });
    const app = guarded();
    app.route("/sub", sub);
    const res = await send(app, "/sub/page", { headers: { Cookie: "_ga=GA1.2.3; session=s1" } });
    expect(stored(res)).toEqual([]);
    expect(await res.json()).toEqual({ ga: null, cookie: "session=s1" });
  });

  it("mount(): another app's fetch sees filtered cookies and has its cookies enforced", async () => {
    const app = guarded();
    app.all(
      "/legacy/*",
      mount((request: Request) =>
        Promise.resolve(
          new Response(request.headers.get("Cookie") ?? "", {
            headers: { "Set-Cookie": "_ga=GA1.1.1; Path=/" },
          }),
        ),
      ),
    );
    const res = await send(app, "/legacy/x", { headers: { Cookie: "_ga=GA1.2.3; session=s1" } });
    expect(stored(res)).toEqual([]);
    expect(await res.text()).toBe("session=s1");
  });

  it("basePath(): consentEdge inside it is enforced for its routes", async () => {
    const app = new Hono().basePath("/app");
    app.use(consentEdge({ sites: [testSite()] }, { clock }));
    app.get("/page", (c) => {
      setCookie(c, "_ga", "GA1.1.1", { path: "/" });
      return c.html(page(GA));
    });
    const res = await send(app, "/app/page");
    expect(stored(res)).toEqual([]);
    expect(liveUrls(await res.text(), refusedTracker)).toEqual([]);
  });
});

describe("what a route can answer with", () => {
  const app = guarded();
  app.get("/redirect", (c) => {
    setCookie(c, "_ga", "GA1.1.1", { path: "/" });
    return c.redirect("/elsewhere");
  });
  app.get("/response-redirect", () => Response.redirect(`${WWW}/elsewhere`, 302));
  app.get("/not-modified", (c) => {
    c.header("Set-Cookie", "_ga=GA1.1.1; Path=/");
    c.header("Content-Type", "text/html");
    return c.body(null, 304);
  });
  app.get("/no-content", (c) => {
    c.header("Set-Cookie", "_fbp=fb.1; Path=/");
    return c.body(null, 204);
  });
  app.get("/sse", (c) => {
    setCookie(c, "_ga", "GA1.1.1", { path: "/" });
    return streamSSE(c, async (out) => {
      await out.writeSSE({ data: "one" });
    });
  });
  app.get("/missing", (c) => c.notFound());
  app.notFound((c) => {
    c.header("Set-Cookie", "_ga=GA1.1.1; Path=/");
    return c.html(page(GA), 404);
  });
  app.get("/broken-stream", () => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`<!doctype html><html><head></head><body>${GA}`));
        controller.error(new Error("the route's stream broke"));
      },
    });
    return new Response(body, {
      headers: { "Content-Type": "text/html; charset=utf-8", "Set-Cookie": "_ga=GA1.1.1; Path=/" },
    });
  });
  app.get("/non-error-throw", () => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a careless route may do
    throw "a string, not an Error";
  });

  it("c.redirect() loses its refused cookie and keeps its Location", async () => {
    const res = await send(app, "/redirect");
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/elsewhere");
    expect(stored(res)).toEqual([]);
  });

  it("Response.redirect() (immutable headers) passes", async () => {
    const res = await send(app, "/response-redirect");
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`${WWW}/elsewhere`);
  });

  it.each(["/not-modified", "/no-content"])("%s: no refused cookie, no body", async (path) => {
    const res = await send(app, path);
    expect([204, 304]).toContain(res.status);
    expect(stored(res)).toEqual([]);
    expect(await res.text()).toBe("");
  });

  it("streamSSE(): the refused cookie is dropped and the stream arrives", async () => {
    const res = await send(app, "/sse");
    expect(stored(res)).toEqual([]);
    expect(await res.text()).toContain("data: one");
  });

  it("c.notFound() and an unmatched path: the app's not-found page is enforced", async () => {
    for (const path of ["/missing", "/no-such-route"]) {
      const res = await send(app, path);
      expect(res.status).toBe(404);
      expect(stored(res)).toEqual([]);
      expect(liveUrls(await res.text(), refusedTracker)).toEqual([]);
    }
  });

  it("a body that errors midway: no refused cookie, and what arrived is never a live tracker", async () => {
    const res = await send(app, "/broken-stream");
    expect(stored(res)).toEqual([]);
    const text = await res.text().catch(() => "");
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    // Either rewritten (the tracker inert) or the fallback under the strict CSP.
    if (!csp.includes(FALLBACK_CSP)) expect(liveUrls(text, refusedTracker)).toEqual([]);
  });

  it("a route that throws something other than an Error gets a 502 without its cookies", async () => {
    const res = await send(app, "/non-error-throw");
    expect(res.status).toBe(502);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});

describe("the consent API inside an app", () => {
  function apiApp() {
    let reached = 0;
    const app = guarded();
    // An app route on the consent API's own path never answers for it.
    app.all("/.consent-edge/*", (c) => {
      reached += 1;
      setCookie(c, "ce_consent", "forged", { path: "/" });
      return c.text("app");
    });
    return { app, reached: () => reached };
  }
  const form = new URLSearchParams([["choice", "accept-all"]]).toString();
  const post = (headers: Record<string, string>) => ({
    method: "POST",
    body: form,
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
  });

  it("a cross-site POST is refused, and the app route on that path never runs", async () => {
    const { app, reached } = apiApp();
    const res = await send(app, "/.consent-edge/consent", post({ "Sec-Fetch-Site": "cross-site" }));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(stored(res)).toEqual([]);
    expect(reached()).toBe(0);
  });

  it("a route cannot plant the consent cookie (nor a case variant of it)", async () => {
    const app = guarded();
    app.get("/plant", (c) => {
      c.header("Set-Cookie", `${consent(["analytics", "marketing"])}; Path=/`);
      c.header("Set-Cookie", "CE_CONSENT=x; Path=/", { append: true });
      return c.text("planted?");
    });
    const res = await send(app, "/plant");
    expect(stored(res)).toEqual([]);
  });

  it("a percent-encoded API path is the API too: the app route never plants a consent cookie", async () => {
    const { app, reached } = apiApp();
    const res = await send(app, "/.consent%2Dedge/consent", post({ "Sec-Fetch-Site": "cross-site" }));
    expect(reached()).toBe(0);
    expect(stored(res)).toEqual([]);
  });

  it("the throttle holds per isolate, even when consentEdge() is called per request", async () => {
    const config = { sites: [testSite({ id: "per-request", consent: { receipts: true } })] };
    const app = new Hono();
    // A common way to reach c.env while building it: a fresh middleware per request.
    app.use((c, next) => consentEdge(config, { clock })(c, next));
    // Without the Rate Limiting binding: the isolate's own budget is all there is.
    const bindings = { CONSENT_DB: (env as unknown as { CONSENT_DB: D1Database }).CONSENT_DB };
    const statuses: number[] = [];
    for (let i = 0; i < 22; i += 1) {
      const ctx = createExecutionContext();
      const request = new Request(
        `${WWW}/.consent-edge/consent`,
        post({ "Sec-Fetch-Site": "same-origin", "CF-Connecting-IP": "203.0.113.9" }),
      );
      statuses.push((await app.fetch(request, bindings, ctx)).status);
      await waitOnExecutionContext(ctx);
    }
    // DEFAULT_THROTTLE: 20 decisions per client per window.
    expect(statuses.slice(0, 20).every((status) => status === 303)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });
});

describe("an invalid config", () => {
  it("throws at construction with every problem, and builds no middleware", () => {
    let error: unknown;
    try {
      consentEdge({ sites: [{ ...testSite(), hosts: [], policyRevision: 7, mode: "loud" }] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConsentEdgeConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/sites\[0\]\.hosts/);
    expect(message).toMatch(/sites\[0\]\.policyRevision/);
    expect(message).toMatch(/sites\[0\]\.mode/);
  });
});

describe("a failure of consent-edge's own before the pipeline", () => {
  it("is a 502 of ours: the app's error handler, which sets cookies, is never asked", async () => {
    const compiled = compileConfig({ sites: [testSite()] });
    if (!compiled.ok) throw new Error("config");
    const broken = {
      ...compiled.config,
      matchSite: () => {
        throw new Error("matcher bug");
      },
    };
    const app = new Hono();
    app.use(consentEdge(broken, { clock }));
    app.get("/", (c) => c.text("route"));
    app.onError((_, c) => {
      setCookie(c, "_ga", "GA1.1.1", { path: "/" });
      return c.html(page(GA), 500);
    });
    const res = await send(app, "/");
    expect(res.status).toBe(502);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await res.text()).not.toContain("googletagmanager");
  });
});

describe("a route that never answers", () => {
  it("is a 504 without its cookies once the site's originTimeout has passed", async () => {
    const app = guarded(testSite({ originTimeout: 1 }));
    app.get("/", (c) => {
      c.header("Set-Cookie", "_ga=GA1.1.1; Path=/");
      return new Promise<Response>(() => {});
    });
    const started = Date.now();
    const res = await send(app, "/");
    expect(res.status).toBe(504);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
