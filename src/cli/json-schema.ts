/**
 * consent-edge.schema.json from the config schema (src/config/schema.ts), so editors complete and
 * check a config as it is typed. Only the shape converts: the checks that relate two fields (a
 * rule's category exists, a country is under one model) are `npm run check`'s, not the editor's.
 * Used by scripts/build-schema.ts and the tests; never by the worker (the converter stays out of
 * its bundle).
 */
import { type ConversionConfig, type JsonSchema, toJsonSchema } from "@valibot/to-json-schema";
import { configSchema } from "../config/schema";

/** The actions JSON Schema cannot express; the validator still runs them. */
const CHECKS_ONLY = new Set(["check", "raw_check", "partial_check", "forward"]);

const CONVERSION: ConversionConfig = {
  // What an operator writes: before the transforms (durations as written, not seconds).
  typeMode: "input",
  overrideAction: ({ valibotAction, jsonSchema }) =>
    CHECKS_ONLY.has(valibotAction.type) ? jsonSchema : undefined,
};

export function buildJsonSchema(): JsonSchema {
  const { $schema, ...schema } = toJsonSchema(configSchema, CONVERSION);
  return {
    $schema,
    title: "consent-edge config",
    description:
      "consent-edge.config.json: the sites consent-edge serves, their cookie rules, trackers, consent sources, regions and banner.",
    ...schema,
  };
}
