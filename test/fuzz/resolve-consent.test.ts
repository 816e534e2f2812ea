/**
 * Properties of consent resolution (src/consent/resolve-consent.ts) for random sites (categories,
 * regions, GPC and DNT settings, CMP sources), random cookies (consent-edge's own and every CMP's,
 * real and garbage), Sec-GPC / DNT headers, countries and region codes, and random sources
 * (deciding, skipping, throwing, dated anywhere). Invariants: never throws; `necessary` is always
 * granted; a category is granted only if the deciding source or the region default grants it; GPC
 * refuses its categories where the site binds it, whatever the cookies say; DNT refuses the DNT
 * categories; an unknown country is opt-in; the result is deterministic.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileConfig, type Site } from "../../src/config/compile";
import type { SiteInput } from "../../src/config/types";
import { KNOWN_CMPS } from "../../src/config/consent";
import { regionOf } from "../../src/consent/region";
import { MAX_DECISION_SKEW_SECONDS, resolveConsent } from "../../src/consent/resolve-consent";
import type { ConsentSource, SourceResult } from "../../src/consent/sources/source";
import type { ConsentState } from "../../src/consent/types";
import { FIXED_NOW, REVISION } from "../helpers";
import { fuzzParameters } from "./settings";

const EXTRA_CATEGORIES = ["support", "personalisation", "constructor", "ads"];
const MODELS = ["opt-in", "opt-out", "notice"] as const;
const COUNTRIES = [
  "DE",
  "FR",
  "GB",
  "US",
  "JP",
  "BR",
  "XX",
  "T1",
  "de",
  "",
  "D",
  "DEU",
  "ß",
  "ﬀ",
  "1A",
  "EU",
];
const REGION_CODES = ["CA", "NY", "ca", "", "ENG", "C\nA", "CONSTRUCTOR", "__proto__", "1"];

/** A valid site with random categories, regions, GPC/DNT settings and CMP sources. */
const siteInput: fc.Arbitrary<SiteInput> = fc
  .record({
    extra: fc.subarray(EXTRA_CATEGORIES),
    defaults: fc.subarray(["functional", "analytics", "marketing"]),
    regionDefault: fc.constantFrom(...MODELS),
    optIn: fc.subarray(["EEA", "GB", "CH", "US-CA"]),
    optOut: fc.subarray(["US", "BR", "US-NY"]),
    notice: fc.subarray(["JP", "AU"]),
    gpcBinding: fc.subarray([...MODELS]),
    gpcPick: fc.nat(),
    dntPick: fc.nat(),
    // A zaraz source needs the site's own map of purpose ids, so it is added with one below.
    cmps: fc.subarray(KNOWN_CMPS.filter((cmp) => cmp !== "zaraz")),
    zaraz: fc.boolean(),
  })
  .map((spec) => {
    const categories = ["necessary", ...spec.defaults, ...spec.extra];
    const refusable = categories.filter((category) => category !== "necessary");
    const pick = (n: number) => refusable.filter((_, i) => (n >> i) & 1);
    const notice = spec.notice.filter((area) => !spec.optIn.includes(area) && !spec.optOut.includes(area));
    const optOut = spec.optOut.filter((area) => !spec.optIn.includes(area));
    return {
      id: "fuzz",
      hosts: ["www.example.com"],
      origin: "service:FIXTURE_ORIGIN",
      policyRevision: REVISION,
      categories,
      regions: { default: spec.regionDefault, "opt-in": spec.optIn, "opt-out": optOut, notice },
      consent: {
        sources: [
          "consent-cookie",
          ...spec.cmps,
          ...(spec.zaraz && refusable[0] !== undefined
            ? [{ cmp: "zaraz" as const, map: { USeX: refusable[0] } }]
            : []),
        ],
        gpc: { categories: pick(spec.gpcPick), bindingIn: spec.gpcBinding },
        doNotTrack: pick(spec.dntPick),
      },
    } satisfies SiteInput;
  });

function compile(input: SiteInput): Site {
  const result = compileConfig({ sites: [input] });
  if (!result.ok) throw new Error(`fuzz site invalid: ${JSON.stringify(result.problems)}`);
  return result.config.sites[0] as Site;
}

