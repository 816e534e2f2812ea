/**
 * The legacy US Privacy string (`usprivacy`, ../cmp/us-privacy.ts) as a consent source. It only
 * refuses, as GPP's US sections do (us-refusals.ts): an opt-out of sale refuses the category `sale`
 * maps to (marketing by default), over whatever decides, like GPC; it decides nothing itself.
 */
import type { CmpMapping } from "../cmp/types";
import { usPrivacy, usPrivacyDefaultMapping } from "../cmp/us-privacy";
import type { ConsentSource } from "./source";
import { categoriesRefusedBy, usRefusals } from "./us-refusals";

export function usPrivacySource(options: { map?: CmpMapping; cookie?: string }): ConsentSource {
  const mapping: CmpMapping = options.map ?? usPrivacyDefaultMapping;
  const readOptions = options.cookie ? { cookieName: options.cookie } : undefined;
  return {
    name: "us-privacy",
    read(input) {
      const reading = usPrivacy.read(input.cookies, readOptions);
      if (reading.status === "absent") return { skip: "absent" };
      if (reading.status === "undecided") return { skip: `undecided (${reading.reason})` };
      const refusedFields = Object.keys(reading.groups).filter((field) => reading.groups[field] === false);
      return usRefusals(categoriesRefusedBy(refusedFields, mapping));
    },
  };
}
