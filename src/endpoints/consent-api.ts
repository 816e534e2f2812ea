/**
 * The consent API, same-origin, under the reserved path `/.consent-edge/` of every site:
 *
 *   GET    /.consent-edge/consent          the visitor's resolved consent (JSON)
 *   POST   /.consent-edge/consent          set it: a form post (`choice` = accept-all | reject-all | save,
 *                                          repeated `category` and `service`, `return`), answered with
 *                                          303 back to `return`; or JSON `{ "granted": [...] }` /
 *                                          `{ "choice": ... }`; or JSON `{ "grant": [...], "method":
 *                                          "placeholder" | "page" }`, a scoped grant (below); each may
 *                                          add `"services": [...]` (below)
 *   POST   /.consent-edge/withdraw         withdraw everything optional (form or JSON)
 *   DELETE /.consent-edge/consent          the same
 *   GET    /.consent-edge/receipts/<id>    a receipt: proof of a decision (JSON)
 *   GET    /.consent-edge/settings         the banner as a page, with the current choice ticked: where the
 *                                          "Cookie settings" link leads without JavaScript
 *   POST   /.consent-edge/report           the page runtime's sampled report of the third-party hosts the
 *                                          browser contacted or refused, for the inventory (browser-report.ts)
 *   *      /.consent-edge/admin/...        the operator's endpoints, only with the site's debug secret
 *                                          (admin.ts): the inventory, receipts by id and date, their purge
 *
 * Every decision sets the consent cookie and, with `consent.receipts`, writes a receipt to D1 first.
 * A grant is never applied without its receipt (no consent without proof); a refusal always is.
 *
 * A scoped grant (an embed placeholder's button, `consentEdge.grant()` in the page) says yes to its
 * categories and nothing about the others. Merged with the visitor's choice: on top of a decision it
 * is a whole choice again (that decision plus these); for an undecided visitor it stays scoped (the
 * cookie's `+` form), so the banner keeps asking about the rest. Its receipt's `method` says which
 * it was, and `granted` lists everything granted after it.
 *
 * Services (issue 12 item 3, docs/services.md): a service a site's rules name ("youtube") may be
 * granted on its own, without its category. With a whole choice, `services` is the complete list of
 * services granted on their own (absent: none); with a scoped grant it adds to the services granted
 * so far (`grant` may then be `[]`: "Always allow YouTube"). An unknown service is a 400, as an
 * unknown category is. A service whose category is granted too is granted through it, so it is not
 * recorded on its own; one of a category a signal refuses (GPC, DNT) is not recorded at all (the
 * edge would refuse it on every request). The response's `services` lists what was recorded.
 *
 * Limits (issue 7, item 9): a body is read as a stream and abandoned past 8 KiB whatever
 * Content-Length or Transfer-Encoding say; receipt writes are throttled per client and per site
 * (./throttle.ts), a throttled grant is a 429 with Retry-After and no cookie, a throttled refusal is
 * applied without a receipt; D1 failing is a 503 with a log line, never an unhandled error.
 */
import { describeRegion } from "../consent/region";
import { readCapped, TOO_LARGE, UNREADABLE } from "./read-capped";
import { describeError, logEvent, rayOf } from "../log";
import { API_PREFIX } from "./api-prefix";
import type { Site } from "../config/compile";
import { NECESSARY } from "../config/types";
import { serializeConsentCookie } from "../consent/consent-cookie";
import { servicesOf } from "../consent/services";
import type { ConsentState } from "../consent/types";
import type { Env } from "../env";
import { newReceiptId, readReceipt, type Receipt, writeReceipt } from "./receipts";
import { bannerFor } from "../banner/banner-for";
import { safeReturnPath } from "../banner/render-banner";
import { escapeHtml } from "../html/inert";
import { textsFor } from "../texts/texts-for";
import { isCrossSite } from "./same-origin";
import { clientKey, rateLimitBinding, type Throttle } from "./throttle";
import type { InventoryRecorder } from "../inventory/recording";
import { handleAdmin } from "./admin";
import { handleBrowserReport } from "./browser-report";

export { API_PREFIX };
const MAX_BODY_BYTES = 8 * 1024;
const CHOICES = ["accept-all", "reject-all", "save"] as const;
type Choice = (typeof CHOICES)[number];

