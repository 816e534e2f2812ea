/**
 * The consent API, same-origin, under the reserved path `/.consent-edge/` of every site:
 *
 *   GET    /.consent-edge/consent          the visitor's resolved consent (JSON)
 *   POST   /.consent-edge/consent          set it: a form post (`choice` = accept-all | reject-all | save,
 *                                          repeated `category`, `return`), answered with 303 back to
 *                                          `return`; or JSON `{ "granted": [...] }` / `{ "choice": ... }`
 *   POST   /.consent-edge/withdraw         withdraw everything optional (form or JSON)
 *   DELETE /.consent-edge/consent          the same
 *   GET    /.consent-edge/receipts/<id>    a receipt: proof of a decision (JSON)
 *   GET    /.consent-edge/settings         the banner as a page, with the current choice ticked: where the
 *                                          "Cookie settings" link leads without JavaScript
 *
 * Every decision sets the consent cookie and, with `consent.receipts`, writes a receipt to D1 first.
 * A grant is never applied without its receipt (no consent without proof); a refusal always is.
 */
import { describeRegion } from "../consent/region";
import type { Site } from "../config/compile";
import { NECESSARY } from "../config/types";
import { serializeConsentCookie } from "../consent/consent-cookie";
import type { ConsentState } from "../consent/types";
import type { Env } from "../proxy/fetch-origin";
import { newReceiptId, readReceipt, type Receipt, writeReceipt } from "./receipts";
import { bannerFor } from "../banner/banner-for";
import { safeReturnPath } from "../banner/render-banner";
import { isCrossSite } from "./same-origin";

export const API_PREFIX = "/.consent-edge/";
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
}

interface Decision {
  granted: string[];
  method: "form" | "json";
  returnTo: string;
  action: "grant" | "withdraw";
}

export async function handleConsentApi(context: ApiContext): Promise<Response> {
  const { request, path } = context;
  const method = request.method;
  if (path === "consent" && (method === "GET" || method === "HEAD")) return json(describe(context));
  if (path.startsWith("receipts/") && method === "GET")
    return lookupReceipt(context, path.slice("receipts/".length));
  if (path === "settings" && method === "GET") return settingsPage(context);
  const withdraw = (path === "withdraw" && method === "POST") || (path === "consent" && method === "DELETE");
  if (!withdraw && !(path === "consent" && method === "POST")) {
    return json({ error: "not found", endpoints: ["consent", "withdraw", "receipts/<id>"] }, 404);
  }
  if (isCrossSite(request)) return json({ error: "cross-site requests cannot change consent" }, 403);

  const parsed = await parseDecision(request, context.site, withdraw);
  if ("error" in parsed) return json({ error: parsed.error }, parsed.status);
  return applyDecision(context, parsed);
}

