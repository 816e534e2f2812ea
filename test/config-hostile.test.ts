/**
 * Hostile or careless operator input never crashes validation: consentEdge(config) takes its config
 * from code, so besides JSON's shapes it may hold functions, Dates, class instances, cycles, getters
 * that throw, and it may be huge or deep. Each is a problem at its path, never an exception; and no
 * key is dropped without a word (valibot's record skips __proto__, constructor and prototype).
 */
import { describe, expect, it } from "vitest";
import { compileConfig } from "../src/config/compile";
import { MAX_DEPTH, MAX_ENTRIES } from "../src/config/plain-data";
import { validateConfig } from "../src/config/validate";

type Json = Record<string, unknown>;
const base = (): Json => ({
  id: "shop",
  hosts: ["www.example.com"],
  origin: "https://origin.example.com",
  policyRevision: "1",
});
const one = (over: Json) => ({ sites: [{ ...base(), ...over }] });
/** An own property, as JSON.parse makes `__proto__` (an object literal would set the prototype). */
const own = (object: Json, key: string, value: unknown): Json =>
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });

const problemsOf = (config: unknown) => {
  const result = validateConfig(config);
  return result.ok ? [] : result.problems.map(({ path, message }) => [path, message]);
};

describe("keys JavaScript reserves are reported, not dropped", () => {
  it.each(["__proto__", "constructor", "prototype"])("a CMP map group named %s", (key) => {
    const config = one({
      consent: { sources: [{ cmp: "onetrust", map: own({ C0002: "analytics" }, key, "marketing") }] },
    });
    expect(problemsOf(config)).toEqual([
      [
        `sites[0].consent.sources[0].map.${key}`,
        `"${key}" cannot be a key here: JavaScript objects reserve it`,
      ],
    ]);
  });

  it.each(["__proto__", "constructor", "prototype"])("a banner language named %s", (key) => {
    const config = one({ banner: { languages: own({ en: {} }, key, { title: "x" }) } });
    expect(problemsOf(config)).toEqual([
      [`sites[0].banner.languages.${key}`, `"${key}" cannot be a key here: JavaScript objects reserve it`],
    ]);
  });

  it("a banner category text named __proto__", () => {
    const texts = own({}, "__proto__", { label: "A", description: "d" });
    expect(problemsOf(one({ banner: { languages: { en: { categories: texts } } } }))).toEqual([
      [
        "sites[0].banner.languages.en.categories.__proto__",
        '"__proto__" cannot be a key here: JavaScript objects reserve it',
      ],
    ]);
  });

  it.each(["constructor", "prototype"])("a category named %s keeps its banner texts", (name) => {
    const texts = { label: "Tools", description: "Site building tools." };
    const result = validateConfig(
      one({ categories: [name], banner: { languages: { en: { categories: own({}, name, texts) } } } }),
    );
    expect(result.ok ? [] : result.problems).toEqual([]);
    const kept = result.ok ? result.config.sites[0]?.banner.languages.en?.categories : undefined;
    expect(kept && Object.hasOwn(kept, name) ? kept[name] : "dropped").toEqual(texts);
  });

  it("a category named constructor still needs its banner texts", () => {
    expect(problemsOf(one({ categories: ["constructor"], banner: { languages: { en: {} } } }))).toEqual([
      ["sites[0].banner.languages.en.categories.constructor", 'no text for the category "constructor"'],
    ]);
  });

  it("a category text named constructor is checked like any other", () => {
    const texts = own({}, "constructor", { label: "", description: "d" });
    expect(
      problemsOf(one({ categories: ["constructor"], banner: { languages: { en: { categories: texts } } } })),
    ).toEqual([["sites[0].banner.languages.en.categories.constructor.label", "must be non-empty text"]]);
  });

  it("a map or category texts written as a list are refused, as the JSON Schema refuses them", () => {
    expect(problemsOf(one({ consent: { sources: [{ cmp: "onetrust", map: ["analytics"] }] } }))).toEqual([
      ["sites[0].consent.sources[0].map", "map must be an object of CMP group -> category"],
    ]);
    expect(problemsOf(one({ banner: { languages: { en: { categories: [] } } } }))).toEqual([
      ["sites[0].banner.languages.en.categories", "categories must map each category to its texts"],
    ]);
  });
});

