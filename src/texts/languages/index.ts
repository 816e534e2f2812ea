/**
 * The languages consent-edge ships, by BCP 47 tag. Every site offers all of them unless its
 * `banner.offer` names fewer (src/config/banner.ts). To add one: write `xx.ts` beside these (the
 * `Texts` type makes a missing key a compile error), add it here, and test/texts.test.ts checks its
 * placeholders against English.
 */
import type { Texts } from "../types";
import { DANISH_TEXTS } from "./da";
import { GERMAN_TEXTS } from "./de";
import { ENGLISH_TEXTS } from "./en";
import { SPANISH_TEXTS } from "./es";
import { FRENCH_TEXTS } from "./fr";
import { ITALIAN_TEXTS } from "./it";
import { DUTCH_TEXTS } from "./nl";
import { POLISH_TEXTS } from "./pl";
import { PORTUGUESE_TEXTS } from "./pt";
import { SWEDISH_TEXTS } from "./sv";

export const BUILT_IN_TEXTS: Readonly<Record<string, Texts>> = Object.freeze({
  en: ENGLISH_TEXTS,
  de: GERMAN_TEXTS,
  fr: FRENCH_TEXTS,
  es: SPANISH_TEXTS,
  it: ITALIAN_TEXTS,
  nl: DUTCH_TEXTS,
  pl: POLISH_TEXTS,
  pt: PORTUGUESE_TEXTS,
  sv: SWEDISH_TEXTS,
  da: DANISH_TEXTS,
});

export const BUILT_IN_LANGUAGES = Object.keys(BUILT_IN_TEXTS);

/**
 * The built-in texts a site's own language is written over: the same tag, else its primary
 * language (`pt-BR` over `pt`), else English.
 */
export function builtInBase(tag: string): Texts {
  const lower = tag.toLowerCase();
  const primary = lower.split("-")[0] ?? lower;
  return (
    (Object.hasOwn(BUILT_IN_TEXTS, lower) ? BUILT_IN_TEXTS[lower] : undefined) ??
    (Object.hasOwn(BUILT_IN_TEXTS, primary) ? BUILT_IN_TEXTS[primary] : undefined) ??
    ENGLISH_TEXTS
  );
}
