/**
 * consent-edge's own consent cookie.
 *
 *   ce_consent=1.<revision>.<givenAt>.<granted>[.<receiptId>]
 *
 *   1          format version; anything else is "undecided"
 *   revision   the site's policyRevision the choice was made for ([A-Za-z0-9_-]{1,32})
 *   givenAt    when, in Unix seconds
 *   granted    granted categories besides `necessary`, joined by "~"; "-" when none (a refusal);
 *              `+` first (`+marketing`) for a scoped grant: the visitor granted these (an embed's
 *              placeholder button, `consentEdge.grant` from the page) and decided nothing else yet
 *   receiptId  optional id of the consent receipt ([A-Za-z0-9_-]{1,64})
 *
 * A scoped grant is a field value no earlier version wrote: an older edge or runtime reads it as
 * unparseable, "undecided", which grants less than the scoped grant, never more. Every cookie an
 * earlier version wrote reads exactly as before.
 *
 * Only cookie-octet characters (RFC 6265 §4.1.1), so it needs no quoting or percent-encoding.
 * It is not signed: forging it only changes what the forger consents to. Proof of consent is
 * the receipt, kept server-side. A copy written by someone else (a sibling subdomain's `Domain=`
 * cookie) cannot widen the visitor's choice: see the rule for several copies in
 * `sources/own-cookie.ts`. A site can rule such copies out altogether with the name
 * `"__Host-ce_consent"` (RFC 6265bis §4.1.3.2: Secure, `Path=/`, no `Domain`, so only its own host
 * can set it); the consent API then always sends it `Secure`.
 */
import { NECESSARY } from "../config/types";

export const CONSENT_COOKIE_VERSION = "1";

export interface ConsentChoice {
  revision: string;
  givenAt: number;
  /** Without `necessary`. */
  granted: string[];
  /** A scoped grant: `granted` is all the visitor said; every other category is still undecided. */
  scoped?: true;
  receiptId?: string;
}

export type ParsedConsentCookie = { ok: true; choice: ConsentChoice } | { ok: false; reason: "unparseable" };

const REVISION = /^[A-Za-z0-9_-]{1,32}$/;
const GIVEN_AT = /^\d{1,11}$/;
const CATEGORY = /^[a-z][a-z0-9_]{0,31}$/;
const RECEIPT = /^[A-Za-z0-9_-]{1,64}$/;
const NONE = "-";
/** Marks a scoped grant (cookie-octet, RFC 6265 §4.1.1; no category starts with it). */
const SCOPED = "+";
const UNPARSEABLE = { ok: false, reason: "unparseable" } as const;

/** Never throws: anything it cannot read is "unparseable". */
export function parseConsentCookie(value: string): ParsedConsentCookie {
  if (value.length > 1_024) return UNPARSEABLE;
  const parts = value.split(".");
  if (parts.length < 4 || parts.length > 5) return UNPARSEABLE;
  const [version, revision, givenAt, granted, receiptId] = parts as [string, string, string, string, string?];
  if (version !== CONSENT_COOKIE_VERSION || !REVISION.test(revision) || !GIVEN_AT.test(givenAt)) {
    return UNPARSEABLE;
  }
  const scoped = granted.startsWith(SCOPED);
  let categories: string[] = [];
  // A scoped grant always names what it grants: `+-` or `+` alone is no choice anyone made.
  if (scoped || granted !== NONE) {
    categories = (scoped ? granted.slice(SCOPED.length) : granted).split("~");
    if (!categories.every((category) => CATEGORY.test(category))) return UNPARSEABLE;
  }
  if (receiptId !== undefined && !RECEIPT.test(receiptId)) return UNPARSEABLE;
  const choice: ConsentChoice = {
    revision,
    givenAt: Number(givenAt),
    granted: [...new Set(categories.filter((category) => category !== NECESSARY))],
  };
  if (scoped) choice.scoped = true;
  if (receiptId !== undefined) choice.receiptId = receiptId;
  return { ok: true, choice };
}

export function serializeConsentCookie(choice: ConsentChoice): string {
  const granted = choice.granted.filter((category) => category !== NECESSARY);
  const fields = [
    CONSENT_COOKIE_VERSION,
    choice.revision,
    String(Math.floor(choice.givenAt)),
    granted.length > 0 ? `${choice.scoped ? SCOPED : ""}${granted.join("~")}` : NONE,
  ];
  if (choice.receiptId) fields.push(choice.receiptId);
  return fields.join(".");
}
