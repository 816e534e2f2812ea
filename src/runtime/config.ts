/**
 * What the edge hands the runtime with every page (src/html/runtime.ts builds it). Short keys: the
 * object is written into every page.
 */
export interface RuntimeConfig {
  /** Consent cookie name, policy revision, cookie lifetime (seconds). */
  n: string;
  r: string;
  m: number;
  /** The site's categories. */
  k: string[];
  /**
   * What Sec-GPC or DNT refuse on this request whatever the visitor grants (the edge refuses them on
   * every page): never granted in the page, whatever the consent cookie says.
   */
  x: string[];
  /** What the edge rendered this page for (without `necessary`). */
  g: string[];
  /**
   * Services granted on their own (src/consent/grants.ts), besides `g`: a need `category:service`
   * (in `data-ce-category`, the guard rules) is granted with its category or its service.
   */
  v: string[];
  /**
   * The consent API's path (below the site's pathPrefix): every choice made in the page goes there,
   * so that the edge writes its receipt (`consent.receipts`) before the cookie, and merges a scoped
   * grant with what the visitor decided, which only the edge can see whole.
   */
  p: string;
  gcm: boolean;
  /** `document.cookie` guard: [name regex, need (a category, or `category:service`)] for every cookie rule, or false. */
  guard: Array<[string, string]> | false;
  /** The page guard's rules (trackers.runtimeGuard), or false: the site's compiled tracker rules. */
  t: GuardRules | false;
  /**
   * Storage rules for the page guard: [key regex source, category, areas] with areas a bit set,
   * 1 `localStorage`, 2 `sessionStorage` (3 both); false when the site has none or no page guard.
   */
  s: Array<[string, string, number]> | false;
  /**
   * Only for a site that reads Cloudflare Zaraz's consent (a `zaraz` source, runtime/zaraz.ts): its
   * map, Zaraz purpose id -> category, told to Zaraz after every choice; then 1 when the edge reads
   * consent-edge's cookie before Zaraz's, so that a choice in it is also told at boot.
   */
  z?: [Record<string, string>, 0 | 1];
  /**
   * Set in the page by the Zaraz bundle (zaraz-entry.ts, shipped only with `z`), never by the edge:
   * the push that tells Zaraz the choice the page now holds, which the runtime calls after every
   * choice and on sync.
   */
  u?: () => void;
  /**
   * Only on a page view the edge sampled for the inventory (`inventory.browserSample`): the report
   * endpoint's path (below the site's pathPrefix), then the site's registrable domains, whose
   * hosts are not third parties. The reporter bundle (reporter.ts) ships only with it.
   */
  q?: string[];
  /**
   * Set in the page by the reporter, never by the edge: told the host of each URL the page guard
   * refuses (guard/rules.ts).
   */
  o?: (host: string) => void;
  /**
   * Set in the page by the runtime, never by the edge: [iframe, attribute, URL] for what a
   * placeholder's "Load this video" restored for this page view (the URLs the edge wrote), which the
   * page guard (guard/elements.ts) lets load though what they need is not granted, and nothing else.
   */
  e?: Array<[object, string, string]>;
}

/**
 * The site's tracker rules as the page guard reads them (src/html/guard-rules.ts writes them):
 * compact, because they are written into every page. A rule's categories are space-separated
 * (`marketing do-not-track` for a `doNotTrack` rule when the visitor sent DNT: 1).
 */
export interface GuardRules {
  /** Categories -> the hosts (each covering its subdomains) that need them, space-separated. */
  h: Record<string, string>;
  /** URL globs: [regular expression source matched against the absolute URL, categories]. */
  u: Array<[string, string]>;
  /** Inline snippet signatures: [text a script contains, categories]. */
  i: Array<[string, string]>;
}

/** Whether a need (a category, or `category:service`) is granted now (`necessary` always is). */
export type Granted = (category: string) => boolean;

/** The document.cookie guard's bundle (cookie-guard.ts), passed in only to sites that enable it. */
export type CookieGuard = (config: RuntimeConfig, has: Granted) => void;

/**
 * The Zaraz bundle (zaraz-entry.ts), passed in only to sites with a `zaraz` source (config.z):
 * `whole` says whether consent-edge's cookie holds the visitor's whole choice now.
 */
export type ZarazBundle = (config: RuntimeConfig, has: Granted, whole: () => boolean) => void;

/** The page guard's bundle (guard/index.ts), passed in only to sites with trackers.runtimeGuard. */
export type PageGuard = (config: RuntimeConfig, has: Granted) => void;
