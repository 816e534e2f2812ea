/** Kept so that modules importing from here keep working; the schema lives in consent.ts and regions.ts. */
export { KNOWN_CMPS, type ConsentSourceConfig, type ValidConsent } from "./consent";
export { EEA, type ValidRegions } from "./regions";
