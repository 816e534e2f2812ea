/** Consent receipts in D1: the only module that writes or reads them. */

export interface Receipt {
  id: string;
  site: string;
  createdAt: number;
  policyRevision: string;
  action: "grant" | "withdraw";
  granted: string[];
  /**
   * Services granted on their own, besides their category. Always a list when read (empty for none,
   * as in every receipt written before services existed); absent when written means none.
   */
  services?: string[];
  /**
   * How it was given: `form` (the banner without JavaScript), `json` (the banner's script, or a whole
   * choice through the API: `consentEdge.set`), `placeholder` (an embed's button) or `page`
   * (`consentEdge.grant` in the page). The last two are scoped grants: yes to the categories they
   * added (those not in the `previousId` receipt), nothing said about the rest.
   */
  method: "form" | "json" | "placeholder" | "page";
  region: string;
  previousId: string | null;
}

/** 128 random bits, base64url: unguessable, and a valid consent-cookie receipt field. */
export function newReceiptId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export async function writeReceipt(db: D1Database, receipt: Receipt): Promise<void> {
  await db
    .prepare(
      "INSERT INTO consent_receipts (id, site, created_at, policy_revision, action, granted, services, method, region, previous_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(
      receipt.id,
      receipt.site,
      receipt.createdAt,
      receipt.policyRevision,
      receipt.action,
      receipt.granted.join(" "),
      // NULL for none, as a row written before the column existed (migrations/0002_receipt_services.sql).
      receipt.services?.length ? receipt.services.join(" ") : null,
      receipt.method,
      receipt.region,
      receipt.previousId,
    )
    .run();
}

interface ReceiptRow {
  id: string;
  site: string;
  created_at: number;
  policy_revision: string;
  action: "grant" | "withdraw";
  granted: string;
  /** NULL in rows written before migrations/0002 and for a decision that granted no service. */
  services: string | null;
  method: Receipt["method"];
  region: string;
  previous_id: string | null;
}

export async function readReceipt(db: D1Database, site: string, id: string): Promise<Receipt | undefined> {
  const row = await db
    .prepare("SELECT * FROM consent_receipts WHERE id = ? AND site = ?")
    .bind(id, site)
    .first<ReceiptRow>();
  return row ? fromReceiptRow(row) : undefined;
}

function fromReceiptRow(row: ReceiptRow): Receipt {
  return {
    id: row.id,
    site: row.site,
    createdAt: row.created_at,
    policyRevision: row.policy_revision,
    action: row.action,
    granted: namesOf(row.granted),
    services: namesOf(row.services),
    method: row.method,
    region: row.region,
    previousId: row.previous_id,
  };
}

/** A space-separated column's names; none for NULL or empty. */
function namesOf(column: string | null | undefined): string[] {
  return (column ?? "").split(" ").filter((name) => name !== "");
}

/** Where a page of receipts ends: the next page starts after this receipt (keyset paging). */
export interface ReceiptCursor {
  createdAt: number;
  id: string;
}

/** The most receipts one page holds: a page is read into memory, so a huge range is many pages. */
export const MAX_RECEIPT_PAGE = 1_000;

/**
 * A site's receipts with `from <= created_at < to` (Unix seconds), oldest first, after `cursor`,
 * at most `limit` (capped at MAX_RECEIPT_PAGE). Uses the (site, created_at) index.
 */
export async function listReceipts(
  db: D1Database,
  site: string,
  range: { from: number; to: number },
  cursor: ReceiptCursor | undefined,
  limit: number,
): Promise<Receipt[]> {
  const after = cursor ?? { createdAt: range.from, id: "" };
  const { results } = await db
    .prepare(
      `SELECT * FROM consent_receipts
       WHERE site = ? AND created_at >= ? AND created_at < ? AND (created_at > ? OR (created_at = ? AND id > ?))
       ORDER BY created_at, id LIMIT ?`,
    )
    .bind(
      site,
      range.from,
      range.to,
      after.createdAt,
      after.createdAt,
      after.id,
      Math.min(limit, MAX_RECEIPT_PAGE),
    )
    .all<ReceiptRow>();
  return results.map(fromReceiptRow);
}

/** Rows one purge statement deletes: D1 limits a statement's time, so a large purge is many. */
export const PURGE_BATCH = 5_000;

/**
 * Deletes a site's receipts created before `before` (Unix seconds), at most `batches` ×
 * PURGE_BATCH of them; `more` says whether older ones remain (purge again).
 */
export async function purgeReceipts(
  db: D1Database,
  site: string,
  before: number,
  batches = 4,
): Promise<{ deleted: number; more: boolean }> {
  let deleted = 0;
  for (let i = 0; i < batches; i++) {
    const result = await db
      .prepare(
        "DELETE FROM consent_receipts WHERE rowid IN (SELECT rowid FROM consent_receipts WHERE site = ? AND created_at < ? LIMIT ?)",
      )
      .bind(site, before, PURGE_BATCH)
      .run();
    const changes = result.meta.changes;
    deleted += changes;
    if (changes < PURGE_BATCH) return { deleted, more: false };
  }
  return { deleted, more: true };
}
