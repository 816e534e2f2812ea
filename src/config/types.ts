/**
 * What an operator writes: the input shape of `consent-edge.config.json`.
 * `validateConfig` turns this into `ValidConfig`, `compileConfig` into lookups.
 */

/** The categories every site has unless it declares its own list. */
export const DEFAULT_CATEGORIES = ["necessary", "functional", "analytics", "marketing"] as const;

/** `necessary` is always granted and cannot be refused (ePrivacy Art. 5(3) exemption). */
export const NECESSARY = "necessary";

export const UNDECLARED_POLICIES = ["block", "allow", "report"] as const;
export type UndeclaredPolicy = (typeof UNDECLARED_POLICIES)[number];

export const MODES = ["enforce", "report-only"] as const;
export type Mode = (typeof MODES)[number];

export const SAME_SITE_VALUES = ["Strict", "Lax", "None"] as const;
export type SameSite = (typeof SAME_SITE_VALUES)[number];

/** A duration: seconds as a number, or a string such as "30m", "24h", "7d", "13mo", "2y". */
export type DurationInput = number | string;

export interface CookieRuleInput {
  /**
   * The cookie name. Exact (`_ga`), or a glob where `*` matches any run of characters
   * (`_ga_*`, `ph_*_posthog`). A trailing `*` is a prefix rule (`_pk_id*`).
   */
  name: string;
  category: string;
  /** Free text for the generated policy and debug output. */
  purpose?: string;
  provider?: string;
  /** Lifetime cap: a longer `Max-Age`/`Expires` is shortened to this. */
  maxAge?: DurationInput;
  /** Attributes the kept cookie must carry; missing ones are added. */
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: SameSite;
  /** The cookie is restricted to this path (and expired on it when withdrawn). */
  path?: string;
  /** Also refused when the visitor sends Do Not Track (DNT: 1), even if the category is granted. */
  doNotTrack?: boolean;
}

/**
 * A resource (script, iframe, pixel, preconnect) and the category it needs. Exactly one of
 * `host`, `url` or `inline` per rule.
 */
export interface TrackerRuleInput {
  /** A host and its subdomains: `googletagmanager.com` covers `www.googletagmanager.com`. */
  host?: string;
  /** A URL glob, `*` for any run of characters: `https://www.googletagmanager.com/gtag/js?id=AW-*`. */
  url?: string;
  /** Text that identifies an inline script snippet: `_paq.push`, `fbq('init'`. */
  inline?: string;
  category: string;
  /** Who it is, for the placeholder text and debug headers: "YouTube". */
  vendor?: string;
  /** Also refused when the visitor sends Do Not Track (DNT: 1), even if the category is granted. */
  doNotTrack?: boolean;
}

export interface TrackersInput {
  /** Use consent-edge's built-in rules for common vendors (GA, GTM, Ads, Meta, Clarity, ...). Default true. */
  builtin?: boolean;
  /** Site rules; they win over built-in rules for the same host, URL or snippet. */
  rules?: TrackerRuleInput[];
  /** Google Consent Mode v2: set `gtag('consent', 'default', ...)` from the categories before any tag runs. */
  googleConsentMode?: boolean;
  /** Refuse `document.cookie` writes of cookies whose category is not granted. */
  cookieGuard?: boolean;
}

/** An existing CMP whose cookie consent-edge reads, with its groups mapped to the site's categories. */
export interface CmpSourceInput {
  /** onetrust | cookiebot | vanilla-cookieconsent | klaro | cookieyes | complianz | didomi | tcf */
  cmp: string;
  /** The CMP's group/purpose/service id -> a category of the site. Replaces the documented default. */
  map?: Record<string, string>;
  /** A cookie name other than the CMP's default (TCF: "euconsent-v2"). */
  cookie?: string;
}

export const REGION_MODELS = ["opt-in", "opt-out", "notice"] as const;
export type RegionModel = (typeof REGION_MODELS)[number];

export interface ConsentInput {
  /**
   * Where consent is read from, in order; the first that holds a decision wins. "consent-cookie" is
   * consent-edge's own cookie; the others are CMPs. Default: ["consent-cookie"].
   */
  sources?: Array<string | CmpSourceInput>;
  /** A decision older than this is void (undecided). Default "180d" (CNIL: 6 months). */
  maxAge?: DurationInput;
  /** Global Privacy Control (Sec-GPC: 1). */
  gpc?: {
    /** Categories GPC refuses (sale/sharing of data). Default ["marketing"]. */
    categories?: string[];
    /** Region models where it is binding, even over a consent cookie. Default ["opt-out", "opt-in"]. */
    bindingIn?: RegionModel[];
    /** Serve /.well-known/gpc.json saying the site honours GPC. Default false. */
    announce?: boolean;
  };
  /** Do Not Track (DNT: 1) refuses these categories. Rules can also opt in one by one ("doNotTrack": true). */
  doNotTrack?: string[];
  /** Keep a receipt of every decision made through the consent API in D1 (binding CONSENT_DB). */
  receipts?: boolean;
}

export interface RegionsInput {
  /** The model for visitors whose country matches no list. Default "opt-in" (the strictest). */
  default?: RegionModel;
  /** Countries (ISO 3166-1 alpha-2), "EEA", or US states as "US-CA". */
  "opt-in"?: string[];
  "opt-out"?: string[];
  notice?: string[];
}

export interface ConsentCookieInput {
  /** Name of consent-edge's own consent cookie. Default `ce_consent`. */
  name?: string;
  /** How long the consent cookie lives. Default 180 days (CNIL recommends 6 months). */
  maxAge?: DurationInput;
}

export interface SiteInput {
  /** A short id used in logs and debug headers. `[a-z0-9-]`. */
  id: string;
  /** Hostnames this site answers for: exact (`www.example.com`) or wildcard (`*.example.com`). */
  hosts: string[];
  /** Optional path prefix (`/shop`); the most specific host + prefix wins. */
  pathPrefix?: string;
  /** Where requests go: an `https://` URL, or `service:BINDING` for a Worker service binding. */
  origin: string;
  /** Categories in display order. `necessary` is always present. */
  categories?: string[];
  /** The revision of the cookie policy; consent given for another revision is "undecided". */
  policyRevision: string;
  mode?: Mode;
  /** What happens to cookies that match no rule. */
  undeclared?: UndeclaredPolicy;
  cookies?: CookieRuleInput[];
  consentCookie?: ConsentCookieInput;
  /** Third-party resources in HTML pages: which need which category. */
  trackers?: TrackersInput;
  /** Where consent comes from besides consent-edge's own cookie: CMPs, TCF, GPC, DNT, receipts. */
  consent?: ConsentInput;
  /** Which consent model applies where. Default: opt-in everywhere. */
  regions?: RegionsInput;
  /** consent-edge's own banner, for sites without a CMP. Off unless present. */
  banner?: {
    enabled?: boolean;
    /** Texts per language tag, each merged over the English defaults. */
    languages?: Record<string, Record<string, unknown>>;
    defaultLanguage?: string;
    policyUrl?: string;
  };
  /** Name of the Worker secret (binding) holding the debug secret. Absent: debugging is off. */
  debugSecret?: string;
  /** How long to wait for the origin's response headers: seconds or "30s", "1m" (default 30 s, at most 100 s). */
  originTimeout?: number | string;
}

export interface ConfigInput {
  sites: SiteInput[];
}
