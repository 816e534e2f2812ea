/**
 * The texts a request gets: the site's language the visitor's `Accept-Language` prefers, every key
 * the site does not override in that language taken from the built-in texts.
 */
import type { ValidSite } from "../config/validate";
import { pickLanguage } from "../banner/texts";
import { ENGLISH_TEXTS } from "./languages/en";
import { DEFAULT_LANGUAGE, type Texts } from "./types";

export interface ChosenTexts {
  /** BCP 47, as the site spells it: for `lang` attributes and `Content-Language`. */
  lang: string;
  texts: Texts;
}

export function textsFor(site: Pick<ValidSite, "banner">, acceptLanguage: string | null): ChosenTexts {
  const banner = site.banner;
  if (!banner.enabled) return { lang: DEFAULT_LANGUAGE, texts: ENGLISH_TEXTS };
  const lang = pickLanguage(acceptLanguage, Object.keys(banner.languages), banner.defaultLanguage);
  const texts = banner.languages[lang] ?? banner.languages[banner.defaultLanguage] ?? ENGLISH_TEXTS;
  return { lang, texts };
}
