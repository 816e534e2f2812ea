/**
 * One request through the pipeline: consent in, request cookies out, origin, response cookies
 * out, debug. Each stage is a pure function from its own folder; this file only wires them and
 * owns the two failure paths (origin down, worker bug), both of which fail closed.
 *
 * The origin is injected (`askOrigin`): the stand-alone worker fetches the configured origin, the
 * Hono middleware runs the downstream handlers. Either way it is handed the filtered request.
 *
 * In report-only the origin gets every cookie and the visitor the origin's response as it is, with
 * the same decisions recorded in the report; a request with the site's debug secret and
 * `X-Consent-Preview: enforce` gets what enforce would send instead (PREVIEW_HEADER).
 */
import { textsFor } from "./texts/texts-for";
import type { Site } from "./config/compile";
import { resolveConsent } from "./consent/resolve-consent";
import type { ConsentState } from "./consent/types";
import { planRequestCookies, type RequestCookiePlan } from "./cookies/filter-request-cookies";
import { parseCookieHeader, type RequestCookie } from "./cookies/parse-cookie-header";
import { DEBUG_REQUEST_HEADER, debugGeo, isDebugAllowed } from "./debug/debug-gate";
import { GUESS_WINDOW_SECONDS, type GuessLimit, MAX_WRONG_GUESSES } from "./debug/guess-limit";
import { clientKey } from "./endpoints/throttle";
import { renderDebugHeaders } from "./debug/debug-headers";
import { bannerFor } from "./banner/banner-for";
import { FALLBACK_CSP } from "./html/csp";
import { mayRunScripts } from "./html/content-type";
import { enforceHtml, variesByConsent } from "./html/rewrite-html";
import { type Env, secretBinding } from "./env";
import { OriginTimeout } from "./proxy/fetch-origin";
import { CONSENT_HEADER_PREFIX, filterRequest } from "./proxy/origin-request";
import { describeError, logEvent, rayOf } from "./log";
import type { EnforcementReport } from "./report";
import { markPrivate } from "./response/cache-safety";
import { enforceCookies } from "./response/enforce-cookies";
import { enforceLinkHeader, refusedLinks } from "./response/link-header";
import { plainResponse } from "./response/plain-response";

export type Clock = () => number;

/**
 * With the site's debug secret, `X-Consent-Preview: enforce` on a report-only site answers as
 * enforce would (cookies filtered, page rewritten, banner injected), for that request only: how an
 * operator sees the banner and the rewritten page before switching. Without the secret it is
 * ignored (and, as every `X-Consent-*` request header, never reaches the origin).
 */
export const PREVIEW_HEADER = "X-Consent-Preview";

/** The site as this request is enforced: a report-only site in enforce mode for a debug preview. */
function previewed(request: Request, site: Site, debug: boolean): Site | undefined {
  if (!debug || site.mode !== "report-only") return undefined;
  const asked = request.headers.get(PREVIEW_HEADER)?.trim().toLowerCase();
  return asked === "enforce" ? { ...site, mode: "enforce" } : undefined;
}

/**
 * Whatever answers for the origin, given the filtered request (refused cookies removed, consent
 * headers added). It may throw or reject: the visitor then gets a 502 (504 for OriginTimeout).
 */
export type AskOrigin = (request: Request) => Promise<Response>;

export interface EnforceOptions {
  env: Env;
  clock: Clock;
  askOrigin: AskOrigin;
  /**
   * The origin may be asked a second time for the same GET: the HTML stage's fallback then asks
   * again instead of keeping a tee() copy of every page. The middleware's downstream runs once.
   */
  askAgain: boolean;
  /** Already read (readRequest) by the caller. */
  context?: RequestContext;
  /**
   * Told what this response's enforcement found, once its headers are decided (the HTML stage may
   * still be reading the page: `report.htmlDone`). The inventory's entry point; it must not throw.
   */
  observe?: (report: EnforcementReport) => void;
}

export interface RequestContext {
  startedAt: number;
  /** Unix seconds. */
  now: number;
  cookies: RequestCookie[];
  consent: ConsentState;
  /** The request presented the site's debug secret. */
  debug: boolean;
}

