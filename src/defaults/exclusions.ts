/**
 * Domains of third-party-web that consent-edge does not block by default, each with the reason.
 * The dataset attributes whole platforms to one product (its "Bing Ads" lists `*.bing.com`,
 * `*.microsoft.com` and `*.msn.com`); blocking those would break maps, sign-in, payment and CDN
 * files that sites load from the same domains for reasons that have nothing to do with tracking.
 * Where a tracker of such a platform has a host of its own, src/defaults/additions.ts names it
 * (Bing UET: `bat.bing.com`).
 */

export interface ExcludedDomain {
  /** As the dataset writes it, without a leading `*.`. */
  domain: string;
  entity: string;
  reason: string;
}

export interface ExcludedEntity {
  entity: string;
  reason: string;
}

const PLATFORM = "a major platform's own domain: its maps, sign-in, payments and embeds load from it too";
const STATIC_CDN = "the platform's static file CDN (images, style sheets, player files): sets no identifiers";

export const EXCLUDED_DOMAINS: readonly ExcludedDomain[] = [
  { domain: "bing.com", entity: "Bing Ads", reason: `${PLATFORM} (Bing Maps); UET is bat.bing.com` },
  { domain: "microsoft.com", entity: "Bing Ads", reason: PLATFORM },
  { domain: "msn.com", entity: "Bing Ads", reason: PLATFORM },
  { domain: "s-msft.com", entity: "Bing Ads", reason: `${STATIC_CDN} (Microsoft's)` },
  { domain: "s-msn.com", entity: "Bing Ads", reason: `${STATIC_CDN} (MSN's)` },
  { domain: "msecnd.net", entity: "Bing Ads", reason: "Azure CDN: hosts many companies' files" },
  { domain: "yahoo.com", entity: "Yahoo!", reason: PLATFORM },
  { domain: "yimg.com", entity: "Yahoo!", reason: `${STATIC_CDN} (Yahoo's, and the YUI library)` },
  { domain: "aol.com", entity: "AOL / Oath / Verizon Media", reason: PLATFORM },
  {
    domain: "apple.com",
    entity: "Auto Link Maker",
    reason: `${PLATFORM} (Apple Music and App Store embeds)`,
  },
  { domain: "salesforce.com", entity: "Salesforce.com", reason: `${PLATFORM} (web-to-lead forms, chat)` },
  { domain: "fbcdn.net", entity: "Facebook", reason: `${STATIC_CDN} (Facebook's)` },
  { domain: "fbcdn-photos-e-a.akamaihd.net", entity: "Facebook", reason: `${STATIC_CDN} (Facebook's)` },
  { domain: "ytimg.com", entity: "YouTube", reason: `${STATIC_CDN} (YouTube thumbnails)` },
  { domain: "ggpht.com", entity: "YouTube", reason: `${STATIC_CDN} (Google's user content)` },
  { domain: "vimeocdn.com", entity: "Vimeo", reason: `${STATIC_CDN} (Vimeo thumbnails)` },
  { domain: "twimg.com", entity: "Twitter", reason: `${STATIC_CDN} (X/Twitter images)` },
  { domain: "pinimg.com", entity: "Pinterest", reason: `${STATIC_CDN} (Pinterest images)` },
  {
    domain: "licdn.com",
    entity: "LinkedIn Ads",
    reason: `${STATIC_CDN} (LinkedIn's); the Insight Tag is snap.licdn.com`,
  },
];

export const EXCLUDED_ENTITIES: readonly ExcludedEntity[] = [
  // Filed under "ad" by the dataset, but its hosts serve the Sourcepoint consent message: blocking
  // a consent tool until consent is given would keep the visitor from giving it.
  { entity: "Sourcepoint", reason: "a consent tool (its CMP is served from these hosts)" },
  // Filed under "analytics" and "ad" by the dataset, but they are sign-in services: the Okta Sign-In
  // Widget and LoginRadius's script call their own hosts from the login page, and blocking them until
  // consent would keep a visitor who refuses analytics or marketing from signing in.
  { entity: "Okta", reason: "a sign-in service (the Sign-In Widget calls <org>.okta.com)" },
  { entity: "LoginRadius", reason: "a sign-in service (its login script and API are on these hosts)" },
];