export interface ApiContext {
  request: Request;
  site: Site;
  consent: ConsentState;
  env: Env;
  /** Unix seconds. */
  now: number;
  /** The path below the site's pathPrefix and API_PREFIX: "consent", "receipts/abc". */
  path: string;
  /** This isolate's receipt-write budgets (one per app). */
  throttle: Throttle;
  /** The request presented the site's debug secret: the admin endpoints answer. */
  debug: boolean;
  /** Work that may finish after the response (ExecutionContext.waitUntil): inventory flushes. */
  waitUntil: (promise: Promise<unknown>) => void;
  /** This isolate's inventory, when the site records one. */
  inventory: InventoryRecorder;
}

interface Decision {
  granted: string[];
  /** Services granted on their own (a scoped grant: those it adds), all known to the site. */
  services: string[];
  method: Receipt["method"];
  returnTo: string;
  action: "grant" | "withdraw";
  /** A scoped grant: these categories, to merge with the visitor's choice (see above). */
  scoped?: true;
}

/** The `method` a scoped grant may name; anything else is `page`. */
const SCOPED_METHODS = ["placeholder", "page"] as const;

export async function handleConsentApi(context: ApiContext): Promise<Response> {
  const { request, path } = context;
  const method = request.method;
  if (path === "consent" && (method === "GET" || method === "HEAD")) return json(describe(context));
  if (path.startsWith("receipts/") && method === "GET")
    return lookupReceipt(context, path.slice("receipts/".length));
  if (path === "settings" && method === "GET") return settingsPage(context);
  if (path === "report") return handleBrowserReport(context);
  if (path === "admin" || path.startsWith("admin/")) return handleAdmin(context, path.slice("admin/".length));
  const withdraw = (path === "withdraw" && method === "POST") || (path === "consent" && method === "DELETE");
  if (!withdraw && !(path === "consent" && method === "POST")) {
    return json({ error: "not found", endpoints: ["consent", "withdraw", "receipts/<id>"] }, 404);
  }
  if (isCrossSite(request)) return json({ error: "cross-site requests cannot change consent" }, 403);

  const parsed = await parseDecision(request, context.site, withdraw);
  if ("error" in parsed) return json({ error: parsed.error }, parsed.status);
  return applyDecision(context, parsed);
}

/**
 * The banner as a page, for visitors without JavaScript: in the visitor's language (`lang`, `dir`,
 * `Content-Language`), with a heading and a link back to the page they came from.
 */
function settingsPage({ request, site, consent }: ApiContext): Response {
  const url = new URL(request.url);
  const acceptLanguage = request.headers.get("Accept-Language");
  const returnTo = safeReturnPath(url.searchParams.get("return") ?? "/");
  const banner = bannerFor(site, consent, { acceptLanguage, returnTo }, undefined, true);
  if (!banner) return json({ error: "this site has no consent-edge banner" }, 404);
  const { lang, texts } = textsFor(site, acceptLanguage);
  const dir = texts.dir === "rtl" ? "rtl" : "ltr";
  const title = escapeHtml(texts.settingsPageTitle);
  const html =
    `<!doctype html><html lang="${escapeHtml(lang)}" dir="${dir}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>` +
    `<body><main><h1>${title}</h1>${banner}<p><a href="${escapeHtml(returnTo)}">${escapeHtml(texts.backToSite)}</a></p></main></body></html>`;
  return new Response(html, {
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "private, no-store",
      "Content-Language": lang,
      Vary: "Accept-Language",
    },
  });
}

function describe({ site, consent }: ApiContext) {
  return {
    site: site.id,
    policyRevision: site.policyRevision,
    categories: site.categories,
    granted: [...consent.granted],
    services: [...consent.granted.services],
    decided: consent.decided,
    source: consent.source,
    region: consent.region,
    receiptId: consent.receiptId ?? null,
  };
}

async function lookupReceipt({ site, env, request }: ApiContext, id: string): Promise<Response> {
  const db = env.CONSENT_DB;
  if (!site.consent.receipts) return json({ error: "this site keeps no receipts" }, 404);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return json({ error: "not a receipt id" }, 400);
  let receipt: Receipt | undefined;
  try {
    // A site that keeps receipts without the binding is a deployment mistake the operator must see.
    if (!db) throw new Error("no D1 binding CONSENT_DB");
    receipt = await readReceipt(db, site.id, id);
  } catch (error) {
    logEvent("error", {
      event: "receipt-failed",
      site: site.id,
      reason: `lookup: ${describeError(error)}`,
      ray: rayOf(request),
    });
    return json({ error: "receipts are unavailable; try again later" }, 503, { "Retry-After": "30" });
  }
  return receipt ? json(receipt) : json({ error: "no such receipt" }, 404);
}

