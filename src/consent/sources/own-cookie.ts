/**
 * Consent from consent-edge's own cookie. See `../consent-cookie.ts` for the format.
 *
 * Several copies. A browser sends every cookie whose domain and path match, so a sibling subdomain
 * (`Set-Cookie: ce_consent=...; Domain=example.com`) or a deeper path can add a copy beside the
 * visitor's own, and the Cookie header does not say which is which (RFC 6265 §5.4: only name and
 * value are sent). consent-edge itself only ever writes one copy (host-only, `Path=/`), so two
 * copies mean someone else wrote one. The rule, so that no copy can widen what any other one grants
 * (any of them may be the visitor's own):
 *
 *   - one copy: it decides, unless it is unparseable, of another policy revision or expired;
 *   - several copies: they grant only what every copy grants (the intersection, of categories and
 *     of services alike). A copy that is not a
 *     current choice (unparseable, another revision, expired) grants nothing: alone it would have
 *     meant "no decision", and the default of an opt-out region grants more than any decision;
 *   - a copy dated beyond a small clock skew into the future grants nothing (it cannot be the
 *     visitor's choice, and it would never expire); it still counts as a refusal, never as a grant;
 *   - the receipt id is kept only when every copy names the same one (else no single receipt
 *     proves the merged choice); the consent API then checks that it exists for this site;
 *   - the merge is a scoped grant (`+marketing`: granted, nothing else decided) only when every copy
 *     is one: a whole choice beside it decides the rest, and refuses what it does not grant.
 *
 * Dates decide nothing among copies: "the newest wins" let a planted copy dated ahead override a
 * newer refusal.
 */
import type { ValidSite } from "../../config/validate";
import { type ConsentChoice, parseConsentCookie } from "../consent-cookie";
import type { ConsentInput } from "../types";
import type { SourceDecision, SourceResult } from "./source";

/**
 * How far ahead of our clock a copy may be dated: the consent API dates the cookie with the edge's
 * clock, the page runtime (a refusal written while the API is unreachable) with the visitor's.
 */
export const MAX_CLOCK_SKEW_SECONDS = 600;

type Copy =
  | { current: true; choice: ConsentChoice }
  | { current: false; reason: "unparseable" | "old-revision" | "expired" | "future-date"; givenAt?: number };

export function readOwnConsentCookie(input: ConsentInput, site: ValidSite): SourceResult {
  const values = input.cookies.filter((cookie) => cookie.name === site.consentCookie.name);
  if (values.length === 0) return { skip: "no-cookie" };
  const copies = values.map(({ value }) => classifyCopy(value, site, input.now));

  if (copies.length === 1) {
    const [copy] = copies as [Copy];
    if (copy.current) return { decision: decisionOf([copy.choice], site, input.now, true) };
    if (copy.reason === "future-date") return { decision: refusalAt(input.now) };
    return { skip: copy.reason };
  }

  const current = copies.filter((copy): copy is Extract<Copy, { current: true }> => copy.current);
  if (current.length === 0) {
    // No copy is a current choice. A future-dated one still refuses; otherwise nothing decided.
    if (copies.some((copy) => !copy.current && copy.reason === "future-date"))
      return { decision: refusalAt(input.now) };
    return { skip: worstReason(copies) };
  }
  const decision = decisionOf(
    current.map((copy) => copy.choice),
    site,
    input.now,
    current.length === copies.length,
  );
  // A copy that is not a current choice, beside one that is: it grants nothing, so neither does the merge.
  if (current.length < copies.length) {
    decision.granted = [];
    delete decision.services;
  }
  return { decision };
}

function classifyCopy(value: string, site: ValidSite, now: number): Copy {
  const parsed = parseConsentCookie(value);
  if (!parsed.ok) return { current: false, reason: "unparseable" };
  const { choice } = parsed;
  if (choice.revision !== site.policyRevision) return { current: false, reason: "old-revision" };
  if (choice.givenAt > now + MAX_CLOCK_SKEW_SECONDS)
    return { current: false, reason: "future-date", givenAt: choice.givenAt };
  // The same test resolveConsent applies to a source's decision (consent.maxAge).
  if (now - choice.givenAt > site.consent.maxAgeSeconds) return { current: false, reason: "expired" };
  return { current: true, choice };
}

/** The intersection of the choices' grants (declared categories only), dated by the oldest. */
function decisionOf(
  choices: ConsentChoice[],
  site: ValidSite,
  now: number,
  allCurrent: boolean,
): SourceDecision {
  const [first, ...rest] = choices as [ConsentChoice, ...ConsentChoice[]];
  const granted = first.granted.filter(
    (category) =>
      site.categories.includes(category) && rest.every((other) => other.granted.includes(category)),
  );
  const services = (first.services ?? []).filter((service) =>
    rest.every((other) => other.services?.includes(service) === true),
  );
  const givenAt = Math.min(...choices.map((choice) => Math.min(choice.givenAt, now)));
  const receipts = new Set(choices.map((choice) => choice.receiptId));
  const [receiptId] = receipts;
  return {
    granted,
    ...(services.length > 0 ? { services } : {}),
    givenAt,
    // Beside a copy that is not a current choice, the merge is a refusal (below), never scoped:
    // a scoped grant of nothing would leave the rest to an opt-out region's default.
    ...(allCurrent && choices.every((choice) => choice.scoped) ? { scoped: true } : {}),
    ...(allCurrent && receipts.size === 1 && receiptId !== undefined ? { receiptId } : {}),
  };
}

function refusalAt(now: number): SourceDecision {
  return { granted: [], givenAt: now };
}

/** Why no copy decided, for the debug headers: the first reason in this order. */
const REASON_ORDER = ["old-revision", "expired", "unparseable"] as const;

function worstReason(copies: Copy[]): string {
  const reasons = new Set(copies.map((copy) => (copy.current ? "" : copy.reason)));
  return REASON_ORDER.find((reason) => reasons.has(reason)) ?? "unparseable";
}