/** Cookies every source reads: own consent cookies (current, old, ahead), CMP cookies, garbage. */
const cookie = fc.oneof(
  fc
    .tuple(
      fc.subarray(["functional", "analytics", "marketing", ...EXTRA_CATEGORIES, "telepathy"]),
      fc.integer({ min: -400 * 86_400, max: 3 * 86_400 }),
      fc.constantFrom(REVISION, "old"),
    )
    .map(([granted, offset, revision]) => ({
      name: "ce_consent",
      value: `1.${revision}.${FIXED_NOW + offset}.${granted.length > 0 ? granted.join("~") : "-"}`,
    })),
  fc.constantFrom(
    { name: "OptanonConsent", value: "groups=C0001%3A1%2CC0002%3A1%2CC0003%3A0%2CC0004%3A1" },
    { name: "OptanonAlertBoxClosed", value: "2026-11-20T11:56:14.459Z" },
    {
      name: "CookieConsent",
      value: "{necessary:true,preferences:true,statistics:true,marketing:true,utc:1795000000000}",
    },
    { name: "CookieConsent", value: "0" },
    { name: "cc_cookie", value: '{"categories":["necessary","analytics","marketing"]}' },
    { name: "klaro", value: "%7B%22matomo%22%3Atrue%7D" },
    { name: "cookieyes-consent", value: "action:yes,analytics:yes,advertisement:yes,functional:no" },
    { name: "cmplz_banner-status", value: "dismissed" },
    { name: "cmplz_marketing", value: "allow" },
    { name: "cmplz_statistics", value: "deny" },
    { name: "euconsent-v2", value: "CPh7_cXPh7_cXKMAAAENCZCAAKqAAAAAAAAAAAAAAAAA" },
    { name: "OTGPPConsent", value: "DBABLA~BVQVAAAAAgA.QA" },
    { name: "__gpp", value: "DBACNYA~CPSG_8APSG_8ANwAAAENAwCgAAAAAAAAAAAAAAAAAAAA.IAAA.YAAAAAAAAAAA~1YNN" },
    { name: "usprivacy", value: "1YYN" },
    { name: "cf_consent", value: '{"USeX":true}' },
  ),
  fc.record({
    name: fc.constantFrom("ce_consent", "OptanonConsent", "CookieConsent", "cc_cookie", "euconsent-v2", "x"),
    value: fc.string({ maxLength: 40 }),
  }),
);

const headers = fc
  .record({
    gpc: fc.constantFrom(undefined, "1", " 1 ", "0", "true", "1, 1"),
    dnt: fc.constantFrom(undefined, "1", "0", "yes"),
  })
  .map(({ gpc, dnt }) => {
    const result = new Headers();
    if (gpc !== undefined) result.set("Sec-GPC", gpc);
    if (dnt !== undefined) result.set("DNT", dnt);
    return result;
  });

/** A source of any behaviour: decides (any categories, any date), skips, or throws. */
const syntheticSource: fc.Arbitrary<ConsentSource> = fc
  .record({
    name: fc.constantFrom("consent-cookie", "onetrust", "tcf", "synthetic"),
    behaviour: fc.constantFrom("decide", "skip", "throw"),
    granted: fc.subarray([
      "functional",
      "analytics",
      "marketing",
      "necessary",
      "telepathy",
      ...EXTRA_CATEGORIES,
    ]),
    givenAt: fc.option(
      fc.oneof(
        fc.integer({ min: FIXED_NOW - 500 * 86_400, max: FIXED_NOW + 3 * 86_400 }),
        fc.constantFrom(Number.NaN, Infinity, -Infinity, FIXED_NOW + MAX_DECISION_SKEW_SECONDS, 1e300),
      ),
      { nil: undefined },
    ),
  })
  .map(({ name, behaviour, granted, givenAt }) => ({
    name,
    read: (): SourceResult => {
      if (behaviour === "throw") throw new Error("boom");
      if (behaviour === "skip") return { skip: "absent" };
      return { decision: { granted: [...granted], ...(givenAt !== undefined ? { givenAt } : {}) } };
    },
  }));

