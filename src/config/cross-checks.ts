/**
 * The checks that relate two places of a config, which a schema of one field cannot make: a rule's
 * category (cookie, storage, tracker) must be one of its site's categories, a cookie or resource is
 * declared once, the consent cookie is not a rule, every category has a banner text, two sites never
 * share an id or a host. They read the config as written, so they run (and report) even where other fields of the
 * same site are wrong; a value of the wrong type is left to the schema, which reports it.
 */
import { BUILT_IN_LANGUAGES, BUILT_IN_TEXTS } from "../texts/languages";
import { ENGLISH_TEXTS } from "../banner/texts";
import { LANGUAGE } from "./banner";
import { consentCookieNameOf } from "./cookies";
import { describeValue, type Finding, isObject, type Keys, pathOf } from "./problems";
import { CATEGORY, withNecessaryFirst } from "./site";
import { kindsOf } from "./trackers";
import { EEA } from "./regions";
import { DEFAULT_CATEGORIES, NECESSARY, REGION_MODELS } from "./types";

type Report = (keys: Keys, message: string, fix: string) => void;

export function crossChecks(input: unknown): Finding[] {
  const findings: Finding[] = [];
  const report: Report = (keys, message, fix) => {
    findings.push({ keys, message, fix });
  };
  if (!isObject(input) || !Array.isArray(input.sites)) return findings;
  const sites: unknown[] = input.sites;
  sites.forEach((site, index) => {
    if (isObject(site)) checkSite(site, ["sites", index], report);
  });
  checkBetweenSites(sites, report);
  return findings;
}

/** The site's categories as the schema reads them: the valid names, `necessary` first. */
function categoriesOf(site: Record<string, unknown>): string[] {
  if (!Array.isArray(site.categories)) return [...DEFAULT_CATEGORIES];
  return withNecessaryFirst(
    site.categories.filter((name): name is string => typeof name === "string" && CATEGORY.test(name)),
  );
}

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function checkSite(site: Record<string, unknown>, at: Keys, report: Report) {
  const categories = categoriesOf(site);
  const unknownCategory = (keys: Keys, category: unknown, fix = `use one of ${categories.join(", ")}`) => {
    if (typeof category === "string" && !categories.includes(category)) {
      report(keys, `${describeValue(category)} is not a category of this site`, fix);
    }
  };

  const consentCookieName = consentCookieNameOf(site.consentCookie);
  const cookieNames = new Map<string, number>();
  listOf(site.cookies).forEach((rule, index) => {
    if (!isObject(rule)) return;
    const here = [...at, "cookies", index];
    if (typeof rule.name === "string") {
      const first = cookieNames.get(rule.name);
      if (rule.name === consentCookieName) {
        report(
          [...here, "name"],
          `"${rule.name}" is consent-edge's own consent cookie`,
          "remove this rule; the consent cookie is always necessary",
        );
      } else if (first !== undefined) {
        report(
          [...here, "name"],
          `"${rule.name}" is also declared at ${pathOf([...at, "cookies", first])}`,
          "declare each cookie once",
        );
      } else {
        cookieNames.set(rule.name, index);
      }
    }
    unknownCategory(
      [...here, "category"],
      rule.category,
      `use one of ${categories.join(", ")}, or add it to the site's categories`,
    );
  });

  listOf(site.storage).forEach((rule, index) => {
    if (!isObject(rule)) return;
    unknownCategory(
      [...at, "storage", index, "category"],
      rule.category,
      `use one of ${categories.join(", ")}, or add it to the site's categories`,
    );
  });

  const trackers = isObject(site.trackers) ? site.trackers : {};
  const resources = new Map<string, number>();
  listOf(trackers.rules).forEach((rule, index) => {
    if (!isObject(rule)) return;
    const here = [...at, "trackers", "rules", index];
    const [kind, ...others] = kindsOf(rule);
    const match = kind === undefined ? undefined : rule[kind];
    if (kind !== undefined && others.length === 0 && typeof match === "string") {
      const first = resources.get(`${kind}:${match}`);
      if (first === undefined) resources.set(`${kind}:${match}`, index);
      else {
        report(
          [...here, kind],
          `also declared at ${pathOf([...at, "trackers", "rules", first])}`,
          "declare each resource once",
        );
      }
    }
    unknownCategory([...here, "category"], rule.category);
  });

  checkServices(site, at, report);

  const consent = isObject(site.consent) ? site.consent : {};
  listOf(consent.sources).forEach((source, index) => {
    if (!isObject(source) || !isObject(source.map)) return;
    for (const [group, category] of Object.entries(source.map)) {
      unknownCategory([...at, "consent", "sources", index, "map", group], category);
    }
  });
  const refusable = (keys: Keys, list: unknown) => {
    if (!Array.isArray(list)) return;
    const wrong = list.filter((c) => typeof c === "string" && (!categories.includes(c) || c === NECESSARY));
    if (wrong.length === 0) return;
    report(
      keys,
      `${wrong.map(describeValue).join(", ")} cannot be refused here`,
      `use categories of the site other than necessary: ${categories.filter((c) => c !== NECESSARY).join(", ")}`,
    );
  };
  if (isObject(consent.gpc)) refusable([...at, "consent", "gpc", "categories"], consent.gpc.categories);
  refusable([...at, "consent", "doNotTrack"], consent.doNotTrack);

  if (isObject(site.regions)) checkRegions(site.regions, [...at, "regions"], report);
  if (isObject(site.banner)) checkBannerTexts(site.banner, categories, [...at, "banner"], report);
}

