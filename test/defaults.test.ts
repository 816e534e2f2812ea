/**
 * The curated defaults (src/defaults/): what `"defaults": true` adds beneath a site's own rules and
 * the built-in ones, judged by the real classifiers, the real HTML stage (HTMLRewriter in workerd)
 * and parse5 reading what the visitor receives.
 */
import { describe, expect, it } from "vitest";
import { compileConfig } from "../src/config/compile";
import type { SiteInput } from "../src/config/types";
import { ADDED_HOSTS } from "../src/defaults/additions";
import { DEFAULT_COOKIES, defaultCookieFor, defaultCookieRules } from "../src/defaults/cookies";
import { EXCLUDED_DOMAINS } from "../src/defaults/exclusions";
import { defaultTrackerRules } from "../src/defaults/tracker-rules";
import { BUILTIN_TRACKERS } from "../src/html/builtin-trackers";
import { compileResourceClassifier } from "../src/html/classify-resource";
import { guardRules } from "../src/html/guard-rules";
import { serializeConsentCookie } from "../src/consent/consent-cookie";
import { resolveConsent } from "../src/consent/resolve-consent";
import { FIXED_NOW, REVISION, testSite } from "./helpers";
import { htmlSite, liveUrls, page, rewrite } from "./html-helpers";

const PAGE = new URL("https://www.example.com/page");

function compiledSite(overrides: Partial<SiteInput>) {
  const compiled = compileConfig({ sites: [testSite(overrides)] });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  const [site] = compiled.config.sites;
  if (!site) throw new Error("no site");
  return site;
}

const onlyDefaults = compiledSite({ defaults: true, trackers: { builtin: false } });
const categoryOf = (url: string) => onlyDefaults.classifyResource.classifyUrl(url, PAGE)?.category;

