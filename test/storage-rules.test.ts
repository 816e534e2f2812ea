/**
 * A site's `storage` rules (localStorage / sessionStorage keys -> category): validation with every
 * problem at its path and a fix, the JSON Schema's agreement where it can judge, and the compact
 * rules the edge hands the page guard (RuntimeConfig.s). The guard itself runs in Chromium
 * (test/e2e/guard-storage.e2e.test.ts).
 */
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import schema from "../consent-edge.schema.json";
import aktok from "../examples/aktok.json";
import ankorium from "../examples/ankorium.json";
import certiron from "../examples/certiron.json";
import { compileConfig, type Site } from "../src/config/compile";
import type { SiteInput } from "../src/config/types";
import { validateConfig } from "../src/config/validate";
import { runtimeConfig } from "../src/html/runtime";
import { testSite } from "./helpers";

const withStorage = (storage: unknown, over: Partial<SiteInput> = {}) => ({
  sites: [{ ...testSite(over), storage }],
});

function problemsOf(config: unknown) {
  const result = validateConfig(config);
  return result.ok ? [] : result.problems;
}

function compiled(config: unknown): Site[] {
  const result = compileConfig(config);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config.sites;
}

describe("storage rules", () => {
  it("default to none, and each rule to both areas", () => {
    const none = validateConfig({ sites: [testSite()] });
    expect(none.ok && none.config.sites[0]?.storage).toEqual([]);
    const result = validateConfig(
      withStorage([
        { key: "ph_*_posthog", category: "analytics", provider: "PostHog", purpose: "ids" },
        { key: "cart", category: "functional", area: "session" },
      ]),
    );
    expect(result.ok && result.config.sites[0]?.storage).toEqual([
      { key: "ph_*_posthog", category: "analytics", area: "both", provider: "PostHog", purpose: "ids" },
      { key: "cart", category: "functional", area: "session" },
    ]);
  });

  it("reports every problem at once, each at its path with a fix", () => {
    expect(
      problemsOf(
        withStorage([
          { key: "_ga", category: "analytic" },
          { key: "*", category: "analytics" },
          { key: "", category: "analytics" },
          { key: "a\nb", category: "analytics" },
          { key: 7, category: "analytics" },
          { key: "x", category: "analytics", area: "Local" },
          { key: "y", categroy: "analytics" },
          { key: "z", category: "analytics", lifetime: "1y" },
          "_ga",
        ]),
      ),
    ).toEqual([
      {
        path: "sites[0].storage[0].category",
        message: '"analytic" is not a category of this site',
        fix: "use one of necessary, functional, analytics, marketing, or add it to the site's categories",
      },
      {
        path: "sites[0].storage[1].key",
        message: "a rule that matches every key would remove the site's own storage on refusal",
        fix: "declare the keys a tracker writes, one rule each",
      },
      {
        path: "sites[0].storage[2].key",
        message: '"" is not a storage key',
        fix: "write the key without line breaks or other control characters",
      },
      {
        path: "sites[0].storage[3].key",
        message: '"a\\nb" is not a storage key',
        fix: "write the key without line breaks or other control characters",
      },
      {
        path: "sites[0].storage[4].key",
        message: "7 is not a storage key",
        fix: 'write an exact key ("certiron.session") or a glob ("ph_*_posthog")',
      },
      {
        path: "sites[0].storage[5].area",
        message: '"Local" is not allowed here',
        fix: "use one of local, session, both",
      },
      {
        path: "sites[0].storage[6].category",
        message: '"category" is missing',
        fix: 'did you mean category? Rename "categroy" to "category"',
      },
      {
        path: "sites[0].storage[7].lifetime",
        message: 'unknown field "lifetime"',
        fix: "remove it or correct the spelling; known fields are key, category, area, purpose, provider",
      },
      {
        path: "sites[0].storage[8]",
        message: "a storage rule must be an object",
        fix: 'write { "key": "ph_*_posthog", "category": "analytics" }',
      },
    ]);
  });

  it("says so when storage is not a list", () => {
    expect(problemsOf(withStorage({ key: "_ga", category: "analytics" }))).toEqual([
      {
        path: "sites[0].storage",
        message: "storage must be a list of rules",
        fix: 'write [{ "key": "ph_*_posthog", "category": "analytics", "area": "local" }]',
      },
    ]);
  });

  it("a key declared twice for an area it already has is reported at the later copy", () => {
    expect(
      problemsOf(
        withStorage([
          { key: "ph_*_posthog", category: "analytics", area: "local" },
          { key: "ph_*_posthog", category: "analytics", area: "session" },
          { key: "ph_*_posthog", category: "marketing" },
          { key: "cart", category: "functional" },
          { key: "cart", category: "functional", area: "local" },
        ]),
      ),
    ).toEqual([
      {
        path: "sites[0].storage[2]",
        message: '"ph_*_posthog" is also declared at storage[0]',
        fix: "declare each key once per area",
      },
      {
        path: "sites[0].storage[4]",
        message: '"cart" is also declared at storage[3]',
        fix: "declare each key once per area",
      },
    ]);
  });

  it("a repeat is still reported when another rule of the list is wrong", () => {
    expect(
      problemsOf(
        withStorage([
          { key: "_ga", category: "analytics" },
          { key: "*", category: "analytics" },
          { key: "_ga", category: "analytics", area: "local" },
        ]),
      ).map((problem) => problem.path),
    ).toEqual(["sites[0].storage[1].key", "sites[0].storage[2]"]);
  });

  it("a site's own category is one, once the site declares it", () => {
    expect(
      problemsOf(
        withStorage([{ key: "chat", category: "support" }], {
          categories: ["necessary", "support"],
          cookies: [],
        }),
      ),
    ).toEqual([]);
    expect(problemsOf(withStorage([{ key: "chat", category: "support" }]))).toHaveLength(1);
  });
});

