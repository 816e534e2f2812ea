import { describe, expect, it } from "vitest";
import { compileConfig } from "../src/config/compile";
import { BUILT_IN_TEXTS } from "../src/texts/languages";
import { validateConfig } from "../src/config/validate";
import { testSite } from "./helpers";

describe("validateConfig", () => {
  it.each<[unknown, number]>([
    [undefined, 30],
    [45, 45],
    ["45s", 45],
    ["1m", 60],
    [100, 100],
  ])("originTimeout %j waits %i s for the origin's headers", (originTimeout, seconds) => {
    const result = validateConfig({
      sites: [testSite(originTimeout === undefined ? {} : { originTimeout: originTimeout as string })],
    });
    expect(result.ok && result.config.sites[0]?.originTimeoutSeconds).toBe(seconds);
  });

  it("reports every problem at once, each with its path and a fix", () => {
    const result = validateConfig({
      sites: [
        {
          id: "Shop!",
          hosts: ["Shop.Example.com", "https://x.example.com", "*.*.example.com"],
          pathPrefix: "shop",
          origin: "http://origin.example.com",
          categories: ["necessary", "analytics", "analytics", "Ads"],
          policyRevision: "v1.2",
          mode: "audit",
          undeclared: "drop",
          colour: "blue",
          debugSecret: "s3cret value",
          consentCookie: { name: "bad;name", maxAge: "2y" },
          cookies: [
            { name: "_ga", category: "analytic" },
            { name: "_ga", category: "analytics" },
            { name: "*", category: "analytics" },
            { name: "ce_consent", category: "necessary" },
            { name: "x", category: "analytics", maxAge: "forever", sameSite: "lax", secure: "yes" },
            { name: "y", category: "analytics", sameSite: "None" },
            { name: "__Host-id", category: "necessary", path: "/app" },
            { name: "z", category: "analytics", path: "no-slash", lifetime: 3 },
          ],
        },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.path)).toEqual([
      "sites[0].colour",
      "sites[0].id",
      "sites[0].hosts[0]",
      "sites[0].hosts[1]",
      "sites[0].hosts[2]",
      "sites[0].pathPrefix",
      "sites[0].origin",
      "sites[0].categories[2]",
      "sites[0].categories[3]",
      "sites[0].policyRevision",
      "sites[0].mode",
      "sites[0].undeclared",
      "sites[0].consentCookie.name",
      "sites[0].consentCookie.maxAge",
      "sites[0].cookies[0].category",
      "sites[0].cookies[1].name",
      "sites[0].cookies[2].name",
      "sites[0].cookies[3].name",
      "sites[0].cookies[4].maxAge",
      "sites[0].cookies[4].secure",
      "sites[0].cookies[4].sameSite",
      "sites[0].cookies[5].secure",
      "sites[0].cookies[6].path",
      "sites[0].cookies[7].lifetime",
      "sites[0].cookies[7].path",
      "sites[0].debugSecret",
    ]);
    for (const problem of result.problems) {
      expect(problem.message.length).toBeGreaterThan(5);
      expect(problem.fix.length).toBeGreaterThan(5);
    }
    const byPath = new Map(result.problems.map((p) => [p.path, p]));
    expect(byPath.get("sites[0].hosts[0]")?.fix).toContain('"shop.example.com"');
    expect(byPath.get("sites[0].cookies[0].category")?.fix).toBe(
      "use one of necessary, analytics, or add it to the site's categories",
    );
    expect(byPath.get("sites[0].cookies[1].name")?.message).toContain("sites[0].cookies[0]");
    expect(byPath.get("sites[0].origin")?.fix).toContain("https://");
    expect(byPath.get("sites[0].consentCookie.maxAge")?.fix).toContain("400d");
  });

  it("reports conflicts between sites", () => {
    const result = validateConfig({
      sites: [testSite({ id: "a" }), testSite({ id: "a" }), testSite({ id: "b", pathPrefix: "/blog" })],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'sites[1].id: "a" is also the id of sites[0]',
      'sites[1].hosts: "www.example.com" is already served by sites[0]',
      'sites[1].hosts: "*.example.org" is already served by sites[0]',
    ]);
  });

  it.each([
    [null, "sites"],
    [{}, "sites"],
    [{ sites: [] }, "sites"],
    [{ sites: [42] }, "sites[0]"],
    [{ sites: [testSite({ origin: "service:not a binding" })] }, "sites[0].origin"],
    [{ sites: [testSite({ origin: "https://origin.example.com/path" })] }, "sites[0].origin"],
    [{ sites: [testSite({ hosts: [] })] }, "sites[0].hosts"],
  ])("rejects %j at %s", (input, path) => {
    const result = validateConfig(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toEqual([path]);
  });

  it("fills in defaults and normalises", () => {
    const result = validateConfig({
      sites: [
        {
          id: "min",
          hosts: ["example.com"],
          origin: "https://origin.example.com/",
          policyRevision: "1",
          pathPrefix: "/shop/",
          categories: ["analytics", "newsletter"],
          cookies: [{ name: "n", category: "newsletter", maxAge: "1d" }],
        },
      ],
    });
    expect(result).toEqual({
      ok: true,
      config: {
        sites: [
          {
            id: "min",
            hosts: ["example.com"],
            pathPrefix: "/shop",
            origin: { kind: "url", url: "https://origin.example.com" },
            categories: ["necessary", "analytics", "newsletter"],
            policyRevision: "1",
            mode: "enforce",
            inventory: { enabled: false, sample: 1, browserSample: 0.01 },
            undeclared: "block",
            defaults: false,
            policy: { enabled: false },
            cookies: [{ pattern: "n", category: "newsletter", order: 0, maxAgeSeconds: 86_400 }],
            storage: [],
            consentCookie: { name: "ce_consent", maxAgeSeconds: 180 * 86_400 },
            originTimeoutSeconds: 30,
            trackers: {
              builtin: true,
              rules: [],
              googleConsentMode: false,
              cookieGuard: false,
              runtimeGuard: true,
            },
            consent: {
              sources: [{ kind: "consent-cookie" }],
              maxAgeSeconds: 180 * 86_400,
              // The site has no "marketing" category, so GPC has nothing to refuse by default.
              gpc: { categories: [], bindingIn: ["opt-out", "opt-in"], announce: false },
              doNotTrack: [],
              receipts: false,
            },
            regions: { default: "opt-in", byArea: {} },
            banner: { enabled: false, languages: { ...BUILT_IN_TEXTS }, defaultLanguage: "en" },
          },
        ],
      },
    });
  });

  it("accepts plain http only for local origins", () => {
    expect(validateConfig({ sites: [testSite({ origin: "http://localhost:8790" })] }).ok).toBe(true);
    expect(validateConfig({ sites: [testSite({ origin: "http://origin.test" })] }).ok).toBe(true);
    expect(validateConfig({ sites: [testSite({ origin: "http://origin.example.com" })] }).ok).toBe(false);
  });

  it("compileConfig refuses what validateConfig refuses", () => {
    const result = compileConfig({ sites: [testSite({ mode: "loud" as never })] });
    expect(result.ok).toBe(false);
  });
});

// Found by the config properties (test/fuzz/config.test.ts).
describe("validateConfig: problems say what they mean", () => {
  const problemsOf = (config: unknown) => {
    const result = validateConfig(config);
    return result.ok ? [] : result.problems;
  };

  it.each<[string, unknown, string, string]>([
    [
      "a cookie rule without a name",
      { sites: [testSite({ cookies: [{ category: "analytics" } as never] })] },
      "sites[0].cookies[0].name",
      '"name" is missing',
    ],
    [
      "a cookie rule without a category",
      { sites: [testSite({ cookies: [{ name: "_ga" } as never] })] },
      "sites[0].cookies[0].category",
      '"category" is missing',
    ],
    [
      "a tracker rule without a category",
      { sites: [testSite({ trackers: { rules: [{ host: "hotjar.com" } as never] } })] },
      "sites[0].trackers.rules[0].category",
      '"category" is missing',
    ],
    [
      "a source object without a cmp",
      { sites: [testSite({ consent: { sources: [{ map: {} } as never] } })] },
      "sites[0].consent.sources[0].cmp",
      '"cmp" is missing',
    ],
    [
      "an object where a name goes",
      { sites: [testSite({ cookies: [{ name: { a: 1 }, category: "analytics" } as never] })] },
      "sites[0].cookies[0].name",
      '{"a":1} is not a cookie name or pattern',
    ],
    [
      "an origin timeout of zero",
      { sites: [testSite({ originTimeout: 0 })] },
      "sites[0].originTimeout",
      "0 is not a timeout between 1 and 100 seconds",
    ],
    [
      "an origin timeout past Cloudflare's own 100 s",
      { sites: [testSite({ originTimeout: "5m" })] },
      "sites[0].originTimeout",
      '"5m" is not a timeout between 1 and 100 seconds',
    ],
    [
      "a huge value, cut",
      { sites: [testSite({ mode: "x".repeat(500) as never })] },
      "sites[0].mode",
      `"${"x".repeat(79)}… is not allowed here`,
    ],
  ])("%s", (_, config, path, message) => {
    const problems = problemsOf(config);
    expect(problems).toContainEqual(expect.objectContaining({ path, message }));
    for (const problem of problems) {
      expect(`${problem.path} ${problem.message} ${problem.fix}`).not.toMatch(/undefined|\[object Object\]/);
    }
  });

  it.each<[string, unknown, string]>([
    ["an empty key at the top", { sites: [testSite()], "": 1 }, '[""]'],
    ["a key with a space", { sites: [testSite()], "my field": 1 }, '["my field"]'],
    [
      "a map group with a dot",
      { sites: [testSite({ consent: { sources: [{ cmp: "onetrust", map: { "C.2": "nope" } }] } })] },
      'sites[0].consent.sources[0].map["C.2"]',
    ],
  ])("the path of %s is never empty and quotes the key", (_, config, path) => {
    expect(problemsOf(config).map((problem) => problem.path)).toContain(path);
  });

  // `defaultLanguage in languages` took "constructor" or "toString" from Object.prototype for texts.
  it.each<[unknown, string]>([
    ["constructor", '"constructor" has no texts'],
    ["toString", '"toString" has no texts'],
    ["__proto__", '"__proto__" has no texts'],
    ["ja", '"ja" has no texts'],
    [5, "5 is not a language tag"],
    [null, "null is not a language tag"],
  ])("banner.defaultLanguage %j is refused: %s", (defaultLanguage, message) => {
    const problems = problemsOf({
      sites: [testSite({ banner: { enabled: true, defaultLanguage } as never })],
    });
    expect(problems).toContainEqual(
      expect.objectContaining({ path: "sites[0].banner.defaultLanguage", message }),
    );
  });
});

// Fields that were read only when well typed, and otherwise dropped without a word.
describe("validateConfig: a mistyped optional field is reported, not ignored", () => {
  it.each<[string, unknown, string]>([
    [
      "a cookie rule's purpose",
      { cookies: [{ name: "_ga", category: "analytics", purpose: 5 }] },
      "sites[0].cookies[0].purpose",
    ],
    [
      "a cookie rule's provider",
      { cookies: [{ name: "_ga", category: "analytics", provider: ["G"] }] },
      "sites[0].cookies[0].provider",
    ],
    [
      "a tracker rule's vendor",
      { trackers: { rules: [{ host: "hotjar.com", category: "analytics", vendor: {} }] } },
      "sites[0].trackers.rules[0].vendor",
    ],
    [
      "a writing direction",
      { banner: { languages: { ar: { dir: "right" } } } },
      "sites[0].banner.languages.ar.dir",
    ],
    [
      "category texts that are not an object",
      { banner: { languages: { en: { categories: "x" } } } },
      "sites[0].banner.languages.en.categories",
    ],
  ])("%s", (_, overrides, path) => {
    const result = validateConfig({ sites: [testSite(overrides as never)] });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.map((problem) => problem.path)).toContain(path);
  });

  it.each(["ltr", "rtl"] as const)("a writing direction %j is accepted", (dir) => {
    expect(validateConfig({ sites: [testSite({ banner: { languages: { ar: { dir } } } })] }).ok).toBe(true);
  });
});
