/**
 * A site's `banner`: consent-edge's own banner, for sites without a CMP. Texts per language are
 * merged over that language's built-in texts (English for a language consent-edge does not ship), so a site only writes what it changes. Whether every category
 * of the site has a text is a cross-field check (cross-checks.ts).
 */
import * as v from "valibot";
import { type BannerTexts, DEFAULT_LANGUAGE } from "../banner/texts";
import { BUILT_IN_LANGUAGES, BUILT_IN_TEXTS, builtInBase } from "../texts/languages";
import { dictionary, fields, flag, forEditors } from "./kit";
import { describeValue, joinProblem, say } from "./problems";

export const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const POLICY_URL = /^(https:\/\/|\/)[^\s]*$/;

const NO_WORDS = say(
  "must be non-empty text",
  "write the text, or leave the field out for the English default",
);

function words(description: string) {
  return v.optional(v.pipe(v.string(NO_WORDS), v.nonEmpty(NO_WORDS), v.description(description)));
}

/** The fields that are set: valibot's output types an optional field as `T | undefined`. */
function withoutUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** Every text key but the banner's first ones (written out above with their own descriptions). */
const MORE_TEXT_KEYS = [
  "bodyOptOut",
  "cookiesInCategory",
  "servicesInCategory",
  "placeholderText",
  "placeholderButton",
  "placeholderOnce",
  "placeholderAlways",
  "placeholderLabel",
  "placeholderSomeone",
  "and",
  "settingsPageTitle",
  "backToSite",
  "policyTitle",
  "policyIntro",
  "policyRevision",
  "policyAlwaysOn",
  "policyNeedsConsent",
  "colName",
  "colProvider",
  "colPurpose",
  "colDuration",
  "colType",
  "colParty",
  "typeHttp",
  "typeScript",
  "firstParty",
  "thirdPartyOn",
  "durationSession",
  "durationUnknown",
  "noCookies",
  "storageHeading",
  "colKey",
  "colArea",
  "areaLocal",
  "areaSession",
  "thirdPartiesHeading",
  "colThirdParty",
  "colReceives",
  "colPrivacyPolicy",
  "choicesHeading",
  "choicesText",
  "openSettings",
  "gpcText",
  "dntText",
  "nothingOptional",
  "policyServicesHeading",
  "policyServicesText",
  "policyColService",
  "policyColHosts",
  "policyColCookies",
  "policyNoneDeclared",
] as const satisfies ReadonlyArray<keyof BannerTexts>;

const NO_LABEL = say("must be non-empty text", 'write the label, e.g. "Analytics"');

const categoryText = fields(
  {
    label: v.pipe(
      v.string(NO_LABEL),
      v.nonEmpty(NO_LABEL),
      v.description("The category's name on the banner."),
      v.examples(["Analytics"]),
    ),
    description: v.pipe(
      v.string(say("must be text", "write one sentence on what the category is for")),
      v.description("One sentence on what the category is for."),
      v.examples(["Help us understand how the site is used."]),
    ),
  },
  say("a category text must be an object", 'write { "label": "...", "description": "..." }'),
);

/** The words of the banner in one language; each field left out is the English default. */
export const bannerTexts = fields(
  {
    title: words("The banner's heading."),
    body: words("The banner's text: what the site uses cookies for."),
    acceptAll: words('The "accept all" button.'),
    rejectAll: words('The "reject all" button.'),
    customise: words("The button that opens the per-category choices."),
    save: words("The button that saves the per-category choices."),
    close: words("The close button's label."),
    settingsLink: words("The link that reopens the banner."),
    policyLinkText: words("The text of the link to the cookie policy."),
    // The keys added with the placeholder, the settings page and the generated policy: each one
    // overridable like those above (src/texts/types.ts says what each is, and which {names} it fills).
    ...(Object.fromEntries(
      MORE_TEXT_KEYS.map((key) => [key, words(`The text "${key}" (src/texts/types.ts).`)]),
    ) as Record<(typeof MORE_TEXT_KEYS)[number], ReturnType<typeof words>>),
    categories: v.optional(
      v.pipe(
        dictionary(
          // "__proto__" is no category name; "constructor" and "prototype" are, and keep their texts.
          v.pipe(v.string(), forEditors({ not: { const: "__proto__" } })),
          categoryText,
          say(
            "categories must map each category to its texts",
            'write { "analytics": { "label": "...", "description": "..." } }',
          ),
          'name the site\'s categories, e.g. "analytics"',
          ["constructor", "prototype"],
        ),
        v.description("Category -> its label and description on the banner."),
      ),
    ),
    dir: v.optional(
      v.pipe(
        v.picklist(
          ["ltr", "rtl"],
          say((input) => `${describeValue(input)} is not a writing direction`, 'write "ltr" or "rtl"'),
        ),
        v.description("The writing direction of the texts."),
      ),
    ),
  },
  say("texts must be an object", 'write { "title": "...", "acceptAll": "..." }'),
);

