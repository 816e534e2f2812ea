/**
 * Every check, default and normalisation of the hand-written validators the schema replaced
 * (commit 8bce4a6: validate.ts, validate-consent.ts, validate-trackers.ts, validate-banner.ts), one
 * row each: the config differs from a valid site in that one place, so the row fails if the schema
 * loses the check (the config would pass) or reports it elsewhere (the path would differ).
 */
import { describe, expect, it } from "vitest";
import { GERMAN_TEXTS } from "../src/texts/languages/de";
import { validateConfig } from "../src/config/validate";
import type { ValidSite } from "../src/config/site";

type Json = Record<string, unknown>;
const base = (): Json => ({
  id: "shop",
  hosts: ["www.example.com"],
  origin: "https://origin.example.com",
  policyRevision: "1",
});
const site = (over: Json): Json => ({ ...base(), ...over });
const one = (over: Json) => ({ sites: [site(over)] });
const rule = (over: Json) => one({ cookies: [{ name: "_ga", category: "analytics", ...over }] });
const tracker = (over: Json) => one({ trackers: { rules: [{ category: "analytics", ...over }] } });
const banner = (over: Json) => one({ banner: over });

const paths = (config: unknown) => {
  const result = validateConfig(config);
  return result.ok ? [] : result.problems.map((problem) => problem.path);
};