type Parsed = Decision | { error: string; status: number };

async function parseDecision(request: Request, site: Site, withdraw: boolean): Promise<Parsed> {
  // A declared length over the cap is refused unread; a smaller or absent one is not trusted.
  const length = Number(request.headers.get("Content-Length") ?? "0");
  if (length > MAX_BODY_BYTES) return { error: "body too large", status: 413 };
  const contentType = request.headers.get("Content-Type") ?? "";
  const type = contentType.toLowerCase();
  const optional = site.categories.filter((category) => category !== NECESSARY);
  const isJson = type.startsWith("application/json");
  const isForm =
    type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
  if (!isJson && !isForm && !withdraw) return { error: "send a form or JSON", status: 415 };

  let choice: unknown;
  let categories: unknown;
  let services: unknown;
  let scopedGrant: unknown;
  let scopedMethod: unknown;
  let returnTo: unknown;
  let method: Decision["method"] = "form";
  try {
    const body = isJson || isForm ? await readCapped(request.body, MAX_BODY_BYTES) : undefined;
    if (body === TOO_LARGE) return { error: "body too large", status: 413 };
    if (body === UNREADABLE) return { error: "unreadable body", status: 400 };
    if (isJson) {
      method = "json";
      const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body);
      const parsed: unknown = text === "" ? {} : JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        return { error: 'send {"granted": ["analytics"]} or {"choice": "reject-all"}', status: 400 };
      }
      ({
        choice,
        granted: categories,
        services,
        grant: scopedGrant,
        method: scopedMethod,
      } = parsed as {
        choice?: unknown;
        granted?: unknown;
        services?: unknown;
        grant?: unknown;
        method?: unknown;
      });
    } else if (isForm) {
      // The bytes already read, parsed by the runtime's own form parser (urlencoded and multipart).
      const form = await new Response(body, { headers: { "Content-Type": contentType } }).formData();
      choice = form.get("choice");
      categories = form.getAll("category");
      services = form.getAll("service");
      returnTo = form.get("return");
    }
  } catch {
    return { error: "unreadable body", status: 400 };
  }

  const base = {
    method,
    returnTo: safeReturnPath(typeof returnTo === "string" ? returnTo : "/"),
    services: [] as string[],
  };
  if (withdraw) return { ...base, granted: [], action: "withdraw" };
  if (choice !== undefined && choice !== null && !CHOICES.includes(choice as Choice)) {
    return { error: `choice must be one of ${CHOICES.join(", ")}`, status: 400 };
  }
  // Accepting all grants every service through its category; rejecting all grants none.
  if (choice === "accept-all") return { ...base, granted: optional, action: "grant" };
  if (choice === "reject-all") return { ...base, granted: [], action: "withdraw" };
  const named = parseServices(services, site);
  if ("error" in named) return named;
  if (scopedGrant !== undefined) {
    if (choice !== undefined || categories !== undefined) {
      return { error: 'send either {"grant": [...]} or a whole choice, not both', status: 400 };
    }
    return parseScopedGrant(scopedGrant, named.services, scopedMethod, base.returnTo, site, optional);
  }
  const list = categories ?? [];
  if (!Array.isArray(list) || !list.every((category): category is string => typeof category === "string")) {
    return { error: "granted must be a list of category names", status: 400 };
  }
  const unknown = list.filter((category) => !site.categories.includes(category));
  if (unknown.length > 0) {
    return { error: `unknown categories; this site's are ${site.categories.join(", ")}`, status: 400 };
  }
  const granted = optional.filter((category) => list.includes(category));
  const action = granted.length + named.services.length > 0 ? "grant" : "withdraw";
  return { ...base, granted, services: named.services, action };
}

/**
 * `services`: absent (none), or a list of the ids the site's rules name. A form sends none as no
 * field, so an empty list and an absent one are the same.
 */