describe("consent-edge.schema.json agrees on storage rules", () => {
  const matches = new Ajv({ allErrors: true, strict: true }).compile(schema);
  it.each<[string, unknown, boolean]>([
    ["an exact key", [{ key: "certiron.session", category: "necessary", area: "local" }], true],
    ["a glob", [{ key: "ph_*_posthog", category: "analytics" }], true],
    ["a key of stars only", [{ key: "**", category: "analytics" }], false],
    ["an empty key", [{ key: "", category: "analytics" }], false],
    ["a key with a line break", [{ key: "a\nb", category: "analytics" }], false],
    ["an area in capitals", [{ key: "a", category: "analytics", area: "Both" }], false],
    ["a rule without category", [{ key: "a" }], false],
    ["an unknown field", [{ key: "a", category: "analytics", maxAge: "1d" }], false],
  ])("%s", (_, storage, valid) => {
    const config = withStorage(storage);
    expect(matches(config)).toBe(valid);
    expect(validateConfig(config).ok).toBe(valid);
  });
});

describe("RuntimeConfig.s, the storage rules the page guard gets", () => {
  const site = (storage: unknown, trackers?: SiteInput["trackers"]) =>
    compiled(withStorage(storage, trackers ? { trackers } : {}))[0] as Site;

  it("is one [anchored key regex, category, area bits] per refusable rule; necessary keys are left out", () => {
    const s = runtimeConfig(
      site([
        { key: "ph_*_posthog", category: "analytics", area: "local" },
        { key: "cart.v2", category: "functional", area: "session" },
        { key: "mp_*", category: "marketing" },
        { key: "auth", category: "necessary" },
      ]),
      new Set(["necessary"]),
    ).s;
    expect(s).toEqual([
      ["^ph_.*_posthog$", "analytics", 1],
      ["^cart\\.v2$", "functional", 2],
      ["^mp_.*$", "marketing", 3],
    ]);
    const [posthog, cart] = (s || []).map(([source]) => new RegExp(source));
    expect(["ph_phc_x_posthog", "ph__posthog"].every((key) => posthog?.test(key))).toBe(true);
    expect(["xph_a_posthog", "ph_a_posthog2"].some((key) => posthog?.test(key))).toBe(false);
    expect([cart?.test("cart.v2"), cart?.test("cartXv2")]).toEqual([true, false]);
  });

  it("is false with no rules, only necessary ones, or without the page guard", () => {
    const granted = new Set(["necessary"]);
    expect(runtimeConfig(site([]), granted).s).toBe(false);
    expect(runtimeConfig(site([{ key: "auth", category: "necessary" }]), granted).s).toBe(false);
    const off = site([{ key: "_ga", category: "analytics" }], { runtimeGuard: false });
    expect(runtimeConfig(off, granted).s).toBe(false);
  });

  it("is built once per site, not per page", () => {
    const one = site([{ key: "_ga", category: "analytics" }]);
    expect(runtimeConfig(one, new Set(["necessary"])).s).toBe(
      runtimeConfig(one, new Set(["necessary", "analytics"]), true).s,
    );
  });

  it("ships the policies' keys: aktok's PostHog and app state; certiron's and ankorium's are necessary", () => {
    const [aktokSite] = compiled(aktok);
    expect(runtimeConfig(aktokSite as Site, new Set(["necessary"])).s).toEqual([
      ["^ph_.*_posthog$", "analytics", 1],
      ["^aktok_app_.*$", "functional", 1],
    ]);
    expect((compiled(certiron)[0] as Site).storage.map((rule) => rule.key)).toEqual([
      "certiron.session",
      "certiron.cookies_ack",
    ]);
    for (const necessaryOnly of [...compiled(certiron), ...compiled(ankorium)]) {
      expect(runtimeConfig(necessaryOnly, new Set(["necessary"])).s).toBe(false);
    }
  });
});
