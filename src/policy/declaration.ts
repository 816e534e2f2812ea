/**
 * The cookie declaration: what a site's config says it stores in the visitor's browser, per
 * category, who else is involved and how the visitor changes their mind. Pure: a function of the
 * validated site and the texts of one language; every renderer (HTML, JSON, Markdown, the banner's
 * lists) reads this one model, so what the page says and what the worker enforces cannot drift.
 */
import type { ValidSite } from "../config/validate";
import { ENGLISH_TEXTS } from "../texts/languages/en";
import type { Texts } from "../texts/types";
import { type DeclaredService, declaredServicesOf } from "./declared-services";

export type { DeclaredService };

/** The site's own paths the declaration links to. */
export const SETTINGS_PATH = "/.consent-edge/settings";

export type DeclaredDuration =
  | { kind: "session" }
  | { kind: "seconds"; seconds: number }
  /** The config neither caps the lifetime nor calls the cookie a session cookie. */
  | { kind: "unknown" };

export type Setter = "http" | "script";
export type Party = { kind: "first" } | { kind: "third"; domain: string };

export interface DeclaredCookie {
  /** As written in the config: `_ga`, `_ga_*`, `ph_*_posthog`. */
  name: string;
  provider?: string;
  purpose?: string;
  duration: DeclaredDuration;
  /** Undefined: the config does not say who writes it. */
  setBy?: Setter;
  party: Party;
}

export interface DeclaredStorage {
  key: string;
  area: "local" | "session" | "both";
  provider?: string;
  purpose?: string;
}

export interface DeclaredCategory {
  id: string;
  label: string;
  description: string;
  /** false for `necessary` only: it is always on. */
  needsConsent: boolean;
  cookies: DeclaredCookie[];
  storage: DeclaredStorage[];
  /** The services in it a visitor can allow on their own, without the category (docs/services.md). */
  services: DeclaredService[];
}

export interface ThirdParty {
  name: string;
  /** The categories its cookies and hosts need, in the site's order. */
  categories: string[];
  purpose?: string;
  receives?: string;
  privacyPolicy?: string;
  /** Where its third-party cookies live (`facebook.com`), when the config says. */
  domains: string[];
}

export interface Declaration {
  site: string;
  revision: string;
  categories: DeclaredCategory[];
  thirdParties: ThirdParty[];
  choices: {
    /**
     * The settings page (the banner as a page, which works with JavaScript or without); undefined
     * for a site without consent-edge's banner, whose settings page does not exist (its CMP offers
     * the choice).
     */
    settingsUrl?: string;
    /** Whether there is anything optional to accept or refuse. */
    optional: boolean;
    /** What Global Privacy Control refuses. */
    gpc: string[];
    /** Categories Do Not Track refuses, and the vendors whose rules opt in one by one. */
    doNotTrack: { categories: string[]; vendors: string[] };
  };
  contact?: string;
}

type CookieRuleOf = ValidSite["cookies"][number];
type Site = ValidSite;

export function declarationFor(site: Site, texts: Texts = ENGLISH_TEXTS): Declaration {
  const services = declaredServicesOf(site);
  const categories = orderedCategories(site.categories).map((id): DeclaredCategory => {
    const text = categoryTextOf(texts, id);
    return {
      id,
      label: text.label,
      description: text.description,
      needsConsent: id !== "necessary",
      cookies: site.cookies.filter((rule) => rule.category === id).map(declaredCookie),
      storage: site.storage
        .filter((rule) => rule.category === id)
        .map((rule) => ({
          key: rule.key,
          area: rule.area,
          ...(rule.provider === undefined ? {} : { provider: rule.provider }),
          ...(rule.purpose === undefined ? {} : { purpose: rule.purpose }),
        })),
      services: services.get(id) ?? [],
    };
  });
  // Below the site's pathPrefix, where the worker answers for this site.
  const policyPath = `${site.pathPrefix}${site.policy.enabled ? site.policy.path : "/"}`;
  return {
    site: site.id,
    revision: site.policyRevision,
    categories,
    thirdParties: thirdPartiesOf(site),
    choices: {
      // Only where it answers: without the banner the settings page is a 404.
      ...(site.banner.enabled
        ? { settingsUrl: `${site.pathPrefix}${SETTINGS_PATH}?return=${encodeURIComponent(policyPath)}` }
        : {}),
      optional: categories.some((category) => category.needsConsent),
      gpc: site.consent.gpc.categories.filter((id) => site.categories.includes(id)),
      doNotTrack: {
        categories: site.consent.doNotTrack.filter((id) => site.categories.includes(id)),
        vendors: distinct([
          ...site.trackers.rules.filter((rule) => rule.doNotTrack).map((rule) => rule.vendor),
          ...site.cookies.filter((rule) => rule.doNotTrack).map((rule) => rule.provider),
        ]),
      },
    },
    ...(site.policy.enabled && site.policy.contact !== undefined ? { contact: site.policy.contact } : {}),
  };
}