const languageTag = v.pipe(
  v.string(),
  v.regex(
    LANGUAGE,
    say(
      (input) => `${describeValue(input)} is not a language tag`,
      'use a BCP 47 tag such as "en", "de", "pt-BR"',
    ),
  ),
);

/** For `languages` that is not a map, and for an empty one: either way the banner has no texts. */
const NO_LANGUAGES = say(
  "languages must map language tags to texts",
  'write { "en": { "title": "Cookies" }, "de": { ... } }',
);

export const banner = v.optional(
  v.pipe(
    fields(
      {
        enabled: v.optional(
          flag("enabled", "Show the banner. Default true once a banner section is present."),
        ),
        languages: v.optional(
          v.pipe(
            dictionary(
              languageTag,
              bannerTexts,
              NO_LANGUAGES,
              'use a BCP 47 tag such as "en", "de", "pt-BR"',
            ),
            v.check((languages) => Object.keys(languages).length > 0, NO_LANGUAGES),
            forEditors({ minProperties: 1 }),
            v.description("Texts per language tag, each merged over the English defaults."),
          ),
        ),
        defaultLanguage: v.optional(
          v.pipe(
            v.string(
              say(
                (input) => `${describeValue(input)} is not a language tag`,
                "use one of the banner's languages",
              ),
            ),
            v.description(
              "The language for visitors whose Accept-Language matches none. Default: the first language.",
            ),
          ),
        ),
        policyUrl: v.optional(
          v.pipe(
            v.string(
              say(
                (input) => `${describeValue(input)} is not a link to the cookie policy`,
                'write a path ("/cookies") or an https URL',
              ),
            ),
            v.regex(
              POLICY_URL,
              say(
                (input) => `${describeValue(input)} is not a link to the cookie policy`,
                'write a path ("/cookies") or an https URL',
              ),
            ),
            v.description("Where the banner links to the cookie policy: a path or an https URL."),
          ),
        ),
      },
      say("banner must be an object", 'write { "enabled": true }'),
    ),
    v.description("consent-edge's own banner, for sites without a CMP. Off unless present."),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const given = dataset.value;
      const languages: Record<string, BannerTexts> = {};
      // A site that writes no languages offers every built-in one as shipped. A site that writes
      // some offers exactly those: its own words (a notice naming its tools, say) must not give way
      // to a built-in text that leaves them out for visitors of another language.
      const written: NonNullable<typeof given.languages> =
        given.languages ?? Object.fromEntries(BUILT_IN_LANGUAGES.map((tag) => [tag, {}]));
      for (const [language, texts] of Object.entries(written)) {
        const { categories, ...words } = texts;
        // Over the language's built-in texts (`pt-BR` over `pt`, English for one not shipped), so a
        // site that changes one German key keeps every other key German.
        const base = builtInBase(language);
        languages[language] = {
          ...base,
          ...withoutUndefined(words),
          categories: { ...base.categories, ...categories },
        };
      }
      const defaultLanguage =
        given.defaultLanguage ??
        (given.languages ? Object.keys(languages)[0] : undefined) ??
        DEFAULT_LANGUAGE;
      // An own key only: `in` would take "constructor" or "toString" from Object.prototype for texts.
      // A built-in language needs no texts of the site's own (textsFor serves it as shipped).
      if (!Object.hasOwn(languages, defaultLanguage) && !Object.hasOwn(BUILT_IN_TEXTS, defaultLanguage)) {
        addIssue({
          message: joinProblem(
            `${describeValue(defaultLanguage)} has no texts`,
            `use one of ${[...new Set([...Object.keys(languages), ...BUILT_IN_LANGUAGES])].join(", ")}, or write its texts under "languages"`,
          ),
          path: [
            { type: "object", origin: "value", input: given, key: "defaultLanguage", value: defaultLanguage },
          ],
        });
        return NEVER;
      }
      return {
        enabled: given.enabled ?? true,
        languages,
        defaultLanguage,
        ...(given.policyUrl === undefined ? {} : { policyUrl: given.policyUrl }),
      };
    }),
  ),
  () => ({ enabled: false }),
);

export type ValidBanner = v.InferOutput<typeof banner>;
