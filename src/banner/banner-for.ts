/**
 * The banner a given request gets: open (the first layer) for an undecided visitor where consent
 * or a notice is needed, hidden behind its settings link otherwise; in the visitor's language.
 */
import type { Site } from "../config/compile";
import type { ConsentState } from "../consent/types";
import { renderBanner } from "./render-banner";
import { pickLanguage } from "./texts";

export function bannerFor(
  site: Site,
  consent: ConsentState,
  request: { acceptLanguage: string | null; returnTo: string },
  nonce: string | undefined,
  show = false,
): string | undefined {
  if (!site.banner.enabled) return undefined;
  const languages = Object.keys(site.banner.languages);
  const lang = pickLanguage(request.acceptLanguage, languages, site.banner.defaultLanguage);
  const texts = site.banner.languages[lang] ?? site.banner.languages[site.banner.defaultLanguage];
  if (!texts) return undefined;
  return renderBanner({
    texts,
    categories: site.categories,
    granted: [...consent.granted],
    ...(consent.scoped ? { scoped: consent.scoped } : {}),
    // Opt-out regions need no first layer: the settings link offers the refusal.
    open: !consent.decided && consent.region.model !== "opt-out",
    show,
    returnTo: request.returnTo,
    lang,
    ...(nonce ? { nonce } : {}),
    ...(site.banner.policyUrl ? { policyUrl: site.banner.policyUrl } : {}),
  });
}
