/**
 * Properties of config validation and compilation (src/config/*) over random and mutated configs:
 * the five examples, the bundled consent-edge.config.json and the demo's with fields deleted, retyped, renamed,
 * duplicated and replaced by hostile values, and random JSON. Invariants: validation never throws;
 * a config is either valid, or every problem has a path, a message and a fix, none of them saying
 * `undefined` or `[object Object]`; a config that validates compiles, and compiling never throws;
 * the JSON Schema (consent-edge.schema.json) accepts every config that validates.
 */
import { Ajv } from "ajv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import jsonSchema from "../../consent-edge.schema.json";
import bundled from "../../consent-edge.config.json";
import demo from "../../demo/consent-edge.config.json";
import aktara from "../../examples/aktara.json";
import aktok from "../../examples/aktok.json";
import ankorium from "../../examples/ankorium.json";
import certiron from "../../examples/certiron.json";
import prokken from "../../examples/prokken.json";
import { compileConfig } from "../../src/config/compile";
import { validateConfig } from "../../src/config/validate";
import { fuzzParameters } from "./settings";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const BASES: Json[] = [aktara, aktok, ankorium, certiron, prokken, bundled, demo].map(
  (config) => JSON.parse(JSON.stringify(config)) as Json,
);

/** Every path to a value inside `value`, as keys and indexes. */
function pathsOf(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const here = [prefix];
  if (Array.isArray(value)) return here.concat(...value.map((item, i) => pathsOf(item, [...prefix, i])));
  if (value !== null && typeof value === "object") {
    return here.concat(...Object.entries(value).map(([key, item]) => pathsOf(item, [...prefix, key])));
  }
  return here;
}

/** Values a field may be retyped to: every JSON type, prototype names, near-misses of real values. */
const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    false,
    0,
    -1,
    1e308,
    0.5,
    "",
    " ",
    "undefined",
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "necessary",
    "marketing",
    "*",
    "**",
    "_ga_*",
    "/",
    "//evil.example",
    "https://",
    "https://a.example.com/path?q#h",
    "service:",
    "service:__proto__",
    "400d",
    "401d",
    "1e3d",
    "0s",
    "-1d",
    "9999999999999999999999y",
    "EEA",
    "XX",
    "US-CA",
    "en",
    "opt-in",
    "None",
    [],
    {},
    [null],
    ["__proto__"],
    { __proto__: null } as Json,
  ),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.string({ maxLength: 20 }),
);

const FIELD_NAMES = [
  "__proto__",
  "constructor",
  "toString",
  "id",
  "hosts",
  "origin",
  "categories",
  "cookies",
  "consent",
  "sources",
  "map",
  "regions",
  "banner",
  "languages",
  "defaultLanguage",
  "trackers",
  "rules",
  "name",
  "category",
  "maxAge",
  "en",
];

type Mutation = {
  op: "delete" | "retype" | "rename" | "duplicate" | "add";
  at: number;
  value: Json;
  key: string;
};

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom("delete", "retype", "rename", "duplicate", "add"),
  at: fc.nat(),
  value: hostileValue,
  key: fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string({ maxLength: 8 })),
});

function parentOf(root: Json, path: Array<string | number>): Json | undefined {
  let node: Json | undefined = root;
  for (const step of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = Array.isArray(node) ? node[step as number] : node[step as string];
  }
  return node;
}

/** Applies one mutation at the `at`-th path of the config (a copy; JSON keeps `__proto__` own). */
function mutate(config: Json, { op, at, value, key }: Mutation): Json {
  const paths = pathsOf(config);
  const path = paths[at % paths.length] ?? [];
  if (path.length === 0) return op === "retype" ? value : config;
  const parent = parentOf(config, path.slice(0, -1));
  const last = path[path.length - 1] as string | number;
  if (parent === null || typeof parent !== "object") return config;
  if (Array.isArray(parent)) {
    const i = last as number;
    if (op === "delete") parent.splice(i, 1);
    else if (op === "duplicate") parent.splice(i, 0, JSON.parse(JSON.stringify(parent[i] ?? null)) as Json);
    else if (op === "add") parent.push(value);
    else parent[i] = value;
    return config;
  }
  const name = last as string;
  const own = (object: { [k: string]: Json }, k: string, v: Json) =>
    Object.defineProperty(object, k, { value: v, enumerable: true, writable: true, configurable: true });
  if (op === "delete") Reflect.deleteProperty(parent, name);
  else if (op === "retype") own(parent, name, value);
  else if (op === "rename") {
    const moved = parent[name] ?? null;
    Reflect.deleteProperty(parent, name);
    own(parent, key, moved);
  } else if (op === "duplicate") own(parent, key, JSON.parse(JSON.stringify(parent[name] ?? null)) as Json);
  else own(parent, key, value);
  return config;
}