function parseServices(
  value: unknown,
  site: Site,
): { services: string[] } | { error: string; status: number } {
  if (value === undefined || value === null) return { services: [] };
  if (!Array.isArray(value) || !value.every((service): service is string => typeof service === "string")) {
    return { error: "services must be a list of service ids", status: 400 };
  }
  const known = servicesOf(site);
  if (value.some((service) => !known.has(service))) {
    const ids = [...known.keys()];
    return {
      error:
        ids.length > 0
          ? `unknown services; this site's are ${ids.join(", ")}`
          : "this site names no services",
      status: 400,
    };
  }
  return { services: [...new Set(value)] };
}

/** `{"grant": [...], "services": [...]}`: at least one optional category or service, each declared. */
function parseScopedGrant(
  list: unknown,
  services: string[],
  method: unknown,
  returnTo: string,
  site: Site,
  optional: string[],
): Parsed {
  if (!Array.isArray(list) || !list.every((category): category is string => typeof category === "string")) {
    return { error: "grant must be a list of category names", status: 400 };
  }
  if (list.some((category) => !site.categories.includes(category))) {
    return { error: `unknown categories; this site's are ${site.categories.join(", ")}`, status: 400 };
  }
  const granted = optional.filter((category) => list.includes(category));
  // Granting nothing optional is no choice at all: it must not become a refusal, nor a receipt.
  if (granted.length === 0 && services.length === 0) {
    return { error: "grant names no optional category and no service", status: 400 };
  }
  const named = SCOPED_METHODS.find((known) => known === method) ?? "page";
  return { granted, services, method: named, returnTo, action: "grant", scoped: true };
}

/**
 * What a scoped grant leaves granted, and whether that is still scoped: on top of a decision, the
 * decision's grants plus these (a whole choice again); for an undecided visitor, the scoped grants
 * so far plus these. A signal's refusal (GPC, DNT) is not in `consent.granted`: it stays refused.
 */
export function mergeScopedGrant(
  consent: ConsentState,
  granted: string[],
  categories: readonly string[],
  services: readonly string[] = [],
): { granted: string[]; services: string[]; scoped: boolean } {
  const before: readonly string[] = consent.decided ? [...consent.granted] : (consent.scoped ?? []);
  // The services so far: the decision's or the scoped grants', less a signal's (resolve-consent.ts).
  const servicesBefore = [...consent.granted.services];
  return {
    granted: categories.filter(
      (category) => category !== NECESSARY && (before.includes(category) || granted.includes(category)),
    ),
    services: [...new Set([...servicesBefore, ...services])],
    scoped: !consent.decided,
  };
}

/**
 * The services a decision records: those not granted through their category already, and none of
 * a category a signal refuses in this request (GPC, DNT): the edge would refuse them on every
 * request, so a receipt of them would prove a grant that never applied.
 */
export function servicesToRecord(
  site: Site,
  consent: ConsentState,
  granted: readonly string[],
  services: readonly string[],
): string[] {
  const known = servicesOf(site);
  return services.filter((service) => {
    const category = known.get(service)?.category;
    return (
      category !== undefined && !granted.includes(category) && !consent.refusedBySignals.includes(category)
    );
  });
}

