/**
 * Well-known vendors' cookie names, for `consent-edge suggest`: a cookie the inventory saw and no
 * rule declares gets the category here, and the suggestion says which vendor and which page of the
 * vendor's own documentation lists it. Data, not code: one entry per name or glob (`*` any run of
 * characters, as in a cookie rule), so that extending it is adding a row. Only names a vendor's
 * script sets on the site's own domain and that no one else is likely to use: nothing generic
 * (`session`, `id`, `lang`) that could classify a site's own cookie wrongly.
 */

export interface KnownCookie {
  /** An exact name or a glob, written as a cookie rule's `name`. */
  name: string;
  category: "analytics" | "marketing";
  vendor: string;
  purpose: string;
  /** The vendor's own documentation that lists the cookie. */
  source: string;
}

const GOOGLE = "https://developers.google.com/tag-platform/security/concepts/cookies";
const META = "https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/fbp-and-fbc/";
const UET = "https://help.ads.microsoft.com/apex/index/3/en/53056";
const CLARITY = "https://learn.microsoft.com/en-us/clarity/setup-and-installation/cookie-list";
const HOTJAR =
  "https://help.hotjar.com/hc/en-us/articles/6952777582999-Cookies-Set-by-the-Hotjar-Tracking-Code";
const LINKEDIN = "https://www.linkedin.com/legal/l/cookie-table";
const TIKTOK = "https://ads.tiktok.com/help/article/using-cookies-with-tiktok-pixel";
const MATOMO = "https://matomo.org/faq/general/faq_146/";
const POSTHOG = "https://posthog.com/docs/libraries/js/persistence";
const MIXPANEL = "https://docs.mixpanel.com/docs/tracking-methods/sdks/javascript#persistence";

