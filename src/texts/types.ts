/**
 * Every word consent-edge shows a visitor: the banner, the placeholder of a blocked embed, the
 * settings page served without JavaScript, and the generated cookie policy. One `Texts` per
 * language (src/texts/languages/*.ts); a site overrides any key per language (`banner.languages`).
 *
 * Texts are plain text, never HTML: every renderer escapes them. `{name}` marks a value filled in
 * by `fill` (src/texts/fill.ts): only the placeholders a key's comment names are given.
 */

/** The four categories every site starts with (README "Site": `categories`). */
export const DEFAULT_BANNER_CATEGORIES = ["necessary", "functional", "analytics", "marketing"] as const;
export type DefaultBannerCategory = (typeof DEFAULT_BANNER_CATEGORIES)[number];

export interface CategoryText {
  label: string;
  description: string;
}

export interface Texts {
  // ---- The banner ----
  title: string;
  /** Opt-in regions: nothing optional runs until the visitor chooses. */
  body: string;
  /**
   * Opt-out and notice regions: optional cookies run until the visitor refuses them, so `body`'s
   * "nothing optional until you choose" would be false there.
   */
  bodyOptOut: string;
  acceptAll: string;
  rejectAll: string;
  customise: string;
  save: string;
  close: string;
  /** The always-present link that re-opens the banner. */
  settingsLink: string;
  /** Shown after `body` when the site has a cookie policy (its URL or its generated page). */
  policyLinkText: string;
  /** Heading of a category's cookie list under "Customise". */
  cookiesInCategory: string;
  /**
   * Heading of a category's services under "Customise" (YouTube under Marketing), each with its own
   * switch: granted on its own, whatever the category's switch says.
   */
  servicesInCategory: string;
  /** Texts for the default categories; a site's own categories may add theirs (else the id is shown). */
  categories: Record<DefaultBannerCategory, CategoryText> & { [category: string]: CategoryText | undefined };

  // ---- The placeholder after a blocked embed (an iframe made inert) ----
  /** `{vendor}` (the rule's vendor or `placeholderSomeone`) and `{categories}` (labels, joined). */
  placeholderText: string;
  /** `{categories}`. */
  placeholderButton: string;
  /**
   * Shows this one embed for this page view only: nothing is recorded, and the next page shows the
   * placeholder again.
   */
  placeholderOnce: string;
  /**
   * After an embed of a service (YouTube): grants that service alone, not its category. `{services}`
   * (the service's label; with a category besides, both labels, joined).
   */
  placeholderAlways: string;
  /** The region's accessible name: `{vendor}`. */
  placeholderLabel: string;
  /** `{vendor}` when the rule names none. */
  placeholderSomeone: string;
  /** Joins the last two items of a list: "Analytics and Marketing". */
  and: string;

  // ---- The settings page (the banner as a page, for visitors without JavaScript) ----
  settingsPageTitle: string;
  /** The link back to the page the visitor came from. */
  backToSite: string;

  // ---- The cookie policy (declaration) page ----
  policyTitle: string;
  /** The first paragraph. */
  policyIntro: string;
  /** `{revision}`. */
  policyRevision: string;
  /** Shown for `necessary`, which needs no consent. */
  policyAlwaysOn: string;
  /** Shown for a category the visitor must consent to. */
  policyNeedsConsent: string;
  colName: string;
  colProvider: string;
  colPurpose: string;
  colDuration: string;
  colType: string;
  colParty: string;
  /** A cookie the server sets (Set-Cookie). */
  typeHttp: string;
  /** A cookie a script in the page sets (document.cookie). */
  typeScript: string;
  firstParty: string;
  /** `{domain}`: the third party's domain the cookie is set on. */
  thirdPartyOn: string;
  /** A cookie deleted when the browser closes. */
  durationSession: string;
  /** A cookie whose lifetime the config does not cap or state. */
  durationUnknown: string;
  /** A category with no cookies declared. */
  noCookies: string;
  storageHeading: string;
  colKey: string;
  colArea: string;
  areaLocal: string;
  areaSession: string;
  thirdPartiesHeading: string;
  colThirdParty: string;
  colReceives: string;
  colPrivacyPolicy: string;
  choicesHeading: string;
  /** How to change or withdraw: followed by the `openSettings` link. */
  choicesText: string;
  openSettings: string;
  /** `{categories}`: what GPC refuses on this site. */
  gpcText: string;
  /** `{vendors}`: what Do Not Track stops on this site. */
  dntText: string;
  /** A site with nothing but necessary cookies. */
  nothingOptional: string;
  /** Under a category's table: the services in it a visitor can allow on their own (docs/services.md). */
  policyServicesHeading: string;
  /** `{category}`: the category's label. How a service is allowed without the rest of its category. */
  policyServicesText: string;
  policyColService: string;
  /** The hosts a service's embeds and scripts load from. */
  policyColHosts: string;
  /** The cookies a service's rules name. */
  policyColCookies: string;
  /** A service without hosts, or without cookies, in the config. */
  policyNoneDeclared: string;

  /** Writing direction, for right-to-left languages. */
  dir?: "ltr" | "rtl";
}

/** The banner's part of the texts: what `renderBanner` reads. */
export type BannerTexts = Texts;

/** A site's languages, keyed by BCP 47 tag (`en`, `de`, `pt-BR`). */
export type Languages = Readonly<Record<string, Texts>>;

export const DEFAULT_LANGUAGE = "en";
