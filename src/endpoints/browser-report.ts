/**
 * `POST /.consent-edge/report`: the page runtime's sampled report of the third-party hosts the
 * browser contacted or the page guard refused (src/runtime/reporter/), for the inventory.
 *
 *   { "v": 1, "page": "/path", "contacted": ["cdn.example.net"], "refused": ["www.google-analytics.com"] }
 *
 * Untrusted input, from anyone: only a site whose inventory is on answers (404 otherwise); only
 * POST (405), from the site's own pages (403 cross-site, src/endpoints/same-origin.ts), as
 * text/plain (what sendBeacon sends for a string) or application/json (415); throttled per client
 * and per site in the isolate (429, before the body is read); the body read as a stream and
 * abandoned past MAX_REPORT_BYTES (413, whatever Content-Length says); then every field checked:
 * at most MAX_HOSTS hosts a list, each a lowercase LDH hostname (400). The page's own registrable
 * domain is not a third party and is left out. 204 when it was counted; never a 5xx.
 *
 * A report can only add `browser` entries for hosts to the inventory: it never names a cookie,
 * never touches consent or enforcement, and its answer sets nothing. A refused report is logged as
 * `report-refused` at most once a minute per site, so a flood floods neither the log nor D1.
 */
import type { Site } from "../config/compile";
import { readCapped, TOO_LARGE, UNREADABLE } from "./read-capped";
import { registrableDomain } from "../cookies/registrable-domain";
import { isHostName, samplePath } from "../inventory/recorder";
import type { Observation } from "../inventory/types";
import { logEvent, rayOf } from "../log";
import type { ApiContext } from "./consent-api";
import { isCrossSite } from "./same-origin";
import { clientKey, createThrottle, type ThrottleLimits } from "./throttle";

/** A report of 2 x 50 hosts of typical length is about 2.5 KB of JSON. */
export const MAX_REPORT_BYTES = 4 * 1024;
export const MAX_HOSTS = 50;
const MAX_PAGE = 2_048;

/**
 * A page view sends one report; a client sending more than a few a minute is not a browser
 * reading pages. Per site, about 10 reports a second per isolate: with the default 1 in 100 page
 * views sampled, a thousand page views a second on one isolate.
 */
export const REPORT_THROTTLE = {
  perClient: 6,
  perSite: 600,
  windowSeconds: 60,
  maxKeys: 10_000,
} as const satisfies ThrottleLimits;

/** The isolate's own budgets for reports: separate from the consent API's receipt budgets. */
const throttle = createThrottle(REPORT_THROTTLE);

/** Unix seconds a site's last `report-refused` was logged: one a minute per site at most. */
const lastLogged = new Map<string, number>();
const LOG_EVERY_SECONDS = 60;

export interface BrowserReport {
  page: string;
  contacted: string[];
  refused: string[];
}

type Refusal = { status: 400 | 403 | 405 | 413 | 415 | 429; reason: string; retryAfter?: number };

export async function handleBrowserReport(context: ApiContext): Promise<Response> {
  const { site, request } = context;
  if (!site.inventory.enabled) return new Response("Not Found\n", { status: 404 });
  const answer = await receive(context);
  if ("report" in answer) {
    context.inventory.observeBrowser(site, answer.path, observations(site, answer.report, request), {
      env: context.env,
      waitUntil: context.waitUntil,
      now: context.now,
    });
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  }
  logRefusal(site, answer, request, context.now);
  return new Response(`${answer.reason}\n`, {
    status: answer.status,
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": "no-store",
      ...(answer.status === 405 ? { Allow: "POST" } : {}),
      ...(answer.retryAfter !== undefined ? { "Retry-After": String(answer.retryAfter) } : {}),
    },
  });
}

async function receive(context: ApiContext): Promise<{ report: BrowserReport; path: string } | Refusal> {
  const { request, site, now } = context;
  if (request.method !== "POST") return { status: 405, reason: "send the report with POST" };
  if (isCrossSite(request)) return { status: 403, reason: "reports come from the site's own pages" };
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "text/plain" && type !== "application/json")
    return { status: 415, reason: "send the report as text/plain or application/json" };
  const verdict = throttle.take(site.id, await clientKey(request, site.id), now);
  if (!verdict.ok) return { status: 429, reason: "too many reports", retryAfter: verdict.retryAfter };
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > MAX_REPORT_BYTES) return { status: 413, reason: "report too large" };
  const body = await readCapped(request.body, MAX_REPORT_BYTES);
  if (body === TOO_LARGE) return { status: 413, reason: "report too large" };
  if (body === UNREADABLE) return { status: 400, reason: "unreadable report" };
  const report = parseReport(body);
  if (typeof report === "string") return { status: 400, reason: report };
  return { report, path: pathBelowSite(site, report.page) };
}

/** The report's fields, checked; a string says what is wrong. Pure. */
export function parseReport(bytes: Uint8Array): BrowserReport | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    return "the report is not JSON";
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return "the report is not an object";
  const { v, page, contacted, refused } = parsed as Record<string, unknown>;
  if (v !== 1) return "unknown report version (v must be 1)";
  if (typeof page !== "string" || !page.startsWith("/") || page.length > MAX_PAGE)
    return "page must be a path starting with /";
  const lists: string[][] = [];
  for (const [name, list] of [
    ["contacted", contacted],
    ["refused", refused],
  ] as const) {
    if (list === undefined) {
      lists.push([]);
      continue;
    }
    if (!Array.isArray(list)) return `${name} must be a list of hostnames`;
    if (list.length > MAX_HOSTS) return `${name} lists more than ${MAX_HOSTS} hosts`;
    if (!list.every((host): host is string => typeof host === "string" && isHostName(host)))
      return `${name} holds something that is not a lowercase hostname`;
    lists.push([...new Set(list)]);
  }
  return { page, contacted: lists[0] ?? [], refused: lists[1] ?? [] };
}

/** The report's hosts as inventory observations, with the rule each would match at the edge. */
export function observations(site: Site, report: BrowserReport, request: Request): Observation[] {
  const page = new URL(request.url);
  const own = registrableDomain(page.hostname) ?? page.hostname;
  const firstParty = (host: string) => host === own || host.endsWith(`.${own}`);
  const out: Observation[] = [];
  for (const [action, hosts] of [
    ["contacted", report.contacted],
    ["refused", report.refused],
  ] as const) {
    for (const host of hosts) {
      if (firstParty(host)) continue;
      const match = site.classifyResource.classifyUrl(`https://${host}/`, page);
      out.push({
        kind: "host",
        name: host,
        source: "browser",
        action,
        rule: match?.rule ?? null,
        category: match?.category ?? null,
      });
    }
  }
  return out;
}

/** The page's path below the site's pathPrefix, as the edge's own entries record it. */
function pathBelowSite(site: Site, page: string): string {
  const path =
    site.pathPrefix && page.startsWith(site.pathPrefix) ? page.slice(site.pathPrefix.length) : page;
  return samplePath(path);
}

function logRefusal(site: Site, refusal: Refusal, request: Request, now: number): void {
  const last = lastLogged.get(site.id);
  if (last !== undefined && now - last < LOG_EVERY_SECONDS) return;
  lastLogged.set(site.id, now);
  logEvent("warn", {
    event: "report-refused",
    site: site.id,
    reason: `${refusal.reason} (further refusals for this site are not logged for ${LOG_EVERY_SECONDS} s)`,
    status: refusal.status,
    ray: rayOf(request),
  });
}
