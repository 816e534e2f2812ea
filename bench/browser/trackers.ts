/**
 * The trackers the bench's pages carry, each with its category and service, and the tracking cookies
 * each service sets: what a site operator tags by hand for a client-side tool, and what the tools'
 * configs list. The HTML is the demo's, verbatim (demo/origin/trackers.ts), so a tagged copy of a
 * page is the page with each snippet replaced (pages.ts checks every replacement happened).
 */
import { SITE_RULE_PIXEL_HOSTS } from "../html-page";
import {
  CLARITY,
  GA4,
  GOOGLE_ADS,
  MATOMO,
  MATOMO_NOSCRIPT,
  META_PIXEL,
  META_PIXEL_NOSCRIPT,
  POSTHOG,
  RESOURCE_HINTS,
  YOUTUBE_EMBED,
} from "../../demo/origin/trackers";
import type { Tracker } from "./peer";

const [PRECONNECT_GTM, DNS_PREFETCH_CLARITY] = RESOURCE_HINTS.split("\n") as [string, string];

/** On the demo's home page and the bench page (in this order). */
export const PAGE_TRACKERS: readonly Tracker[] = [
  {
    id: "preconnect-gtm",
    category: "analytics",
    service: "google-analytics",
    label: "Google Analytics",
    html: PRECONNECT_GTM,
  },
  {
    id: "dns-prefetch-clarity",
    category: "analytics",
    service: "clarity",
    label: "Microsoft Clarity",
    html: DNS_PREFETCH_CLARITY,
  },
  { id: "ga4", category: "analytics", service: "google-analytics", label: "Google Analytics", html: GA4 },
  { id: "google-ads", category: "marketing", service: "google-ads", label: "Google Ads", html: GOOGLE_ADS },
  { id: "matomo", category: "analytics", service: "matomo", label: "Matomo", html: MATOMO },
  { id: "posthog", category: "analytics", service: "posthog", label: "PostHog", html: POSTHOG },
  { id: "clarity", category: "analytics", service: "clarity", label: "Microsoft Clarity", html: CLARITY },
  { id: "meta-pixel", category: "marketing", service: "meta", label: "Meta Pixel", html: META_PIXEL },
  { id: "matomo-noscript", category: "analytics", service: "matomo", label: "Matomo", html: MATOMO_NOSCRIPT },
  {
    id: "meta-pixel-noscript",
    category: "marketing",
    service: "meta",
    label: "Meta Pixel",
    html: META_PIXEL_NOSCRIPT,
  },
  { id: "youtube", category: "marketing", service: "youtube", label: "YouTube", html: YOUTUBE_EMBED },
];

/** The bench page's two third-party pixels (bench/html-page.ts), after the page trackers. */
export const BENCH_PIXELS: readonly Tracker[] = SITE_RULE_PIXEL_HOSTS.map((host, i) => ({
  id: `bench-pixel-${i + 1}`,
  category: "marketing",
  service: "bench-pixels",
  label: "Ad pixels",
  html: `<img src="https://${host}/p.gif?page=home" width="1" height="1" alt="" style="display:none">`,
}));

/**
 * The run-time pages' one script each (demo/origin/pages.ts's layout): the site's own JavaScript,
 * which loads trackers itself. A tool that only knows tagged elements can hold it back whole (the
 * best case a site can tag), which also holds back whatever else that script does for the site.
 */
export const RUN_TIME_LOADER: Tracker = {
  id: "run-time-loader",
  category: "marketing",
  service: "site-loader",
  label: "Our script that loads trackers",
  html: `<script src="/first-party/run-time.js" defer></script>`,
};
export const SDKS_LOADER: Tracker = {
  id: "sdks-loader",
  category: "analytics",
  service: "site-sdks",
  label: "Our analytics SDKs (PostHog, Google Analytics, Mixpanel)",
  html: `<script src="/first-party/sdks.js" defer></script>`,
};

/** Every tracker, ids unique: what the tools' configs declare. */
export const ALL_TRACKERS: readonly Tracker[] = [
  ...PAGE_TRACKERS,
  ...BENCH_PIXELS,
  RUN_TIME_LOADER,
  SDKS_LOADER,
];

/**
 * The server-side analytics cookie the bench's origin adds to every page (HttpOnly, as server-side
 * tagging sets Google's FPID): no script can read or delete it, so only a tool at the edge can.
 */
export const HTTP_ONLY_TRACKING_COOKIE = "FPID";

/** The tracking cookies each service sets (the demo origin's Set-Cookie lines and the vendors' scripts). */
export const SERVICE_COOKIES: Readonly<Record<string, readonly string[]>> = {
  "google-analytics": ["_ga", "_ga_DEMO123", "_gid", HTTP_ONLY_TRACKING_COOKIE],
  "google-ads": ["_gcl_au", "__gads"],
  matomo: ["_pk_id.1.1fff", "_pk_ses.1.1fff", "_pk_ref.1.1fff"],
  posthog: ["ph_phc_demo123_posthog"],
  clarity: ["_clck", "_clsk", "CLID"],
  meta: ["_fbp", "_fbc"],
  // What /first-party/run-time.js's trackers set (the fake gtag.js and fbevents.js).
  "site-loader": ["_ga", "_ga_DEMO123", "_fbp"],
  "site-sdks": ["ph_phc_demo123_posthog", "_ga", "_ga_SDKS123", "mp_demo0mixpanel0token_mixpanel"],
};

/**
 * Whether a cookie or storage key is a tracker's: the analytics and marketing cookies of the demo's
 * policy, the bench origin's FPID, the SDKs' own names (posthog-js, mixpanel-browser, gtag), and the
 * origin's one undeclared cookie (ab_bucket, which no policy table lists).
 */
export const TRACKING_NAME =
  /^(_ga|_ga_.+|_gid|_gcl_.+|__gads|_fbp|_fbc|_clck|_clsk|CLID|_pk_.+|ph_.+|mp_.+|__mp.*|FPID|ab_bucket)$/;
