/**
 * Validation of a site's `banner` section. Texts per language are merged over the English defaults,
 * so a site only writes what it changes; every category needs a label (the site's own categories
 * have no default text).
 */
import { type BannerTexts, DEFAULT_LANGUAGE, ENGLISH_TEXTS } from "../banner/texts";
import { checkUnknownFields, describeValue, fieldPath, isObject, type Report } from "./problems";

export interface ValidBanner {
  enabled: boolean;
  languages: Record<string, BannerTexts>;
  defaultLanguage: string;
  policyUrl?: string;
}

const BANNER_FIELDS = ["enabled", "languages", "defaultLanguage", "policyUrl"] as const;
const TEXT_FIELDS = [
  "title",
  "body",
  "acceptAll",
  "rejectAll",
  "customise",
  "save",
  "close",
  "settingsLink",
  "policyLinkText",
  "categories",
  "dir",
] as const;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export function validateBanner(raw: unknown, categories: string[], at: string, report: Report): ValidBanner {
  const banner: ValidBanner = {
    enabled: false,
    languages: { [DEFAULT_LANGUAGE]: ENGLISH_TEXTS },
    defaultLanguage: DEFAULT_LANGUAGE,
  };
  if (raw === undefined) return banner;
  if (!isObject(raw)) {
    report(at, "banner must be an object", 'write { "enabled": true }');
    return banner;
  }
  checkUnknownFields(raw, BANNER_FIELDS, at, report);
  banner.enabled = raw.enabled === undefined ? true : raw.enabled === true;
  if (raw.enabled !== undefined && typeof raw.enabled !== "boolean")
    report(`${at}.enabled`, "enabled must be true or false", 'write "enabled": true');
  if (raw.policyUrl !== undefined) {
    if (typeof raw.policyUrl === "string" && /^(https:\/\/|\/)[^\s]*$/.test(raw.policyUrl))
      banner.policyUrl = raw.policyUrl;
    else
      report(
        `${at}.policyUrl`,
        "not a link to the cookie policy",
        'write a path ("/cookies") or an https URL',
      );
  }
  if (raw.languages !== undefined) {
    if (!isObject(raw.languages) || Object.keys(raw.languages).length === 0) {
      report(
        `${at}.languages`,
        "languages must map language tags to texts",
        'write { "en": { "title": "Cookies" }, "de": { ... } }',
      );
    } else {
      banner.languages = {};
      for (const [language, texts] of Object.entries(raw.languages)) {
        const where = fieldPath(`${at}.languages`, language);
        if (!LANGUAGE.test(language)) {
          report(
            where,
            `"${language}" is not a language tag`,
            'use a BCP 47 tag such as "en", "de", "pt-BR"',
          );
          continue;
        }
        if (!isObject(texts)) {
          report(where, "texts must be an object", 'write { "title": "...", "acceptAll": "..." }');
          continue;
        }
        checkUnknownFields(texts, TEXT_FIELDS, where, report);
        if (texts.dir !== undefined && texts.dir !== "ltr" && texts.dir !== "rtl") {
          report(
            `${where}.dir`,
            `${describeValue(texts.dir)} is not a writing direction`,
            'write "ltr" or "rtl"',
          );
        }
        if (texts.categories !== undefined && !isObject(texts.categories)) {
          report(
            `${where}.categories`,
            "categories must map each category to its texts",
            'write { "analytics": { "label": "...", "description": "..." } }',
          );
        }
        const merged = {
          ...ENGLISH_TEXTS,
          ...texts,
          categories: {
            ...ENGLISH_TEXTS.categories,
            ...(isObject(texts.categories) ? texts.categories : {}),
          },
        } as BannerTexts;
        for (const field of TEXT_FIELDS) {
          if (field === "categories" || field === "dir") continue;
          if (typeof merged[field] !== "string" || merged[field] === "")
            report(
              `${where}.${field}`,
              "must be non-empty text",
              "write the text, or leave the field out for the English default",
            );
        }
        for (const category of categories) {
          const text = merged.categories[category];
          if (!text || typeof text.label !== "string" || typeof text.description !== "string") {
            report(
              `${where}.categories.${category}`,
              `no text for the category "${category}"`,
              'add { "label": "...", "description": "..." }',
            );
          }
        }
        banner.languages[language] = merged;
      }
    }
  }
  if (raw.defaultLanguage !== undefined && typeof raw.defaultLanguage !== "string") {
    report(
      `${at}.defaultLanguage`,
      `${describeValue(raw.defaultLanguage)} is not a language tag`,
      `use one of ${Object.keys(banner.languages).join(", ")}`,
    );
  }
  const defaultLanguage =
    typeof raw.defaultLanguage === "string"
      ? raw.defaultLanguage
      : (Object.keys(banner.languages)[0] ?? DEFAULT_LANGUAGE);
  // An own key only: `in` would take "constructor" or "toString" from Object.prototype for texts.
  if (!Object.hasOwn(banner.languages, defaultLanguage)) {
    if (typeof raw.defaultLanguage === "string" || Object.keys(banner.languages).length > 0)
      report(
        `${at}.defaultLanguage`,
        `${describeValue(defaultLanguage)} has no texts`,
        `use one of ${Object.keys(banner.languages).join(", ") || DEFAULT_LANGUAGE}`,
      );
  } else {
    banner.defaultLanguage = defaultLanguage;
  }
  if (raw.languages === undefined) {
    for (const category of categories) {
      if (!Object.hasOwn(ENGLISH_TEXTS.categories, category)) {
        report(
          `${at}.languages`,
          `no text for the site's own category "${category}"`,
          `add languages.en.categories.${category} = { "label": "...", "description": "..." }`,
        );
      }
    }
  }
  return banner;
}
