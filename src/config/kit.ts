/**
 * Building blocks the parts of the schema share: objects that name every unknown and missing field,
 * fields whose checks stop at the first failure, flags and texts with the messages operators read.
 * valibot's own `strictObject` stops at the first unknown key and says "Invalid key: Expected
 * "category" but received undefined" for a missing one; `fields` says what an operator needs.
 */
import * as v from "valibot";
import { parseDuration } from "./duration";
import { closestWord, describeValue, isObject, joinProblem, say } from "./problems";

type Message = (issue: v.BaseIssue<unknown>) => string;

function requiredKeys(entries: v.ObjectEntries): string[] {
  return Object.keys(entries).filter((key) => {
    const type = entries[key]?.type;
    return type !== "optional" && type !== "exact_optional" && type !== "nullish";
  });
}

/** The unknown key of `input` that is most likely a misspelling of the missing field `key`. */
function misspelling(
  key: string,
  input: Record<string, unknown>,
  entries: v.ObjectEntries,
): string | undefined {
  const unknown = Object.keys(input).filter((name) => !Object.hasOwn(entries, name));
  const typo = closestWord(key, unknown);
  // The typo must be closer to this field than to any field the object knows.
  return typo !== undefined && closestWord(typo, Object.keys(entries)) === key ? typo : undefined;
}

