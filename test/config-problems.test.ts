/**
 * The full problem list for a table of broken configs: path, message and fix of every problem, in
 * order, so a changed word or a lost or extra problem fails here. Each config breaks one thing on a
 * minimal valid site; the weak cases of issue 8 are the first rows.
 */
import { describe, expect, it } from "vitest";
import { type ConfigProblem, validateConfig } from "../src/config/validate";

type Json = Record<string, unknown>;

/** A valid site with nothing optional: no origin (the middleware's downstream handler is the origin). */
const site = (fields: Json = {}): Json => ({
  id: "shop",
  hosts: ["www.example.com"],
  policyRevision: "1",
  ...fields,
});

const problemsOf = (config: unknown): ConfigProblem[] => {
  const result = validateConfig(config);
  return result.ok ? [] : result.problems;
};

const at = (path: string, message: string, fix: string): ConfigProblem => ({ path, message, fix });

describe("validateConfig: the full problem list of broken configs", () => {
  it.each<[string, unknown, ConfigProblem[]]>([
    [
      "a misspelled required field is missing, with the misspelling named once",
      { sites: [site({ cookies: [{ name: "_ga", categry: "analytics" }] })] },
      [
        at(
          "sites[0].cookies[0].category",
          '"category" is missing',
          'did you mean category? Rename "categry" to "category"',
        ),
      ],
    ],
    [
      "a required field left out is missing, with an example",
      { sites: [{ id: "shop", hosts: ["www.example.com"] }] },
      [at("sites[0].policyRevision", '"policyRevision" is missing', 'add "policyRevision": "2026-04-03"')],
    ],
    [
      "a misspelled optional field is unknown, with the closest known field",
      { sites: [site({ cookies: [{ name: "_ga", category: "analytics", maxage: "1d" }] })] },
      [at("sites[0].cookies[0].maxage", 'unknown field "maxage"', "did you mean maxAge?")],
    ],
    [
      "an invalid id echoes the value",
      { sites: [site({ id: "Shop!" })] },
      [
        at(
          "sites[0].id",
          '"Shop!" is not a valid site id',
          'use 1-63 lowercase letters, digits and dashes, e.g. "shop"',
        ),
      ],
    ],
    [
      "a duplicate host inside one site",
      { sites: [site({ hosts: ["www.example.com", "example.com", "www.example.com"] })] },
      [at("sites[0].hosts[2]", '"www.example.com" is also listed at hosts[0]', "list each host once")],
    ],
    [
      "unknown keys inside a banner language block",
      { sites: [site({ banner: { languages: { de: { titel: "Cookies", colour: "red" } } } })] },
      [
        at("sites[0].banner.languages.de.titel", 'unknown field "titel"', "did you mean title?"),
        at(
          "sites[0].banner.languages.de.colour",
          'unknown field "colour"',
          "remove it or correct the spelling; known fields are title, body, acceptAll, rejectAll, customise, save, close, settingsLink, policyLinkText, bodyOptOut, cookiesInCategory, servicesInCategory, placeholderText, placeholderButton, placeholderOnce, placeholderAlways, placeholderLabel, placeholderSomeone, and, settingsPageTitle, backToSite, policyTitle, policyIntro, policyRevision, policyAlwaysOn, policyNeedsConsent, colName, colProvider, colPurpose, colDuration, colType, colParty, typeHttp, typeScript, firstParty, thirdPartyOn, durationSession, durationUnknown, noCookies, storageHeading, colKey, colArea, areaLocal, areaSession, thirdPartiesHeading, colThirdParty, colReceives, colPrivacyPolicy, choicesHeading, choicesText, openSettings, gpcText, dntText, nothingOptional, policyServicesHeading, policyServicesText, policyColService, policyColHosts, policyColCookies, policyNoneDeclared, categories, dir",
        ),
      ],
    ],
    [
      "an unknown field at the top",
      { sites: [site()], site: [] },
      [at("site", 'unknown field "site"', "did you mean sites?")],
    ],
    [
      "a list where a site goes",
      { sites: [[]] },
      [
        at(
          "sites[0]",
          "a site must be an object",
          'write `{ "id": "...", "hosts": [...], "origin": "...", ... }`',
        ),
      ],
    ],
    [
      "a cookie rule's category the site does not have",
      { sites: [site({ categories: ["analytics"], cookies: [{ name: "_fbp", category: "marketing" }] })] },
      [
        at(
          "sites[0].cookies[0].category",
          '"marketing" is not a category of this site',
          "use one of necessary, analytics, or add it to the site's categories",
        ),
      ],
    ],
    [
      "a site without necessary gets it, and a category named twice is reported",
      { sites: [site({ categories: ["analytics", "analytics"] })] },
      [at("sites[0].categories[1]", '"analytics" is listed twice', "list each category once")],
    ],
    [
      "a tracker rule with both host and url",
      {
        sites: [
          site({
            trackers: { rules: [{ host: "hotjar.com", url: "https://hotjar.com/x", category: "analytics" }] },
          }),
        ],
      },
      [
        at(
          "sites[0].trackers.rules[0]",
          "a tracker rule needs exactly one of host, url or inline",
          'keep one, e.g. "host": "hotjar.com"',
        ),
      ],
    ],
    [
      "a tracker rule declared twice",
      {
        sites: [
          site({
            trackers: {
              rules: [
                { host: "hotjar.com", category: "analytics" },
                { host: "hotjar.com", category: "marketing" },
              ],
            },
          }),
        ],
      },
      [
        at(
          "sites[0].trackers.rules[1].host",
          "also declared at sites[0].trackers.rules[0]",
          "declare each resource once",
        ),
      ],
    ],
    [
      "GPC refusing necessary, and DNT a category the site lacks",
      { sites: [site({ consent: { gpc: { categories: ["necessary"] }, doNotTrack: ["ads"] } })] },
      [
        at(
          "sites[0].consent.gpc.categories",
          '"necessary" cannot be refused here',
          "use categories of the site other than necessary: functional, analytics, marketing",
        ),
        at(
          "sites[0].consent.doNotTrack",
          '"ads" cannot be refused here',
          "use categories of the site other than necessary: functional, analytics, marketing",
        ),
      ],
    ],
    [
      "GPC binding in a model that does not exist",
      { sites: [site({ consent: { gpc: { bindingIn: ["opt-in", "everywhere"] } } })] },
      [
        at(
          "sites[0].consent.gpc.bindingIn[1]",
          '"everywhere" is not a region model',
          "use one of opt-in, opt-out, notice",
        ),
      ],
    ],
    [
      "a misspelled CMP, and a TCF map to a missing category",
      { sites: [site({ consent: { sources: ["onetrus", { cmp: "tcf", map: { "1": "ads" } }] } })] },
      [
        at(
          "sites[0].consent.sources[0]",
          '"onetrus" is not a source consent-edge can read',
          'use "consent-cookie" or one of onetrust, cookiebot, vanilla-cookieconsent, klaro, cookieyes, complianz, didomi, tcf, gpp, us-privacy, zaraz',
        ),
        at(
          'sites[0].consent.sources[1].map["1"]',
          '"ads" is not a category of this site',
          "use one of necessary, functional, analytics, marketing",
        ),
      ],
    ],
    [
      "a country under two models, and one that is not a country",
      { sites: [site({ regions: { "opt-in": ["EEA"], "opt-out": ["DE", "de"] } })] },
      [
        at(
          "sites[0].regions.opt-out[0]",
          "DE is also listed under opt-in",
          "list each country under one model",
        ),
        at(
          "sites[0].regions.opt-out[1]",
          '"de" is not a country or US state',
          'use ISO 3166 codes in capitals: "DE", "GB", "US-CA", or "EEA"',
        ),
      ],
    ],
    [
      "banner languages: a bad tag, and a default language without texts",
      { sites: [site({ banner: { languages: { english: {} }, defaultLanguage: "ja" } })] },
      [
        at(
          "sites[0].banner.languages.english",
          '"english" is not a language tag',
          'use a BCP 47 tag such as "en", "de", "pt-BR"',
        ),
        // Reported in the same run, as the hand-written validator did: "ja" names no valid language
        // and is not built in.
        at(
          "sites[0].banner.defaultLanguage",
          '"ja" has no texts',
          "name one of the banner's languages once its tag is valid",
        ),
      ],
    ],
    [
      "a banner default language that has no texts",
      { sites: [site({ banner: { languages: { de: {} }, defaultLanguage: "ja" } })] },
      [
        at(
          "sites[0].banner.defaultLanguage",
          '"ja" has no texts',
          'use one of de, en, fr, es, it, nl, pl, pt, sv, da, or write its texts under "languages"',
        ),
      ],
    ],
    [
      "a site's own category without banner text",
      { sites: [site({ categories: ["newsletter"], banner: { languages: { en: {} } } })] },
      [
        at(
          "sites[0].banner.languages.en.categories.newsletter",
          'no text for the category "newsletter"',
          'add { "label": "...", "description": "..." }',
        ),
      ],
    ],
    [
      "an origin timeout past Cloudflare's 100 s, and a cookie lifetime past 400 days",
      { sites: [site({ originTimeout: "2m", consentCookie: { maxAge: "2y" } })] },
      [
        at(
          "sites[0].consentCookie.maxAge",
          '"2y" is longer than browsers keep a cookie',
          'use "400d" or less (RFC 6265bis caps lifetimes at 400 days)',
        ),
        at(
          "sites[0].originTimeout",
          '"2m" is not a timeout between 1 and 100 seconds',
          'write seconds (30) or a duration such as "30s" or "1m"; Cloudflare itself stops waiting after 100 s',
        ),
      ],
    ],
    [
      "an origin with a path, and one over plain http",
      {
        sites: [
          site({ origin: "https://origin.example.com/app" }),
          site({ id: "b", hosts: ["b.example.com"], origin: "http://b.example.com" }),
        ],
      },
      [
        at(
          "sites[0].origin",
          "the origin must be a scheme, host and optional port only",
          'write "https://origin.example.com"',
        ),
        at(
          "sites[1].origin",
          '"http://b.example.com" would send visitors\' cookies over http',
          "use https:// (plain http:// is accepted only for localhost and .test hosts)",
        ),
      ],
    ],
    [
      "a path prefix without its slash, and an origin that is not text, echo the value",
      { sites: [site({ pathPrefix: "shop", origin: 5 })] },
      [
        at(
          "sites[0].pathPrefix",
          '"shop" is not a path starting with /',
          'write it like "/shop", without wildcards or query',
        ),
        at(
          "sites[0].origin",
          "5 is not an origin",
          'write "https://origin.example.com" or "service:MY_ORIGIN_BINDING" (or leave it out when consent-edge runs as middleware)',
        ),
      ],
    ],
    [
      "two sites with one id and one host",
      { sites: [site(), site()] },
      [
        at("sites[1].id", '"shop" is also the id of sites[0]', "give every site its own id"),
        at(
          "sites[1].hosts",
          '"www.example.com" is already served by sites[0]',
          "remove the host from one site, or give one of them a different pathPrefix",
        ),
      ],
    ],
  ])("%s", (_, config, expected) => {
    expect(problemsOf(config)).toEqual(expected);
  });
});