const scenario = fc.record({
  site: siteInput,
  cookies: fc.array(cookie, { maxLength: 6 }),
  headers,
  country: fc.option(fc.constantFrom(...COUNTRIES), { nil: undefined }),
  regionCode: fc.option(fc.constantFrom(...REGION_CODES), { nil: undefined }),
  // Distinct names, so that the test can ask the deciding source again.
  synthetic: fc.option(
    fc
      .array(syntheticSource, { maxLength: 4 })
      .map((sources) => sources.map((source, i) => ({ ...source, name: `${source.name}#${i}` }))),
    { nil: undefined },
  ),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function run(s: Scenario): { site: Site; state: ConsentState; sources: readonly ConsentSource[] } {
  const site = compile(s.site);
  const sources = s.synthetic ?? site.consentSources;
  const input = {
    cookies: s.cookies,
    headers: s.headers,
    now: FIXED_NOW,
    country: s.country,
    regionCode: s.regionCode,
  };
  return { site, state: resolveConsent(input, site, sources), sources };
}

/** What the source that decided grants, asked again (sources are pure). */
function grantedBySource(s: Scenario, site: Site, sources: readonly ConsentSource[], name: string): string[] {
  const source = sources.find((candidate) => candidate.name === name);
  if (!source) return [];
  try {
    const result = source.read(
      {
        cookies: s.cookies,
        headers: s.headers,
        now: FIXED_NOW,
        country: s.country,
        regionCode: s.regionCode,
      },
      site,
    );
    return "decision" in result ? result.decision.granted : [];
  } catch {
    return [];
  }
}

describe("resolveConsent over random sites, cookies, signals and regions", () => {
  it("never throws; necessary is granted; only the site's categories are; every category has a reason", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { site, state } = run(s);
        expect(state.granted.has("necessary")).toBe(true);
        for (const category of state.granted) expect(site.categories).toContain(category);
        for (const category of site.categories) expect(typeof state.decidedBy[category]).toBe("string");
        expect(typeof state.reason).toBe("string");
      }),
      fuzzParameters(),
    );
  });

  it("grants a category only if the deciding source or the region default grants it", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { site, state, sources } = run(s);
        const byDefault = !state.decided && state.region.model !== "opt-in";
        const bySource = state.decided ? grantedBySource(s, site, sources, state.source) : [];
        for (const category of state.granted) {
          if (category === "necessary") continue;
          expect({ category, granted: byDefault || bySource.includes(category) }).toEqual({
            category,
            granted: true,
          });
        }
        // A decision dated beyond the skew (or not a date) refuses everything.
        if (state.reason === "future-date") expect([...state.granted]).toEqual(["necessary"]);
      }),
      fuzzParameters(),
    );
  });

  it("GPC refuses its categories wherever the site binds it, whatever the cookies say; DNT its own", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { site, state } = run(s);
        const gpc = s.headers.get("Sec-GPC")?.trim() === "1";
        if (gpc && site.consent.gpc.bindingIn.includes(state.region.model)) {
          for (const category of site.consent.gpc.categories) expect(state.granted.has(category)).toBe(false);
        }
        if (s.headers.get("DNT")?.trim() === "1") {
          for (const category of site.consent.doNotTrack) expect(state.granted.has(category)).toBe(false);
        }
        expect(state.signals).toEqual({ gpc, dnt: s.headers.get("DNT")?.trim() === "1" });
      }),
      fuzzParameters(),
    );
  });

  it("an unknown country is opt-in, and a region is only ever a country or country-subdivision code", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { state } = run(s);
        const known =
          s.country !== undefined && /^[A-Za-z]{2}$/.test(s.country) && !/^(xx|t1)$/i.test(s.country);
        if (!known) expect(state.region).toEqual({ area: undefined, model: "opt-in" });
        if (state.region.area !== undefined) expect(state.region.area).toMatch(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/);
        if (!known && !state.decided) expect([...state.granted]).toEqual(["necessary"]);
      }),
      fuzzParameters(),
    );
  });

  it("garbage in every source's cookies grants nothing where consent is opt-in", () => {
    const names = [
      "ce_consent",
      "OptanonConsent",
      "OptanonAlertBoxClosed",
      "CookieConsent",
      "cc_cookie",
      "klaro",
    ];
    const more = [
      "cookieyes-consent",
      "cmplz_banner-status",
      "cmplz_marketing",
      "didomi_token",
      "euconsent-v2",
    ];
    const garbage = fc.array(
      fc.record({
        name: fc.constantFrom(...names, ...more),
        value: fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.string({ unit: "binary", maxLength: 60 }),
          fc.base64String(),
        ),
      }),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(
        siteInput,
        garbage,
        headers,
        fc.constantFrom("DE", "XX", undefined),
        (input, cookies, h, country) => {
          const site = compile({ ...input, regions: { default: "opt-in" } });
          const state = resolveConsent(
            { cookies, headers: h, now: FIXED_NOW, country },
            site,
            site.consentSources,
          );
          expect([...state.granted]).toEqual(["necessary"]);
        },
      ),
      fuzzParameters(),
    );
  });

  it("is deterministic: the same input resolves to the same state", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        expect(run(s).state).toEqual(run(s).state);
      }),
      fuzzParameters({ scale: 0.5 }),
    );
  });
});

