/**
 * Well-known vendors' cookies, from each vendor's own documentation: one table for the cookie
 * classifier of a site with `"defaults": true` (beneath the site's own rules), for
 * `consent-edge suggest`, and for the generated policy (`defaultCookieFor` says who sets a cookie
 * and where). Curated, not raw: only names a vendor's script or server sets and that no one else is
 * likely to use; nothing generic (`session`, `id`, `lang`, `uid`) that could classify a site's own
 * cookie wrongly. The consent tools' own cookies hold the visitor's choice and are `necessary`.
 *
 * A name is exact or a glob (`*` any run of characters), as a cookie rule's `name`.
 */
import { globSource } from "../config/glob";
import type { CookieRule } from "../config/validate";

export type DefaultCookieCategory = "necessary" | "functional" | "analytics" | "marketing";

export interface DefaultCookie {
  name: string;
  vendor: string;
  category: DefaultCookieCategory;
  purpose: string;
  /** Who writes it, where the vendor says: its server (`Set-Cookie`) or its script (`document.cookie`). */
  setBy?: "http" | "script";
  /**
   * The vendor's domain, for a cookie the browser keeps for the vendor's site, not the site's:
   * the worker never sees it, so the classifier leaves it out; the policy lists it as third party.
   */
  thirdParty?: string;
  /** The vendor's documentation that lists the cookie. */
  source: string;
}

const GOOGLE = "https://developers.google.com/tag-platform/security/concepts/cookies";
const GOOGLE_ADS = "https://business.safety.google/adscookies/";
const GOOGLE_POLICY = "https://policies.google.com/technologies/cookies";
const META = "https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/fbp-and-fbc/";
const META_POLICY = "https://www.facebook.com/privacy/policies/cookies/";
const UET = "https://help.ads.microsoft.com/apex/index/3/en/53056";
const CLARITY = "https://learn.microsoft.com/en-us/clarity/setup-and-installation/cookie-list";
const HOTJAR =
  "https://help.hotjar.com/hc/en-us/articles/6952777582999-Cookies-Set-by-the-Hotjar-Tracking-Code";
const LINKEDIN = "https://www.linkedin.com/legal/l/cookie-table";
const TIKTOK = "https://ads.tiktok.com/help/article/using-cookies-with-tiktok-pixel";
const MATOMO = "https://matomo.org/faq/general/faq_146/";
const POSTHOG = "https://posthog.com/docs/libraries/js/persistence";
const MIXPANEL = "https://docs.mixpanel.com/docs/tracking-methods/sdks/javascript#persistence";
const VIMEO = "https://vimeo.com/cookie_policy";
const TCF =
  "https://github.com/InteractiveAdvertisingBureau/GDPR-Transparency-and-Consent-Framework/blob/master/TCFv2/IAB%20Tech%20Lab%20-%20CMP%20API%20v2.md";
const GPP = "https://github.com/InteractiveAdvertisingBureau/Global-Privacy-Platform";
const USP =
  "https://github.com/InteractiveAdvertisingBureau/USPrivacy/blob/master/CCPA/US%20Privacy%20String.md";

type Extra = Pick<DefaultCookie, "setBy" | "thirdParty">;

/** A vendor's rows share its name, category and source. */
function vendor(name: string, category: DefaultCookieCategory, source: string) {
  return (cookie: string, purpose: string, extra: Extra = {}): DefaultCookie => ({
    name: cookie,
    vendor: name,
    category,
    purpose,
    ...extra,
    source,
  });
}

const SCRIPT: Extra = { setBy: "script" };
const HTTP: Extra = { setBy: "http" };
const on = (domain: string): Extra => ({ setBy: "http", thirdParty: domain });

