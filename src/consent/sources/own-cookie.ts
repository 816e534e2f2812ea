/** Consent from consent-edge's own cookie. See `../consent-cookie.ts` for the format. */
import type { ValidSite } from "../../config/validate";
import { parseConsentCookie } from "../consent-cookie";
import type { ConsentInput } from "../types";
import type { SourceResult } from "./source";

/** A choice dated more than a day ahead of our clock is not a choice we can trust. */
const MAX_CLOCK_SKEW_SECONDS = 86_400;

export function readOwnConsentCookie(input: ConsentInput, site: ValidSite): SourceResult {
  const values = input.cookies.filter((cookie) => cookie.name === site.consentCookie.name);
  if (values.length === 0) return { skip: "no-cookie" };

  let skip = "unparseable";
  let best: SourceResult | undefined;
  let bestGivenAt = -1;
  for (const { value } of values) {
    const parsed = parseConsentCookie(value);
    if (!parsed.ok) continue;
    const { choice } = parsed;
    if (choice.revision !== site.policyRevision) {
      skip = "old-revision";
      continue;
    }
    if (choice.givenAt > input.now + MAX_CLOCK_SKEW_SECONDS) {
      skip = "future-date";
      continue;
    }
    // Several copies (host and domain cookie): the most recent choice is the visitor's current one.
    if (choice.givenAt <= bestGivenAt) continue;
    bestGivenAt = choice.givenAt;
    best = {
      decision: {
        granted: choice.granted.filter((category) => site.categories.includes(category)),
        givenAt: choice.givenAt,
        ...(choice.receiptId ? { receiptId: choice.receiptId } : {}),
      },
    };
  }
  return best ?? { skip };
}