describe("resolveConsent: a decision dated where it could never expire", () => {
  const site = compile({
    id: "dated",
    hosts: ["www.example.com"],
    origin: "service:FIXTURE_ORIGIN",
    policyRevision: REVISION,
    regions: { default: "opt-out" },
  });
  const source = (givenAt: number): ConsentSource => ({
    name: "tcf",
    read: () => ({ decision: { granted: ["analytics", "marketing"], givenAt } }),
  });
  const resolve = (givenAt: number) =>
    resolveConsent({ cookies: [], headers: new Headers(), now: FIXED_NOW, country: "US" }, site, [
      source(givenAt),
    ]);

  it.each([
    ["two days ahead", FIXED_NOW + 2 * 86_400],
    ["in the year 2100", Date.UTC(2100, 0, 1) / 1000],
    ["NaN", Number.NaN],
    ["Infinity", Infinity],
  ])("%s: decides, as a refusal, even where the default grants everything", (_, givenAt) => {
    const state = resolve(givenAt);
    expect(state).toMatchObject({ decided: true, source: "tcf", reason: "future-date" });
    expect([...state.granted]).toEqual(["necessary"]);
  });

  it.each([
    ["now", FIXED_NOW],
    ["an hour ahead (a visitor's clock)", FIXED_NOW + 3_600],
    ["a day ahead, the bound", FIXED_NOW + MAX_DECISION_SKEW_SECONDS],
  ])("%s: decides as given", (_, givenAt) => {
    const state = resolve(givenAt);
    expect(state).toMatchObject({ decided: true, source: "tcf", reason: "valid" });
    expect([...state.granted].sort()).toEqual(["analytics", "marketing", "necessary"]);
  });
});

describe("regionOf: country and region codes", () => {
  const regions = compile({
    id: "regions",
    hosts: ["www.example.com"],
    origin: "service:FIXTURE_ORIGIN",
    policyRevision: REVISION,
    regions: { default: "notice", "opt-in": ["EEA"], "opt-out": ["US-CA"] },
  }).regions;

  it.each<[string | undefined, string | undefined, string | undefined, string]>([
    ["DE", undefined, "DE", "opt-in"],
    ["de", undefined, "DE", "opt-in"],
    ["US", "CA", "US-CA", "opt-out"],
    ["US", "ca", "US-CA", "opt-out"],
    ["US", "NY", "US-NY", "notice"],
    // Not codes: ignored, never shown (the area reaches debug headers and receipts).
    ["US", "C\nA", "US", "notice"],
    ["US", "CONSTRUCTOR", "US", "notice"],
    ["US", "", "US", "notice"],
    // "ß".toUpperCase() is "SS", "ﬀ" is "FF": not country codes.
    ["ß", undefined, undefined, "opt-in"],
    ["ﬀ", undefined, undefined, "opt-in"],
    ["DEU", undefined, undefined, "opt-in"],
    ["XX", "CA", undefined, "opt-in"],
    ["t1", undefined, undefined, "opt-in"],
    [undefined, "CA", undefined, "opt-in"],
  ])("%j %j -> %j (%s)", (country, regionCode, area, model) => {
    expect(regionOf(regions, country, regionCode)).toEqual({ area, model });
  });
});