const mutatedConfig: fc.Arbitrary<Json> = fc
  .tuple(fc.constantFrom(...BASES), fc.array(mutation, { minLength: 1, maxLength: 5 }))
  .map(([base, steps]) => {
    const copy = JSON.parse(JSON.stringify(base)) as Json;
    return steps.reduce(mutate, copy);
  });

/** A config whose text has a key written twice: JSON.parse keeps the last, as the bundler does. */
const duplicateKeyConfig: fc.Arbitrary<Json> = fc
  .tuple(fc.constantFrom(...BASES), fc.constantFrom('"id"', '"category"', '"name"', '"origin"'), hostileValue)
  .map(([base, key, value]) => {
    // A function replacement: a value holding `$&` or `$'` must not be read as a pattern.
    const text = JSON.stringify(base).replace(`${key}:`, () => `${key}:${JSON.stringify(value)},${key}:`);
    return JSON.parse(text) as Json;
  });

const randomConfig: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>,
  fc.record({
    sites: fc.array(fc.dictionary(fc.constantFrom(...FIELD_NAMES), hostileValue), { maxLength: 3 }),
  }),
);

const anyConfig = fc.oneof(
  { weight: 4, arbitrary: mutatedConfig },
  { weight: 1, arbitrary: duplicateKeyConfig },
  { weight: 1, arbitrary: randomConfig },
);

/** Whether the config's own text says `undefined` or `[object Object]` (then a message may quote it). */
const mentions = (config: Json, text: string) => JSON.stringify(config).includes(text);

describe("config validation over random and mutated configs", () => {
  it("the unmutated examples, the bundled config and the demo's are valid", () => {
    for (const base of BASES) expect(validateConfig(base).ok).toBe(true);
  });

  it("never throws; is valid, or every problem has a path, a message and a fix that say what they mean", () => {
    fc.assert(
      fc.property(anyConfig, (config) => {
        const result = validateConfig(config);
        if (result.ok) return;
        expect(result.problems.length).toBeGreaterThan(0);
        for (const problem of result.problems) {
          for (const field of ["path", "message", "fix"] as const) {
            expect(typeof problem[field]).toBe("string");
            expect(problem[field].trim()).not.toBe("");
            if (!mentions(config, "undefined")) expect(problem[field]).not.toContain("undefined");
            if (!mentions(config, "[object Object]")) expect(problem[field]).not.toContain("[object Object]");
            expect(problem[field]).not.toContain("NaN");
          }
          expect(problem.message.length + problem.fix.length).toBeLessThan(2_000);
        }
      }),
      fuzzParameters({ scale: 0.5 }),
    );
  });

  it("a config that validates compiles, and compiling any config never throws", () => {
    fc.assert(
      fc.property(anyConfig, (config) => {
        const validated = validateConfig(config);
        const compiled = compileConfig(config);
        expect(compiled.ok).toBe(validated.ok);
        if (!compiled.ok) return;
        for (const site of compiled.config.sites) {
          // The compiled lookups answer without throwing for names and hosts of every shape.
          for (const name of ["_ga", "__proto__", "constructor", "", "x".repeat(300)])
            site.classifyCookie(name);
          const page = new URL(`https://${site.hosts[0]?.replace("*.", "www.") ?? "example.com"}/`);
          site.classifyResource.classifyUrl("https://www.googletagmanager.com/gtag/js?id=G-1", page);
          site.classifyResource.classifyInline(
            "fbq('init', '1'); _paq.push(['x']); //analytics.example.com/",
            page,
          );
          compiled.config.matchSite("constructor", "/");
          compiled.config.matchSite(site.hosts[0] ?? "", "/__proto__");
        }
      }),
      fuzzParameters({ scale: 0.5 }),
    );
  });

  it("the JSON Schema accepts every config validateConfig accepts (an editor never shows a valid config in red)", () => {
    const matchesSchema = new Ajv({ allErrors: true, strict: true }).compile(jsonSchema);
    let valid = 0;
    fc.assert(
      fc.property(anyConfig, (config) => {
        if (!validateConfig(config).ok) return;
        valid++;
        expect(matchesSchema(config) ? [] : matchesSchema.errors).toEqual([]);
      }),
      fuzzParameters({ scale: 0.5 }),
    );
    // The mutations leave some configs valid (a deleted optional field, a renamed key back to a
    // known one); with none, this property would check nothing.
    expect(valid).toBeGreaterThan(0);
  });

  it("validates the same config the same way twice (no state kept between calls)", () => {
    fc.assert(
      fc.property(anyConfig, (config) => {
        expect(validateConfig(config)).toEqual(validateConfig(config));
      }),
      fuzzParameters({ scale: 0.25 }),
    );
  });
});