async function applyDecision(context: ApiContext, asked: Decision): Promise<Response> {
  const { site, consent, env, now, request } = context;
  const merged = asked.scoped
    ? mergeScopedGrant(consent, asked.granted, site.categories, asked.services)
    : undefined;
  const granted = merged ? merged.granted : asked.granted;
  const services = servicesToRecord(site, consent, granted, merged ? merged.services : asked.services);
  // A scoped grant of only services a signal refuses grants nothing: no receipt, no cookie.
  if (asked.scoped && granted.length + services.length === 0) {
    return json({ error: "this browser's privacy signal (GPC or DNT) refuses what grant names" }, 409);
  }
  const grants = granted.length + services.length > 0;
  const decision = { ...asked, granted, services, action: grants ? asked.action : ("withdraw" as const) };
  let receiptId: string | undefined;
  const db = env.CONSENT_DB;
  const retryAfter = site.consent.receipts ? await throttledFor(context) : undefined;
  if (retryAfter !== undefined) {
    // A refusal never needs proof, so it is never blocked: applied, without a receipt.
    if (grants) {
      return json({ error: "too many consent decisions; try again later", retryAfter }, 429, {
        "Retry-After": String(retryAfter),
      });
    }
    logEvent("warn", {
      event: "throttled",
      site: site.id,
      reason: "refusal applied without a receipt",
      ray: rayOf(request),
    });
  } else if (site.consent.receipts) {
    try {
      if (!db) throw new Error("no D1 binding CONSENT_DB");
      const receipt: Receipt = {
        id: newReceiptId(),
        site: site.id,
        createdAt: now,
        policyRevision: site.policyRevision,
        action: decision.action,
        granted: [NECESSARY, ...decision.granted],
        services: decision.services,
        method: decision.method,
        region: describeRegion(consent.region),
        previousId: await existingPreviousId(db, site, consent.receiptId),
      };
      await writeReceipt(db, receipt);
      receiptId = receipt.id;
    } catch (error) {
      logEvent("error", {
        event: "receipt-failed",
        site: site.id,
        reason: `write: ${describeError(error)}`,
        ray: rayOf(request),
      });
      // No grant without proof. A refusal is applied anyway: refusing never needs proof.
      if (grants) return json({ error: "consent could not be recorded; nothing changed" }, 503);
    }
  }

  const value = serializeConsentCookie({
    revision: site.policyRevision,
    givenAt: now,
    granted: decision.granted,
    // Version 2 of the cookie only when a service is granted on its own (consent-cookie.ts).
    ...(decision.services.length > 0 ? { services: decision.services } : {}),
    ...(merged?.scoped ? { scoped: true } : {}),
    ...(receiptId ? { receiptId } : {}),
  });
  const response =
    decision.method === "form"
      ? new Response(null, { status: 303, headers: { Location: decision.returnTo } })
      : json({
          granted: [NECESSARY, ...decision.granted],
          services: decision.services,
          receiptId: receiptId ?? null,
        });
  response.headers.append("Set-Cookie", consentCookieLine(site, value, new URL(request.url)));
  response.headers.set("Cache-Control", "no-store");
  return response;
}

/**
 * The consent cookie: host-only, `Path=/`. A `__Host-` or `__Secure-` name is always `Secure`
 * (RFC 6265bis §4.1.3: a browser refuses it otherwise; on http://localhost Chromium and Firefox
 * accept Secure cookies), so `__Host-ce_consent` is the strongest name a site can configure: no
 * sibling subdomain can set a copy of it (no `Domain=` allowed).
 */
function consentCookieLine(site: Site, value: string, url: URL): string {
  const { name, maxAgeSeconds } = site.consentCookie;
  const prefixed = name.startsWith("__Host-") || name.startsWith("__Secure-");
  const secure = prefixed || url.protocol === "https:" ? "; Secure" : "";
  return `${name}=${value}; Path=/; Max-Age=${maxAgeSeconds}; SameSite=Lax${secure}`;
}

/**
 * The receipt a decision replaces, only if it exists for this site: the id comes from a cookie the
 * visitor (or a sibling subdomain) wrote. Unknown: null, and the log says so (without the id).
 */
async function existingPreviousId(
  db: D1Database,
  site: Site,
  claimed: string | undefined,
): Promise<string | null> {
  if (claimed === undefined) return null;
  if (await readReceipt(db, site.id, claimed)) return claimed;
  logEvent("warn", {
    event: "receipt-failed",
    site: site.id,
    reason: "the consent cookie names a receipt this site does not have; previous_id left empty",
  });
  return null;
}

/** The binding reports no window: a throttled client waits out the longest one it may have (60 s). */
const BINDING_RETRY_AFTER = 60;

/** Seconds to wait when this decision is over a budget (RFC 9110 §10.2.3 Retry-After), else undefined. */
async function throttledFor({ request, site, env, now, throttle }: ApiContext): Promise<number | undefined> {
  const client = await clientKey(request, site.id);
  const verdict = throttle.take(site.id, client, now);
  if (!verdict.ok) return verdict.retryAfter;
  const binding = rateLimitBinding(env.CONSENT_RATE_LIMIT);
  if (!binding || client === undefined) return undefined;
  try {
    return (await binding.limit({ key: client })).success ? undefined : BINDING_RETRY_AFTER;
  } catch (error) {
    // The binding is a second budget; this isolate's own still applied.
    logEvent("error", {
      event: "rate-limit-failed",
      site: site.id,
      reason: describeError(error),
      ray: rayOf(request),
    });
    return undefined;
  }
}

function json(body: unknown, status = 200, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...extra },
  });
}
