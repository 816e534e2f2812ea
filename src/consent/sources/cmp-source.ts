/**
 * A CMP decoder as a consent source: the CMP's own groups mapped to the site's categories.
 * A category is granted when every group that maps to it and that the CMP recorded is granted,
 * and at least one such group is there: one refused group refuses the whole category.
 */
import type { CmpDecoder, CmpMapping, CmpReading } from "../cmp/types";
import type { ConsentSource, SourceDecision } from "./source";

export type CategoriesFromGroups = (
  groups: Record<string, boolean>,
  mapping: CmpMapping,
) => Record<string, boolean>;

export function categoriesFromGroups(
  groups: Record<string, boolean>,
  mapping: CmpMapping,
): Record<string, boolean> {
  const result: Record<string, boolean> = Object.create(null) as Record<string, boolean>;
  for (const [group, consented] of Object.entries(groups)) {
    const category = Object.hasOwn(mapping, group) ? mapping[group] : undefined;
    if (category === undefined) continue;
    result[category] = (result[category] ?? true) && consented;
  }
  return result;
}

export function cmpSource(
  decoder: CmpDecoder,
  options: { map?: CmpMapping; cookie?: string },
  combine: CategoriesFromGroups = categoriesFromGroups,
): ConsentSource {
  const mapping = options.map ?? decoder.defaultMapping;
  const readOptions = options.cookie ? { cookieName: options.cookie } : undefined;
  return {
    name: decoder.id,
    read(input) {
      const reading: CmpReading = decoder.read(input.cookies, readOptions);
      if (reading.status === "absent") return { skip: "absent" };
      if (reading.status === "undecided") return { skip: `undecided (${reading.reason})` };
      const categories = combine(reading.groups, mapping);
      const decision: SourceDecision = {
        granted: Object.entries(categories)
          .filter(([, yes]) => yes)
          .map(([category]) => category),
      };
      if (reading.givenAt !== undefined) decision.givenAt = reading.givenAt;
      return { decision };
    },
  };
}