describe("default tracker rules", () => {
  it.each(BUILTIN_TRACKERS.filter((rule) => rule.kind === "host"))(
    "cover the built-in host $match with the same category ($category)",
    (rule) => {
      expect(categoryOf(`https://${rule.match}/x.js`)).toBe(rule.category);
      expect(categoryOf(`https://sub.${rule.match}/x.js`)).toBe(rule.category);
    },
  );

  it("add Bing UET but leave the rest of Microsoft's domains alone", () => {
    expect(categoryOf("https://bat.bing.com/action/0?ti=1")).toBe("marketing");
    expect(categoryOf("https://www.bing.com/api/maps/mapcontrol")).toBeUndefined();
    expect(categoryOf("https://www.microsoft.com/")).toBeUndefined();
    expect(categoryOf("https://ajax.aspnetcdn.com/x.js")).toBeUndefined();
  });

  it.each(EXCLUDED_DOMAINS)("exclude $domain ($entity)", ({ domain }) => {
    // Another vendor's rule beneath the excluded domain (bat.bing.com) may stay; the domain itself may not.
    expect(categoryOf(`https://${domain}/`)).toBeUndefined();
  });

  it("are valid host rules as a site would write them, each host once", () => {
    const rules = defaultTrackerRules();
    expect(rules.length).toBeGreaterThan(1_500);
    expect(new Set(rules.map((rule) => rule.match)).size).toBe(rules.length);
    const compiled = compileConfig({
      sites: [
        testSite({
          trackers: {
            runtimeGuard: false,
            rules: rules.map((rule) => ({
              host: rule.match,
              category: rule.category,
              vendor: rule.vendor ?? "",
            })),
          },
        }),
      ],
    });
    expect(compiled.ok ? [] : compiled.problems).toEqual([]);
  });

  it("take each addition in place of the dataset's row for its host", () => {
    for (const added of ADDED_HOSTS) {
      expect(defaultTrackerRules().filter((rule) => rule.match === added.host)).toEqual([
        { kind: "host", match: added.host, category: added.category, vendor: added.vendor },
      ]);
      expect(added.source).toMatch(/^https:\/\//);
    }
  });

  it("are off unless the site asks for them", () => {
    const off = compiledSite({ trackers: { builtin: false } });
    expect(off.classifyResource.classifyUrl("https://bat.bing.com/bat.js", PAGE)).toBeUndefined();
    expect(off.classifyResource.compiled.hosts.size).toBe(0);
  });
});

describe("precedence: site rule > built-in rule > default", () => {
  const defaults = [
    { kind: "host" as const, match: "googletagmanager.com", category: "marketing", vendor: "a default" },
    { kind: "host" as const, match: "tracker.example.net", category: "marketing", vendor: "a default" },
    { kind: "host" as const, match: "px.example.net", category: "analytics", vendor: "a default" },
  ];

  it("a built-in rule wins over a default for the same host", () => {
    const classifier = compileResourceClassifier([], true, defaults);
    expect(classifier.classifyUrl("https://www.googletagmanager.com/gtm.js", PAGE)?.category).toBe(
      "analytics",
    );
    expect(classifier.classifyUrl("https://tracker.example.net/p", PAGE)?.category).toBe("marketing");
  });

  it("a site rule wins for its host and every default beneath it", () => {
    const site = [{ kind: "host" as const, match: "example.net", category: "necessary" }];
    const classifier = compileResourceClassifier(site, true, defaults);
    expect(classifier.classifyUrl("https://tracker.example.net/p", PAGE)?.category).toBe("necessary");
    expect(classifier.classifyUrl("https://px.example.net/p", PAGE)?.category).toBe("necessary");
    expect(classifier.compiled.hosts.has("px.example.net")).toBe(false);
  });

  it("a site rule of category necessary lets bat.bing.com through the HTML stage", async () => {
    const pixel = '<img src="https://bat.bing.com/action/0?ti=1&Ver=2">';
    const site = htmlSite({
      defaults: true,
      trackers: { rules: [{ host: "bat.bing.com", category: "necessary" }] },
    });
    const { text } = await rewrite(page(pixel), [], { site });
    expect(liveUrls(text, (url) => url.hostname === "bat.bing.com")).toHaveLength(1);
  });
});

describe("Bing UET pixel through the HTML stage", () => {
  const pixel = page('<img src="https://bat.bing.com/action/0?ti=1&Ver=2">');
  const bing = (url: URL) => url.hostname === "bat.bing.com";

  it.each([1, 7, 1_024])("is neutralised with defaults on and no consent (chunks of %i)", async (chunk) => {
    const { text, report } = await rewrite(pixel, [], { site: htmlSite({ defaults: true }), chunk });
    expect(liveUrls(text, bing)).toEqual([]);
    expect(report.neutralised.map((entry) => entry.category)).toContain("marketing");
  });

  it("is live with marketing granted", async () => {
    const { text } = await rewrite(pixel, ["marketing"], { site: htmlSite({ defaults: true }) });
    expect(liveUrls(text, bing)).toEqual(["https://bat.bing.com/action/0?ti=1&Ver=2"]);
  });

  it("is live with defaults off: the built-in rules alone miss it", async () => {
    const { text } = await rewrite(pixel, [], { site: htmlSite() });
    expect(liveUrls(text, bing)).toEqual(["https://bat.bing.com/action/0?ti=1&Ver=2"]);
  });

  it("stays blocked on a site without the category, whatever the visitor sends (fail closed)", async () => {
    const site = htmlSite({
      defaults: true,
      categories: ["necessary", "analytics"],
      cookies: [],
      trackers: { rules: [] },
    });
    // A consent cookie that grants marketing too: the site has no such category, so it is not granted.
    const value = serializeConsentCookie({
      revision: REVISION,
      givenAt: FIXED_NOW - 60,
      granted: ["analytics", "marketing"],
    });
    const state = resolveConsent(
      { cookies: [{ name: "ce_consent", value }], headers: new Headers(), now: FIXED_NOW },
      site,
      site.consentSources,
    );
    expect([...state.granted].sort()).toEqual(["analytics", "necessary"]);
    const { text } = await rewrite(pixel, [...state.granted], { site });
    expect(liveUrls(text, bing)).toEqual([]);
  });
});

describe("the page guard carries the defaults", () => {
  it("ships every compiled default host under the category the edge gives it", () => {
    const rules = guardRules(onlyDefaults.classifyResource, false);
    const shipped = new Map<string, string>();
    for (const [categories, hosts] of Object.entries(rules.h))
      for (const host of hosts.split(" ")) shipped.set(host, categories);
    for (const [host, match] of onlyDefaults.classifyResource.compiled.hosts)
      expect(shipped.get(host), host).toBe(match.category);
    expect(shipped.get("bat.bing.com")).toBe("marketing");
  });
});

describe("default cookie table", () => {
  const GENERIC = [
    "session",
    "sessionid",
    "id",
    "uid",
    "user",
    "lang",
    "token",
    "sid",
    "test",
    "csrf",
    "consent",
  ];

  it("is valid cookie rules, each name once, each with an https source", () => {
    const names = DEFAULT_COOKIES.map((cookie) => cookie.name);
    expect(new Set(names).size).toBe(names.length);
    for (const cookie of DEFAULT_COOKIES) expect(cookie.source, cookie.name).toMatch(/^https:\/\//);
    const compiled = compileConfig({
      sites: [testSite({ cookies: DEFAULT_COOKIES.map(({ name, category }) => ({ name, category })) })],
    });
    expect(compiled.ok ? [] : compiled.problems).toEqual([]);
  });

  it("classifies no generic name, and no first-party name shorter than 3 characters", () => {
    for (const name of GENERIC) expect(defaultCookieFor(name), name).toBeUndefined();
    for (const rule of defaultCookieRules())
      expect(rule.pattern.replace(/\*/g, "").length).toBeGreaterThanOrEqual(3);
  });

  it("puts the consent tools' own cookies in necessary", () => {
    for (const name of ["OptanonConsent", "OptanonAlertBoxClosed", "CookieConsent", "cc_cookie", "klaro"])
      expect(defaultCookieFor(name)?.category, name).toBe("necessary");
    for (const name of ["cookieyes-consent", "cmplz_marketing", "didomi_token", "euconsent-v2", "__gpp"])
      expect(defaultCookieFor(name)?.category, name).toBe("necessary");
    expect(defaultCookieFor("usprivacy")?.category).toBe("necessary");
    expect(defaultCookieFor("cf_consent")?.category).toBe("necessary");
  });

  it.each([
    ["_ga_ABC123", "analytics", "Google Analytics"],
    ["_uetsid", "marketing", "Microsoft Advertising UET"],
    ["_pk_id.1.1fff", "analytics", "Matomo"],
    ["_hjSessionUser_12345", "analytics", "Hotjar"],
    ["ttcsid_C1234", "marketing", "TikTok Pixel"],
    ["YSC", "marketing", "YouTube"],
  ])("knows %s (%s, %s)", (name, category, vendor) => {
    expect(defaultCookieFor(name)).toMatchObject({ category, vendor });
  });

  it("the classifier uses it beneath the site's own rules, first-party names only", () => {
    const site = compiledSite({
      defaults: true,
      cookies: [
        { name: "_clck", category: "functional" },
        { name: "_uet*", category: "functional" },
      ],
    });
    const category = (name: string) => {
      const found = site.classifyCookie(name);
      return found.kind === "rule" ? found.rule.category : found.kind;
    };
    expect(category("_clck")).toBe("functional"); // the site's exact rule
    expect(category("_uetsid")).toBe("functional"); // the site's glob wins over the default's exact name
    expect(category("_clsk")).toBe("analytics"); // the default
    expect(category("OptanonConsent")).toBe("necessary");
    expect(category("NID")).toBe("undeclared"); // a third party's cookie: never the site's
    expect(category("ce_consent")).toBe("consent-cookie");
    const off = compiledSite({ cookies: [] });
    expect(off.classifyCookie("_clsk").kind).toBe("undeclared");
  });
});