const ga = vendor("Google Analytics", "analytics", GOOGLE);
const gaClassic = vendor("Google Analytics (ga.js)", "analytics", GOOGLE);
const gtm = vendor("Google Tag Manager", "analytics", GOOGLE);
const ads = vendor("Google Ads", "marketing", GOOGLE);
const adsense = vendor("Google AdSense / Ad Manager", "marketing", GOOGLE);
const doubleclick = vendor("Google DoubleClick", "marketing", GOOGLE_ADS);
const youtube = vendor("YouTube", "marketing", GOOGLE_POLICY);
const meta = vendor("Meta Pixel", "marketing", META);
const uet = vendor("Microsoft Advertising UET", "marketing", UET);
const clarity = vendor("Microsoft Clarity", "analytics", CLARITY);
const hotjar = vendor("Hotjar", "analytics", HOTJAR);
const linkedin = vendor("LinkedIn Insight", "marketing", LINKEDIN);
const tiktok = vendor("TikTok Pixel", "marketing", TIKTOK);
const matomo = vendor("Matomo", "analytics", MATOMO);
const matomoConsent = vendor("Matomo", "necessary", MATOMO);
const posthog = vendor("PostHog", "analytics", POSTHOG);
const mixpanel = vendor("Mixpanel", "analytics", MIXPANEL);
const vimeo = vendor("Vimeo", "analytics", VIMEO);
const consentTool = (name: string, source: string) => vendor(name, "necessary", source);

const oneTrust = consentTool("OneTrust", "https://www.onetrust.com/cookie-policy/");
const cookiebot = consentTool("Cookiebot", "https://www.cookiebot.com/en/developer/");
const orestbida = consentTool(
  "CookieConsent (orestbida)",
  "https://cookieconsent.orestbida.com/reference/configuration-reference.html",
);
const klaro = consentTool("Klaro", "https://klaro.org/docs/integration/annotated-configuration");
const cookieYes = consentTool(
  "CookieYes",
  "https://www.cookieyes.com/documentation/cookies-set-by-cookieyes/",
);
const complianz = consentTool("Complianz", "https://complianz.io/documentation/");
const didomi = consentTool("Didomi", "https://developers.didomi.io/cmp/web-sdk/consent-notice/cookies");
const zaraz = consentTool("Cloudflare Zaraz", "https://developers.cloudflare.com/zaraz/consent-management/");
const iab = (name: string, source: string) => consentTool(name, source);
const CONSENT = "stores the visitor's consent choices";

