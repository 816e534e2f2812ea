/**
 * Built-in resource rules for the vendors sites embed most. Hosts cover their subdomains.
 * Sources: each vendor's own install documentation (hosts their snippets load from or call).
 * A site's own rules win over these for the same host, URL or snippet; `"builtin": false` drops them.
 */
import type { TrackerRule } from "../config/trackers";

const host = (match: string, category: string, vendor: string): TrackerRule => ({
  kind: "host",
  match,
  category,
  vendor,
});
const url = (match: string, category: string, vendor: string): TrackerRule => ({
  kind: "url",
  match,
  category,
  vendor,
});
const inline = (match: string, category: string, vendor: string): TrackerRule => ({
  kind: "inline",
  match,
  category,
  vendor,
});

export const BUILTIN_TRACKERS: readonly TrackerRule[] = [
  // Google Analytics 4 / gtag.js / Tag Manager. gtag.js serves GA4 and Ads from one host: the id decides.
  host("googletagmanager.com", "analytics", "Google Tag Manager"),
  host("google-analytics.com", "analytics", "Google Analytics"),
  host("analytics.google.com", "analytics", "Google Analytics"),
  url("https://www.googletagmanager.com/gtag/js?id=AW-*", "marketing", "Google Ads"),
  url("https://www.googletagmanager.com/gtag/js?id=DC-*", "marketing", "Google Campaign Manager"),
  inline("gtag('config', 'G-", "analytics", "Google Analytics"),
  inline('gtag("config", "G-', "analytics", "Google Analytics"),
  inline("gtag('config','G-", "analytics", "Google Analytics"),
  inline("gtag('config', 'AW-", "marketing", "Google Ads"),
  inline('gtag("config", "AW-', "marketing", "Google Ads"),
  inline("gtag('config','AW-", "marketing", "Google Ads"),
  inline("googletagmanager.com/gtm.js", "analytics", "Google Tag Manager"),
  // Google Ads, AdSense, DoubleClick
  host("googleadservices.com", "marketing", "Google Ads"),
  host("googlesyndication.com", "marketing", "Google AdSense"),
  host("doubleclick.net", "marketing", "Google DoubleClick"),
  host("adservice.google.com", "marketing", "Google Ads"),
  inline("adsbygoogle", "marketing", "Google AdSense"),
  // Meta Pixel
  host("connect.facebook.net", "marketing", "Meta Pixel"),
  url("https://www.facebook.com/tr*", "marketing", "Meta Pixel"),
  url("https://www.facebook.com/tr/*", "marketing", "Meta Pixel"),
  inline("fbq('init'", "marketing", "Meta Pixel"),
  inline('fbq("init"', "marketing", "Meta Pixel"),
  // Microsoft Clarity
  host("clarity.ms", "analytics", "Microsoft Clarity"),
  inline('"clarity", "script"', "analytics", "Microsoft Clarity"),
  // Hotjar
  host("hotjar.com", "analytics", "Hotjar"),
  host("hotjar.io", "analytics", "Hotjar"),
  inline("_hjSettings", "analytics", "Hotjar"),
  // PostHog (cloud): us/eu ingestion and asset hosts
  host("posthog.com", "analytics", "PostHog"),
  inline("posthog.init(", "analytics", "PostHog"),
  // Matomo (cloud; self-hosted Matomo needs a site rule for its host)
  host("matomo.cloud", "analytics", "Matomo"),
  inline("_paq.push", "analytics", "Matomo"),
  // LinkedIn Insight Tag
  host("snap.licdn.com", "marketing", "LinkedIn Insight"),
  host("px.ads.linkedin.com", "marketing", "LinkedIn Insight"),
  inline("_linkedin_partner_id", "marketing", "LinkedIn Insight"),
  // TikTok Pixel
  host("analytics.tiktok.com", "marketing", "TikTok Pixel"),
  inline("ttq.load(", "marketing", "TikTok Pixel"),
  // Video embeds: both set identifiers on load.
  // Each is a service of its own: a visitor can grant one video player without its whole category.
  { ...host("youtube.com", "marketing", "YouTube"), service: "youtube" },
  { ...host("youtube-nocookie.com", "marketing", "YouTube"), service: "youtube" },
  { ...host("player.vimeo.com", "analytics", "Vimeo"), service: "vimeo" },
];
