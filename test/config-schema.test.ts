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
import honoApp from "../examples/hono-app/consent-edge.config.json";
import proxy from "../examples/proxy/consent-edge.config.json";
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
  ["examples/hono-app/consent-edge.config.json", honoApp, "../../consent-edge.schema.json"],
  ["examples/proxy/consent-edge.config.json", proxy, "../../consent-edge.schema.json"],
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

/** A valid site with `over` merged in. */
const one = (over: Record<string, unknown>) => ({
  sites: [
    { id: "shop", hosts: ["www.example.com"], origin: "https://o.example.com", policyRevision: "1", ...over },
  ],
});
const rule = (over: Record<string, unknown>) =>
  one({ cookies: [{ name: "_ga", category: "analytics", ...over }] });

describe("consent-edge.schema.json says what JSON Schema can of validateConfig's checks", () => {
  // Each was accepted by the JSON Schema (an editor showed no red) while `npm run check` refused it.
  it.each<[string, unknown]>([
    ["a host in capitals", one({ hosts: ["WWW.example.com"] })],
    ["a host with a port", one({ hosts: ["www.example.com:8080"] })],
    ["a wildcard inside a host", one({ hosts: ["*.*.example.com"] })],
    ["an empty host label", one({ hosts: ["a..example.com"] })],
    ["a host listed twice", one({ hosts: ["a.example.com", "a.example.com"] })],
    ["an empty origin", one({ origin: "" })],
    ["a service binding starting with a digit", one({ origin: "service:1X" })],
    ["an ftp origin", one({ origin: "ftp://o.example.com" })],
    ["an originTimeout of 0", one({ originTimeout: 0 })],
    ["an originTimeout of 101 s", one({ originTimeout: 101 })],
    ["an originTimeout that is no duration", one({ originTimeout: "soon" })],
    ["a cookie lifetime under a second", rule({ maxAge: 0.5 })],
    ["a cookie lifetime over 400 days, in seconds", rule({ maxAge: 400 * 86_400 + 1 })],
    ["a consent lifetime of 0", one({ consent: { maxAge: 0 } })],
    ["a rule matching every cookie", rule({ name: "**" })],
    ["SameSite=None without Secure", rule({ sameSite: "None" })],
    ["a __Host- cookie with a path", rule({ name: "__Host-id", path: "/app" })],
    ["a __Secure- cookie not Secure", rule({ name: "__Secure-id", secure: false })],
    [
      "a tracker rule with two resources",
      one({ trackers: { rules: [{ host: "a.com", url: "https://a.com/", category: "analytics" }] } }),
    ],
    ["a tracker rule with no resource", one({ trackers: { rules: [{ category: "analytics" }] } })],
    ["a blank inline snippet", one({ trackers: { rules: [{ inline: "     ", category: "analytics" }] } })],
    ["GPC refusing necessary", one({ consent: { gpc: { categories: ["necessary"] } } })],
    ["DNT refusing necessary", one({ consent: { doNotTrack: ["necessary"] } })],
    ["a CMP map written as a list", one({ consent: { sources: [{ cmp: "onetrust", map: ["analytics"] }] } })],
    [
      "a CMP group named constructor",
      one({ consent: { sources: [{ cmp: "onetrust", map: { constructor: "analytics" } }] } }),
    ],
    ["a banner with no language", one({ banner: { languages: {} } })],
    [
      "banner category texts named __proto__",
      JSON.parse(
        JSON.stringify(
          one({
            banner: { languages: { en: { categories: { placeholder: { label: "A", description: "d" } } } } },
          }),
        ).replace("placeholder", "__proto__"),
      ),
    ],
  ])("refuses %s, as validateConfig does", (_, config) => {
    expect(validateConfig(config).ok).toBe(false);
    expect(matchesSchema(config)).toBe(false);
  });

  // Valid configs at the edges of those constraints: an editor must not show them in red.
  it.each<[string, unknown]>([
    ["an originTimeout of 100.5 (floored to 100)", one({ originTimeout: 100.5 })],
    ["an originTimeout of 1.9 (floored to 1)", one({ originTimeout: 1.9 })],
    ["a duration written with spaces", one({ originTimeout: " 1 m " })],
    ["a lifetime just under 400 days and a second", rule({ maxAge: 400 * 86_400 + 0.5 })],
    ["necessary listed twice", one({ categories: ["necessary", "necessary"] })],
    ["an origin with the scheme in capitals", one({ origin: "HTTPS://O.Example.com" })],
    ["a local http origin", one({ origin: "http://localhost:8787" })],
    ["a single-label host and an IP", one({ hosts: ["localhost", "127.0.0.1"] })],
    ["a __Host- cookie with Path=/ and Secure", rule({ name: "__Host-id", path: "/", secure: true })],
    ["SameSite=None with Secure", rule({ sameSite: "None", secure: true })],
    ["a cookie named with a * inside", rule({ name: "_ga_*" })],
    [
      "a category named constructor with its banner texts",
      one({
        categories: ["constructor"],
        banner: { languages: { en: { categories: { constructor: { label: "Tools", description: "d" } } } } },
      }),
    ],
  ])("accepts %s, as validateConfig does", (_, config) => {
    const result = validateConfig(config);
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(matchesSchema(config) ? [] : matchesSchema.errors).toEqual([]);
  });
});
