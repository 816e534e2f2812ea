/**
 * third-party-web's categories -> consent categories: what a default host rule from that dataset
 * needs before it may load. docs/defaults.md explains each entry. `undefined` is "nothing to block":
 * CDNs, hosting, libraries and the consent tools themselves serve what pages need and set no
 * identifiers of their own, and blocking them would break pages without protecting anyone.
 */

/** The consent categories a default rule can need: the three optional ones every site starts with. */
export const DEFAULT_RULE_CATEGORIES = ["functional", "analytics", "marketing"] as const;
export type DefaultCategory = (typeof DEFAULT_RULE_CATEGORIES)[number];

/** Every category third-party-web 0.30.0 uses, each mapped once: a new one fails the build. */
export const TPW_CATEGORY_MAP: Readonly<Record<string, DefaultCategory | undefined>> = {
  // Ad networks, retargeting and affiliate pixels: they identify the visitor for advertising.
  ad: "marketing",
  // Marketing automation, lead capture, A/B-tested popups that profile the visitor for campaigns.
  marketing: "marketing",
  // Like buttons, pixels and embedded posts of social networks: they tell the network who read
  // the page, for its advertising, as the built-in rules treat the Meta Pixel.
  social: "marketing",
  // Analytics, session replay, heat maps, A/B testing that measures the visitor.
  analytics: "analytics",
  // Chat and help-desk widgets: a service the visitor uses on the page; functional, not tracking.
  "customer-success": "functional",
  // Video players: YouTube's sets advertising identifiers (marketing, as the built-in rules say);
  // Vimeo's only measures plays (analytics, ENTITY_CATEGORY below). Unknown players: marketing,
  // the stricter, since most are ad-funded.
  video: "marketing",
  // Tag managers load whatever tags the site configured, mostly analytics and ads: analytics, as
  // the built-in rule for Google Tag Manager says. A site that loads necessary tags from its tag
  // manager declares the host necessary.
  "tag-manager": "analytics",
  cdn: undefined,
  hosting: undefined,
  utility: undefined,
  content: undefined,
  "consent-provider": undefined,
  other: undefined,
};

/** Entities whose products the dataset's category does not describe, by their dataset name. */
export const ENTITY_CATEGORY: Readonly<Record<string, DefaultCategory>> = {
  // Vimeo's player measures plays; it shows no ads (built-in rule: analytics).
  Vimeo: "analytics",
};

/** When two entities list the same host, the stricter category wins: a host is blocked for the most it may do. */
export const STRICTNESS: Readonly<Record<DefaultCategory, number>> = {
  functional: 1,
  analytics: 2,
  marketing: 3,
};
