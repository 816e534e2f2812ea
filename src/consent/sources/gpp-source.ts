/**
 * GPP strings as a consent source (the decoder: ../cmp/gpp.ts).
 *
 * - A string with a TCF EU v2 section decides as TCF does: its purposes grant categories through
 *   `categoriesFromTcf` and TCF's default mapping (purpose 1 required); its US sections' refusals
 *   apply as above. Dated by the TC string's LastUpdated.
 * - A string with US sections only decides nothing and refuses (us-refusals.ts): its refusals apply
 *   over whatever decides, like GPC, wherever the source stands in `sources`.
 * - Several sections: an opt-out in any section refuses (the narrowest), whichever the CMP
 *   considers in force (`__gpp_sid` is not read). Several copies: see `readGpp`.
 * - A string that does not decode does not decide: the reason is kept for the debug headers.
 */
import type { CmpMapping } from "../cmp/types";
import { GPP_COOKIES, gppDefaultMapping, readGpp } from "../cmp/gpp";
import { categoriesFromTcf, defaultMapping as tcfDefaultMapping } from "../cmp/tcf";
import type { ConsentSource } from "./source";
import { categoriesRefusedBy, usRefusals } from "./us-refusals";

export function gppSource(options: { map?: CmpMapping; cookie?: string }): ConsentSource {
  const mapping: CmpMapping = options.map ?? gppDefaultMapping;
  const names: readonly string[] = options.cookie ? [options.cookie] : GPP_COOKIES;
  return {
    name: "gpp",
    read(input) {
      const reading = readGpp(input.cookies, names);
      if (reading.status === "absent") return { skip: "absent" };
      if (reading.status === "undecided") return { skip: `undecided (${reading.reason})` };
      const refused = categoriesRefusedBy(reading.refused, mapping);
      if (!reading.tcf) return usRefusals(refused);
      const categories = categoriesFromTcf(reading.tcf.groups, tcfDefaultMapping);
      return {
        decision: {
          granted: Object.entries(categories)
            .filter(([category, yes]) => yes && !refused.has(category))
            .map(([category]) => category),
          givenAt: reading.tcf.givenAt,
        },
        refuses: [...refused],
      };
    },
  };
}
