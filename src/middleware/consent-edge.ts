/**
 * consent-edge as Hono middleware: `app.use(consentEdge(config))` enforces the site's cookie policy
 * around `next()`, the downstream handlers standing where the origin stands for the stand-alone
 * worker. The same pipeline (enforce-request.ts) and the same fail-closed paths: a host no site
 * claims is refused (421), the consent API and /.well-known/gpc.json are answered here, a handler
 * that throws has its error response enforced (or, with no error handler, the visitor gets a 502),
 * a handler that does not answer within the site's originTimeout is a 504, and an enforcement
 * failure serves the response without a cookie and under a strict CSP. A route's compressed page
 * (compress() after this middleware) is decoded to be rewritten (route-body.ts), and the site is
 * chosen by the path the router decodes (routed-path.ts).
 *
 * Register it first (`app.use(consentEdge(config))` before every other middleware): what runs
 * after it is enforced, what runs before it is not.
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import { type CompiledConfig, compileConfig, type Site } from "../config/compile";
import { formatProblems } from "../config/validate";
import { type AskOrigin, type Clock, enforceRequest, readRequest } from "../enforce-request";
import { API_PREFIX, handleConsentApi } from "../endpoints/consent-api";
import { GPC_PATH, gpcAnnouncement } from "../endpoints/gpc";
import { policyPage, policyPathKind } from "../endpoints/policy-page";
import { createThrottle, DEFAULT_THROTTLE, type Throttle, type ThrottleLimits } from "../endpoints/throttle";
import type { Env } from "../env";
import { describeError, logEvent, rayOf } from "../log";
import { OriginTimeout } from "../proxy/fetch-origin";
import { plainResponse } from "../response/plain-response";
import { createGuessLimit, type GuessLimit } from "../debug/guess-limit";
import { createRecorder, observesResponse } from "../inventory/recorder";
import type { InventoryRecorder } from "../inventory/recording";
import { readableRouteBody } from "./route-body";
import { routedPath } from "./routed-path";

export interface ConsentEdgeOptions {
  /** Milliseconds since the epoch; tests pass a fixed one. */
  clock?: Clock;
  /** The consent API's receipt-write budgets (tests use small ones). */
  throttle?: ThrottleLimits;
  /** Where the inventory is aggregated; default one per isolate (tests pass their own). */
  inventory?: InventoryRecorder;
}

/** A config that does not validate: the problems, each with its path and the fix. */
export class ConsentEdgeConfigError extends Error {
  override name = "ConsentEdgeConfigError";
}

/**
 * The middleware for `config`: the JSON of a consent-edge config (typed as `unknown`, since a JSON
 * import's strings are not literal types; write one in TypeScript with `satisfies ConfigInput`), or
 * what compileConfig made of it. It is validated and compiled once, here: an invalid one throws
 * ConsentEdgeConfigError listing every problem, before the app serves a request. A site's `origin`
 * is not used: the downstream handlers are the origin.
 */
export function consentEdge(config: unknown, options: ConsentEdgeOptions = {}): MiddlewareHandler {
  return enforcer(compiled(config), options, { downstream: true });
}

/** How the enforcer reaches the origin: the downstream handlers, or the stand-alone worker's fetch. */
export type OriginAccess =
  | { downstream: true }
  | {
      downstream: false;
      /**
       * How to ask the origin for the request to `url`, or undefined when the origin URL cannot be
       * built from it without leaving the configured origin (the request is then refused with 400).
       */
      askOrigin: (url: URL, site: Site, env: Env) => AskOrigin | undefined;
    };

