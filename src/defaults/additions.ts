/**
 * Host rules the dataset lacks or files under a category that does not describe them, each with the
 * vendor's own page that names the host. They replace a dataset row for the same host. Every host
 * of the built-in rules (src/html/builtin-trackers.ts) is covered by the defaults with the same
 * category, from the dataset or from here (test/defaults.test.ts checks it).
 */
import type { DefaultCategory } from "./category-map";

export interface AddedHost {
  host: string;
  category: DefaultCategory;
  vendor: string;
  /** The vendor's documentation that names the host. */
  source: string;
}

export const ADDED_HOSTS: readonly AddedHost[] = [
  // The dataset's "Bing Ads" lists all of bing.com, excluded as too broad (exclusions.ts); the UET
  // tag loads bat.js from, and reports to, bat.bing.com.
  {
    host: "bat.bing.com",
    category: "marketing",
    vendor: "Microsoft Advertising UET",
    source: "https://help.ads.microsoft.com/apex/index/3/en/56686",
  },
  // The dataset files Clarity under "utility"; it records sessions (built-in rule: analytics).
  {
    host: "clarity.ms",
    category: "analytics",
    vendor: "Microsoft Clarity",
    source: "https://learn.microsoft.com/en-us/clarity/setup-and-installation/clarity-setup",
  },
  // licdn.com is LinkedIn's static CDN (excluded); the Insight Tag loads from snap.licdn.com.
  {
    host: "snap.licdn.com",
    category: "marketing",
    vendor: "LinkedIn Insight",
    source: "https://learn.microsoft.com/en-us/linkedin/marketing/conversions/insight-tag",
  },
  // Not in the dataset: PostHog Cloud's ingestion and asset hosts (us.i.posthog.com, eu.i.posthog.com).
  {
    host: "posthog.com",
    category: "analytics",
    vendor: "PostHog",
    source: "https://posthog.com/docs/libraries/js",
  },
];
