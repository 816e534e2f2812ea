/**
 * The banner a given request gets: open (the first layer) for an undecided visitor where consent
 * or a notice is needed, hidden behind its settings link otherwise; in the visitor's language.
 */
import type { Site } from "../config/compile";
import type { ConsentState } from "../consent/types";
import { textsFor } from "../texts/texts-for";
import { renderBanner } from "./render-banner";

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
    ...(site.banner.policyUrl
      ? { policyUrl: site.banner.policyUrl }
      : site.policy.enabled
        ? { policyUrl: site.policy.path }
        : {}),
  });
}
