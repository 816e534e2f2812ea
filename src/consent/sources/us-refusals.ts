/**
 * What a US privacy signal decides (GPP's US sections, the US Privacy string). These signals only
 * ever refuse: a visitor opted out of sale, sharing or targeted advertising, or sent GPC. They say
 * nothing of the categories nobody opted out of, which US law leaves allowed until an opt-out:
 *   - in an opt-out or notice region, a reading is a decision: every category of the site is
 *     granted except those its refusals map to;
 *   - in an opt-in region it does not decide (an opt-out is not a consent), so the next source, or
 *     consent-edge's banner, still asks.
 * The region is the visitor's, by `regionOf`, as `resolveConsent` finds it.
 */
import { NECESSARY } from "../../config/types";
import type { ValidSite } from "../../config/validate";
import { regionOf } from "../region";
import type { ConsentInput } from "../types";
import type { SourceResult } from "./source";

/** The categories that refused fields map to (a field the mapping does not name refuses nothing). */
export function categoriesRefusedBy(
  fields: readonly string[],
  mapping: Readonly<Record<string, string>>,
): Set<string> {
  const refused = new Set<string>();
  for (const field of fields) {
    const category = Object.hasOwn(mapping, field) ? mapping[field] : undefined;
    if (category !== undefined) refused.add(category);
  }
  return refused;
}

/** The decision of a reading that holds only US refusals (see above). */
export function decideFromUsRefusals(
  refused: ReadonlySet<string>,
  input: ConsentInput,
  site: ValidSite,
): SourceResult {
  const region = regionOf(site.regions, input.country, input.regionCode);
  if (region.model === "opt-in") return { skip: "us-only-in-opt-in-region" };
  return {
    decision: {
      granted: site.categories.filter((category) => category !== NECESSARY && !refused.has(category)),
    },
  };
}