/**
 * A service belongs to one category: a visitor who grants "YouTube" in the banner's marketing list
 * must get every YouTube rule, and one who refuses marketing must not keep half of them.
 */
function checkServices(site: Record<string, unknown>, at: Keys, report: Report) {
  const first = new Map<string, { category: unknown; keys: Keys }>();
  const visit = (keys: Keys, rule: unknown) => {
    if (!isObject(rule) || typeof rule.service !== "string" || typeof rule.category !== "string") return;
    const seen = first.get(rule.service);
    if (seen === undefined) first.set(rule.service, { category: rule.category, keys });
    else if (seen.category !== rule.category) {
      report(
        [...keys, "service"],
        `service "${rule.service}" is in ${describeValue(seen.category)} at ${pathOf(seen.keys)}, and in ${describeValue(rule.category)} here`,
        "put every rule of one service in the same category, or give them different services",
      );
    }
  };
  const trackers = isObject(site.trackers) ? site.trackers : {};
  listOf(trackers.rules).forEach((rule, index) => {
    visit([...at, "trackers", "rules", index], rule);
  });
  listOf(site.cookies).forEach((rule, index) => {
    visit([...at, "cookies", index], rule);
  });
}

/** One model per country: a country under two lists is a mistake, whichever was meant. */
function checkRegions(regions: Record<string, unknown>, at: Keys, report: Report) {
  const modelOf = new Map<string, string>();
  for (const model of REGION_MODELS) {
    listOf(regions[model]).forEach((area, index) => {
      if (typeof area !== "string") return;
      for (const code of area === "EEA" ? EEA : [area]) {
        const previous = modelOf.get(code);
        if (previous !== undefined && previous !== model) {
          report(
            [...at, model, index],
            `${code} is also listed under ${previous}`,
            "list each country under one model",
          );
        }
        modelOf.set(code, model);
      }
    });
  }
}

/** Every category of the site needs a label and a description on the banner, in every language. */
function checkBannerTexts(banner: Record<string, unknown>, categories: string[], at: Keys, report: Report) {
  const english: Record<string, unknown> = ENGLISH_TEXTS.categories;
  if (banner.languages === undefined) {
    for (const category of categories) {
      if (!Object.hasOwn(english, category)) {
        report(
          [...at, "languages"],
          `no text for the site's own category "${category}"`,
          `add languages.en.categories.${category} = { "label": "...", "description": "..." }`,
        );
      }
    }
    return;
  }
  if (!isObject(banner.languages)) return;
  checkDefaultLanguage(banner, banner.languages, at, report);
  for (const [language, texts] of Object.entries(banner.languages)) {
    if (!LANGUAGE.test(language) || !isObject(texts)) continue;
    const own = isObject(texts.categories) ? texts.categories : {};
    for (const category of categories) {
      if (Object.hasOwn(own, category) || Object.hasOwn(english, category)) continue;
      report(
        [...at, "languages", language, "categories", category],
        `no text for the category "${category}"`,
        'add { "label": "...", "description": "..." }',
      );
    }
  }
}

/**
 * The default language must have texts. The schema checks it too, but only once every language
 * is valid; this also runs when another language is wrong ("EN"), as the old validator did, so a
 * default that names no valid language is reported in the same run. validate.ts drops the copy.
 */
function checkDefaultLanguage(
  banner: Record<string, unknown>,
  languages: Record<string, unknown>,
  at: Keys,
  report: Report,
) {
  const usable = Object.keys(languages).filter(
    (language) => LANGUAGE.test(language) && isObject(languages[language]),
  );
  const chosen = banner.defaultLanguage ?? usable[0];
  // A built-in language needs no texts of the site's own (an own key: not "constructor").
  if (typeof chosen !== "string" || usable.includes(chosen) || Object.hasOwn(BUILT_IN_TEXTS, chosen)) return;
  report(
    [...at, "defaultLanguage"],
    `${describeValue(chosen)} has no texts`,
    usable.length > 0
      ? `use one of ${[...new Set([...usable, ...BUILT_IN_LANGUAGES])].join(", ")}, or write its texts under "languages"`
      : "name one of the banner's languages once its tag is valid",
  );
}

/** Two sites never share an id, nor a host with the same path prefix (which one would answer?). */
function checkBetweenSites(sites: unknown[], report: Report) {
  const ids = new Map<string, number>();
  const routes = new Map<string, number>();
  sites.forEach((site, index) => {
    if (!isObject(site)) return;
    if (typeof site.id === "string") {
      const first = ids.get(site.id);
      if (first === undefined) ids.set(site.id, index);
      else
        report(
          ["sites", index, "id"],
          `"${site.id}" is also the id of sites[${first}]`,
          "give every site its own id",
        );
    }
    const prefix = typeof site.pathPrefix === "string" ? site.pathPrefix.replace(/\/+$/, "") : "";
    for (const host of listOf(site.hosts)) {
      if (typeof host !== "string") continue;
      const route = `${host}${prefix}`;
      const other = routes.get(route);
      if (other !== undefined && other !== index) {
        report(
          ["sites", index, "hosts"],
          `"${route}" is already served by sites[${other}]`,
          "remove the host from one site, or give one of them a different pathPrefix",
        );
      }
      routes.set(route, index);
    }
  });
}
