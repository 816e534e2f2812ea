/** How validation reports a problem: where, what, and how to fix it. */

export interface ConfigProblem {
  /** Where, as a JSON path: `sites[0].cookies[3].maxAge`. */
  path: string;
  message: string;
  fix: string;
}

export type Report = (path: string, message: string, fix: string) => void;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
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
        at ? `${at}.${key}` : key,
        `unknown field "${key}"`,
        `remove it or correct the spelling; known fields are ${known.join(", ")}`,
      );
    }
  }
}