/** What every request needs first, for the proxy and the consent API alike. */
export async function readRequest(
  request: Request,
  site: Site,
  env: Env,
  clock: Clock,
  /** Wrong debug secrets per client (the middleware's, one per isolate); absent: not counted. */
  guesses?: GuessLimit,
): Promise<RequestContext> {
  const startedAt = clock();
  const now = Math.floor(startedAt / 1000);
  const cookies = parseCookieHeader(request.headers.get("Cookie"));
  const debug = await debugGate(request, site, env, now, guesses);
  const geo =
    (debug ? debugGeo(request) : undefined) ??
    (request.cf as { country?: string; regionCode?: string } | undefined);
  const consent = resolveConsent(
    { cookies, headers: request.headers, now, country: geo?.country, regionCode: geo?.regionCode },
    site,
    site.consentSources,
  );
  return { startedAt, now, cookies, consent, debug };
}

/**
 * Whether the request presented the site's debug secret, and may use it: a client past its wrong
 * guesses (debug/guess-limit.ts) is refused whatever it presents. Visitors without the header pay
 * nothing for this.
 */
async function debugGate(
  request: Request,
  site: Site,
  env: Env,
  now: number,
  guesses: GuessLimit | undefined,
): Promise<boolean> {
  if (!request.headers.has(DEBUG_REQUEST_HEADER) || !site.debugSecret) return false;
  const client = guesses ? await clientKey(request, site.id) : undefined;
  if (guesses?.refused(site.id, client, now)) return false;
  const allowed = await isDebugAllowed(request, secretBinding(env, site.debugSecret));
  if (!allowed && guesses?.wrong(site.id, client, now)) {
    logEvent("warn", {
      event: "debug-secret-refused",
      site: site.id,
      reason: `more than ${MAX_WRONG_GUESSES} wrong debug secrets from one client in ${GUESS_WINDOW_SECONDS} s: refused until the window ends`,
      ray: rayOf(request),
    });
  }
  return allowed;
}