export const DEFAULT_COOKIES: readonly DefaultCookie[] = [
  ga("_ga", "distinguishes users", SCRIPT),
  ga("_ga_*", "persists session state (one per GA4 property)", SCRIPT),
  ga("_gid", "distinguishes users (24 hours)", SCRIPT),
  ga("_gat", "throttles the request rate", SCRIPT),
  ga("_gat_*", "throttles the request rate (per tracker)", SCRIPT),
  ga("AMP_TOKEN", "holds a token to fetch a client id from the AMP client id service", SCRIPT),
  ga("FPID", "first-party visitor id of server-side tagging", HTTP),
  ga("FPLC", "links the first-party visitor id across domains (server-side tagging)", HTTP),
  gaClassic("__utma", "distinguishes users and sessions", SCRIPT),
  gaClassic("__utmb", "marks a new session", SCRIPT),
  gaClassic("__utmc", "marks a new session (with __utmb)", SCRIPT),
  gaClassic("__utmt", "throttles the request rate", SCRIPT),
  gaClassic("__utmz", "stores the traffic source", SCRIPT),
  gtm("_dc_gtm_*", "throttles the request rate of tags loaded by Tag Manager", SCRIPT),
  ads("_gcl_au", "conversion linker: ad click attribution", SCRIPT),
  ads("_gcl_aw", "stores the ad click id (gclid)", SCRIPT),
  ads("_gcl_dc", "stores the Campaign Manager click id", SCRIPT),
  ads("_gac_*", "campaign information for Google Ads linked to Analytics", SCRIPT),
  adsense("__gads", "ad frequency and measurement for the site's ad slots", SCRIPT),
  adsense("__gpi", "ad frequency and measurement for the site's ad slots", SCRIPT),
  doubleclick("IDE", "ad personalisation and measurement across sites", on("doubleclick.net")),
  doubleclick("DSID", "links the visitor's Google account to ad activity", on("doubleclick.net")),
  doubleclick("test_cookie", "tests whether the browser accepts cookies", on("doubleclick.net")),
  doubleclick("NID", "ad personalisation and preferences in Google services", on("google.com")),
  youtube("YSC", "joins a visitor's views of embedded videos into a session", on("youtube.com")),
  youtube(
    "VISITOR_INFO1_LIVE",
    "estimates bandwidth and keeps the visitor's video preferences",
    on("youtube.com"),
  ),
  youtube(
    "VISITOR_PRIVACY_METADATA",
    "stores the visitor's cookie consent state for YouTube",
    on("youtube.com"),
  ),
  youtube("__Secure-YEC", "detects and resolves problems with the embedded player", on("youtube.com")),
  meta("_fbp", "browser id for ad delivery and measurement", SCRIPT),
  meta("_fbc", "stores the ad click id (fbclid)", SCRIPT),
  vendor("Meta", "marketing", META_POLICY)("fr", "ad delivery and measurement", on("facebook.com")),
  uet("_uetsid", "session id for conversion tracking", SCRIPT),
  uet("_uetvid", "visitor id for conversion tracking", SCRIPT),
  uet("_uetmsclkid", "stores the ad click id (msclkid)", SCRIPT),
  uet("MUID", "Microsoft's browser id across its sites (also used by Clarity)", on("bing.com")),
  clarity("_clck", "persists the Clarity user id", SCRIPT),
  clarity("_clsk", "joins page views into one session", SCRIPT),
  clarity("CLID", "identifies the first time Clarity saw this browser", on("clarity.ms")),
  // Clarity's list says it governs whether the MUID goes to ANID, Microsoft's advertising id: marketing.
  vendor("Microsoft Clarity", "marketing", CLARITY)(
    "ANONCHK",
    "whether the MUID is passed to Microsoft's advertising id",
    on("clarity.ms"),
  ),
  clarity("SM", "synchronises the MUID across Microsoft domains", on("clarity.ms")),
  hotjar("_hjSessionUser_*", "Hotjar user id, per site", SCRIPT),
  hotjar("_hjSession_*", "current session, per site", SCRIPT),
  hotjar("_hjid", "Hotjar user id (older tracking code)", SCRIPT),
  hotjar("_hjAbsoluteSessionInProgress", "detects a user's first session", SCRIPT),
  hotjar("_hjFirstSeen", "marks a new user's first session", SCRIPT),
  hotjar("_hjIncludedInSessionSample*", "whether the session is in the sample", SCRIPT),
  hotjar("_hjIncludedInPageviewSample", "whether the visitor is in the sample", SCRIPT),
  hotjar("_hjClosedSurveyInvites", "remembers that a survey invitation was closed", SCRIPT),
  hotjar("_hjDonePolls", "remembers that a survey was completed", SCRIPT),
  hotjar("_hjMinimizedPolls", "remembers that a survey was minimised", SCRIPT),
  hotjar("_hjShownFeedbackMessage", "remembers that the feedback widget was shown", SCRIPT),
  hotjar("_hjLocalStorageTest", "tests whether localStorage can be used", SCRIPT),
  hotjar("_hjSessionStorageTest", "tests whether sessionStorage can be used", SCRIPT),
  hotjar("_hjTLDTest", "finds the widest domain a cookie can be set on", SCRIPT),
  hotjar("_hjCookieTest", "tests whether cookies can be set", SCRIPT),
  hotjar("_hjRecordingEnabled", "whether the session is recorded", SCRIPT),
  hotjar("_hjRecordingLastActivity", "the last activity of a recorded session", SCRIPT),
  linkedin("li_fat_id", "member id for ad attribution", SCRIPT),
  linkedin("li_giant", "ad attribution of the Insight Tag", SCRIPT),
  linkedin("ln_or", "whether the Insight Tag's daily report is due", SCRIPT),
  linkedin("li_sugr", "browser id for audience matching", on("linkedin.com")),
  linkedin("bcookie", "browser id", on("linkedin.com")),
  linkedin("lidc", "chooses the data centre", on("linkedin.com")),
  linkedin("UserMatchHistory", "syncs the LinkedIn Ads id", on("linkedin.com")),
  linkedin("AnalyticsSyncHistory", "when the visitor's ids were last synced", on("linkedin.com")),
  tiktok("_ttp", "visitor id for ad measurement", SCRIPT),
  tiktok("_tt_enable_cookie", "tests whether cookies can be set", SCRIPT),
  tiktok("ttcsid", "session id for ad measurement", SCRIPT),
  tiktok("ttcsid_*", "session id for ad measurement, per pixel", SCRIPT),
  matomo("_pk_id.*", "visitor id", SCRIPT),
  matomo("_pk_ses.*", "marks the current visit", SCRIPT),
  matomo("_pk_ref.*", "stores the referrer of the first visit", SCRIPT),
  matomo("_pk_cvar.*", "custom variables of the current visit", SCRIPT),
  matomo("_pk_hsr.*", "marks a visit with heat map or session recording", SCRIPT),
  matomo("_pk_testcookie*", "tests whether cookies can be set (deleted at once)", SCRIPT),
  matomoConsent("mtm_consent", "remembers that the visitor consented to tracking", SCRIPT),
  matomoConsent("mtm_consent_removed", "remembers that the visitor withdrew consent to tracking", SCRIPT),
  matomoConsent("mtm_cookie_consent", "remembers that the visitor consented to cookies", SCRIPT),
  posthog("ph_*_posthog", "distinct id and session state", SCRIPT),
  mixpanel("mp_*_mixpanel", "distinct id and super properties", SCRIPT),
  vimeo("vuid", "counts plays of embedded videos", on("vimeo.com")),
  oneTrust("OptanonConsent", CONSENT),
  oneTrust("OptanonAlertBoxClosed", "remembers that the visitor answered the banner"),
  oneTrust("eupubconsent-v2", "the visitor's IAB TCF choices (OneTrust)"),
  oneTrust("OTGPPConsent", "the visitor's IAB GPP string (OneTrust)"),
  cookiebot("CookieConsent", CONSENT),
  cookiebot("CookieConsentBulkSetting-*", "the visitor's consent across the operator's sites"),
  orestbida("cc_cookie", CONSENT, SCRIPT),
  klaro("klaro", CONSENT, SCRIPT),
  cookieYes("cookieyes-consent", CONSENT, SCRIPT),
  complianz("cmplz_*", CONSENT, SCRIPT),
  didomi("didomi_token", CONSENT, SCRIPT),
  zaraz("cf_consent", CONSENT),
  iab("IAB TCF", TCF)("euconsent-v2", "the visitor's IAB TCF v2 consent string"),
  iab("IAB GPP", GPP)("__gpp", "the visitor's IAB Global Privacy Platform string"),
  iab("IAB GPP", GPP)("__gpp_sid", "which GPP sections apply"),
  iab("IAB US Privacy", USP)("usprivacy", "the visitor's US Privacy (CCPA) string"),
  vendor(
    "Google Additional Consent",
    "necessary",
    "https://support.google.com/admanager/answer/9681920",
  )("addtl_consent", "consent to Google ad technology providers outside the TCF"),
];

