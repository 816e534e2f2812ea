/**
 * Config validation: the schema (schema.ts) and the cross-field checks (cross-checks.ts) report
 * every problem at once, each with its path, the bad value and the fix; a valid config comes out
 * normalised, every default filled in. Pure: no I/O, no clock. Runs in `npm run check` and once per
 * isolate in the worker.
 */
import * as v from "valibot";
import { crossChecks } from "./cross-checks";
import { inSchemaOrder } from "./order";
import { type ConfigProblem, findingOf, isObject, pathOf } from "./problems";
import { configSchema, type ValidConfig } from "./schema";

export { formatProblems, type ConfigProblem } from "./problems";
export type { ValidConfig } from "./schema";
export type { Origin, ValidSite } from "./site";
export type { CookieRule } from "./cookies";

export type ValidationResult = { ok: true; config: ValidConfig } | { ok: false; problems: ConfigProblem[] };

const NO_SITES: ConfigProblem = {
  path: "sites",
  message: "the config has no `sites` list",
  fix: 'write `{ "sites": [ { "id": "...", ... } ] }`',
};

/** Validates and normalises a config. Reports every problem, never only the first. */
export function validateConfig(input: unknown): ValidationResult {
  if (!isObject(input)) return { ok: false, problems: [NO_SITES] };
  const result = v.safeParse(configSchema, input);
  const findings = [...(result.issues ?? []).map(findingOf), ...crossChecks(input)];
  if (result.success && findings.length === 0) return { ok: true, config: { sites: result.output.sites } };
  return {
    ok: false,
    problems: inSchemaOrder(findings, configSchema).map(({ keys, message, fix }) => ({
      path: pathOf(keys),
      message,
      fix,
    })),
  };
}