/** The first example a field's schema gives (`v.examples`), as JSON, for "add ..." fixes. */
function exampleOf(schema: v.GenericSchema | undefined): string | undefined {
  const pipe = schema && "pipe" in schema && Array.isArray(schema.pipe) ? (schema.pipe as unknown[]) : [];
  for (const item of pipe) {
    if (
      isObject(item) &&
      item.type === "examples" &&
      Array.isArray(item.examples) &&
      item.examples.length > 0
    ) {
      return JSON.stringify(item.examples[0]);
    }
  }
  return undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function strictObjectIssue(
  input: unknown,
  expected: "Object" | "never",
  path: v.StrictObjectIssue["path"],
  config: v.Config<v.BaseIssue<unknown>>,
): Mutable<v.StrictObjectIssue> {
  return {
    kind: "schema",
    type: "strict_object",
    input,
    expected,
    received: describeValue(input),
    message: "",
    requirement: undefined,
    path,
    issues: undefined,
    lang: config.lang,
    abortEarly: config.abortEarly,
    abortPipeEarly: config.abortPipeEarly,
  };
}

/**
 * The failure for a value that is not an object, a list included: valibot's object and record take
 * an array, a config never means one. `fields` and `dictionary` both answer it so.
 */
function notAnObjectFailure(
  input: unknown,
  notAnObject: Message,
  config: v.Config<v.BaseIssue<unknown>>,
): v.FailureDataset<v.StrictObjectIssue> {
  const issue = strictObjectIssue(input, "Object", undefined, config);
  issue.message = notAnObject(issue);
  return { typed: false, value: input, issues: [issue] };
}

/** The issue for a key of `input` that has no place there (unknown, or reserved), at that key. */
function keyIssue(
  input: Record<string, unknown>,
  key: string,
  message: string,
  config: v.Config<v.BaseIssue<unknown>>,
): v.StrictObjectIssue {
  const issue = strictObjectIssue(
    key,
    "never",
    [{ type: "object", origin: "key", input, key, value: input[key] }],
    config,
  );
  issue.message = message;
  return issue;
}

/**
 * An object with exactly these fields. Every unknown key is reported (with "did you mean ...?" when
 * it is a likely misspelling of a known one), every missing required field says "missing", and a
 * misspelling of a missing field is reported once, at the missing field.
 */
export function fields<const TEntries extends v.ObjectEntries>(entries: TEntries, notAnObject: Message) {
  const known = Object.keys(entries);
  const missing: Message = (issue) => {
    const item = issue.path?.[0];
    const key = typeof item?.key === "string" ? item.key : "";
    const input = isObject(item?.input) ? item.input : {};
    const typo = misspelling(key, input, entries);
    const example = exampleOf(entries[key]);
    return say(
      `"${key}" is missing`,
      typo !== undefined
        ? `did you mean ${key}? Rename "${typo}" to "${key}"`
        : `add "${key}"${example === undefined ? "" : `: ${example}`}`,
    )(issue);
  };
  const object = v.object(entries, (issue) =>
    issue.expected === "Object" ? notAnObject(issue) : missing(issue),
  );
  // The schema the types and the JSON Schema see: a strict object (additionalProperties: false).
  const schema = v.strictObject(entries, notAnObject);
  type Run = (typeof schema)["~run"];
  const run = (dataset: Parameters<Run>[0], config: Parameters<Run>[1]) => {
    const input = dataset.value;
    if (!isObject(input)) return notAnObjectFailure(input, notAnObject, config) as ReturnType<Run>;
    const result = object["~run"](dataset, config);
    const explained = new Set(
      requiredKeys(entries)
        .filter((key) => !Object.hasOwn(input, key))
        .map((key) => misspelling(key, input, entries)),
    );
    const unknown: v.StrictObjectIssue[] = [];
    for (const key of Object.keys(input)) {
      if (Object.hasOwn(entries, key) || explained.has(key)) continue;
      const guess = closestWord(key, known);
      const message = joinProblem(
        `unknown field ${describeValue(key)}`,
        guess !== undefined
          ? `did you mean ${guess}?`
          : `remove it or correct the spelling; known fields are ${known.join(", ")}`,
      );
      unknown.push(keyIssue(input, key, message, config));
    }
    if (unknown.length > 0) {
      result.typed = false;
      result.issues = [...unknown, ...(result.issues ?? [])] as typeof result.issues;
    }
    return result as ReturnType<Run>;
  };
  return Object.assign(schema, { "~run": run });
}

/** Checks that stop at the first failure, as an operator fixes them: one problem per value. */
export function firstFailure<const TSchema extends v.GenericSchema>(schema: TSchema): TSchema {
  return v.config(schema, { abortPipeEarly: true });
}

/**
 * Constraints for the JSON Schema only, where a check of the validator (a `v.check`, a transform)
 * cannot convert: editors then refuse what `npm run check` refuses. At run time it does nothing;
 * the validator's own check says the same with its message. test/config-schema.test.ts holds the
 * two to the same verdicts.
 */
export function forEditors<TInput>(
  jsonSchema: Record<string, unknown>,
): v.MetadataAction<TInput, Record<string, unknown>> {
  return v.metadata<TInput, Record<string, unknown>>(jsonSchema);
}

/** A duration as written: seconds, or a number and a unit ("30m", " 1.5 h "), as parseDuration reads it. */
const DURATION_TEXT = String.raw`^\s*\d+(\.\d+)?\s*(s|m|h|d|w|mo|y)\s*$`;

/** true or false. */
export function flag(name: string, description: string) {
  return v.pipe(
    v.boolean(say(`${name} must be true or false`, `write "${name}": true`)),
    v.description(description),
  );
}

/** Free text. */
export function text(name: string, description: string) {
  return v.pipe(
    v.string(say(`${name} must be text`, `write "${name}": "..." or leave it out`)),
    v.description(description),
  );
}

/** One of a few words. */
export function oneOf<const TOptions extends readonly string[]>(options: TOptions) {
  return v.picklist(
    options,
    say((input) => `${describeValue(input)} is not allowed here`, `use one of ${options.join(", ")}`),
  );
}

/**
 * A duration: seconds as a number, or a string such as "30m", "24h", "7d", "13mo", "2y"; the
 * output is whole seconds. `judge` says what is wrong with the seconds (undefined: not a duration),
 * or nothing when they are fine.
 */
export function duration(
  description: string,
  judge: (seconds: number | undefined, input: unknown) => { message: string; fix: string } | undefined,
  /** The seconds `judge` accepts, for the JSON Schema: at least `atLeast`, less than `below`. */
  seconds: { atLeast: number; below: number },
) {
  const complain = (input: unknown) =>
    judge(undefined, input) ?? { message: "not a duration", fix: 'write 30 or "30s"' };
  return v.pipe(
    v.union([v.number(), v.string()], (issue) =>
      joinProblem(complain(issue.input).message, complain(issue.input).fix),
    ),
    v.description(description),
    // Numbers are floored, so 1.9 is 1 s and anything below `below` passes; a text's amount
    // cannot be bounded in JSON Schema, only its form.
    forEditors({
      anyOf: [
        { type: "number", minimum: seconds.atLeast, exclusiveMaximum: seconds.below },
        { type: "string", pattern: DURATION_TEXT },
      ],
    }),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const seconds = parseDuration(dataset.value);
      const problem = judge(seconds, dataset.value);
      if (seconds === undefined || problem) {
        const { message, fix } = problem ?? complain(dataset.value);
        addIssue({ message: joinProblem(message, fix) });
        return NEVER;
      }
      return seconds;
    }),
  );
}