const matchers = DEFAULT_COOKIES.map((cookie) => ({
  cookie,
  regex: cookie.name.includes("*") ? new RegExp(`^${globSource(cookie.name)}$`) : undefined,
}));

/** The table's entry for a cookie name: its exact entry, else the longest glob that matches. */
export function defaultCookieFor(name: string): DefaultCookie | undefined {
  let best: DefaultCookie | undefined;
  for (const { cookie, regex } of matchers) {
    if (!regex) {
      if (cookie.name === name) return cookie;
    } else if (regex.test(name) && (!best || cookie.name.length > best.name.length)) best = cookie;
  }
  return best;
}

let rules: CookieRule[] | undefined;

/**
 * The table as cookie rules for the classifier: first-party cookies only, since a third party's
 * cookie never reaches the worker, and short names such as `NID` would only risk a site's own.
 */
export function defaultCookieRules(): CookieRule[] {
  rules ??= DEFAULT_COOKIES.filter((cookie) => cookie.thirdParty === undefined).map(
    (cookie, order): CookieRule => ({
      pattern: cookie.name,
      order,
      category: cookie.category,
      purpose: cookie.purpose,
      provider: cookie.vendor,
      ...(cookie.setBy === undefined ? {} : { setBy: cookie.setBy }),
    }),
  );
  return rules;
}
