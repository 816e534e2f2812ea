/**
 * The order problems are listed in: as the schema declares the fields (so a site's problems read
 * from `id` down to `debugSecret`), unknown fields of an object first, list entries by position.
 * The schema's own issues and the cross-field checks' findings are merged by this one order.
 */
import type * as v from "valibot";
import { type Finding, isObject, type Keys } from "./problems";

type Node = Record<string, unknown>;

/** The schema inside its optional (and similar) wrappers. */
function unwrapped(schema: Node): Node {
  let node = schema;
  while (isObject(node.wrapped)) node = node.wrapped;
  return node;
}

/** The schema one step down `key`, through optional wrappers and unions; undefined off the schema. */
function step(schema: Node, key: string | number): Node | undefined {
  const node = unwrapped(schema);
  if (Array.isArray(node.options)) {
    for (const option of node.options as unknown[]) {
      const next = isObject(option) ? step(option, key) : undefined;
      if (next) return next;
    }
    return undefined;
  }
  if (typeof key === "number") return isObject(node.item) ? node.item : undefined;
  if (isObject(node.entries)) return isObject(node.entries[key]) ? node.entries[key] : undefined;
  return isObject(node.value) ? node.value : undefined;
}

/** The rank of `key` among its siblings: -1 for an unknown field, 0 for any key of a map. */
function rank(schema: Node | undefined, key: string | number): number {
  if (typeof key === "number") return key;
  const node = schema && unwrapped(schema);
  const options = node && Array.isArray(node.options) ? (node.options as unknown[]) : [node];
  for (const option of options) {
    if (isObject(option) && isObject(option.entries)) return Object.keys(option.entries).indexOf(key);
  }
  return 0;
}

function ranksOf(schema: v.GenericSchema, keys: Keys): number[] {
  let node: Node | undefined = schema as unknown as Node;
  return keys.map((key) => {
    const position = rank(node, key);
    node = node && step(node, key);
    return position;
  });
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

/** The findings in the schema's order; findings at the same place keep the order they came in. */
export function inSchemaOrder(findings: readonly Finding[], schema: v.GenericSchema): Finding[] {
  const ranked = findings.map((finding) => ({ finding, ranks: ranksOf(schema, finding.keys) }));
  return ranked.sort((a, b) => compare(a.ranks, b.ranks)).map(({ finding }) => finding);
}