/** The middleware itself, shared by consentEdge() and the stand-alone worker (worker.ts). */
export function enforcer(
  config: CompiledConfig,
  options: ConsentEdgeOptions,
  origin: OriginAccess,
): MiddlewareHandler {
  const clock = options.clock ?? Date.now;
  const throttle = options.throttle ? createThrottle(options.throttle) : isolateThrottle();
  const inventory = options.inventory ?? isolateInventory();
  const guesses = isolateGuessLimit();

  return async function consentEdge(c, next) {
    let siteId: string | undefined;
    try {
      const url = new URL(c.req.url);
      // The path as the app's router reads it (percent-decoded), so the site whose policy applies
      // is the one whose routes answer.
      const routed = routedPath(url.pathname);
      const site = config.matchSite(url.hostname, routed);
      // Not an open proxy: a host no site claims is refused before anything is asked (RFC 9110 §15.5.20).
      if (!site)
        return respond(
          c,
          plainResponse(421, "Misdirected Request: consent-edge serves no site for this host.\n"),
        );
      siteId = site.id;
      const env: Env = (c.env as Env | undefined) ?? {};
      const askOrigin = origin.downstream ? askDownstream(c, next, site) : origin.askOrigin(url, site, env);
      // Not an open proxy either through the path: a request the origin URL cannot be built from
      // without leaving the configured origin is refused before anything is fetched or decided.
      if (!askOrigin) {
        return respond(
          c,
          plainResponse(400, "Bad Request: this request target cannot be sent to the origin.\n"),
        );
      }
      const request = c.req.raw;
      const path = routed.slice(site.pathPrefix.length);
      if (path === GPC_PATH && site.consent.gpc.announce) return respond(c, gpcAnnouncement(site));
      // The generated cookie policy: answered here, the origin never asked (src/policy/).
      const policyKind = policyPathKind(site, path);
      if (policyKind) return respond(c, await policyPage(site, request, policyKind));
      const context = await readRequest(request, site, env, clock, guesses);
      const waitUntil = backgroundOf(c);
      // Names only: the inventory never sees a cookie's value.
      const inventoryContext = {
        env,
        waitUntil,
        now: context.now,
        ...(site.inventory.enabled ? { requestCookies: context.cookies.map((cookie) => cookie.name) } : {}),
      };
      if (path.startsWith(API_PREFIX)) {
        const answer = await handleConsentApi({
          request,
          site,
          consent: context.consent,
          env,
          now: context.now,
          path: path.slice(API_PREFIX.length),
          throttle,
          debug: context.debug,
          waitUntil,
          inventory,
        });
        return respond(c, answer);
      }
      const response = await enforceRequest(request, site, {
        env,
        clock,
        context,
        askOrigin,
        askAgain: !origin.downstream,
        // Only sampled responses are observed (inventory.sample): the shadow and host recording
        // cost nothing on the others.
        ...(site.inventory.enabled && observesResponse(site.inventory.sample)
          ? {
              observe: (report) => {
                inventory.observeResponse(site, path, report, inventoryContext);
              },
            }
          : {}),
      });
      return respond(c, response);
    } catch (error) {
      // A bug of ours: nothing unfiltered goes out, and the app's own error handler is not asked
      // (it could answer with the downstream's headers, or with headers it set itself).
      logEvent("error", {
        event: "unhandled-error",
        site: siteId,
        reason: describeError(error),
        ray: rayOf(c.req.raw),
      });
      return respond(c, plainResponse(502, "Bad Gateway: consent-edge failed to process this request.\n"));
    }
  };
}

/**
 * The downstream handlers as the origin: they see the filtered request as `c.req.raw` (so
 * `getCookie(c)` and `c.req.header()` see only the cookies the visitor consented to), and what
 * they leave in `c.res` is the origin's response. Handlers run once: there is no asking again.
 * Like an origin, they have the site's `originTimeout` to answer (a route that never returns is a
 * 504 without cookies, as it is for the stand-alone worker); a body then streams unbounded.
 */
function askDownstream(c: Context, next: Next, site: Site): AskOrigin {
  return async (filtered) => {
    c.req.raw = filtered;
    await withinTimeout(next(), site.originTimeoutSeconds);
    const response = c.res;
    detach(c);
    return readableRouteBody(response);
  };
}

/** `work`, or OriginTimeout once `seconds` have passed (the work goes on; its outcome is ignored). */
async function withinTimeout(work: Promise<void>, seconds: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new OriginTimeout(`the downstream handlers did not answer within ${seconds} s`));
    }, seconds * 1_000);
  });
  // A handler that fails after the timeout fails unobserved.
  work.catch(() => {});
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Hono's `c.res` setter copies every header of the response it replaces onto the new one,
 * Set-Cookie included (hono/dist/context.js, `set res`): assigning the enforced response over the
 * downstream's would put the refused cookies back. Clearing it first leaves nothing to copy.
 */
function detach(c: Context): void {
  c.res = undefined;
}

/** `response` becomes the app's response as it is; returned too, for when next() was not called. */
function respond(c: Context, response: Response): Response {
  detach(c);
  c.res = response;
  return response;
}

/**
 * The consent API's default budgets, one set per isolate however many middlewares are made: an
 * app that calls consentEdge(config) inside a handler (to reach `c.env`, say) makes one per
 * request, and a budget per request is no budget. Budgets passed in options stay the caller's own.
 */
let sharedThrottle: Throttle | undefined;
let sharedInventory: InventoryRecorder | undefined;
let sharedGuessLimit: GuessLimit | undefined;

/** Wrong debug secrets are counted per isolate, however many middlewares (or configs) it runs. */
function isolateGuessLimit(): GuessLimit {
  sharedGuessLimit ??= createGuessLimit();
  return sharedGuessLimit;
}

function isolateInventory(): InventoryRecorder {
  sharedInventory ??= createRecorder();
  return sharedInventory;
}

/**
 * The request's waitUntil: work the isolate keeps alive after the response. Hono's
 * `c.executionCtx` throws where there is none (app.request() in a test): the work then simply runs,
 * unawaited.
 */
function backgroundOf(c: Context): (promise: Promise<unknown>) => void {
  let ctx: { waitUntil(promise: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined;
  }
  return (promise) => {
    const settled = promise.catch(() => {});
    ctx?.waitUntil(settled);
  };
}

function isolateThrottle(): Throttle {
  sharedThrottle ??= createThrottle(DEFAULT_THROTTLE);
  return sharedThrottle;
}

function compiled(config: unknown): CompiledConfig {
  if (isCompiled(config)) return config;
  const result = compileConfig(config);
  if (!result.ok) {
    throw new ConsentEdgeConfigError(
      `consent-edge: invalid configuration:\n${formatProblems(result.problems)}`,
    );
  }
  return result.config;
}

function isCompiled(config: unknown): config is CompiledConfig {
  return (
    typeof config === "object" &&
    config !== null &&
    typeof (config as Partial<CompiledConfig>).matchSite === "function"
  );
}
