/**
 * The inventory's shared shapes: what a site really sets and loads, aggregated from real traffic.
 * The edge (enforce-request.ts), the page runtime's reports (endpoints/browser-report.ts), the D1
 * store (./store.ts), the admin endpoint and the CLI (`consent-edge inventory`, `suggest`) all speak
 * these (the recorder's own interface is in ./recording.ts). Nothing personal is ever part of them: no address, no user agent, no cookie value, no query
 * string.
 */

/** What an entry is about: a cookie name, a third-party host, or a storage key. */
export type InventoryKind = "cookie" | "host";

/**
 * Where it was seen:
 * - `set-cookie`: the origin's Set-Cookie;
 * - `request-cookie`: a Cookie header the visitor's browser sent;
 * - `page`: an element or inline snippet of an HTML page (script, iframe, img, link...);
 * - `browser`: the page runtime's report, sampled: what the browser contacted or was refused.
 */
export type InventorySource = "set-cookie" | "request-cookie" | "page" | "browser";

/**
 * Who said it: the origin (its Set-Cookie lines, its pages' hosts) or a visitor (the Cookie header
 * their browser sent, their page runtime's report). A visitor can send any names; each side has a
 * row budget of its own (store.ts, recorder.ts), so names a visitor makes up never push out what
 * the origin really sets and loads.
 */
export type InventorySide = "origin" | "visitor";

export function sideOf(source: InventorySource): InventorySide {
  return source === "set-cookie" || source === "page" ? "origin" : "visitor";
}

/**
 * What enforce did (or, in report-only, would do) with it:
 * - cookies from Set-Cookie: `kept`, `rewritten`, `dropped`;
 * - cookies the browser sent: `passed`, `withheld`, `expired` (withheld and deleted);
 * - hosts in pages: `allowed`, `neutralised`;
 * - hosts from the browser: `contacted`, `refused` (by the page guard).
 */
export type InventoryAction =
  | "kept"
  | "rewritten"
  | "dropped"
  | "passed"
  | "withheld"
  | "expired"
  | "allowed"
  | "neutralised"
  | "contacted"
  | "refused";

/** One observation, before aggregation: the key of an entry. */
export interface Observation {
  kind: InventoryKind;
  /** The cookie's name or the host (lowercase, no port). */
  name: string;
  source: InventorySource;
  action: InventoryAction;
  /** The rule that matched (its pattern or host), or null: undeclared. */
  rule: string | null;
  /** The rule's category, or null when undeclared. */
  category: string | null;
}

/** An aggregated entry, as stored and as the admin endpoint returns it. */
export interface InventoryEntry extends Observation {
  site: string;
  count: number;
  /** Unix seconds. */
  firstSeen: number;
  lastSeen: number;
  /** A few paths (below the site, no query string) where it was seen: at most MAX_SAMPLE_PATHS. */
  samplePaths: string[];
}

export const MAX_SAMPLE_PATHS = 3;

/** `GET /.consent-edge/admin/inventory`'s answer (with the site's debug secret). */
export interface InventoryDocument {
  site: string;
  /** Unix seconds. */
  generatedAt: number;
  /** The site's mode when the document was made: what `action` means (did, or would do). */
  mode: "enforce" | "report-only";
  entries: InventoryEntry[];
}

/**
 * The name an entry is counted under past a cap (in memory or in D1). Neither a cookie name (a
 * token has no parentheses, RFC 6265 4.1.1) nor a host can be it, so it never collides with one.
 */
export const OVERFLOW_NAME = "(other)";
