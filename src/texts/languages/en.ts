/** English: the default language, and the fallback for every key another language lacks. */
import type { Texts } from "../types";

export const ENGLISH_TEXTS = {
  title: "Cookies on this site",
  body:
    "We use cookies the site needs to work. With your consent, we would also use optional cookies to " +
    "remember your preferences, measure how the site is used and show relevant ads. Nothing optional is " +
    "set until you choose, and you can change your choice at any time under \u201cCookie settings\u201d.",
  bodyOptOut:
    "We use cookies the site needs to work, and optional cookies to remember your preferences, measure " +
    "how the site is used and show relevant ads. You can refuse the optional ones, or change your choice, " +
    "at any time under \u201cCookie settings\u201d.",
  acceptAll: "Accept all",
  rejectAll: "Reject all",
  customise: "Customise",
  save: "Save choices",
  close: "Close",
  settingsLink: "Cookie settings",
  policyLinkText: "Cookie policy",
  cookiesInCategory: "Cookies in this category",
  servicesInCategory: "Allow on its own, even with this category off",
  categories: {
    necessary: {
      label: "Necessary",
      description: "Always on: the site needs these to work (security, sign-in, remembering this choice).",
    },
    functional: {
      label: "Functional",
      description: "Remember choices you make, such as your language or theme.",
    },
    analytics: {
      label: "Analytics",
      description: "Help us understand how the site is used, so that we can improve it.",
    },
    marketing: {
      label: "Marketing",
      description:
        "Let advertising partners measure ads and show ads relevant to you, here and on other sites.",
    },
  },

  placeholderText: "{vendor} is not shown because it uses {categories} cookies, which you have not accepted.",
  placeholderButton: "Accept {categories} cookies and show it",
  placeholderOnce: "Show it just this once",
  placeholderAlways: "Always allow {services}",
  placeholderLabel: "{vendor} is blocked",
  placeholderSomeone: "This embedded content",
  and: "and",

  settingsPageTitle: "Cookie settings",
  backToSite: "Back to the site",

  policyTitle: "Cookie policy",
  policyIntro:
    "This page lists every cookie and every item of browser storage this site uses, by category, and " +
    "the third parties involved. It is generated from the same configuration that enforces your choice.",
  policyRevision: "Policy revision: {revision}",
  policyAlwaysOn: "Always on: these need no consent.",
  policyNeedsConsent: "Used only with your consent.",
  colName: "Name",
  colProvider: "Provider",
  colPurpose: "Purpose",
  colDuration: "Duration",
  colType: "Type",
  colParty: "Set by",
  typeHttp: "HTTP cookie",
  typeScript: "Set by a script",
  firstParty: "This site (first party)",
  thirdPartyOn: "Third party ({domain})",
  durationSession: "Until you close the browser",
  durationUnknown: "Not stated",
  noCookies: "No cookies in this category.",
  storageHeading: "Other storage in your browser",
  colKey: "Key",
  colArea: "Kept in",
  areaLocal: "Local storage, until deleted",
  areaSession: "Session storage, until the tab is closed",
  thirdPartiesHeading: "Third parties",
  colThirdParty: "Third party",
  colReceives: "What they receive",
  colPrivacyPolicy: "Privacy policy",
  choicesHeading: "Your choices",
  choicesText:
    "You can accept or refuse each optional category, and change or withdraw your choice at any time. " +
    "Refusing is as easy as accepting, and a change takes effect at once.",
  openSettings: "Open the cookie settings",
  gpcText: "If your browser sends Global Privacy Control, we treat it as a refusal of {categories}.",
  dntText: "If your browser sends Do Not Track, {vendors} do not run, whatever you accepted.",
  nothingOptional: "This site uses only what it needs to work: there is nothing to accept or refuse.",
  policyServicesHeading: "Services you can allow on their own",
  policyServicesText:
    "You can allow each of these services on its own, without the rest of {category}: in the cookie settings, or with the button on one of its embeds.",
  policyColService: "Service",
  policyColHosts: "Loaded from",
  policyColCookies: "Its cookies",
  policyNoneDeclared: "None declared",
} satisfies Texts;