describe("parity with the hand-written validators: every check", () => {
  it("the site every row starts from is valid", () => {
    expect(paths(one({}))).toEqual([]);
  });

  it.each<[string, unknown, string[]]>([
    // validate.ts: the root
    ["no sites list", {}, ["sites"]],
    ["sites not a list", { sites: {} }, ["sites"]],
    ["no site", { sites: [] }, ["sites"]],
    ["an unknown root field", { ...one({}), extra: 1 }, ["extra"]],
    ["a site that is not an object", { sites: [1] }, ["sites[0]"]],
    ["an unknown site field", one({ colour: "blue" }), ["sites[0].colour"]],
    // the site
    ["a site id in capitals", one({ id: "Shop" }), ["sites[0].id"]],
    ["a site id of 64 characters", one({ id: "a".repeat(64) }), ["sites[0].id"]],
    ["no hosts", one({ hosts: [] }), ["sites[0].hosts"]],
    ["hosts not a list", one({ hosts: "a.example.com" }), ["sites[0].hosts"]],
    ["a host that is not a string", one({ hosts: [1] }), ["sites[0].hosts[0]"]],
    ["a host in capitals", one({ hosts: ["WWW.example.com"] }), ["sites[0].hosts[0]"]],
    ["a host with a port", one({ hosts: ["a.example.com:80"] }), ["sites[0].hosts[0]"]],
    ["a host with a path", one({ hosts: ["a.example.com/x"] }), ["sites[0].hosts[0]"]],
    ["a wildcard inside a host", one({ hosts: ["*.*.example.com"] }), ["sites[0].hosts[0]"]],
    ["an empty host label", one({ hosts: ["a..example.com"] }), ["sites[0].hosts[0]"]],
    ["a label starting with -", one({ hosts: ["-a.example.com"] }), ["sites[0].hosts[0]"]],
    ["a pathPrefix without /", one({ pathPrefix: "shop" }), ["sites[0].pathPrefix"]],
    ["a pathPrefix with a wildcard", one({ pathPrefix: "/shop*" }), ["sites[0].pathPrefix"]],
    ["a pathPrefix with a query", one({ pathPrefix: "/shop?x" }), ["sites[0].pathPrefix"]],
    ["an empty origin", one({ origin: "" }), ["sites[0].origin"]],
    ["an origin that is not a string", one({ origin: 5 }), ["sites[0].origin"]],
    ["a service origin without a binding", one({ origin: "service:" }), ["sites[0].origin"]],
    ["a service binding starting with a digit", one({ origin: "service:1X" }), ["sites[0].origin"]],
    ["an origin that is not a URL", one({ origin: "origin.example.com" }), ["sites[0].origin"]],
    ["an origin with a path", one({ origin: "https://o.example.com/x" }), ["sites[0].origin"]],
    ["an origin with a query", one({ origin: "https://o.example.com/?q" }), ["sites[0].origin"]],
    ["an origin with credentials", one({ origin: "https://u:p@o.example.com" }), ["sites[0].origin"]],
    ["a plain-http public origin", one({ origin: "http://o.example.com" }), ["sites[0].origin"]],
    ["an ftp origin", one({ origin: "ftp://o.example.com" }), ["sites[0].origin"]],
    ["categories not a list", one({ categories: "analytics" }), ["sites[0].categories"]],
    ["a category in capitals", one({ categories: ["Ads"] }), ["sites[0].categories[0]"]],
    ["a category that is not a string", one({ categories: [1] }), ["sites[0].categories[0]"]],
    ["a category listed twice", one({ categories: ["x", "x"] }), ["sites[0].categories[1]"]],
    ["a policy revision with a dot", one({ policyRevision: "v1.2" }), ["sites[0].policyRevision"]],
    [
      "a policy revision of 33 characters",
      one({ policyRevision: "a".repeat(33) }),
      ["sites[0].policyRevision"],
    ],
    ["a number as policy revision", one({ policyRevision: 1 }), ["sites[0].policyRevision"]],
    ["a mode that does not exist", one({ mode: "audit" }), ["sites[0].mode"]],
    ["an undeclared policy that does not exist", one({ undeclared: "drop" }), ["sites[0].undeclared"]],
    ["an originTimeout of 0", one({ originTimeout: 0 }), ["sites[0].originTimeout"]],
    ["an originTimeout over 100 s", one({ originTimeout: "101s" }), ["sites[0].originTimeout"]],
    ["an originTimeout that is no duration", one({ originTimeout: "soon" }), ["sites[0].originTimeout"]],
    ["a debugSecret holding a secret", one({ debugSecret: "s3cret value" }), ["sites[0].debugSecret"]],
    ["a debugSecret that is not a string", one({ debugSecret: true }), ["sites[0].debugSecret"]],
    // consentCookie
    ["consentCookie not an object", one({ consentCookie: "c" }), ["sites[0].consentCookie"]],
    ["an unknown consentCookie field", one({ consentCookie: { nam: "c" } }), ["sites[0].consentCookie.nam"]],
    [
      "a consent cookie name with ;",
      one({ consentCookie: { name: "a;b" } }),
      ["sites[0].consentCookie.name"],
    ],
    ["a consent cookie name with *", one({ consentCookie: { name: "a*" } }), ["sites[0].consentCookie.name"]],
    [
      "a consent cookie maxAge of 0",
      one({ consentCookie: { maxAge: 0 } }),
      ["sites[0].consentCookie.maxAge"],
    ],
    [
      "a consent cookie maxAge over 400 days",
      one({ consentCookie: { maxAge: "401d" } }),
      ["sites[0].consentCookie.maxAge"],
    ],
    // cookie rules
    ["cookies not a list", one({ cookies: {} }), ["sites[0].cookies"]],
    ["a cookie rule that is not an object", one({ cookies: [null] }), ["sites[0].cookies[0]"]],
    ["an unknown cookie rule field", rule({ extra: 1 }), ["sites[0].cookies[0].extra"]],
    ["a cookie name with a space", rule({ name: "a b" }), ["sites[0].cookies[0].name"]],
    [
      "a cookie rule without a name",
      one({ cookies: [{ category: "analytics" }] }),
      ["sites[0].cookies[0].name"],
    ],
    ["a rule matching every cookie", rule({ name: "**" }), ["sites[0].cookies[0].name"]],
    [
      "a rule for the consent cookie",
      rule({ name: "ce_consent", category: "necessary" }),
      ["sites[0].cookies[0].name"],
    ],
    [
      "a rule for a renamed consent cookie",
      one({ consentCookie: { name: "cc" }, cookies: [{ name: "cc", category: "necessary" }] }),
      ["sites[0].cookies[0].name"],
    ],
    [
      "a cookie declared twice",
      one({
        cookies: [
          { name: "_ga", category: "analytics" },
          { name: "_ga", category: "analytics" },
        ],
      }),
      ["sites[0].cookies[1].name"],
    ],
    ["a category the site does not have", rule({ category: "ads" }), ["sites[0].cookies[0].category"]],
    [
      "a default category the site replaced",
      one({ categories: ["stats"], cookies: [{ name: "_ga", category: "analytics" }] }),
      ["sites[0].cookies[0].category"],
    ],
    ["a purpose that is not text", rule({ purpose: 1 }), ["sites[0].cookies[0].purpose"]],
    ["a provider that is not text", rule({ provider: {} }), ["sites[0].cookies[0].provider"]],
    ["a rule maxAge of 0", rule({ maxAge: 0 }), ["sites[0].cookies[0].maxAge"]],
    ["a rule maxAge under a second", rule({ maxAge: 0.5 }), ["sites[0].cookies[0].maxAge"]],
    ["a rule maxAge over 400 days", rule({ maxAge: "2y" }), ["sites[0].cookies[0].maxAge"]],
    ["secure not a boolean", rule({ secure: "true" }), ["sites[0].cookies[0].secure"]],
    ["httpOnly not a boolean", rule({ httpOnly: 1 }), ["sites[0].cookies[0].httpOnly"]],
    ["doNotTrack not a boolean", rule({ doNotTrack: "yes" }), ["sites[0].cookies[0].doNotTrack"]],
    ["a SameSite in lowercase", rule({ sameSite: "lax" }), ["sites[0].cookies[0].sameSite"]],
    ["SameSite=None without Secure", rule({ sameSite: "None" }), ["sites[0].cookies[0].secure"]],
    ["a cookie path without /", rule({ path: "api" }), ["sites[0].cookies[0].path"]],
    ["a __Host- cookie with a path", rule({ name: "__Host-x", path: "/a" }), ["sites[0].cookies[0].path"]],
    [
      "a __Host- cookie not Secure",
      rule({ name: "__Host-x", secure: false }),
      ["sites[0].cookies[0].secure"],
    ],
    [
      "a __Secure- cookie not Secure",
      rule({ name: "__Secure-x", secure: false }),
      ["sites[0].cookies[0].secure"],
    ],
    // trackers (validate-trackers.ts)
    ["trackers not an object", one({ trackers: [] }), ["sites[0].trackers"]],
    ["an unknown trackers field", one({ trackers: { rule: [] } }), ["sites[0].trackers.rule"]],
    ["builtin not a boolean", one({ trackers: { builtin: "no" } }), ["sites[0].trackers.builtin"]],
    [
      "googleConsentMode not a boolean",
      one({ trackers: { googleConsentMode: 1 } }),
      ["sites[0].trackers.googleConsentMode"],
    ],
    [
      "cookieGuard not a boolean",
      one({ trackers: { cookieGuard: null } }),
      ["sites[0].trackers.cookieGuard"],
    ],
    ["tracker rules not a list", one({ trackers: { rules: {} } }), ["sites[0].trackers.rules"]],
    [
      "a tracker rule that is not an object",
      one({ trackers: { rules: [1] } }),
      ["sites[0].trackers.rules[0]"],
    ],
    [
      "an unknown tracker rule field",
      tracker({ host: "a.example.com", x: 1 }),
      ["sites[0].trackers.rules[0].x"],
    ],
    ["a tracker rule with no resource", tracker({}), ["sites[0].trackers.rules[0]"]],
    [
      "a tracker rule with two resources",
      tracker({ host: "a.com", inline: "fbq('init'" }),
      ["sites[0].trackers.rules[0]"],
    ],
    ["a blank host", tracker({ host: "  " }), ["sites[0].trackers.rules[0].host"]],
    ["a tracker host in capitals", tracker({ host: "Hotjar.com" }), ["sites[0].trackers.rules[0].host"]],
    ["a tracker host of one label", tracker({ host: "localhost" }), ["sites[0].trackers.rules[0].host"]],
    [
      "a URL without a literal host",
      tracker({ url: "https://*.example.com/x" }),
      ["sites[0].trackers.rules[0].url"],
    ],
    ["a URL without a path", tracker({ url: "https://a.example.com" }), ["sites[0].trackers.rules[0].url"]],
    ["an inline snippet of 3 characters", tracker({ inline: "fbq" }), ["sites[0].trackers.rules[0].inline"]],
    [
      "a tracker category the site lacks",
      tracker({ host: "a.com", category: "ads" }),
      ["sites[0].trackers.rules[0].category"],
    ],
    [
      "a resource declared twice",
      one({
        trackers: {
          rules: [
            { host: "a.com", category: "analytics" },
            { host: "a.com", category: "marketing" },
          ],
        },
      }),
      ["sites[0].trackers.rules[1].host"],
    ],
    [
      "a vendor that is not text",
      tracker({ host: "a.com", vendor: 1 }),
      ["sites[0].trackers.rules[0].vendor"],
    ],
    [
      "a tracker doNotTrack not a boolean",
      tracker({ host: "a.com", doNotTrack: "yes" }),
      ["sites[0].trackers.rules[0].doNotTrack"],
    ],
    // consent (validate-consent.ts)
    ["consent not an object", one({ consent: [] }), ["sites[0].consent"]],
    ["an unknown consent field", one({ consent: { source: [] } }), ["sites[0].consent.source"]],
    ["no sources", one({ consent: { sources: [] } }), ["sites[0].consent.sources"]],
    ["sources not a list", one({ consent: { sources: "onetrust" } }), ["sites[0].consent.sources"]],
    ["a source of another type", one({ consent: { sources: [1] } }), ["sites[0].consent.sources[0]"]],
    [
      "a CMP that does not exist",
      one({ consent: { sources: ["onetrus"] } }),
      ["sites[0].consent.sources[0]"],
    ],
    [
      "a CMP object that does not exist",
      one({ consent: { sources: [{ cmp: "x" }] } }),
      ["sites[0].consent.sources[0].cmp"],
    ],
    [
      "an unknown source field",
      one({ consent: { sources: [{ cmp: "tcf", cookies: "x" }] } }),
      ["sites[0].consent.sources[0].cookies"],
    ],
    [
      "a map that is not an object",
      one({ consent: { sources: [{ cmp: "onetrust", map: "x" }] } }),
      ["sites[0].consent.sources[0].map"],
    ],
    [
      "a map that is a list",
      one({ consent: { sources: [{ cmp: "onetrust", map: ["analytics"] }] } }),
      ["sites[0].consent.sources[0].map"],
    ],
    [
      "a map to a category the site lacks",
      one({ consent: { sources: [{ cmp: "onetrust", map: { C0002: "ads" } }] } }),
      ["sites[0].consent.sources[0].map.C0002"],
    ],
    [
      "a map to a number",
      one({ consent: { sources: [{ cmp: "onetrust", map: { C0002: 2 } }] } }),
      ["sites[0].consent.sources[0].map.C0002"],
    ],
    [
      "a source cookie with *",
      one({ consent: { sources: [{ cmp: "tcf", cookie: "a*" }] } }),
      ["sites[0].consent.sources[0].cookie"],
    ],
    ["a consent maxAge of 0", one({ consent: { maxAge: 0 } }), ["sites[0].consent.maxAge"]],
    ["a consent maxAge over 400 days", one({ consent: { maxAge: "401d" } }), ["sites[0].consent.maxAge"]],
    ["gpc not an object", one({ consent: { gpc: true } }), ["sites[0].consent.gpc"]],
    ["an unknown gpc field", one({ consent: { gpc: { x: 1 } } }), ["sites[0].consent.gpc.x"]],
    [
      "gpc categories not a list",
      one({ consent: { gpc: { categories: "marketing" } } }),
      ["sites[0].consent.gpc.categories"],
    ],
    [
      "gpc refusing necessary",
      one({ consent: { gpc: { categories: ["necessary"] } } }),
      ["sites[0].consent.gpc.categories"],
    ],
    [
      "gpc refusing a category the site lacks",
      one({ consent: { gpc: { categories: ["ads"] } } }),
      ["sites[0].consent.gpc.categories"],
    ],
    [
      "gpc bindingIn not a list",
      one({ consent: { gpc: { bindingIn: "opt-in" } } }),
      ["sites[0].consent.gpc.bindingIn"],
    ],
    [
      "a gpc bindingIn model that does not exist",
      one({ consent: { gpc: { bindingIn: ["x"] } } }),
      ["sites[0].consent.gpc.bindingIn[0]"],
    ],
    [
      "announce not a boolean",
      one({ consent: { gpc: { announce: "yes" } } }),
      ["sites[0].consent.gpc.announce"],
    ],
    [
      "doNotTrack refusing necessary",
      one({ consent: { doNotTrack: ["necessary"] } }),
      ["sites[0].consent.doNotTrack"],
    ],
    ["doNotTrack not a list", one({ consent: { doNotTrack: "analytics" } }), ["sites[0].consent.doNotTrack"]],
    ["receipts not a boolean", one({ consent: { receipts: 1 } }), ["sites[0].consent.receipts"]],
    // regions
    ["regions not an object", one({ regions: [] }), ["sites[0].regions"]],
    ["an unknown regions field", one({ regions: { optin: [] } }), ["sites[0].regions.optin"]],
    ["a default model that does not exist", one({ regions: { default: "x" } }), ["sites[0].regions.default"]],
    ["a region list that is not a list", one({ regions: { "opt-in": "DE" } }), ["sites[0].regions.opt-in"]],
    ["a country in lowercase", one({ regions: { "opt-in": ["de"] } }), ["sites[0].regions.opt-in[0]"]],
    [
      "a subdivision of four characters",
      one({ regions: { "opt-in": ["US-CALI"] } }),
      ["sites[0].regions.opt-in[0]"],
    ],
    [
      "a country under two models",
      one({ regions: { "opt-in": ["DE"], notice: ["DE"] } }),
      ["sites[0].regions.notice[0]"],
    ],
    [
      "an EEA country also elsewhere",
      one({ regions: { "opt-in": ["EEA"], notice: ["DE"] } }),
      ["sites[0].regions.notice[0]"],
    ],
    // banner (validate-banner.ts)
    ["banner not an object", banner([] as unknown as Json), ["sites[0].banner"]],
    ["an unknown banner field", banner({ x: 1 }), ["sites[0].banner.x"]],
    ["enabled not a boolean", banner({ enabled: "yes" }), ["sites[0].banner.enabled"]],
    [
      "a plain-http policy link",
      banner({ policyUrl: "http://a.example.com" }),
      ["sites[0].banner.policyUrl"],
    ],
    ["languages not an object", banner({ languages: "en" }), ["sites[0].banner.languages"]],
    ["no language", banner({ languages: {} }), ["sites[0].banner.languages"]],
    [
      "a language tag in capitals",
      // "en" is built in, so the default language needs no texts of the site's own.
      banner({ languages: { EN: {} }, defaultLanguage: "en" }),
      ["sites[0].banner.languages.EN"],
    ],
    ["texts that are not an object", banner({ languages: { en: null } }), ["sites[0].banner.languages.en"]],
    [
      "an unknown text field",
      banner({ languages: { en: { titel: "x" } } }),
      ["sites[0].banner.languages.en.titel"],
    ],
    [
      "a writing direction that does not exist",
      banner({ languages: { ar: { dir: "up" } } }),
      ["sites[0].banner.languages.ar.dir"],
    ],
    [
      "category texts that are not an object",
      banner({ languages: { en: { categories: 1 } } }),
      ["sites[0].banner.languages.en.categories"],
    ],
    [
      "category texts that are a list",
      banner({ languages: { en: { categories: [] } } }),
      ["sites[0].banner.languages.en.categories"],
    ],
    ["an empty title", banner({ languages: { en: { title: "" } } }), ["sites[0].banner.languages.en.title"]],
    [
      "a title that is not text",
      banner({ languages: { en: { title: 1 } } }),
      ["sites[0].banner.languages.en.title"],
    ],
    [
      "a site category without text in a language",
      one({ categories: ["stats"], banner: { languages: { en: {} } } }),
      ["sites[0].banner.languages.en.categories.stats"],
    ],
    [
      "a category text without a label",
      banner({ languages: { en: { categories: { analytics: { description: "d" } } } } }),
      ["sites[0].banner.languages.en.categories.analytics.label"],
    ],
    [
      "a defaultLanguage that is not a string",
      banner({ defaultLanguage: 5 }),
      ["sites[0].banner.defaultLanguage"],
    ],
    [
      "a defaultLanguage without texts",
      banner({ languages: { de: {} }, defaultLanguage: "ja" }),
      ["sites[0].banner.defaultLanguage"],
    ],
    [
      "a defaultLanguage named after Object.prototype",
      banner({ languages: { en: {} }, defaultLanguage: "constructor" }),
      ["sites[0].banner.defaultLanguage"],
    ],
    [
      "a site category with no English default text",
      one({ categories: ["stats"], banner: {} }),
      ["sites[0].banner.languages"],
    ],
    // between sites
    ["two sites with one id", { sites: [site({}), site({ hosts: ["b.example.com"] })] }, ["sites[1].id"]],
    ["two sites on one host", { sites: [site({}), site({ id: "b" })] }, ["sites[1].hosts"]],
    [
      "two sites on one host, the prefix written with a slash",
      { sites: [site({ pathPrefix: "/b" }), site({ id: "b", pathPrefix: "/b/" })] },
      ["sites[1].hosts"],
    ],
  ])("%s", (_, config, expected) => {
    expect(paths(config)).toEqual(expected);
  });
});

