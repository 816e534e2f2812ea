/** Every CMP consent-edge can read, by the id used in config. */
import type { KNOWN_CMPS } from "../../config/consent";
import type { CategoriesFromGroups } from "../sources/cmp-source";
import { complianz } from "./complianz";
import { cookiebot } from "./cookiebot";
import { cookieyes } from "./cookieyes";
import { didomi } from "./didomi";
import { gpp } from "./gpp";
import { klaro } from "./klaro";
import { onetrust } from "./onetrust";
import { categoriesFromTcf, tcf } from "./tcf";
import type { CmpDecoder } from "./types";
import { usPrivacy } from "./us-privacy";
import { vanillaCookieconsent } from "./vanilla-cookieconsent";
import { zaraz } from "./zaraz";

type KnownCmp = (typeof KNOWN_CMPS)[number];

export const CMP_DECODERS: Record<KnownCmp, CmpDecoder> = {
  onetrust,
  cookiebot,
  "vanilla-cookieconsent": vanillaCookieconsent,
  klaro,
  cookieyes,
  complianz,
  didomi,
  tcf,
  gpp,
  "us-privacy": usPrivacy,
  zaraz,
};

/** CMPs whose groups combine into categories by a rule of their own (TCF: purpose 1 is required). */
export const CMP_COMBINERS: Partial<Record<KnownCmp, CategoriesFromGroups>> = { tcf: categoriesFromTcf };
