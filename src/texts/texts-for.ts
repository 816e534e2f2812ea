/**
 * The texts a request gets, for every site (the banner, the placeholder and the policy page all
 * need them): the language the visitor's `Accept-Language` prefers among the site's own languages
 * (`banner.languages`, each merged over its built-in texts by the config) and every built-in one.
 * A visitor matching none gets the site's `defaultLanguage` (English without a banner).
 */
import type { ValidSite } from "../config/validate";
import { pickLanguage } from "../banner/texts";
import { BUILT_IN_LANGUAGES, builtInBase } from "./languages";
import { DEFAULT_LANGUAGE, type Texts } from "./types";

export interface ChosenTexts {
  /** BCP 47, as the site spells it: for `lang` attributes and `Content-Language`. */
  lang: string;
  texts: Texts;
}

interface Offer {
  available: string[];
  fallback: string;
  own: Readonly<Record<string, Texts>>;
  /** Built-in languages the site did not write, with the site's own category texts filled in. */
  filled: Map<string, Texts>;
}

/** Made once per validated banner: the config does not change while the isolate runs. */
const offers = new WeakMap<object, Offer>();

function offerOf(banner: ValidSite["banner"]): Offer {
  const cached = offers.get(banner);
  if (cached) return cached;
  const own = banner.enabled ? banner.languages : {};
  const offer: Offer = {
    // A banner's languages are what the site offers (all built-in ones unless it wrote its own:
    // config/banner.ts); a site without consent-edge's banner has every built-in one.
    available: banner.enabled ? Object.keys(own) : [...BUILT_IN_LANGUAGES],
    fallback: banner.enabled ? banner.defaultLanguage : DEFAULT_LANGUAGE,
    own,
    filled: new Map(),
  };
  offers.set(banner, offer);
  return offer;
}

export function textsFor(site: Pick<ValidSite, "banner">, acceptLanguage: string | null): ChosenTexts {
  const offer = offerOf(site.banner);
  const lang = pickLanguage(acceptLanguage, offer.available, offer.fallback);
  if (Object.hasOwn(offer.own, lang)) return { lang, texts: offer.own[lang] as Texts };
  let texts = offer.filled.get(lang);
  if (!texts) {
    const base = builtInBase(lang);
    // A category of the site's own (not one of the four defaults) has its text only in the
    // languages the site wrote: the default language's text stands in, never its id.
    const fromDefault = offer.own[offer.fallback]?.categories ?? {};
    texts = { ...base, categories: { ...fromDefault, ...base.categories } };
    offer.filled.set(lang, texts);
  }
  return { lang, texts };
}
