/**
 * Reading the consent that an existing consent management platform (CMP) already stores in its
 * own cookie. Each CMP has one pure decoder: cookies in, a reading out. A decoder never throws and
 * treats anything it cannot read as "undecided". Mapping the CMP's own groups to the site's
 * categories happens elsewhere (each decoder exports its documented default mapping).
 */

export interface CookiePair {
  name: string;
  /** The raw value as the browser sent it (not percent-decoded). */
  value: string;
}

export type CmpReading =
  /** No cookie of this CMP in the request. */
  | { status: "absent" }
  /** A cookie is there but holds no decision: written before the visitor chose, or unreadable. */
  | { status: "undecided"; reason: string }
  /**
   * The visitor decided. `groups` maps the CMP's own group/purpose/service ids to granted or not,
   * exactly as the CMP names them (OneTrust "C0002", TCF purpose "1", Klaro service "matomo"...).
   */
  | { status: "decided"; groups: Record<string, boolean>; givenAt?: number };

/** A CMP group id -> the consent-edge category it grants. Several ids may map to one category. */
export type CmpMapping = Record<string, string>;

export interface CmpDecoder {
  /** Stable id used in config and debug headers: "onetrust", "cookiebot", "tcf"... */
  id: string;
  /** Cookie names (or prefixes ending in "*") this CMP writes, for documentation and debug. */
  cookies: readonly string[];
  /** The documented default mapping from this CMP's groups to consent-edge's default categories. */
  defaultMapping: CmpMapping;
  read(cookies: readonly CookiePair[], options?: { cookieName?: string }): CmpReading;
}
