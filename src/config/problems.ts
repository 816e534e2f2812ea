/**
 * Problems in a config: where (a JSON path such as `sites[0].cookies[3].maxAge`), what, and how to
 * fix it. The schema's issues and the cross-field checks both end up here, in one list, in the
 * order an operator reads the config: field by field as the schema declares them, unknown fields
 * first, list entries by position.
 */
import type * as v from "valibot";

export interface ConfigProblem {
  /** Where, as a JSON path: `sites[0].cookies[3].maxAge`; for a syntax error `file:line:column`. */
  path: string;
  message: string;
  fix: string;
}

/** A path as keys and list positions: `["sites", 0, "cookies", 3, "maxAge"]`. */
export type Keys = ReadonlyArray<string | number>;

/** A problem before its path is written out, so that the list can be sorted by the schema's order. */
export interface Finding {
  keys: Keys;
  message: string;
  fix: string;
}

/**
 * Between a problem's message and its fix inside one valibot message string (valibot carries one
 * string per issue); `say` joins them, `findingOf` splits them again. A control character no
 * config text would put in a message.
 */
const FIX_SEPARATOR = "\u001f";

type Words = string | ((input: unknown) => string);

/** A message and its fix as one valibot message string. */
export function joinProblem(message: string, fix: string): string {
  return `${message}${FIX_SEPARATOR}${fix}`;
}

/** A valibot message that also carries the fix; either may quote the bad value. */
export function say(message: Words, fix: Words): (issue: v.BaseIssue<unknown>) => string {
  const spell = (words: Words, input: unknown) => (typeof words === "function" ? words(input) : words);
  return (issue) => joinProblem(spell(message, issue.input), spell(fix, issue.input));
}

/** A valibot issue as a finding. Every schema here has its own message; the fallback is for safety. */
export function findingOf(issue: v.BaseIssue<unknown>): Finding {
  const keys = (issue.path ?? []).flatMap((item) =>
    typeof item.key === "string" || typeof item.key === "number" ? [item.key] : [],
  );
  const [message = "", fix] = issue.message.split(FIX_SEPARATOR);
  if (fix === undefined) {
    return {
      keys,
      message: `${describeValue(issue.input)} is not allowed here`,
      fix: "see consent-edge.schema.json",
    };
  }
  return { keys, message, fix };
}

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
    // From code a value may be a function or a symbol, for which JSON.stringify gives undefined
    // (its type says string).
    const json: unknown = JSON.stringify(value);
    text = typeof json === "string" ? json : `a ${typeof value}`;
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

/** `["sites", 0, "cookies"]` -> `sites[0].cookies`. */
export function pathOf(keys: Keys): string {
  return keys.reduce<string>(
    (at, key) => (typeof key === "number" ? `${at}[${key}]` : fieldPath(at, key)),
    "",
  );
}

/**
 * How far two spellings are apart, case-insensitive: edits, with a swap of two neighbours as one
 * (optimal string alignment). "categry" is 1 from "category", "titel" 1 from "title", "maxage" 0
 * from "maxAge".
 */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const rows: number[][] = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? 0;
  for (let i = 1; i <= x.length; i++) {
    const row = rows[i] ?? [];
    for (let j = 1; j <= y.length; j++) {
      const same = x[i - 1] === y[j - 1];
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (same ? 0 : 1));
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return at(x.length, y.length);
}

/** The known word `word` is most likely a misspelling of, if any is close enough to be a typo. */
export function closestWord(word: string, known: readonly string[]): string | undefined {
  // One slip per three letters, at most two: "categry" -> "category", but "id" is not "ids"' typo of "hosts".
  const allowed = Math.min(2, Math.floor(word.length / 3));
  // No field name is this long; a pasted blob as a key would make the comparison slow for nothing.
  if (word.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const candidate of known) {
    const d = distance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** One line per problem, for `npm run check` and the worker's log. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `  ${p.path}: ${p.message}.\n    fix: ${p.fix}`).join("\n");
}
