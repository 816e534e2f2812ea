/**
 * Resolve a request's consent: ask each source in order; the first that decides wins.
 * Undecided means only `necessary` is granted: the default is to refuse, never to allow.
 */
import { NECESSARY } from "../config/types";
import type { ValidSite } from "../config/validate";
import { readOwnConsentCookie } from "./sources/own-cookie";
import type { ConsentSource } from "./sources/source";
import type { ConsentInput, ConsentState } from "./types";

export const DEFAULT_SOURCES: readonly ConsentSource[] = [
  { name: "consent-cookie", read: readOwnConsentCookie },
];

export function resolveConsent(
  input: ConsentInput,
  site: ValidSite,
  sources: readonly ConsentSource[] = DEFAULT_SOURCES,
): ConsentState {
  const skipped: string[] = [];
  for (const source of sources) {
    let result: ReturnType<ConsentSource["read"]>;
    try {
      result = source.read(input, site);
    } catch {
      // A source must never throw; if one does, it did not decide. Fail closed.
      result = { skip: "error" };
    }
    if ("skip" in result) {
      skipped.push(`${source.name}:${result.skip}`);
      continue;
    }
    const { decision } = result;
    return {
      granted: new Set([NECESSARY, ...decision.granted]),
      decided: true,
      source: source.name,
      reason: "valid",
      ...(decision.givenAt !== undefined ? { givenAt: decision.givenAt } : {}),
      ...(decision.receiptId !== undefined ? { receiptId: decision.receiptId } : {}),
    };
  }
  return {
    granted: new Set([NECESSARY]),
    decided: false,
    source: "default",
    reason: skipped.join(" ") || "no-source",
  };
}
