/**
 * Config validation: the schema (schema.ts) and the cross-field checks (cross-checks.ts) report
 * every problem at once, each with its path, the bad value and the fix; a valid config comes out
 * normalised, every default filled in. Pure: no I/O, no clock. Runs in `npm run check` and once per
 * isolate in the worker.
 */
import * as v from "valibot";
import { crossChecks } from "./cross-checks";
import { inSchemaOrder } from "./order";
import { plainDataProblems } from "./plain-data";
import { type ConfigProblem, type Finding, findingOf, isObject, pathOf } from "./problems";
import { configSchema, MISSING_SITES, type ValidConfig } from "./schema";

export { formatProblems, type ConfigProblem } from "./problems";
export type { ValidConfig } from "./schema";
export type { Origin, ValidSite } from "./site";
export type { CookieRule } from "./cookies";

export type ValidationResult = { ok: true; config: ValidConfig } | { ok: false; problems: ConfigProblem[] };

const NO_SITES: ConfigProblem = { path: "sites", ...MISSING_SITES };

/** The findings less any that repeats an earlier one (the schema and a cross-check may both see it). */
function withoutCopies(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = JSON.stringify([finding.keys, finding.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Validates and normalises a config. Reports every problem, never only the first. */
export function validateConfig(input: unknown): ValidationResult {
  if (!isObject(input)) return { ok: false, problems: [NO_SITES] };
  const unfit = plainDataProblems(input);
  if (unfit.length > 0) {
    return {
      ok: false,
      // The root itself (a Date, a Proxy that cannot be read): what is missing is a `sites` list.
      problems: unfit.map(({ keys, message, fix }) => ({ path: pathOf(keys) || "sites", message, fix })),
    };
  }
  const result = v.safeParse(configSchema, input);
  const findings = withoutCopies([...(result.issues ?? []).map(findingOf), ...crossChecks(input)]);
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
