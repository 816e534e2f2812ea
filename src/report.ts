/** What the worker did to one request and why: rendered by the debug headers, never by default. */
import type { Mode } from "./config/types";
import type { ConsentState } from "./consent/types";
import type { CookieReason } from "./cookies/judge-cookie";
import type { Neutralised } from "./html/neutralise";

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
  /** Elements the HTML stage made inert (complete only when the page was buffered for debugging). */
  neutralised: Neutralised[];
  /** What the HTML stage did: `rewritten`, `not html`, `fallback: charset; strict CSP`... */
  html?: string;
  /** Set when the worker failed and fell back to stripping every cookie. */
  failure?: string;
  startedAt: number;
  originMs?: number;
}
