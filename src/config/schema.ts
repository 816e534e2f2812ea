/**
 * The config schema: `consent-edge.config.json` is a list of sites. The TypeScript types of what an
 * operator writes (`ConfigInput`) and of what the worker uses (`ValidConfig`) are inferred from it;
 * scripts/build-schema.ts turns it into consent-edge.schema.json for editors.
 */
import * as v from "valibot";
import { fields } from "./kit";
import { say } from "./problems";
import { site } from "./site";

/** What a config without a `sites` list is told: by the schema, and by validateConfig for a non-object. */
export const MISSING_SITES = {
  message: "the config has no `sites` list",
  fix: 'write `{ "sites": [ { "id": "...", ... } ] }`',
} as const;

const NO_SITES = say(MISSING_SITES.message, MISSING_SITES.fix);

export const configSchema = fields(
  {
    $schema: v.optional(
      v.pipe(
        v.string(
          say("$schema must be the path or URL of the JSON Schema", 'write "./consent-edge.schema.json"'),
        ),
        v.description("The JSON Schema editors check this file against: ./consent-edge.schema.json."),
      ),
    ),
    sites: v.pipe(
      v.array(site, NO_SITES),
      v.nonEmpty(say("no site is configured, so every request would be refused", "add at least one site")),
      v.description(
        "The sites this worker serves; a request goes to the most specific host and path prefix.",
      ),
    ),
  },
  NO_SITES,
);

export type ConfigInput = v.InferInput<typeof configSchema>;
export type ValidConfig = { sites: v.InferOutput<typeof configSchema>["sites"] };
