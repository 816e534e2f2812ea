/**
 * The config schema: `consent-edge.config.json` is a list of sites. The TypeScript types of what an
 * operator writes (`ConfigInput`) and of what the worker uses (`ValidConfig`) are inferred from it;
 * scripts/build-schema.ts turns it into consent-edge.schema.json for editors.
 */
import * as v from "valibot";
import { fields } from "./kit";
import { say } from "./problems";
import { site } from "./site";

const NO_SITES = say("the config has no `sites` list", 'write `{ "sites": [ { "id": "...", ... } ] }`');

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