describe("parity with the hand-written validators: defaults and normalisations", () => {
  const valid = (over: Json): ValidSite => {
    const result = validateConfig(one(over));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.config.sites[0] as ValidSite;
  };

  it.each<[string, Json, (site: ValidSite) => unknown, unknown]>([
    ["pathPrefix / covers every path", { pathPrefix: "/" }, (s) => s.pathPrefix, ""],
    ["pathPrefix loses its trailing slashes", { pathPrefix: "/shop//" }, (s) => s.pathPrefix, "/shop"],
    [
      "an origin is scheme and host",
      { origin: "https://O.Example.com:443/" },
      (s) => s.origin,
      { kind: "url", url: "https://o.example.com" },
    ],
    [
      "an origin keeps its port",
      { origin: "https://o.example.com:8443" },
      (s) => s.origin,
      { kind: "url", url: "https://o.example.com:8443" },
    ],
    [
      "http is fine for localhost",
      { origin: "http://localhost:8787" },
      (s) => s.origin,
      { kind: "url", url: "http://localhost:8787" },
    ],
    [
      "http is fine for .test",
      { origin: "http://shop.test" },
      (s) => s.origin,
      { kind: "url", url: "http://shop.test" },
    ],
    [
      "a service origin",
      { origin: "service:ORIGIN" },
      (s) => s.origin,
      { kind: "service", binding: "ORIGIN" },
    ],
    [
      "necessary comes first, once",
      { categories: ["stats", "necessary", "necessary"] },
      (s) => s.categories,
      ["necessary", "stats"],
    ],
    ["an empty category list is necessary only", { categories: [] }, (s) => s.categories, ["necessary"]],
    ["a timeout of 1.9 s is 1 s", { originTimeout: 1.9 }, (s) => s.originTimeoutSeconds, 1],
    ["a timeout written with spaces", { originTimeout: " 1 m " }, (s) => s.originTimeoutSeconds, 60],
    [
      "1.5h is 5400 s",
      { cookies: [{ name: "_ga", category: "analytics", maxAge: "1.5h" }] },
      (s) => s.cookies[0]?.maxAgeSeconds,
      5400,
    ],
    [
      "13mo is 390 days",
      { consentCookie: { maxAge: "13mo" } },
      (s) => s.consentCookie.maxAgeSeconds,
      390 * 86_400,
    ],
    [
      "400d is the longest lifetime",
      { consent: { maxAge: "400d" } },
      (s) => s.consent.maxAgeSeconds,
      400 * 86_400,
    ],
    [
      "rules keep their order",
      {
        cookies: [
          { name: "b", category: "analytics" },
          { name: "a", category: "analytics" },
        ],
      },
      (s) => s.cookies.map((r) => [r.pattern, r.order]),
      [
        ["b", 0],
        ["a", 1],
      ],
    ],
    [
      "secure: false is kept",
      { cookies: [{ name: "a", category: "analytics", secure: false }] },
      (s) => s.cookies[0]?.secure,
      false,
    ],
    ["GPC refuses marketing by default", {}, (s) => s.consent.gpc.categories, ["marketing"]],
    ["GPC refuses nothing without marketing", { categories: ["stats"] }, (s) => s.consent.gpc.categories, []],
    [
      "a source name becomes a CMP",
      { consent: { sources: ["onetrust", "consent-cookie"] } },
      (s) => s.consent.sources,
      [{ kind: "cmp", cmp: "onetrust" }, { kind: "consent-cookie" }],
    ],
    [
      "a tracker doNotTrack: false is left out",
      { trackers: { rules: [{ host: "a.com", category: "analytics", doNotTrack: false }] } },
      (s) => s.trackers.rules,
      [{ kind: "host", match: "a.com", category: "analytics" }],
    ],
    [
      "EEA is its countries",
      { regions: { "opt-out": ["EEA"] } },
      (s) => Object.keys(s.regions.byArea).length,
      30,
    ],
    [
      "EEA and one of its countries under one model",
      { regions: { "opt-in": ["EEA", "DE"] } },
      (s) => s.regions.byArea.DE,
      "opt-in",
    ],
    ["a banner section turns the banner on", { banner: {} }, (s) => s.banner.enabled, true],
    [
      "texts merge over the language's built-in texts",
      { banner: { languages: { de: { title: "Kekse" } } } },
      (s) => s.banner.languages.de,
      { ...GERMAN_TEXTS, title: "Kekse" },
    ],
    [
      "the first language is the default",
      { banner: { languages: { de: {}, fr: {} } } },
      (s) => s.banner.defaultLanguage,
      "de",
    ],
    ["a policy link is kept", { banner: { policyUrl: "/cookies" } }, (s) => s.banner.policyUrl, "/cookies"],
  ])("%s", (_, over, pick, expected) => {
    expect(pick(valid(over))).toEqual(expected);
  });
});

describe("parity with the hand-written validators: lookups a visitor's input reaches have no prototype", () => {
  // A CMP cookie's group id or a country code comes from the visitor: "constructor" must find nothing.
  it("a CMP map", () => {
    const result = validateConfig(
      one({ consent: { sources: [{ cmp: "onetrust", map: { C0002: "analytics" } }] } }),
    );
    const source = result.ok ? result.config.sites[0]?.consent.sources[0] : undefined;
    expect(source && "map" in source ? Object.getPrototypeOf(source.map) : "no map").toBeNull();
  });

  it("the countries of the regions", () => {
    const result = validateConfig(one({ regions: { "opt-in": ["DE"] } }));
    expect(result.ok ? Object.getPrototypeOf(result.config.sites[0]?.regions.byArea) : "invalid").toBeNull();
  });
});
