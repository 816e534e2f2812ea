/**
 * The config of the US signal sources and Zaraz: "gpp", "us-privacy" and "zaraz" are sources; a
 * gpp or us-privacy map names only the fields those signals have (else an opt-out would be silently
 * ignored); a zaraz source needs its map. Every problem with its path and its fix.
 */
import { describe, expect, it } from "vitest";
import { type ConfigProblem, validateConfig } from "../../src/config/validate";

const site = (sources: unknown[]) => ({
  id: "shop",
  hosts: ["www.example.com"],
  policyRevision: "1",
  consent: { sources },
});
const problemsOf = (sources: unknown[]): ConfigProblem[] => {
  const result = validateConfig({ sites: [site(sources)] });
  return result.ok ? [] : result.problems;
};

const ZARAZ_FIX =
  'write { "cmp": "zaraz", "map": { "USeX": "analytics" } }, with the purpose ids from Zaraz > Consent > Purposes';

describe("US signal and Zaraz sources in the config", () => {
  it("gpp and us-privacy are sources, by name or with a map of their fields and a cookie", () => {
    expect(
      problemsOf([
        "gpp",
        "us-privacy",
        {
          cmp: "gpp",
          map: { sale: "marketing", sensitiveData: "analytics", gpc: "marketing" },
          cookie: "my_gpp",
        },
        { cmp: "us-privacy", map: { sale: "analytics" } },
        { cmp: "zaraz", map: { USeX: "analytics" } },
      ]),
    ).toEqual([]);
  });

  it("a gpp map key that is not a GPP field names the path and the fields", () => {
    expect(
      problemsOf(["consent-cookie", { cmp: "gpp", map: { salee: "marketing", C0004: "marketing" } }]),
    ).toEqual([
      {
        path: "sites[0].consent.sources[1].map.salee",
        message: '"salee" is not a field of gpp',
        fix: "use one of sale, sharing, targetedAdvertising, sensitiveData, gpc",
      },
      {
        path: "sites[0].consent.sources[1].map.C0004",
        message: '"C0004" is not a field of gpp',
        fix: "use one of sale, sharing, targetedAdvertising, sensitiveData, gpc",
      },
    ]);
  });

  it("a us-privacy map has only sale", () => {
    expect(problemsOf([{ cmp: "us-privacy", map: { targetedAdvertising: "marketing" } }])).toEqual([
      {
        path: "sites[0].consent.sources[0].map.targetedAdvertising",
        message: '"targetedAdvertising" is not a field of us-privacy',
        fix: "use one of sale",
      },
    ]);
  });

  it("zaraz without a map is refused, by name or as an object", () => {
    const message = "a zaraz source needs a map from Zaraz purpose ids to categories";
    expect(problemsOf(["consent-cookie", "zaraz"])).toEqual([
      { path: "sites[0].consent.sources[1]", message, fix: ZARAZ_FIX },
    ]);
    expect(problemsOf([{ cmp: "zaraz", cookie: "my_consent" }])).toEqual([
      { path: "sites[0].consent.sources[0].map", message, fix: ZARAZ_FIX },
    ]);
  });

  it("zaraz with an empty map is refused: every cf_consent would grant nothing", () => {
    expect(problemsOf([{ cmp: "zaraz", map: {} }])).toEqual([
      {
        path: "sites[0].consent.sources[0].map",
        message: "a zaraz source needs a map from Zaraz purpose ids to categories",
        fix: ZARAZ_FIX,
      },
    ]);
  });

  it("a map to a category the site lacks is still the cross-check's problem", () => {
    expect(problemsOf([{ cmp: "gpp", map: { sale: "ads" } }])).toEqual([
      {
        path: "sites[0].consent.sources[0].map.sale",
        message: '"ads" is not a category of this site',
        fix: "use one of necessary, functional, analytics, marketing",
      },
    ]);
  });
});