function settingsPage({ request, site, consent }: ApiContext): Response {
  const url = new URL(request.url);
  const banner = bannerFor(
    site,
    consent,
    {
      acceptLanguage: request.headers.get("Accept-Language"),
      returnTo: safeReturnPath(url.searchParams.get("return") ?? "/"),
    },
    undefined,
    true,
  );
  if (!banner) return json({ error: "this site has no consent-edge banner" }, 404);
  const html = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Cookie settings</title></head><body>${banner}</body></html>`;
  return new Response(html, {
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "private, no-store" },
  });
}

function describe({ site, consent }: ApiContext) {
  return {
    site: site.id,
    policyRevision: site.policyRevision,
    categories: site.categories,
    granted: [...consent.granted],
    decided: consent.decided,
    source: consent.source,
    region: consent.region,
    receiptId: consent.receiptId ?? null,
  };
}

async function lookupReceipt({ site, env }: ApiContext, id: string): Promise<Response> {
  const db = env.CONSENT_DB as D1Database | undefined;
  if (!site.consent.receipts || !db) return json({ error: "this site keeps no receipts" }, 404);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return json({ error: "not a receipt id" }, 400);
  const receipt = await readReceipt(db, site.id, id);
  return receipt ? json(receipt) : json({ error: "no such receipt" }, 404);
}

type Parsed = Decision | { error: string; status: number };

async function parseDecision(request: Request, site: Site, withdraw: boolean): Promise<Parsed> {
  const length = Number(request.headers.get("Content-Length") ?? "0");
  if (length > MAX_BODY_BYTES) return { error: "body too large", status: 413 };
  const type = (request.headers.get("Content-Type") ?? "").toLowerCase();
  const optional = site.categories.filter((category) => category !== NECESSARY);

  let choice: unknown;
  let categories: unknown;
  let returnTo: unknown;
  let method: Decision["method"];
  try {
    if (type.startsWith("application/json")) {
      method = "json";
      const text = await request.text();
      if (text.length > MAX_BODY_BYTES) return { error: "body too large", status: 413 };
      const body: unknown = text === "" ? {} : JSON.parse(text);
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        return { error: 'send {"granted": ["analytics"]} or {"choice": "reject-all"}', status: 400 };
      }
      ({ choice, granted: categories } = body as { choice?: unknown; granted?: unknown });
    } else if (
      type.startsWith("application/x-www-form-urlencoded") ||
      type.startsWith("multipart/form-data")
    ) {
      method = "form";
      const form = await request.formData();
      choice = form.get("choice");
      categories = form.getAll("category");
      returnTo = form.get("return");
    } else if (withdraw) {
      method = "form";
    } else {
      return { error: "send a form or JSON", status: 415 };
    }
  } catch {
    return { error: "unreadable body", status: 400 };
  }

  const base = { method, returnTo: safeReturnPath(typeof returnTo === "string" ? returnTo : "/") };
  if (withdraw) return { ...base, granted: [], action: "withdraw" };
  if (choice !== undefined && choice !== null && !CHOICES.includes(choice as Choice)) {
    return { error: `choice must be one of ${CHOICES.join(", ")}`, status: 400 };
  }
  if (choice === "accept-all") return { ...base, granted: optional, action: "grant" };
  if (choice === "reject-all") return { ...base, granted: [], action: "withdraw" };
  const list = categories ?? [];
  if (!Array.isArray(list) || !list.every((category): category is string => typeof category === "string")) {
    return { error: "granted must be a list of category names", status: 400 };
  }
  const unknown = list.filter((category) => !site.categories.includes(category));
  if (unknown.length > 0) {
    return { error: `unknown categories; this site's are ${site.categories.join(", ")}`, status: 400 };
  }
  const granted = optional.filter((category) => list.includes(category));
  return { ...base, granted, action: granted.length > 0 ? "grant" : "withdraw" };
}

async function applyDecision(context: ApiContext, decision: Decision): Promise<Response> {
  const { site, consent, env, now, request } = context;
  let receiptId: string | undefined;
  const db = env.CONSENT_DB as D1Database | undefined;
  if (site.consent.receipts) {
    const receipt: Receipt = {
      id: newReceiptId(),
      site: site.id,
      createdAt: now,
      policyRevision: site.policyRevision,
      action: decision.action,
      granted: [NECESSARY, ...decision.granted],
      method: decision.method,
      region: describeRegion(consent.region),
      previousId: consent.receiptId ?? null,
    };
    try {
      if (!db) throw new Error("no D1 binding CONSENT_DB");
      await writeReceipt(db, receipt);
      receiptId = receipt.id;
    } catch (error) {
      console.error(`consent-edge: site ${site.id}: receipt not written: ${String(error)}`);
      // No grant without proof. A refusal is applied anyway: refusing never needs proof.
      if (decision.granted.length > 0)
        return json({ error: "consent could not be recorded; nothing changed" }, 503);
    }
  }

  const value = serializeConsentCookie({
    revision: site.policyRevision,
    givenAt: now,
    granted: decision.granted,
    ...(receiptId ? { receiptId } : {}),
  });
  const secure = new URL(request.url).protocol === "https:" ? "; Secure" : "";
  const cookie = `${site.consentCookie.name}=${value}; Path=/; Max-Age=${site.consentCookie.maxAgeSeconds}; SameSite=Lax${secure}`;

  const response =
    decision.method === "form"
      ? new Response(null, { status: 303, headers: { Location: decision.returnTo } })
      : json({ granted: [NECESSARY, ...decision.granted], receiptId: receiptId ?? null });
  response.headers.append("Set-Cookie", cookie);
  response.headers.set("Cache-Control", "no-store");
  return response;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}
