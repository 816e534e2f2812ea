/**
 * What a US privacy signal says (GPP's US sections, the US Privacy string). These signals only
 * ever refuse: a visitor opted out of sale, sharing or targeted advertising, or sent GPC. They say
 * nothing of the categories nobody opted out of, so they decide nothing: a reading is a list of
 * refusals (`refuses`), which `resolveConsent` applies as it applies GPC, over whatever decided
 * (another source, or the region's default: in an opt-out region every other category stays
 * granted; in an opt-in region nothing was granted before the visitor chose, and a later grant of a
 * refused category in consent-edge's banner does not lift the opt-out). Read from every source
 * whatever its place in `sources`: so a string without opt-outs, planted by a sibling subdomain
 * beside none of the visitor's, can never lift an opt-out another source holds.
 */
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

/** A reading that holds only US refusals: no decision, its refusals (see above). */
export function usRefusals(refused: ReadonlySet<string>): SourceResult {
  return { skip: refused.size > 0 ? "opt-outs only" : "no opt-out", refuses: [...refused] };
}
