/**
 * Before the schema: is the config plain data, as JSON would give? `consentEdge(config)` takes a
 * config from code, where a Date, a function, a class instance, a cycle or a getter that throws
 * can turn up; and a config built by a script can be deep or huge. The schema is not made for
 * those (a cycle or a deep value overflows its stack, a list of ten million empty slots exhausts
 * memory), so this walk, which never recurses and reads each property once inside a try, reports
 * them first, with their paths, and validation stops there.
 */
import { type Finding, type Keys } from "./problems";

/** Far deeper than any config (`sites[0].banner.languages.en.categories.analytics.label` is 7). */
export const MAX_DEPTH = 32;
/** Far longer than any list or map of a config: a site's cookie rules number in the hundreds. */
export const MAX_ENTRIES = 10_000;

/** What a value is, for a message: "a Date", "a function", "an instance of Shop". */
function kindOf(value: object | ((...args: unknown[]) => unknown)): string {
  if (typeof value === "function") return "a function";
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor
    ?.name;
  return typeof name === "string" && name !== "" ? `a ${name}` : "an object of a class";
}

function isPlainObject(value: object): boolean {
  try {
    const prototype: unknown = Object.getPrototypeOf(value);
    return prototype === Object.prototype || prototype === null;
  } catch {
    // A Proxy whose getPrototypeOf trap throws: not plain data.
    return false;
  }
}

const PLAIN = "write plain data: objects, lists, strings, numbers, true, false and null, as JSON holds";

/** Problems that make a value unfit for the schema; empty when it is plain data within the limits. */
export function plainDataProblems(input: unknown): Finding[] {
  const findings: Finding[] = [];
  // Depth-first, with the objects on the current path, so a shared (not cyclic) value is fine.
  type Frame = { value: unknown; keys: Keys; leave?: object };
  const stack: Frame[] = [{ value: input, keys: [] }];
  const onPath = new Set<object>();
  while (stack.length > 0 && findings.length < 100) {
    const frame = stack.pop() as Frame;
    if (frame.leave) {
      onPath.delete(frame.leave);
      continue;
    }
    const { value, keys } = frame;
    const type = typeof value;
    if (type === "function" || type === "symbol" || type === "bigint") {
      findings.push({
        keys,
        message: `${type === "function" ? "a function" : `a ${type}`} is not a config value`,
        fix: PLAIN,
      });
      continue;
    }
    if (value === null || type !== "object") continue;
    const object = value as object;
    if (onPath.has(object)) {
      findings.push({ keys, message: "the value contains itself (a cycle)", fix: PLAIN });
      continue;
    }
    if (!Array.isArray(object) && !isPlainObject(object)) {
      findings.push({ keys, message: `${kindOf(object)} is not a config value`, fix: PLAIN });
      continue;
    }
    if (keys.length >= MAX_DEPTH) {
      findings.push({
        keys,
        message: `the value is nested deeper than ${MAX_DEPTH} levels`,
        fix: "a config is a few levels deep; remove the nesting",
      });
      continue;
    }
    let names: string[];
    try {
      names = Array.isArray(object) ? [] : Object.keys(object);
    } catch (error) {
      findings.push({ keys, message: `reading the value failed: ${String(error)}`, fix: PLAIN });
      continue;
    }
    const size = Array.isArray(object) ? object.length : names.length;
    if (size > MAX_ENTRIES) {
      findings.push({
        keys,
        message: `${size} entries; consent-edge reads at most ${MAX_ENTRIES} in one list or object`,
        fix: "a config's lists are far shorter; look for a generated or pasted list",
      });
      continue;
    }
    onPath.add(object);
    stack.push({ value: undefined, keys, leave: object });
    for (let index = size - 1; index >= 0; index--) {
      const key: string | number = Array.isArray(object) ? index : (names[index] as string);
      let item: unknown;
      try {
        item = (object as Record<string | number, unknown>)[key];
      } catch (error) {
        findings.push({
          keys: [...keys, key],
          message: `reading the value failed: ${String(error)}`,
          fix: PLAIN,
        });
        continue;
      }
      stack.push({ value: item, keys: [...keys, key] });
    }
  }
  return findings;
}
