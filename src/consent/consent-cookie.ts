/**
 * consent-edge's own consent cookie, in two versions:
 *
 *   ce_consent=1.<revision>.<givenAt>.<granted>[.<receiptId>]
 *   ce_consent=2.<revision>.<givenAt>.<granted>.<services>[.<receiptId>]
 *
 *   1, 2       format version; anything else is "undecided"
 *   revision   the site's policyRevision the choice was made for ([A-Za-z0-9_-]{1,32})
 *   givenAt    when, in Unix seconds
 *   granted    granted categories besides `necessary`, joined by "~"; "-" when none (a refusal);
 *              `+` first (`+marketing`) for a scoped grant: the visitor granted these (an embed's
 *              placeholder button, `consentEdge.grant` from the page) and decided nothing else yet
 *   services   (version 2) services granted on their own, besides their category (config/service.ts
 *              ids joined by "~"; "-" when none). A scoped grant's `+` then covers them too, and may
 *              name only services: `+-` with services `youtube` is "Always allow YouTube", nothing else
 *   receiptId  optional id of the consent receipt ([A-Za-z0-9_-]{1,64})
 *
 * Version 2 is written only for a choice that grants a service: every other choice is written as
 * version 1, which every earlier edge and runtime reads. Version 1 cookies read as before. A
 * rollback to a release before version 2 reads a version 2 cookie as "undecided": the region's
 * default, which in an opt-in region grants less than the choice, but in an opt-out or notice
 * region grants every category, the ones that visitor refused included. So roll back only with
 * the banner asking again (a new policyRevision), as README "Consent per service" says.
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
/** The version that carries services. */
export const CONSENT_COOKIE_VERSION_SERVICES = "2";

export interface ConsentChoice {
  revision: string;
  givenAt: number;
  /** Without `necessary`. */
  granted: string[];
  /** Services granted on their own; absent when none. */
  services?: string[];
  /** A scoped grant: `granted` (and `services`) is all the visitor said; every other category is still undecided. */
  scoped?: true;
  receiptId?: string;
}

export type ParsedConsentCookie = { ok: true; choice: ConsentChoice } | { ok: false; reason: "unparseable" };

const REVISION = /^[A-Za-z0-9_-]{1,32}$/;
const GIVEN_AT = /^\d{1,11}$/;
const CATEGORY = /^[a-z][a-z0-9_]{0,31}$/;
const SERVICE = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const RECEIPT = /^[A-Za-z0-9_-]{1,64}$/;
const NONE = "-";
/** Marks a scoped grant (cookie-octet, RFC 6265 §4.1.1; no category starts with it). */
const SCOPED = "+";
const UNPARSEABLE = { ok: false, reason: "unparseable" } as const;

/** Never throws: anything it cannot read is "unparseable". */
export function parseConsentCookie(value: string): ParsedConsentCookie {
  if (value.length > 1_024) return UNPARSEABLE;
  const parts = value.split(".");
  const [version] = parts;
  const withServices = version === CONSENT_COOKIE_VERSION_SERVICES;
  if (!withServices && version !== CONSENT_COOKIE_VERSION) return UNPARSEABLE;
  const fixed = withServices ? 5 : 4;
  if (parts.length < fixed || parts.length > fixed + 1) return UNPARSEABLE;
  const [, revision, givenAt, granted] = parts as [string, string, string, string];
  const serviceField = withServices ? parts[4] : NONE;
  const receiptId = parts[fixed];
  if (!REVISION.test(revision) || !GIVEN_AT.test(givenAt) || serviceField === undefined) return UNPARSEABLE;
  const scoped = granted.startsWith(SCOPED);
  const categoryField = scoped ? granted.slice(SCOPED.length) : granted;
  const categories = listOf(categoryField, CATEGORY);
  const services = listOf(serviceField, SERVICE);
  if (categories === undefined || services === undefined) return UNPARSEABLE;
  // A scoped grant always names what it grants: `+-` alone is no choice anyone made.
  if (scoped && categories.length === 0 && services.length === 0) return UNPARSEABLE;
  // Version 2 is written only when a service is granted: one without is not ours.
  if (withServices && services.length === 0) return UNPARSEABLE;
  if (receiptId !== undefined && !RECEIPT.test(receiptId)) return UNPARSEABLE;
  const choice: ConsentChoice = {
    revision,
    givenAt: Number(givenAt),
    granted: [...new Set(categories.filter((category) => category !== NECESSARY))],
  };
  if (services.length > 0) choice.services = [...new Set(services)];
  if (scoped) choice.scoped = true;
  if (receiptId !== undefined) choice.receiptId = receiptId;
  return { ok: true, choice };
}

/** A "~"-joined field's names ("-" for none); undefined when one is not a name. */
function listOf(field: string, name: RegExp): string[] | undefined {
  if (field === NONE) return [];
  const names = field.split("~");
  return names.every((entry) => name.test(entry)) ? names : undefined;
}

export function serializeConsentCookie(choice: ConsentChoice): string {
  const granted = choice.granted.filter((category) => category !== NECESSARY);
  const services = choice.services ?? [];
  const scope = choice.scoped && granted.length + services.length > 0 ? SCOPED : "";
  const fields = [
    services.length > 0 ? CONSENT_COOKIE_VERSION_SERVICES : CONSENT_COOKIE_VERSION,
    choice.revision,
    String(Math.floor(choice.givenAt)),
    `${scope}${granted.length > 0 ? granted.join("~") : NONE}`,
  ];
  if (services.length > 0) fields.push(services.join("~"));
  if (choice.receiptId) fields.push(choice.receiptId);
  return fields.join(".");
}
