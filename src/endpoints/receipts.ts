/** Consent receipts in D1: the only module that writes or reads them. */

export interface Receipt {
  id: string;
  site: string;
  createdAt: number;
  policyRevision: string;
  action: "grant" | "withdraw";
  granted: string[];
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
      "INSERT INTO consent_receipts (id, site, created_at, policy_revision, action, granted, method, region, previous_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(
      receipt.id,
      receipt.site,
      receipt.createdAt,
      receipt.policyRevision,
      receipt.action,
      receipt.granted.join(" "),
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
  method: Receipt["method"];
  region: string;
  previous_id: string | null;
}

export async function readReceipt(db: D1Database, site: string, id: string): Promise<Receipt | undefined> {
  const row = await db
    .prepare("SELECT * FROM consent_receipts WHERE id = ? AND site = ?")
    .bind(id, site)
    .first<ReceiptRow>();
  if (!row) return undefined;
  return {
    id: row.id,
    site: row.site,
    createdAt: row.created_at,
    policyRevision: row.policy_revision,
    action: row.action,
    granted: row.granted.split(" ").filter((category) => category !== ""),
    method: row.method,
    region: row.region,
    previousId: row.previous_id,
  };
}
