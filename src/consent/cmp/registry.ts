/** Every CMP consent-edge can read, by the id used in config. */
import type { KNOWN_CMPS } from "../../config/validate-consent";
import type { CategoriesFromGroups } from "../sources/cmp-source";
import type { CmpDecoder } from "./types";

type KnownCmp = (typeof KNOWN_CMPS)[number];

export const CMP_DECODERS: Record<KnownCmp, CmpDecoder> = {} as Record<KnownCmp, CmpDecoder>;

/** CMPs whose groups combine into categories by a rule of their own (TCF: purpose 1 is required). */
export const CMP_COMBINERS: Partial<Record<KnownCmp, CategoriesFromGroups>> = {};