describe("values that JSON cannot hold, passed from code", () => {
  const cyclic: Json = base();
  cyclic.self = cyclic;
  const throwing = Object.defineProperty(base(), "mode", {
    enumerable: true,
    get() {
      throw new Error("boom");
    },
  });
  class Shop {
    id = "shop";
  }
  it.each<[string, unknown, string, string]>([
    [
      "a function",
      one({ origin: () => "https://origin.example.com" }),
      "sites[0].origin",
      "a function is not a config value",
    ],
    ["a symbol", one({ id: Symbol("shop") }), "sites[0].id", "a symbol is not a config value"],
    ["a bigint", one({ originTimeout: 30n }), "sites[0].originTimeout", "a bigint is not a config value"],
    ["a Date", one({ banner: new Date(0) }), "sites[0].banner", "a Date is not a config value"],
    [
      "a Map",
      one({ banner: { languages: new Map([["en", {}]]) } }),
      "sites[0].banner.languages",
      "a Map is not a config value",
    ],
    ["a String object", one({ id: new String("shop") }), "sites[0].id", "a String is not a config value"],
    ["a class instance", { sites: [new Shop()] }, "sites[0]", "a Shop is not a config value"],
    ["a cycle", { sites: [cyclic] }, "sites[0].self", "the value contains itself (a cycle)"],
    ["a getter that throws", { sites: [throwing] }, "sites[0].mode", "reading the value failed: Error: boom"],
    [
      "a Proxy whose keys cannot be read",
      {
        sites: [
          new Proxy(
            {},
            {
              ownKeys: () => {
                throw new Error("trap");
              },
            },
          ),
        ],
      },
      "sites[0]",
      "reading the value failed: Error: trap",
    ],
    ["a Date as the whole config", new Date(0), "sites", "a Date is not a config value"],
  ])("%s is a problem at its path, and compileConfig does not throw", (_, config, path, message) => {
    expect(problemsOf(config)).toEqual([[path, message]]);
    expect(compileConfig(config).ok).toBe(false);
  });

  it("a value used twice (not a cycle) is fine", () => {
    const cookies = [{ name: "_ga", category: "analytics" }];
    const shared = {
      sites: [
        { ...base(), cookies },
        { ...base(), id: "b", hosts: ["b.example.com"], cookies },
      ],
    };
    expect(problemsOf(shared)).toEqual([]);
  });

  it("a number among the consent sources is a problem (it overflowed the stack)", () => {
    expect(problemsOf(one({ consent: { sources: [1] } }))).toEqual([
      ["sites[0].consent.sources[0]", "a source is a name or an object"],
    ]);
  });
});

describe("huge and deep configs", () => {
  const deep = (levels: number): unknown => JSON.parse(`${"[".repeat(levels)}${"]".repeat(levels)}`);

  it(`nesting deeper than ${MAX_DEPTH} levels is one problem, even 100,000 deep`, () => {
    const problems = problemsOf(
      one({ banner: { languages: { en: { categories: { analytics: deep(100_000) } } } } }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]?.[1]).toBe(`the value is nested deeper than ${MAX_DEPTH} levels`);
  });

  it(`a list of more than ${MAX_ENTRIES} entries is one problem, even ten million empty slots`, () => {
    const sparse: unknown[] = [];
    sparse.length = 10_000_000;
    expect(problemsOf(one({ cookies: sparse }))).toEqual([
      [
        "sites[0].cookies",
        `10000000 entries; consent-edge reads at most ${MAX_ENTRIES} in one list or object`,
      ],
    ]);
  });

  it(`${MAX_ENTRIES} hosts validate, and a copy among them is found (quickly: no quadratic scan)`, () => {
    const hosts = Array.from({ length: MAX_ENTRIES }, (_, i) => `h${i}.example.com`);
    const started = Date.now();
    expect(problemsOf(one({ hosts }))).toEqual([]);
    hosts[MAX_ENTRIES - 1] = "h0.example.com";
    expect(problemsOf(one({ hosts }))).toEqual([
      [`sites[0].hosts[${MAX_ENTRIES - 1}]`, '"h0.example.com" is also listed at hosts[0]'],
    ]);
    // Generous for a shared CI machine; the quadratic scan took about 2.5 s for 30,000 hosts.
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("an unknown key 100,000 characters long is reported without comparing it to every field", () => {
    const problems = problemsOf(one({ ["k".repeat(100_000)]: 1 }));
    expect(problems).toHaveLength(1);
    // The message quotes the key as any value, cut short; the path names it whole.
    expect(problems[0]?.[1]).toBe(`unknown field "${"k".repeat(79)}…`);
  });
});
