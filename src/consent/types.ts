/** The resolved consent of one request: what every later stage decides from. */
import type { RegionModel } from "../config/types";
import type { Grants } from "./grants";

/** Where a decision came from: consent-edge's own cookie, a CMP ("onetrust", "tcf"...), or the region default. */
export type ConsentSourceName = string;

export interface ConsentState {
  /**
   * Granted categories (always `necessary`), and services granted on their own (`granted.services`);
   * `allows(granted, needOf(rule))` says whether a rule is live.
   */
  granted: Grants;
  /** False while the visitor has not made a choice that applies to this policy revision. */
  decided: boolean;
  /** The source that decided, or "default" (the region's model). */
  source: ConsentSourceName;
  /** Why this source decided, or why the default applied: `valid`, `consent-cookie:no-cookie`... */
  reason: string;
  givenAt?: number;
  receiptId?: string;
  /**
   * While undecided: what the visitor granted with scoped grants (a placeholder's button), without
   * `necessary`. Granted, ticked in the banner, and what the consent API merges the next one with
   * (with `granted.services`, the services they granted).
   */
  scoped?: string[];
  /** The visitor's area ("DE", "US-CA", or undefined when unknown) and the model that applies there. */
  region: { area: string | undefined; model: RegionModel };
  /** Sec-GPC: 1 / DNT: 1 were sent. `dnt` also refuses every rule marked `doNotTrack`. */
  signals: { gpc: boolean; dnt: boolean };
  /**
   * The categories those signals refuse whatever the visitor grants (GPC where binding, DNT's
   * `consent.doNotTrack`), and the US opt-outs a `gpp` or `us-privacy` source holds: the page must
   * not grant them either, not even after a grant in the page.
   */
  refusedBySignals: string[];
  /** Category -> what decided it: "consent-cookie", "onetrust", "default:opt-in", "gpc", "dnt", "gpp", "necessary". */
  decidedBy: Record<string, string>;
  /** Sources asked before the deciding one, with why they did not decide: "onetrust: absent". */
  ignored: string[];
}

/** What a consent source may read. Plain data; the clock is passed in. */
export interface ConsentInput {
  cookies: ReadonlyArray<{ name: string; value: string }>;
  headers: Headers;
  /** Unix seconds. */
  now: number;
  /** Cloudflare's geolocation of the request: `request.cf.country`, `request.cf.regionCode`. */
  country?: string | undefined;
  regionCode?: string | undefined;
}
