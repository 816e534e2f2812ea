/** A site's `regions`: which consent model (opt-in, opt-out, notice) applies to visitors from where. */
import * as v from "valibot";
import { fields, textMatching } from "./kit";
import { describeValue, say } from "./problems";
import { REGION_MODELS, type RegionModel } from "./types";

/** EU member states plus Iceland, Liechtenstein and Norway. */
export const EEA = [
  "AT",
  "BE",
  "BG",
  "HR",
  "CY",
  "CZ",
  "DK",
  "EE",
  "FI",
  "FR",
  "GR",
  "DE",
  "HU",
  "IE",
  "IT",
  "LV",
  "LT",
  "LU",
  "MT",
  "NL",
  "PL",
  "PT",
  "RO",
  "SK",
  "SI",
  "ES",
  "SE",
  "IS",
  "LI",
  "NO",
] as const;

const AREA = /^(EEA|[A-Z]{2}(-[A-Z0-9]{1,3})?)$/;

export const regionModel = v.picklist(
  REGION_MODELS,
  say((input) => `${describeValue(input)} is not a region model`, `use one of ${REGION_MODELS.join(", ")}`),
);

function areaList(model: RegionModel) {
  return v.optional(
    v.pipe(
      v.array(
        v.pipe(
          ...textMatching(
            AREA,
            say(
              (input) => `${describeValue(input)} is not a country or US state`,
              'use ISO 3166 codes in capitals: "DE", "GB", "US-CA", or "EEA"',
            ),
          ),
        ),
        say("must be a list of countries", 'write ["EEA", "GB", "CH", "US-CA"]'),
      ),
      v.description(
        `Where the ${model} model applies: countries (ISO 3166-1 alpha-2), "EEA", or US states as "US-CA".`,
      ),
    ),
    [],
  );
}

export const regions = v.optional(
  v.pipe(
    fields(
      {
        default: v.optional(
          v.pipe(
            regionModel,
            v.description(
              'The model for visitors whose country matches no list. Default "opt-in" (the strictest).',
            ),
          ),
          "opt-in",
        ),
        "opt-in": areaList("opt-in"),
        "opt-out": areaList("opt-out"),
        notice: areaList("notice"),
      },
      say("regions must be an object", 'write { "default": "notice", "opt-in": ["EEA", "GB", "CH"] }'),
    ),
    v.description("Which consent model applies where. Default: opt-in everywhere."),
    // A country under two lists is reported by cross-checks.ts; here the later list wins.
    v.transform((lists) => {
      const byArea = Object.create(null) as Record<string, RegionModel>;
      for (const model of REGION_MODELS) {
        for (const area of lists[model]) {
          for (const code of area === "EEA" ? EEA : [area]) byArea[code] = model;
        }
      }
      return { default: lists.default, byArea };
    }),
  ),
  {},
);

export type ValidRegions = v.InferOutput<typeof regions>;