describe("validateConfig: the page guard's rule cap", () => {
  const rules = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ host: `t${String(i)}.tracker.example`, category: "analytics" }));

  it("1,000 rules ship; 1,001 are a problem at trackers.rules that names both ways out", () => {
    expect(problemsOf({ sites: [site({ trackers: { rules: rules(1_000) } })] })).toEqual([]);
    expect(problemsOf({ sites: [site({ trackers: { rules: rules(1_001) } })] })).toEqual([
      at(
        "sites[0].trackers.rules",
        "1001 rules: with the page guard on, every page carries them all (about 5 bytes gzipped each), and at most 1000 are shipped",
        'keep one host rule per vendor (a host covers its subdomains), or set "runtimeGuard": false',
      ),
    ]);
  });

  it("without the page guard, nothing ships and there is no cap", () => {
    expect(problemsOf({ sites: [site({ trackers: { runtimeGuard: false, rules: rules(1_001) } })] })).toEqual(
      [],
    );
  });
});

describe("validateConfig: origin is optional", () => {
  it("a site without an origin is valid and has none", () => {
    const result = validateConfig({ sites: [site()] });
    expect(result.ok && result.config.sites[0]?.origin).toBeUndefined();
    expect(result.ok).toBe(true);
  });

  it("an origin, when given, is normalised", () => {
    const result = validateConfig({ sites: [site({ origin: "service:ORIGIN" })] });
    expect(result.ok && result.config.sites[0]?.origin).toEqual({ kind: "service", binding: "ORIGIN" });
  });
});
