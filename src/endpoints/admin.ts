/**
 * The operator's endpoints, under `/.consent-edge/admin/`: answered only to a request that presents
 * the site's debug secret (`X-Consent-Debug`), 404 to anyone else (nothing says they exist). The
 * CLI (`consent-edge inventory`, `suggest`, `receipts`) is their client.
 *
 *   GET  admin/inventory                 the site's InventoryDocument (src/inventory/types.ts)
 *   GET  admin/receipts?from=&to=[&after=&limit=]
 *                                        receipts created in [from, to) (Unix seconds or ISO dates),
 *                                        oldest first, a page of at most 1,000 with `next`, the
 *                                        cursor of the next page, or null: a range of any size is
 *                                        read a page at a time, never at once
 *   GET  admin/receipts/<id>             one receipt
 *   POST admin/receipts/purge            `{"olderThan": seconds}` (optional): delete older receipts
 *
 * Retention: a receipt is the proof of a consent, so it must outlive the consent (the site's
 * `consent.maxAge`) and then the time in which a complaint or claim about it can still be brought.
 * The default keeps receipts for the consent lifetime plus three years (three years is, for
 * example, the general limitation period for civil claims in Germany, BGB §195; check yours). A
 * purge shorter than the consent lifetime is refused: it would destroy the proof of consents still
 * in force.
 *
 * The purge changes data, so it must not be reachable from a browser form (a secret in a header
 * cannot be sent by one, but a header is all that protects it): only `Content-Type:
 * application/json`, which a form cannot send without a CORS preflight. D1 failing, or a binding
 * missing, is a 503 with a log event, never a 500.
 */
import type { Site } from "../config/compile";
import { readInventory } from "../inventory/store";
import type { InventoryDocument } from "../inventory/types";
import { describeError, logEvent, type LogEventName, rayOf } from "../log";
import { parseInstant } from "../config/instant";
import { MIN_ADMIN_SECRET_LENGTH } from "../debug/guess-limit";
import { secretBinding } from "../env";
import type { ApiContext } from "./consent-api";
import { listReceipts, MAX_RECEIPT_PAGE, purgeReceipts, readReceipt, type ReceiptCursor } from "./receipts";

/** Three years after the consent lifetime (see above). */
export const COMPLAINT_PERIOD_SECONDS = 3 * 365 * 86_400;

/** How long a site's receipts are kept unless the operator says otherwise: its consent lifetime + 3 years. */
export function defaultRetentionSeconds(site: Site): number {
  return site.consent.maxAgeSeconds + COMPLAINT_PERIOD_SECONDS;
}

const NOT_FOUND = () => new Response("Not Found\n", { status: 404 });
const MAX_PURGE_BODY = 1_024;

/** Sites whose weak secret was logged in this isolate (once each is enough). */
const weakLogged = new Set<string>();

export function handleAdmin(context: ApiContext, path: string): Promise<Response> | Response {
  if (!context.debug || path === "") return NOT_FOUND();
  // The secret opens every receipt and their purge: a short one could be guessed, so it opens
  // nothing here (the debug headers still answer it).
  const { site, env, request } = context;
  const secret = site.debugSecret ? secretBinding(env, site.debugSecret) : undefined;
  if ((secret?.length ?? 0) < MIN_ADMIN_SECRET_LENGTH) {
    if (!weakLogged.has(site.id)) {
      weakLogged.add(site.id);
      logEvent("warn", {
        event: "debug-secret-weak",
        site: site.id,
        reason: `the secret ${site.debugSecret ?? ""} names is shorter than ${MIN_ADMIN_SECRET_LENGTH} characters: the operator's endpoints stay closed (make one with openssl rand -hex 32)`,
        ray: rayOf(request),
      });
    }
    return NOT_FOUND();
  }
  const method = context.request.method;
  if (path === "inventory" && method === "GET") return inventory(context);
  if (path === "receipts" && method === "GET") return receiptRange(context);
  if (path === "receipts/purge")
    return method === "POST" ? purge(context) : json({ error: "use POST" }, 405, { Allow: "POST" });
  if (path.startsWith("receipts/") && method === "GET")
    return receipt(context, path.slice("receipts/".length));
  return json(
    { error: "not found", endpoints: ["inventory", "receipts", "receipts/<id>", "receipts/purge"] },
    404,
  );
}

async function inventory({ site, env, now, request, waitUntil, inventory }: ApiContext): Promise<Response> {
  try {
    const db = env.INVENTORY_DB;
    if (!db) throw new Error("no D1 binding INVENTORY_DB");
    // This isolate's counts first: the operator who just browsed the site sees it (other isolates'
    // arrive with their own next flush, within FLUSH_INTERVAL_SECONDS).
    await inventory.flush({ env, waitUntil, now });
    const doc: InventoryDocument = {
      site: site.id,
      generatedAt: now,
      mode: site.mode,
      entries: await readInventory(db, site.id),
    };
    return json(doc);
  } catch (error) {
    return unavailable("inventory-read-failed", site, request, describeError(error));
  }
}