/**
 * The category's own text, else its id. An own key only: `categories` is a plain object, and a
 * site's category may be named "constructor" (the category pattern allows it), whose inherited
 * value is Object itself, with no label: the page answered 502 for such a site.
 */
function categoryTextOf(texts: Texts, id: string): { label: string; description: string } {
  const text = Object.hasOwn(texts.categories, id) ? texts.categories[id] : undefined;
  return text ?? { label: id, description: "" };
}

/** `necessary` first, then the site's order, each once. */
function orderedCategories(categories: readonly string[]): string[] {
  return ["necessary", ...categories.filter((c, i, all) => c !== "necessary" && all.indexOf(c) === i)];
}

function declaredCookie(rule: CookieRuleOf): DeclaredCookie {
  const setBy = setByOf(rule);
  return {
    name: rule.pattern,
    ...(rule.provider === undefined ? {} : { provider: rule.provider }),
    ...(rule.purpose === undefined ? {} : { purpose: rule.purpose }),
    duration: durationOf(rule),
    ...(setBy === undefined ? {} : { setBy }),
    party: rule.thirdParty === undefined ? { kind: "first" } : { kind: "third", domain: rule.thirdParty },
  };
}

/**
 * The rule's own `session` or cap. A cap is what the worker enforces: the longest the cookie can
 * live, which is what a visitor needs to know.
 */
export function durationOf(rule: Pick<CookieRuleOf, "session" | "maxAgeSeconds">): DeclaredDuration {
  if (rule.session === true) return { kind: "session" };
  if (rule.maxAgeSeconds !== undefined) return { kind: "seconds", seconds: rule.maxAgeSeconds };
  return { kind: "unknown" };
}

/**
 * Who writes the cookie: the rule says so, or an HttpOnly cookie can only come from the server
 * (a script cannot set one: RFC 6265bis §5.7 step 10). The place to add a lookup of well-known
 * names (the built-in cookie table) when there is one.
 */
export function setByOf(rule: Pick<CookieRuleOf, "setBy" | "httpOnly">): Setter | undefined {
  if (rule.setBy !== undefined) return rule.setBy;
  if (rule.httpOnly === true) return "http";
  return undefined;
}

/**
 * The names that are the site itself: its id and each host's first label of its registrable part
 * (`aktok` of `www.aktok.com`). A provider whose first word is one of them is the site, not a
 * third party ("Aktara (Auth.js)" on aktara.ai).
 */
function ownNamesOf(site: Pick<Site, "id" | "hosts">): Set<string> {
  const names = new Set([site.id.toLowerCase(), ...site.id.toLowerCase().split("-")]);
  for (const host of site.hosts) {
    const labels = host.replace(/^\*\./, "").split(".");
    if (labels.length >= 2) names.add(labels[labels.length - 2] ?? "");
  }
  return names;
}

function isOwnProvider(provider: string, own: Set<string>): boolean {
  const first = /^[\p{L}\p{N}_-]+/u.exec(provider.trim())?.[0]?.toLowerCase();
  return first !== undefined && own.has(first);
}

/**
 * Every third party the config names: the site's own tracker rules first (they carry what the
 * vendor does, receives and its privacy policy), in their order, then the providers of cookie
 * rules that are not the site, or whose cookie lives on another domain. Merged by name. The
 * built-in tracker list is not read: the site may not use most of it.
 */
function thirdPartiesOf(site: Site): ThirdParty[] {
  const own = ownNamesOf(site);
  const order = orderedCategories(site.categories);
  const byName = new Map<string, ThirdParty>();
  const entry = (name: string): ThirdParty => {
    let party = byName.get(name);
    if (!party) {
      party = { name, categories: [], domains: [] };
      byName.set(name, party);
    }
    return party;
  };
  for (const rule of site.trackers.rules) {
    if (rule.vendor === undefined) continue;
    const party = entry(rule.vendor);
    party.categories.push(rule.category);
    if (party.purpose === undefined && rule.purpose !== undefined) party.purpose = rule.purpose;
    if (party.receives === undefined && rule.receives !== undefined) party.receives = rule.receives;
    if (party.privacyPolicy === undefined && rule.privacyPolicy !== undefined)
      party.privacyPolicy = rule.privacyPolicy;
  }
  for (const rule of site.cookies) {
    const third = rule.thirdParty !== undefined;
    if (rule.provider === undefined ? !third : !third && isOwnProvider(rule.provider, own)) continue;
    const party = entry(rule.provider ?? rule.thirdParty ?? "");
    party.categories.push(rule.category);
    if (rule.thirdParty !== undefined) party.domains.push(rule.thirdParty);
  }
  return [...byName.values()].map((party) => ({
    ...party,
    categories: order.filter((id) => party.categories.includes(id)),
    domains: distinct(party.domains),
  }));
}

function distinct(values: ReadonlyArray<string | undefined>): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))];
}
