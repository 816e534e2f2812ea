/**
 * The banner a given request gets: open (the first layer) for an undecided visitor where consent
 * or a notice is needed, hidden behind its settings link otherwise; in the visitor's language.
 */
import type { Site } from "../config/compile";
import { NECESSARY } from "../config/types";
import { isGrants } from "../consent/grants";
import { servicesOf } from "../consent/services";
import type { ConsentState } from "../consent/types";
import { declarationFor } from "../policy/declaration";
import { formatDuration } from "../policy/format-duration";
import type { Texts } from "../texts/types";
import { textsFor } from "../texts/texts-for";
import { type BannerCookie, type BannerService, renderBanner } from "./render-banner";

export function bannerFor(
  site: Site,
  consent: ConsentState,
  request: { acceptLanguage: string | null; returnTo: string },
  nonce: string | undefined,
  show = false,
): string | undefined {
  if (!site.banner.enabled) return undefined;
  const { lang, texts } = textsFor(site, request.acceptLanguage);
  // Where optional cookies run until refused, "nothing optional until you choose" would be false.
  const body = consent.region.model === "opt-in" ? texts.body : texts.bodyOptOut;
  return renderBanner({
    texts: { ...texts, body },
    categories: site.categories,
    granted: [...consent.granted],
    ...(consent.scoped ? { scoped: consent.scoped } : {}),
    // Opt-out regions need no first layer: the settings link offers the refusal.
    open: !consent.decided && consent.region.model !== "opt-out",
    show,
    returnTo: request.returnTo,
    lang,
    ...(nonce ? { nonce } : {}),
    cookies: cookiesByCategory(site, lang, texts),
    services: servicesByCategory(site),
    // Only the visitor grants a service on its own: ticked in the first layer too.
    grantedServices: isGrants(consent.granted) ? [...consent.granted.services] : [],
    ...(site.banner.policyUrl
      ? { policyUrl: site.banner.policyUrl }
      : site.policy.enabled
        ? { policyUrl: `${site.pathPrefix}${site.policy.path}` }
        : {}),
  });
}

/**
 * "Customise" lists each category's cookies from the same declaration as the policy page. Made
 * once per site and language: the declaration does not change while the isolate runs.
 */
const listsBySite = new WeakMap<Site, Map<string, Record<string, BannerCookie[]>>>();

function cookiesByCategory(site: Site, lang: string, texts: Texts): Record<string, BannerCookie[]> {
  let byLang = listsBySite.get(site);
  if (!byLang) {
    byLang = new Map();
    listsBySite.set(site, byLang);
  }
  const cached = byLang.get(lang);
  if (cached) return cached;
  const lists: Record<string, BannerCookie[]> = {};
  for (const category of declarationFor(site, texts).categories) {
    lists[category.id] = category.cookies.map((cookie) => ({
      name: cookie.name,
      ...(cookie.provider === undefined ? {} : { provider: cookie.provider }),
      duration: formatDuration(cookie.duration, lang, texts),
    }));
  }
  byLang.set(lang, lists);
  return lists;
}

/** "Customise" lists each category's services (but `necessary`'s, always on) under its row. Once per site. */
const servicesBySite = new WeakMap<Site, Record<string, BannerService[]>>();

function servicesByCategory(site: Site): Record<string, BannerService[]> {
  const cached = servicesBySite.get(site);
  if (cached) return cached;
  // No prototype: a category may be named "constructor".
  const lists = Object.create(null) as Record<string, BannerService[]>;
  for (const { id, label, category } of servicesOf(site).values()) {
    if (category === NECESSARY || !site.categories.includes(category)) continue;
    (lists[category] ??= []).push({ id, label });
  }
  servicesBySite.set(site, lists);
  return lists;
}
