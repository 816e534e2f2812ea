/**
 * consent-edge.schema.json: what scripts/build-schema.ts writes from the config schema (so it cannot
 * go stale), a description on every field (editors show them), strict about unknown fields, and
 * every shipped config passes both it (checked by a real JSON Schema validator, Ajv) and
 * validateConfig.
 */
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import committed from "../consent-edge.schema.json";
import bundled from "../consent-edge.config.json";
import demo from "../demo/consent-edge.config.json";
import aktara from "../examples/aktara.json";
import aktok from "../examples/aktok.json";
import ankorium from "../examples/ankorium.json";
import certiron from "../examples/certiron.json";
import prokken from "../examples/prokken.json";
import { buildJsonSchema } from "../src/cli/json-schema";
import { validateConfig } from "../src/config/validate";

const CONFIGS: Array<[string, { $schema: string }, string]> = [
  ["consent-edge.config.json", bundled, "./consent-edge.schema.json"],
  ["demo/consent-edge.config.json", demo, "../consent-edge.schema.json"],
  ["examples/aktara.json", aktara, "../consent-edge.schema.json"],
  ["examples/aktok.json", aktok, "../consent-edge.schema.json"],
  ["examples/ankorium.json", ankorium, "../consent-edge.schema.json"],
  ["examples/certiron.json", certiron, "../consent-edge.schema.json"],
  ["examples/prokken.json", prokken, "../consent-edge.schema.json"],
];

const ajv = new Ajv({ allErrors: true, strict: true });
const matchesSchema = ajv.compile(committed);

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Every field (a key of some `properties`) in the schema, as a dotted path, with its schema. */
function fieldsOf(node: unknown, at = ""): Array<[string, Node]> {
  if (!isNode(node)) return [];
  const found: Array<[string, Node]> = [];
  if (isNode(node.properties)) {
    for (const [key, child] of Object.entries(node.properties)) {
      if (isNode(child)) found.push([`${at}.${key}`, child], ...fieldsOf(child, `${at}.${key}`));
    }
  }
  for (const key of ["items", "additionalProperties"]) found.push(...fieldsOf(node[key], `${at}[]`));
  if (Array.isArray(node.anyOf)) for (const option of node.anyOf) found.push(...fieldsOf(option, at));
  return found;
}

describe("consent-edge.schema.json", () => {
  it("is what scripts/build-schema.ts generates from the schema (run `npm run schema` after changing it)", () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildJsonSchema())));
  });

  it("describes every field, for the editor's hover", () => {
    const fields = fieldsOf(committed);
    expect(fields.length).toBeGreaterThan(60);
    expect(
      fields.filter(([, schema]) => typeof schema.description !== "string").map(([path]) => path),
    ).toEqual([]);
  });

  it.each(CONFIGS)("%s references it and passes it and validateConfig", (_, config, reference) => {
    expect(config.$schema).toBe(reference);
    expect(matchesSchema(config) ? [] : matchesSchema.errors).toEqual([]);
    const result = validateConfig(config);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it.each<[string, unknown]>([
    [
      "a misspelled field",
      { sites: [{ id: "shop", hosts: ["a.example"], policyRevision: "1", categry: [] }] },
    ],
    ["a missing policyRevision", { sites: [{ id: "shop", hosts: ["a.example"] }] }],
    [
      "a mode that does not exist",
      { sites: [{ id: "shop", hosts: ["a.example"], policyRevision: "1", mode: "x" }] },
    ],
    [
      "an unknown field in a banner language",
      {
        sites: [
          {
            id: "shop",
            hosts: ["a.example"],
            policyRevision: "1",
            banner: { languages: { de: { titel: "" } } },
          },
        ],
      },
    ],
  ])("refuses %s, as validateConfig does", (_, config) => {
    expect(matchesSchema(config)).toBe(false);
    expect(validateConfig(config).ok).toBe(false);
  });
});