/** `<createdAt>.<id>`: where the previous page ended. */
function parseCursor(value: string | null): ReceiptCursor | undefined | "bad" {
  if (value === null || value === "") return undefined;
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{1,64})$/.exec(value);
  return match ? { createdAt: Number(match[1]), id: match[2] ?? "" } : "bad";
}

async function receiptRange({ site, env, request, now }: ApiContext): Promise<Response> {
  if (!site.consent.receipts) return json({ error: "this site keeps no receipts" }, 404);
  const url = new URL(request.url);
  const from = parseInstant(url.searchParams.get("from")) ?? 0;
  const to = parseInstant(url.searchParams.get("to")) ?? now + 1;
  const cursor = parseCursor(url.searchParams.get("after"));
  const limitText = url.searchParams.get("limit");
  const limit = limitText === null ? MAX_RECEIPT_PAGE : Number(limitText);
  if (url.searchParams.has("from") && parseInstant(url.searchParams.get("from")) === undefined) {
    return json({ error: "from must be Unix seconds or a date (2026-12-01)" }, 400);
  }
  if (url.searchParams.has("to") && parseInstant(url.searchParams.get("to")) === undefined) {
    return json({ error: "to must be Unix seconds or a date (2026-12-01)" }, 400);
  }
  if (cursor === "bad") return json({ error: "after must be the `next` of the previous page" }, 400);
  if (!Number.isInteger(limit) || limit < 1)
    return json({ error: `limit must be 1 to ${MAX_RECEIPT_PAGE}` }, 400);
  const pageSize = Math.min(limit, MAX_RECEIPT_PAGE);
  try {
    const db = env.CONSENT_DB;
    if (!db) throw new Error("no D1 binding CONSENT_DB");
    const receipts = await listReceipts(db, site.id, { from, to }, cursor, pageSize);
    const last = receipts[receipts.length - 1];
    const next = receipts.length === pageSize && last ? `${last.createdAt}.${last.id}` : null;
    return json({ site: site.id, from, to, receipts, next });
  } catch (error) {
    return unavailable("receipt-failed", site, request, `admin range: ${describeError(error)}`);
  }
}

async function receipt({ site, env, request }: ApiContext, id: string): Promise<Response> {
  if (!site.consent.receipts) return json({ error: "this site keeps no receipts" }, 404);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return json({ error: "not a receipt id" }, 400);
  try {
    const db = env.CONSENT_DB;
    if (!db) throw new Error("no D1 binding CONSENT_DB");
    const found = await readReceipt(db, site.id, id);
    return found ? json(found) : json({ error: "no such receipt" }, 404);
  } catch (error) {
    return unavailable("receipt-failed", site, request, `admin lookup: ${describeError(error)}`);
  }
}

async function purge({ site, env, request, now }: ApiContext): Promise<Response> {
  if (!site.consent.receipts) return json({ error: "this site keeps no receipts" }, 404);
  const type = (request.headers.get("Content-Type") ?? "").toLowerCase();
  if (!type.startsWith("application/json")) {
    return json({ error: 'send Content-Type: application/json and {"olderThan": seconds}' }, 415);
  }
  const text = await request.text().catch(() => undefined);
  if (text === undefined || text.length > MAX_PURGE_BODY)
    return json({ error: "unreadable or too large body" }, 400);
  let olderThan: unknown;
  try {
    const body: unknown = text.trim() === "" ? {} : JSON.parse(text);
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error("not an object");
    olderThan = (body as { olderThan?: unknown }).olderThan;
  } catch {
    return json({ error: 'send {"olderThan": seconds}' }, 400);
  }
  const retention = olderThan === undefined ? defaultRetentionSeconds(site) : olderThan;
  if (typeof retention !== "number" || !Number.isInteger(retention) || retention < 0) {
    return json({ error: "olderThan must be a whole number of seconds" }, 400);
  }
  const lifetime = site.consent.maxAgeSeconds;
  if (retention < lifetime) {
    return json(
      {
        error: `olderThan ${retention} s is shorter than this site's consent lifetime (consent.maxAge, ${lifetime} s): it would delete the proof of consents still in force`,
        minimum: lifetime,
        default: defaultRetentionSeconds(site),
      },
      400,
    );
  }
  const before = now - retention;
  try {
    const db = env.CONSENT_DB;
    if (!db) throw new Error("no D1 binding CONSENT_DB");
    const { deleted, more } = await purgeReceipts(db, site.id, before);
    return json({ site: site.id, olderThan: retention, before, deleted, more });
  } catch (error) {
    return unavailable("receipt-failed", site, request, `admin purge: ${describeError(error)}`);
  }
}

function unavailable(event: LogEventName, site: Site, request: Request, reason: string): Response {
  logEvent("error", { event, site: site.id, reason, ray: rayOf(request) });
  return json({ error: "unavailable; try again later" }, 503, { "Retry-After": "30" });
}

function json(body: unknown, status = 200, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...extra },
  });
}
