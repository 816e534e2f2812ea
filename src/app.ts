/**
 * The Hono shell: route the request to its site, then hand it to the pipeline.
 * No decision is made here.
 */
import { Hono } from "hono";
import type { CompiledConfig, Site } from "./config/compile";
import { type Clock, enforceRequest, readRequest } from "./enforce-request";
import { API_PREFIX, handleConsentApi } from "./endpoints/consent-api";
import { GPC_PATH, gpcAnnouncement } from "./endpoints/gpc";
import { createThrottle, DEFAULT_THROTTLE, type ThrottleLimits } from "./endpoints/throttle";
import type { Env } from "./proxy/fetch-origin";
import { originUrlFor } from "./proxy/origin-request";

type AppEnv = { Bindings: Env; Variables: { site: Site } };

export interface AppOptions {
  clock?: Clock;
  /** The consent API's receipt-write budgets (tests use small ones). */
  throttle?: ThrottleLimits;
}

export function createApp(config: CompiledConfig, options: AppOptions = {}): Hono<AppEnv> {
  const clock = options.clock ?? Date.now;
  // One set of budgets per app, so per isolate in production (index.ts builds the app once).
  const throttle = createThrottle(options.throttle ?? DEFAULT_THROTTLE);
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const url = new URL(c.req.url);
    const site = config.matchSite(url.hostname, url.pathname);
    // Not an open proxy: a host no site claims is refused before anything is fetched (RFC 9110 §15.5.20).
    if (!site)
      return c.text("Misdirected Request: consent-edge serves no site for this host.\n", 421, NO_STORE);
    // Not an open proxy either through the path: a request the origin URL cannot be built from
    // without leaving the configured origin is refused before anything is fetched or decided.
    if (!originUrlFor(url, site))
      return c.text("Bad Request: this request target cannot be sent to the origin.\n", 400, NO_STORE);
    c.set("site", site);
    await next();
  });

  app.all("*", async (c) => {
    const site = c.get("site");
    const request = c.req.raw;
    const path = new URL(request.url).pathname.slice(site.pathPrefix.length);
    if (path === GPC_PATH && site.consent.gpc.announce) return gpcAnnouncement(site);
    const context = await readRequest(request, site, c.env, clock);
    if (path.startsWith(API_PREFIX)) {
      return handleConsentApi({
        request,
        site,
        consent: context.consent,
        env: c.env,
        now: context.now,
        path: path.slice(API_PREFIX.length),
        throttle,
      });
    }
    return enforceRequest(request, site, c.env, clock, context);
  });

  app.onError((error, c) => {
    console.error(`consent-edge: unhandled error: ${String(error)}`);
    return c.text("Bad Gateway: consent-edge failed to process this request.\n", 502, NO_STORE);
  });
  return app;
}

/** Every request is refused while the bundled config is invalid; nothing is proxied unfiltered. */
export function createConfigErrorApp(problems: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.all("*", (c) => {
    console.error(`consent-edge: invalid configuration, refusing all requests:\n${problems}`);
    return c.text(
      "Service Unavailable: consent-edge is misconfigured. Run `npm run check`.\n",
      503,
      NO_STORE,
    );
  });
  return app;
}

const NO_STORE = { "Cache-Control": "no-store" };
