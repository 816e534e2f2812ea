/** What the worker did to one request and why: rendered by the debug headers, never by default. */
import type { Mode } from "./config/types";
import type { ConsentState } from "./consent/types";
import type { CookieReason } from "./cookies/judge-cookie";
import type { Neutralised } from "./html/neutralise";

/** A third-party host in a page, and what the HTML stage did (or would do) about it. */
export interface HostSeen {
  /** Lowercase, without port. */
  host: string;
  /** The rule that matched (a host rule, a URL glob, an inline signature), or null: undeclared. */
  rule: string | null;
  category: string | null;
  neutralised: boolean;
}

export interface NamedReason {
  name: string;
  reason: CookieReason;
}

export interface EnforcementReport {
  siteId: string;
  mode: Mode;
  consent: ConsentState;
  /** Set-Cookie lines removed (in report-only: that enforce would remove). */
  dropped: NamedReason[];
  rewritten: Array<{ name: string; changes: string[] }>;
  /**
   * Set-Cookie lines passed unchanged (in report-only: all that enforce would pass unchanged), for
   * the inventory. Optional: a report built before the cookie stage has none.
   */
  kept?: NamedReason[];
  /** Cookies deleted from the browser because their category is not granted: a deletion line was sent. */
  expired: NamedReason[];
  /**
   * Refused cookies the browser holds for which no deletion line was sent: a name that is not a
   * token cannot be echoed into a header, and past MAX_EXPIRED_NAMES the rest wait for a later
   * response. Optional so that a report built before the cookie stage needs no entry.
   */
  notExpired?: Array<NamedReason & { why: "not a token" | "over the limit" }>;
  /** Request cookies the origin did not receive. */
  withheld: NamedReason[];
  /** Undeclared cookies let through under `undeclared: "report"`. */
  undeclared: string[];
  /**
   * Elements the HTML stage made inert (in report-only: would make inert). Complete once `htmlDone`
   * has settled, or at once when the page was buffered for debugging.
   */
  neutralised: Neutralised[];
  /**
   * Third-party hosts the HTML stage saw in the page (elements' URLs and inline snippets' URLs),
   * allowed or neutralised, one entry per host and outcome: for the inventory. Complete once
   * `htmlDone` has settled.
   */
  hosts: HostSeen[];
  /**
   * Settles when the HTML stage has read the whole page, or given up (it never rejects); absent when
   * there was no HTML stage (not HTML, HEAD, an origin failure).
   */
  htmlDone?: Promise<void>;
  /** What the HTML stage did: `rewritten`, `not html`, `fallback: charset; strict CSP`... */
  html?: string;
  /**
   * Link header targets removed (in report-only: that enforce would remove; the header is left
   * as it is). Absent when the response had no Link header or none was refused.
   */
  linkDropped?: string[];
  /** Set when the worker failed and fell back to stripping every cookie. */
  failure?: string;
  startedAt: number;
  originMs?: number;
}
