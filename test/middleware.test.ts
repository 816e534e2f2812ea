/**
 * consentEdge() inside a Hono app: the downstream routes are the origin. Everything a route can do
 * to put a cookie or a tracker in its response (Hono's ways of setting headers, a returned
 * Response, streams, errors, HEAD, a WebSocket upgrade, middleware after ours) is enforced.
 * Cookies are judged by tough-cookie, pages by parse5, in workerd with the real HTMLRewriter.
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import { stream } from "hono/streaming";
import { describe, expect, it } from "vitest";
import { compileConfig } from "../src/config/compile";
import type { SiteInput } from "../src/config/types";
import { FALLBACK_CSP } from "../src/html/csp";
import { ConsentEdgeConfigError, consentEdge } from "../src/middleware/consent-edge";
import { consent, FIXED_NOW_MS, testSite } from "./helpers";
import { GA, send, stored } from "./hono-helpers";
import { liveUrls, page, refusedTracker } from "./html-helpers";

const REFUSED_LINES = ["_ga=GA1.1.1; Path=/; Max-Age=3600", "_fbp=fb.1; Path=/"];

/** A Hono app of its own behind consentEdge(), counting what reached its routes. */
function siteApp(site: SiteInput = testSite()) {
  const reached: string[] = [];
  const app = new Hono();
  app.use(consentEdge({ sites: [site] }, { clock: () => FIXED_NOW_MS }));
  app.use(async (c, next) => {
    reached.push(new URL(c.req.url).pathname);
    await next();
  });
  app.get("/c-header", (c) => {
    c.header("Set-Cookie", "_ga=GA1.1.1; Path=/");
    c.header("Set-Cookie", "session=s1; Path=/; Secure; HttpOnly", { append: true });
    c.header("Set-Cookie", "_fbp=fb.1; Path=/", { append: true });
    return c.text("ok");
  });
  app.get("/set-cookie", (c) => {
    setCookie(c, "_ga", "GA1.1.1", { path: "/", maxAge: 3600 });
    setCookie(c, "session", "s1", { path: "/", secure: true, httpOnly: true });
    setCookie(c, "_fbp", "fb.1", { path: "/" });
    return c.text("ok");
  });
  app.get("/response", () => {
    const headers = new Headers({ "Content-Type": "text/plain" });
    for (const line of [...REFUSED_LINES, "session=s1; Path=/; Secure"]) headers.append("Set-Cookie", line);
    return new Response("ok", { headers });
  });
  app.get("/body-headers", (c) =>
    c.body("ok", 200, { "Set-Cookie": [...REFUSED_LINES, "session=s1; Path=/; Secure"] }),
  );
  app.get("/page", (c) => {
    setCookie(c, "_ga", "GA1.1.1", { path: "/" });
    return c.html(page(GA));
  });
  app.get("/streamed-page", (c) => {
    c.header("Content-Type", "text/html; charset=utf-8");
    c.header("Set-Cookie", "_ga=GA1.1.1; Path=/");
    return stream(c, async (out) => {
      await out.write("<!doctype html><html><head><title>s</title></head><body>");
      await out.sleep(10);
      await out.write(GA);
      await out.write("<p>end</p></body></html>");
    });
  });
  app.get("/late-header", (c) => {
    c.header("Content-Type", "text/html; charset=utf-8");
    return stream(c, async (out) => {
      await out.write("<!doctype html><html><head><title>late</title></head><body>");
      // After the response went to consent-edge: Hono copies the response to set this header.
      await out.sleep(20);
      try {
        c.header("Set-Cookie", "_ga=late; Path=/");
      } catch {
        // The response it would copy is consent-edge's own, whose body is already being read.
      }
      await out.write(`${GA}</body></html>`);
    });
  });
  app.get("/select-noscript", (c) => c.html(page(`${GA}<select><option>a<noscript>x</noscript></select>`)));
  // A route in front of an origin of its own: the response of fetch() passed on as it is.
  app.get("/fetched-page", (c) =>
    fetch("https://origin.example.com/page", {
      headers: {
        ...Object.fromEntries(c.req.raw.headers),
        "X-Fixture-Body": btoa(page(GA)),
        "X-Fixture-Header": JSON.stringify({ "Content-Type": "text/html; charset=utf-8" }),
        "X-Fixture-Set-Cookie": JSON.stringify(["_ga=GA1.1.1; Path=/"]),
      },
    }),
  );
  app.get("/throws", () => {
    throw new Error("route bug");
  });
  app.get("/http-exception", () => {
    const res = new Response("teapot", { status: 418, headers: { "Set-Cookie": "_ga=1; Path=/" } });
    throw new HTTPException(418, { res });
  });
  app.get("/echo", (c) =>
    c.json({
      cookie: c.req.header("Cookie") ?? null,
      ga: getCookie(c, "_ga") ?? null,
      session: getCookie(c, "session") ?? null,
      granted: c.req.header("X-Consent-Granted") ?? null,
      decided: c.req.header("X-Consent-Decided") ?? null,
    }),
  );
  app.post("/echo-body", async (c) => c.text(await c.req.text()));
  app.get("/socket", () => {
    const pair = new WebSocketPair();
    pair[1].accept();
    pair[1].close(1000, "done");
    return new Response(null, {
      status: 101,
      webSocket: pair[0],
      headers: { "Set-Cookie": "_ga=GA1.1.1; Path=/" },
    });
  });
  return { app, reached };
}

