/**
 * The seam for consent sources. A source reads plain request data and either decides
 * (granted categories) or says why it could not. `resolveConsent` asks them in order.
 * CMP cookies, IAB TCF, GPC/DNT and region defaults plug in here as further sources.
 */
import type { ValidSite } from "../../config/validate";
import type { ConsentInput, ConsentSourceName } from "../types";

export interface SourceDecision {
  /** Granted categories besides `necessary`, all declared by the site. */
  granted: string[];
  /** Services granted on their own, besides their category (consent-edge's own cookie only). */
  services?: string[];
  givenAt?: number;
  receiptId?: string;
  /**
   * A scoped grant (a placeholder's button): `granted` is all it says. It decides nothing about the
   * other categories, so the next source (or the region's default) still does.
   */
  scoped?: true;
}

/**
 * `refuses`: categories this source's reading refuses whatever decides (a US opt-out of sale:
 * us-refusals.ts). Read from every source, in any order, and applied like a signal (GPC).
 */
export type SourceResult = ({ decision: SourceDecision } | { skip: string }) & { refuses?: string[] };

export interface ConsentSource {
  name: ConsentSourceName;
  read: (input: ConsentInput, site: ValidSite) => SourceResult;
}
