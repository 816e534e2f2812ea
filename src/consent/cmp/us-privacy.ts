/**
 * The IAB US Privacy string (CCPA), retired by the IAB in favour of GPP but still written by sites
 * that never moved, in the `usprivacy` cookie (IAB Tech Lab, "US Privacy String" and "U.S.
 * Privacy User Signal API", github.com/InteractiveAdvertisingBureau/USPrivacy, CCPA/), and as GPP
 * section 6 (`uspv1`), unencoded.
 *
 * Four characters:
 *   1  Specification version: "1"
 *   2  Explicit notice / opportunity to opt out given: Y, N, or "-" (not applicable)
 *   3  Opt-out of sale: Y (the visitor opted out), N (did not), "-" (not applicable)
 *   4  LSPA covered transaction: Y, N, "-"
 * "1---" is the string for a visitor to whom the CCPA does not apply.
 *
 * Letters are read case-insensitively: the specification writes them upper case, and a lower-case
 * "y" read as malformed would leave the visitor undecided, which grants more than their opt-out.
 * Only the opt-out of sale can refuse; it is reported as the `sale` field, as GPP's SaleOptOut.
 */
import { newGroups, readEveryCopy, undecidedFor } from "./read-helpers";
import type { CmpDecoder, CmpReading, CookiePair } from "./types";

export const US_PRIVACY_COOKIE = "usprivacy";

export type UsPrivacyFailure = "malformed" | "unsupported-version";

export interface UsPrivacy {
  version: 1;
  notice: "Y" | "N" | "-";
  optOutSale: "Y" | "N" | "-";
  lspaCovered: "Y" | "N" | "-";
}

export type DecodedUsPrivacy = { ok: true; usPrivacy: UsPrivacy } | { ok: false; reason: UsPrivacyFailure };

const SIGNAL = /^[YN-]$/;

function signalOf(char: string): "Y" | "N" | "-" | null {
  const upper = char.toUpperCase();
  return SIGNAL.test(upper) ? (upper as "Y" | "N" | "-") : null;
}

/** Decodes a US Privacy string. Never throws. */
export function decodeUsPrivacy(value: string): DecodedUsPrivacy {
  if (value.length !== 4) return { ok: false, reason: "malformed" };
  const [version = "", ...rest] = value;
  const [notice, optOutSale, lspaCovered] = rest.map(signalOf);
  if (!notice || !optOutSale || !lspaCovered) return { ok: false, reason: "malformed" };
  if (version !== "1")
    return { ok: false, reason: /^\d$/.test(version) ? "unsupported-version" : "malformed" };
  return { ok: true, usPrivacy: { version: 1, notice, optOutSale, lspaCovered } };
}

/** The default mapping: an opt-out of sale refuses marketing (see gpp.ts on why). */
export const usPrivacyDefaultMapping = { sale: "marketing" } as const;

const undecided = undecidedFor("us-privacy");

/** One copy: `sale` is false when the visitor opted out of sale, else true (nothing refused). */
function readCopy(value: string): CmpReading {
  const decoded = decodeUsPrivacy(value);
  if (!decoded.ok) return undecided(decoded.reason);
  const groups = newGroups();
  groups.sale = decoded.usPrivacy.optOutSale !== "Y";
  return { status: "decided", groups };
}

/**
 * Reads `usprivacy` (or `cookieName`). Every copy is read and combined by `narrowestOf`: an opt-out
 * in any copy that decodes refuses. The reading only ever refuses: the source applies that over
 * whatever decides, and decides nothing itself (us-privacy-source.ts, us-refusals.ts).
 */
export const usPrivacy: CmpDecoder = {
  id: "us-privacy",
  cookies: [US_PRIVACY_COOKIE],
  defaultMapping: usPrivacyDefaultMapping,
  read(cookies: readonly CookiePair[], options?: { cookieName?: string }) {
    return readEveryCopy(cookies, options?.cookieName ?? US_PRIVACY_COOKIE, undecided, readCopy);
  },
};
