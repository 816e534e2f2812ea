/**
 * The names other modules use for the config: the fixed word lists, and the types inferred from
 * the schema (schema.ts): `SiteInput` is what an operator writes, `ValidSite` what the worker uses.
 */

/** The categories every site has unless it declares its own list. */
export const DEFAULT_CATEGORIES = ["necessary", "functional", "analytics", "marketing"] as const;

/** `necessary` is always granted and cannot be refused (ePrivacy Art. 5(3) exemption). */
export const NECESSARY = "necessary";

export const UNDECLARED_POLICIES = ["block", "allow", "report"] as const;
export type UndeclaredPolicy = (typeof UNDECLARED_POLICIES)[number];

export const MODES = ["enforce", "report-only"] as const;
export type Mode = (typeof MODES)[number];

export const SAME_SITE_VALUES = ["Strict", "Lax", "None"] as const;
export type SameSite = (typeof SAME_SITE_VALUES)[number];

export const REGION_MODELS = ["opt-in", "opt-out", "notice"] as const;
export type RegionModel = (typeof REGION_MODELS)[number];

export type { ConfigInput, ValidConfig } from "./schema";
export type { Origin, SiteInput, ValidSite } from "./site";
export type { CookieRule } from "./cookies";
export type { StorageArea, StorageRule } from "./storage";
export type { TrackerRule, ValidTrackers } from "./trackers";
export type { ConsentSourceConfig, ValidConsent } from "./consent";
export type { ValidRegions } from "./regions";
export type { ValidBanner } from "./banner";