/**
 * Keys valibot's `record` skips without a word (they could reach Object.prototype): a map entry or
 * a banner language written with one of them would vanish from the validated config.
 */
export const RESERVED_KEYS: readonly string[] = ["__proto__", "constructor", "prototype"];

/**
 * A map of keys to values (`v.record`) that refuses a list, which `v.record` takes for an object
 * (a config never means one), and reports each key it would drop (RESERVED_KEYS) instead of losing
 * it; `renameFix` says what to write instead. Names in `keep` are checked and kept (as own
 * properties) instead: a site may have a category named "constructor", which needs its texts.
 */
export function dictionary<
  const TKey extends v.GenericSchema<string, string | number | symbol>,
  const TValue extends v.GenericSchema,
>(key: TKey, value: TValue, notAnObject: Message, renameFix: string, keep: readonly string[] = []) {
  const schema = v.record(key, value, notAnObject);
  // The record that runs; `schema` gets the `~run` below (calling its own would loop forever).
  const record = v.record(key, value, notAnObject);
  type Run = (typeof schema)["~run"];
  const run = (dataset: Parameters<Run>[0], config: Parameters<Run>[1]) => {
    const input = dataset.value;
    if (!isObject(input)) return notAnObjectFailure(input, notAnObject, config) as ReturnType<Run>;
    const result = record["~run"](dataset, config);
    const present = RESERVED_KEYS.filter((name) => Object.hasOwn(input, name));
    for (const name of present.filter((name) => keep.includes(name))) {
      const item = value["~run"]({ value: input[name] }, config);
      const step = { type: "object", origin: "value", input, key: name, value: input[name] } as const;
      if (item.issues) {
        result.typed = false;
        const issues = item.issues.map((issue) => ({ ...issue, path: [step, ...(issue.path ?? [])] }));
        result.issues = [...(result.issues ?? []), ...issues] as typeof result.issues;
      } else {
        Object.defineProperty(result.value, name, {
          value: item.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    const reserved = present
      .filter((name) => !keep.includes(name))
      .map((name) =>
        keyIssue(
          input,
          name,
          joinProblem(`"${name}" cannot be a key here: JavaScript objects reserve it`, renameFix),
          config,
        ),
      );
    if (reserved.length > 0) {
      result.typed = false;
      result.issues = [...reserved, ...(result.issues ?? [])] as typeof result.issues;
    }
    return result;
  };
  return Object.assign(schema, { "~run": run });
}

/**
 * The start of a text field's pipe, spread into `v.pipe(...)`: text matching `pattern`, with one
 * message whether the value is not text at all or text of the wrong form.
 */
export function textMatching(pattern: RegExp, message: (issue: v.BaseIssue<unknown>) => string) {
  return [v.string(message), v.regex(pattern, message)] as const;
}

/**
 * A check that each text of a list appears once, except `exempt` (a word the list may repeat):
 * every later copy is reported at its position, worded by `repeated` from the text and the
 * position of its first copy. A map, not indexOf: a pasted list of 100,000 entries must not take
 * minutes.
 */
export function eachOnce(
  repeated: (text: string, first: number) => { message: string; fix: string },
  exempt?: string,
) {
  return v.rawCheck<string[]>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const list = dataset.value;
    const firstAt = new Map<string, number>();
    list.forEach((text, index) => {
      if (text === exempt) return;
      const first = firstAt.get(text);
      if (first === undefined) {
        firstAt.set(text, index);
        return;
      }
      const { message, fix } = repeated(text, first);
      addIssue({
        message: joinProblem(message, fix),
        path: [{ type: "array", origin: "value", input: list, key: index, value: text }],
      });
    });
  });
}