export const KNOWN_COOKIES: readonly KnownCookie[] = [
  {
    name: "_ga",
    category: "analytics",
    vendor: "Google Analytics",
    purpose: "distinguishes users",
    source: GOOGLE,
  },
  {
    name: "_ga_*",
    category: "analytics",
    vendor: "Google Analytics",
    purpose: "persists session state (one per GA4 property)",
    source: GOOGLE,
  },
  {
    name: "_gid",
    category: "analytics",
    vendor: "Google Analytics",
    purpose: "distinguishes users (24 hours)",
    source: GOOGLE,
  },
  {
    name: "_gat",
    category: "analytics",
    vendor: "Google Analytics",
    purpose: "throttles the request rate",
    source: GOOGLE,
  },
  {
    name: "_gat_*",
    category: "analytics",
    vendor: "Google Analytics",
    purpose: "throttles the request rate (per tracker)",
    source: GOOGLE,
  },
  {
    name: "__utma",
    category: "analytics",
    vendor: "Google Analytics (ga.js)",
    purpose: "distinguishes users and sessions",
    source: GOOGLE,
  },
  {
    name: "__utmz",
    category: "analytics",
    vendor: "Google Analytics (ga.js)",
    purpose: "stores the traffic source",
    source: GOOGLE,
  },
  {
    name: "_gcl_au",
    category: "marketing",
    vendor: "Google Ads",
    purpose: "conversion linker: ad click attribution",
    source: GOOGLE,
  },
  {
    name: "__gads",
    category: "marketing",
    vendor: "Google Ad Manager / AdSense",
    purpose: "ad frequency and measurement for the site's ad slots",
    source: GOOGLE,
  },
  {
    name: "_gcl_aw",
    category: "marketing",
    vendor: "Google Ads",
    purpose: "stores the ad click id (gclid)",
    source: GOOGLE,
  },
  {
    name: "_gcl_dc",
    category: "marketing",
    vendor: "Google Campaign Manager",
    purpose: "stores the ad click id",
    source: GOOGLE,
  },
  {
    name: "_fbp",
    category: "marketing",
    vendor: "Meta Pixel",
    purpose: "browser id for ad delivery and measurement",
    source: META,
  },
  {
    name: "_fbc",
    category: "marketing",
    vendor: "Meta Pixel",
    purpose: "stores the ad click id (fbclid)",
    source: META,
  },
  {
    name: "_uetsid",
    category: "marketing",
    vendor: "Microsoft Advertising UET",
    purpose: "session id for conversion tracking",
    source: UET,
  },
  {
    name: "_uetvid",
    category: "marketing",
    vendor: "Microsoft Advertising UET",
    purpose: "visitor id for conversion tracking",
    source: UET,
  },
  {
    name: "_uetmsclkid",
    category: "marketing",
    vendor: "Microsoft Advertising UET",
    purpose: "stores the ad click id (msclkid)",
    source: UET,
  },
  {
    name: "_clck",
    category: "analytics",
    vendor: "Microsoft Clarity",
    purpose: "persists the Clarity user id",
    source: CLARITY,
  },
  {
    name: "_clsk",
    category: "analytics",
    vendor: "Microsoft Clarity",
    purpose: "joins page views into one session",
    source: CLARITY,
  },
  {
    name: "CLID",
    category: "analytics",
    vendor: "Microsoft Clarity",
    purpose: "identifies the first time Clarity saw this browser",
    source: CLARITY,
  },
  {
    name: "_hjSessionUser_*",
    category: "analytics",
    vendor: "Hotjar",
    purpose: "Hotjar user id, per site",
    source: HOTJAR,
  },
  {
    name: "_hjSession_*",
    category: "analytics",
    vendor: "Hotjar",
    purpose: "current session, per site",
    source: HOTJAR,
  },
  {
    name: "_hjid",
    category: "analytics",
    vendor: "Hotjar",
    purpose: "Hotjar user id (older tracking code)",
    source: HOTJAR,
  },
  {
    name: "_hjAbsoluteSessionInProgress",
    category: "analytics",
    vendor: "Hotjar",
    purpose: "detects a user's first session",
    source: HOTJAR,
  },
  {
    name: "_hjFirstSeen",
    category: "analytics",
    vendor: "Hotjar",
    purpose: "marks a new user's first session",
    source: HOTJAR,
  },
  {
    name: "_hjIncludedInSessionSample*",
    category: "analytics",
    vendor: "Hotjar",
    purpose: "whether the session is in the sample",
    source: HOTJAR,
  },
  {
    name: "_hjIncludedInPageviewSample",
    category: "analytics",
    vendor: "Hotjar",
    purpose: "whether the visitor is in the sample",
    source: HOTJAR,
  },
  {
    name: "li_fat_id",
    category: "marketing",
    vendor: "LinkedIn Insight Tag",
    purpose: "member id for ad attribution",
    source: LINKEDIN,
  },
  {
    name: "li_sugr",
    category: "marketing",
    vendor: "LinkedIn Insight Tag",
    purpose: "browser id for audience matching",
    source: LINKEDIN,
  },
  {
    name: "_ttp",
    category: "marketing",
    vendor: "TikTok Pixel",
    purpose: "visitor id for ad measurement",
    source: TIKTOK,
  },
  {
    name: "_tt_enable_cookie",
    category: "marketing",
    vendor: "TikTok Pixel",
    purpose: "tests whether cookies can be set",
    source: TIKTOK,
  },
  { name: "_pk_id.*", category: "analytics", vendor: "Matomo", purpose: "visitor id", source: MATOMO },
  {
    name: "_pk_ses.*",
    category: "analytics",
    vendor: "Matomo",
    purpose: "marks the current visit",
    source: MATOMO,
  },
  {
    name: "_pk_ref.*",
    category: "analytics",
    vendor: "Matomo",
    purpose: "stores the referrer of the first visit",
    source: MATOMO,
  },
  {
    name: "ph_*_posthog",
    category: "analytics",
    vendor: "PostHog",
    purpose: "distinct id and session state",
    source: POSTHOG,
  },
  {
    name: "mp_*_mixpanel",
    category: "analytics",
    vendor: "Mixpanel",
    purpose: "distinct id and super properties",
    source: MIXPANEL,
  },
];
