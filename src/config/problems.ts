/** How validation reports a problem: where, what, and how to fix it. */

export interface ConfigProblem {
  /** Where, as a JSON path: `sites[0].cookies[3].maxAge`. */
  path: string;
  message: string;
  fix: string;
}

export type Report = (path: string, message: string, fix: string) => void;

/** Longest rendering of a value in a message: a pasted blob should not drown the problem list. */
const MAX_SHOWN = 80;

/**
 * A config value as a message shows it: as JSON, cut at MAX_SHOWN characters. A missing value
 * (`JSON.stringify(undefined)` is undefined, which a template would print as "undefined") is
 * "a missing value", so no message ever says `undefined` or `[object Object]`.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "a missing value";
  let text: string;
  try {
    // Config is JSON: no function or symbol, for which JSON.stringify would give undefined.
    text = JSON.stringify(value);
  } catch {
    text = typeof value;
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Keys a path shows bare (`sites[0].cookies`); any other key is quoted: `map["C 2"]`, `[""]`. */
const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** The path of `key` inside the value at `at`, never empty. */
export function fieldPath(at: string, key: string): string {
  if (!PLAIN_KEY.test(key)) return `${at}[${JSON.stringify(key)}]`;
  return at ? `${at}.${key}` : key;
}

export function checkUnknownFields(
  value: Record<string, unknown>,
  known: readonly string[],
  at: string,
  report: Report,
) {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      report(
        fieldPath(at, key),
        `unknown field "${key}"`,
        `remove it or correct the spelling; known fields are ${known.join(", ")}`,
      );
    }
  }
}