const withConsent = (granted: string[]) => ({ headers: { Cookie: consent(granted) } });

describe("cookies a downstream route sets", () => {
  const { app } = siteApp();

  it.each(["/c-header", "/set-cookie", "/response", "/body-headers"])(
    "%s: without consent only the necessary cookie is stored",
    async (path) => {
      const res = await send(app, path);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("ok");
      expect(stored(res)).toEqual(["session"]);
    },
  );

  it.each(["/c-header", "/set-cookie", "/response", "/body-headers"])(
    "%s: granted analytics lets _ga through, not _fbp",
    async (path) => {
      const res = await send(app, path, withConsent(["analytics"]));
      expect(stored(res)).toEqual(["_ga", "session"]);
    },
  );

  it("a middleware registered after ours, and c.header() after next(), are enforced too", async () => {
    const later = new Hono();
    later.use(consentEdge({ sites: [testSite()] }, { clock: () => FIXED_NOW_MS }));
    later.use(async (c, next) => {
      await next();
      c.header("Set-Cookie", "_fbp=fb.1; Path=/", { append: true });
      c.res.headers.append("Set-Cookie", "_ga_XYZ=GS1; Path=/");
    });
    later.get("/", async (c, next) => {
      const res = c.text("ok");
      await next();
      return res;
    });
    later.get("/", (c) => {
      c.header("Set-Cookie", "session=s1; Path=/; Secure");
      return c.text("ok");
    });
    const denied = await send(later, "/");
    expect(stored(denied)).toEqual(["session"]);
    const granted = await send(later, "/", withConsent(["analytics", "marketing"]));
    expect(stored(granted)).toEqual(["_fbp", "_ga_XYZ", "session"]);
  });

  it("a HEAD request has its cookies enforced too", async () => {
    const res = await send(app, "/set-cookie", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(stored(res)).toEqual(["session"]);
    expect(await res.text()).toBe("");
  });

  it("a WebSocket upgrade keeps its socket and loses its refused cookie", async () => {
    const res = await send(app, "/socket", { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(101);
    expect(res.webSocket).not.toBeNull();
    res.webSocket?.accept();
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});

describe("the request a downstream route sees", () => {
  const { app } = siteApp();

  it("has the refused cookies removed and the resolved consent added; a visitor cannot forge it", async () => {
    const res = await send(app, "/echo", {
      headers: {
        Cookie: `session=s1; _ga=GA1.2.3; _fbp=fb.1; ${consent(["marketing"])}`,
        "X-Consent-Granted": "necessary,analytics",
      },
    });
    const seen = await res.json<Record<string, string | null>>();
    expect(seen.ga).toBeNull();
    expect(seen.session).toBe("s1");
    expect(seen.cookie).toBe(`session=s1; _fbp=fb.1; ${consent(["marketing"])}`);
    expect(seen.granted).toBe("necessary,marketing");
    expect(seen.decided).toBe("1");
  });

  it("keeps its body", async () => {
    const res = await send(app, "/echo-body", { method: "POST", body: "hello body" });
    expect(await res.text()).toBe("hello body");
  });
});

describe("pages a downstream route serves", () => {
  const { app } = siteApp();

  it("c.html(): GA4 is neutralised without consent and live with it", async () => {
    const denied = await send(app, "/page");
    const html = await denied.text();
    expect(liveUrls(html, refusedTracker)).toEqual([]);
    expect(stored(denied)).toEqual([]);
    expect(denied.headers.get("Vary")).toContain("Cookie");

    const granted = await send(app, "/page", withConsent(["analytics"]));
    expect(liveUrls(await granted.text(), refusedTracker)).toEqual([
      "https://www.googletagmanager.com/gtag/js?id=G-1",
    ]);
    expect(stored(granted)).toEqual(["_ga"]);
  });

  it("a page a route fetched and passed on is rewritten too", async () => {
    const denied = await send(app, "/fetched-page");
    expect(liveUrls(await denied.text(), refusedTracker)).toEqual([]);
    expect(stored(denied)).toEqual([]);
    const granted = await send(app, "/fetched-page", withConsent(["analytics"]));
    expect(liveUrls(await granted.text(), refusedTracker)).toHaveLength(1);
    expect(stored(granted)).toEqual(["_ga"]);
  });

  it("a streamed page is rewritten as it streams, and its early Set-Cookie enforced", async () => {
    const res = await send(app, "/streamed-page");
    const html = await res.text();
    expect(html).toContain("<p>end</p>");
    expect(liveUrls(html, refusedTracker)).toEqual([]);
    expect(stored(res)).toEqual([]);
  });

  it("a header a stream callback sets after the response left the route never reaches the visitor", async () => {
    const res = await send(app, "/late-header");
    // What the runtime sends: the headers as they are when the app's promise resolves. (The
    // callback's later c.header() changes a Response object nobody sends any more.)
    const sent = res.headers.getSetCookie();
    const html = await res.text();
    expect(liveUrls(html, refusedTracker)).toEqual([]);
    expect(sent).toEqual([]);
  });

  it("a page the rewriter rejects is served under the strict CSP, the route having run once", async () => {
    const { app: counted, reached } = siteApp();
    const res = await send(counted, "/select-noscript");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Security-Policy")).toContain(FALLBACK_CSP);
    // There is no asking a downstream route again: the fallback is the page's own copy.
    expect(reached).toEqual(["/select-noscript"]);
    expect(await res.text()).toContain("<select>");
  });
});

describe("failing closed", () => {
  const { app, reached } = siteApp();

  it("a host no site claims gets 421 and no route runs", async () => {
    const before = reached.length;
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request("https://evil.example.net/set-cookie"), env, ctx);
    expect(res.status).toBe(421);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(reached.length).toBe(before);
  });

  it("a route that throws: its error response is enforced", async () => {
    const res = await send(app, "/throws");
    expect(res.status).toBe(500);
    const teapot = await send(app, "/http-exception");
    expect(teapot.status).toBe(418);
    expect(await teapot.text()).toBe("teapot");
    expect(teapot.headers.getSetCookie()).toEqual([]);
  });

  it("an error handler's cookies are enforced like a route's", async () => {
    const { app: handled } = siteApp();
    handled.onError((_, c) => {
      c.header("Set-Cookie", "_ga=1; Path=/");
      return c.text("sorry", 503);
    });
    const res = await send(handled, "/throws");
    expect(res.status).toBe(503);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("enforcement that throws serves the response without a cookie and under the strict CSP", async () => {
    const compiled = compileConfig({ sites: [testSite()] });
    if (!compiled.ok) throw new Error("config");
    const [site] = compiled.config.sites;
    if (!site) throw new Error("site");
    const classify = site.classifyCookie;
    // A bug of ours, as the stand-alone worker's test makes one: the classifier throws.
    site.classifyCookie = (name) => {
      if (name === "boom") throw new Error("classifier bug");
      return classify(name);
    };
    const broken = new Hono();
    broken.use(consentEdge(compiled.config, { clock: () => FIXED_NOW_MS }));
    broken.get("/", (c) => {
      c.header("Set-Cookie", "session=s1; Path=/");
      c.header("Set-Cookie", "boom=1; Path=/", { append: true });
      return c.html(page(GA));
    });
    const res = await send(broken, "/");
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    expect(res.headers.get("Content-Security-Policy")).toContain(FALLBACK_CSP);
  });

  it("an invalid config throws when the middleware is made, naming the path", () => {
    expect(() => consentEdge({ sites: [{ ...testSite(), hosts: [] }] })).toThrow(ConsentEdgeConfigError);
    expect(() => consentEdge({ sites: [{ ...testSite(), hosts: [] }] })).toThrow(/sites\[0\]\.hosts/);
  });
});

describe("served by the middleware itself", () => {
  const { app, reached } = siteApp(testSite({ consent: { gpc: { announce: true } } }));

  it("the consent API sets the consent cookie; no route runs", async () => {
    const before = reached.length;
    const res = await send(app, "/.consent-edge/consent", {
      method: "POST",
      body: new URLSearchParams([["choice", "accept-all"]]).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" },
    });
    expect(res.status).toBe(303);
    expect(stored(res)).toEqual(["ce_consent"]);
    expect(reached.length).toBe(before);
  });

  it("/.well-known/gpc.json", async () => {
    const res = await send(app, "/.well-known/gpc.json");
    expect(await res.json()).toMatchObject({ gpc: true });
  });
});