export async function enforceRequest(
  request: Request,
  configured: Site,
  { env, clock, askOrigin: ask, askAgain, context, observe }: EnforceOptions,
): Promise<Response> {
  const { startedAt, now, cookies, consent, debug } =
    context ?? (await readRequest(request, configured, env, clock));
  const preview = previewed(request, configured, debug);
  const site = preview ?? configured;
  const requestUrl = new URL(request.url);
  const requestPlan = planRequestCookies(
    cookies,
    site.classifyCookie,
    consent.granted,
    site.undeclared,
    consent.signals.dnt,
  );
  const report = newReport(site, consent, requestPlan, startedAt);

  const enforce = site.mode === "enforce";
  // Built afresh for each ask: a request's body can be read once (only a GET is asked again).
  const askOrigin = () => ask(filterRequest(request, enforce ? requestPlan.kept : undefined, consent));
  let originResponse: Response;
  try {
    originResponse = await askOrigin();
  } catch (error) {
    const timedOut = error instanceof OriginTimeout;
    logEvent("error", {
      event: timedOut ? "origin-timeout" : "origin-failed",
      site: site.id,
      reason: describeError(error),
      ray: rayOf(request),
    });
    return finish(
      timedOut
        ? plainResponse(504, "Gateway Timeout: the origin did not answer in time.\n")
        : plainResponse(502, "Bad Gateway: the origin could not be reached.\n"),
      report,
      debug,
      clock,
      preview !== undefined,
    );
  }
  report.originMs = clock() - startedAt;

  let response: Response;
  try {
    const headers = withoutConsentHeaders(originResponse.headers);
    enforceCookies(
      headers,
      { site, granted: consent.granted, doNotTrack: consent.signals.dnt, requestPlan, requestUrl, now },
      report,
    );
    // The header form of <link rel=preload|preconnect>: what the HTML stage does for the element.
    // In report-only the header stays; what enforce would remove is reported.
    const linkContext = {
      classifier: site.classifyResource,
      granted: consent.granted,
      doNotTrack: consent.signals.dnt,
      page: requestUrl,
    };
    const linkDropped = enforce
      ? enforceLinkHeader(headers, linkContext)
      : refusedLinks(headers, linkContext);
    if (linkDropped.length > 0) report.linkDropped = linkDropped;
    const body = await enforceHtml(
      originResponse,
      headers,
      {
        site,
        granted: consent.granted,
        doNotTrack: consent.signals.dnt,
        refusedBySignals: consent.refusedBySignals,
        page: requestUrl,
        method: request.method,
        ray: rayOf(request),
        buffer: debug,
        observe: observe !== undefined,
        signal: request.signal,
        // Only the stand-alone worker asks again: its origin's body is a fetch() response's.
        fetchedBody: askAgain,
        ...(askAgain && request.method === "GET" ? { refetch: askOrigin } : {}),
        texts: textsFor(site, request.headers.get("Accept-Language")).texts,
        banner: (nonce) =>
          bannerFor(
            site,
            consent,
            {
              acceptLanguage: request.headers.get("Accept-Language"),
              returnTo: `${requestUrl.pathname}${requestUrl.search}`,
            },
            nonce,
          ),
      },
      report,
    );
    if (report.html?.startsWith("fallback")) {
      logEvent("warn", { event: "html-fallback", site: site.id, reason: report.html, ray: rayOf(request) });
    }
    // A rewritten page carries this visitor's consent in its markup, a fallback its CSP.
    if (variesByConsent(report.html)) markPrivate(headers);
    response = rebuild(originResponse, headers, body);
  } catch (error) {
    // Fail closed: the visitor gets the page without a single cookie, never the unfiltered response.
    report.failure = error instanceof Error ? error.name : "error";
    logEvent("error", {
      event: "enforcement-failed",
      site: site.id,
      reason: `stripped every cookie: ${describeError(error)}`,
      ray: rayOf(request),
    });
    const headers = withoutConsentHeaders(originResponse.headers);
    headers.delete("Set-Cookie");
    // Nor a preload or preconnect to anyone (a preconnect is no fetch a CSP could refuse).
    headers.delete("Link");
    headers.set("Cache-Control", "private, no-store");
    // Nor an unfiltered page: its third-party scripts, frames and pixels are refused by the browser.
    // The HTML stage's decision, without the body: any type a browser may run scripts in, an
    // unknown one included (it may be sniffed as HTML).
    if (mayRunScripts(headers)) headers.append("Content-Security-Policy", FALLBACK_CSP);
    response = rebuild(originResponse, headers);
  }
  observe?.(report);
  return finish(response, report, debug, clock, preview !== undefined);
}

function newReport(
  site: Site,
  consent: ConsentState,
  requestPlan: RequestCookiePlan,
  startedAt: number,
): EnforcementReport {
  return {
    siteId: site.id,
    mode: site.mode,
    consent,
    dropped: [],
    neutralised: [],
    hosts: [],
    rewritten: [],
    expired: [],
    withheld: requestPlan.withheld,
    undeclared: [],
    startedAt,
  };
}

function finish(
  response: Response,
  report: EnforcementReport,
  debug: boolean,
  clock: Clock,
  preview: boolean,
): Response {
  if (!debug) return response;
  for (const [name, value] of renderDebugHeaders(report, clock())) {
    // The origin's own Server-Timing entries stay; ours are added beside them.
    if (name === "Server-Timing") response.headers.append(name, value);
    else response.headers.set(name, value);
  }
  if (preview) response.headers.set("X-Consent-Mode", "report-only (preview: enforce)");
  // Debug output describes one visitor: never let a shared cache replay it.
  markPrivate(response.headers);
  return response;
}

/** A mutable copy without any `X-Consent-*` header: only consent-edge speaks in that namespace. */
function withoutConsentHeaders(source: Headers): Headers {
  const headers = new Headers(source);
  for (const name of [...headers.keys()]) {
    if (name.startsWith(CONSENT_HEADER_PREFIX)) headers.delete(name);
  }
  return headers;
}

function rebuild(origin: Response, headers: Headers, body: ReadableStream | null = origin.body): Response {
  return new Response(body, {
    status: origin.status,
    statusText: origin.statusText,
    headers,
    ...(origin.webSocket ? { webSocket: origin.webSocket } : {}),
  });
}
