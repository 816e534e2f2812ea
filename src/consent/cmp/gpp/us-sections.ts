/**
 * The US sections of a GPP string: the MSPA US National section (id 7) and the US state sections
 * (8 to 27), from the field tables of their technical specifications in
 * github.com/InteractiveAdvertisingBureau/Global-Privacy-Platform, `Sections/US-National/` and
 * `Sections/US-States/<state>/`.
 *
 * Each section is "."-separated subsections, each encoded as the GPP header is (bit-reader.ts):
 * the core subsection first, then at most one optional subsection: the GPC subsection
 * (SubsectionType Int(2) = 1, Gpc Boolean) or, in the Indiana, Kentucky and Rhode Island
 * sections, a sensitive data consents subsection (SensitiveDataProcessing alone).
 *
 * Only what can refuse is read; the other fields are counted, to find the next one:
 *   SaleOptOut, SharingOptOut, TargetedAdvertisingOptOut  Int(2): 0 not applicable, 1 opted out,
 *                                                          2 did not opt out
 *   SensitiveDataProcessing  N-Bitfield(2,n), one Int(2) per category of sensitive data. Its
 *                            values mean 0 not applicable, 1 no consent (or, in California, opted
 *                            out of its use), 2 consent (did not opt out): 1 refuses either way
 *   Gpc                      Boolean, 1 when the browser sent Global Privacy Control
 * A value of 3 in a field that is read is not in any specification: the section is malformed.
 *
 * Versions. US National has two: version 1 (December 2022: 12 sensitive data categories, 2 known
 * child consents) and version 2 (October 2024: 16 and 3); which one is read follows its Version
 * field. Every state section is at version 1. Minnesota (23, released August 2025) has the layout
 * of the older state sections. Maryland, Indiana, Kentucky and Rhode Island (24 to 27) are in
 * public comment: their drafts open with a section header (SectionID, Version, a subsection list)
 * before MspaVersion, while the IAB Tech Lab library that CMPs encode with (@iabgpp/cmpapi 3.2.0)
 * writes MspaVersion first; the library's layout is read, and a string written to the draft
 * (SectionID 24..27 where MspaVersion 1 stands) is refused as an unsupported version.
 */
import { bitReaderOf, type BitReader, readInt } from "./bit-reader";

/** What a US section can refuse, by the name a site's `map` uses. */
export const US_REFUSAL_FIELDS = ["sale", "sharing", "targetedAdvertising", "sensitiveData", "gpc"] as const;
export type UsRefusalField = (typeof US_REFUSAL_FIELDS)[number];

export const isUsRefusalField = (name: string): name is UsRefusalField =>
  (US_REFUSAL_FIELDS as readonly string[]).includes(name);

type ReadField = "SaleOptOut" | "SharingOptOut" | "TargetedAdvertisingOptOut" | "SensitiveDataProcessing";

/** A field of the core subsection after its Int(6) version: its name, and how many Int(2) it holds. */
type Field = readonly [name: ReadField | "other", int2s: number];

interface SectionLayout {
  id: number;
  name: string;
  /**
   * The core subsection's fields after its first, Int(6) field (Version; MspaVersion in 24..27), by
   * the version that field holds.
   */
  core: Readonly<Record<number, readonly Field[]>>;
  /** The optional second subsection. */
  optional: "gpc" | "sensitive-data" | null;
  /** The number of Int(2) in the sensitive data consents subsection (Indiana, Kentucky, Rhode Island). */
  sensitiveDataCount?: number;
}

const other = (count = 1): Field => ["other", count];
const SALE: Field = ["SaleOptOut", 1];
const SHARING: Field = ["SharingOptOut", 1];
const TARGETED: Field = ["TargetedAdvertisingOptOut", 1];
const sensitive = (count: number): Field => ["SensitiveDataProcessing", count];
/** MspaCoveredTransaction, MspaOptOutOptionMode, MspaServiceProviderMode. */
const MSPA_MODES = other(3);

/**
 * The layout most state sections share (Delaware, Florida, Minnesota, Montana, Nebraska, New
 * Hampshire, New Jersey, Oregon, Tennessee, Texas): Version, ProcessingNotice (SharingNotice in
 * Montana), SaleOptOutNotice, TargetedAdvertisingOptOutNotice, SaleOptOut,
 * TargetedAdvertisingOptOut, SensitiveDataProcessing(n), KnownChildSensitiveDataConsents(k),
 * AdditionalDataProcessingConsent, the three MSPA fields.
 */
const stateLayout = (sensitiveCount: number, childCount: number): readonly Field[] => [
  other(3),
  SALE,
  TARGETED,
  sensitive(sensitiveCount),
  other(childCount),
  other(),
  MSPA_MODES,
];

/**
 * Maryland, Indiana, Kentucky, Rhode Island: MspaVersion, MspaCoveredTransaction, MspaMode,
 * ProcessingNotice, SaleOptOutNotice, TargetedAdvertisingOptOutNotice, SaleOptOut,
 * TargetedAdvertisingOptOut, then KnownChildSensitiveDataConsents (not in Maryland) and
 * AdditionalDataProcessingConsent.
 */
const mspaLayout = (knownChild: boolean): readonly Field[] => [
  other(5),
  SALE,
  TARGETED,
  other(knownChild ? 2 : 1),
];

export const US_SECTIONS: readonly SectionLayout[] = [
  {
    id: 7,
    name: "usnat",
    core: {
      // Version, SharingNotice, SaleOptOutNotice, SharingOptOutNotice, TargetedAdvertisingOptOutNotice,
      // SensitiveDataProcessingOptOutNotice, SensitiveDataLimitUseNotice, SaleOptOut, SharingOptOut,
      // TargetedAdvertisingOptOut, SensitiveDataProcessing, KnownChildSensitiveDataConsents,
      // PersonalDataConsents, the three MSPA fields.
      1: [other(6), SALE, SHARING, TARGETED, sensitive(12), other(2), other(), MSPA_MODES],
      2: [other(6), SALE, SHARING, TARGETED, sensitive(16), other(3), other(), MSPA_MODES],
    },
    optional: "gpc",
  },
  {
    id: 8,
    name: "usca",
    // Version, SaleOptOutNotice, SharingOptOutNotice, SensitiveDataLimitUseNotice, SaleOptOut,
    // SharingOptOut, SensitiveDataProcessing(9), KnownChildSensitiveDataConsents(2),
    // PersonalDataConsents, the three MSPA fields.
    core: { 1: [other(3), SALE, SHARING, sensitive(9), other(2), other(), MSPA_MODES] },
    optional: "gpc",
  },
  {
    id: 9,
    name: "usva",
    // Version, SharingNotice, SaleOptOutNotice, TargetedAdvertisingOptOutNotice, SaleOptOut,
    // TargetedAdvertisingOptOut, SensitiveDataProcessing(8), KnownChildSensitiveDataConsents, MSPA.
    core: { 1: [other(3), SALE, TARGETED, sensitive(8), other(), MSPA_MODES] },
    optional: null,
  },
  {
    id: 10,
    name: "usco",
    // As Virginia, with 7 sensitive data categories.
    core: { 1: [other(3), SALE, TARGETED, sensitive(7), other(), MSPA_MODES] },
    optional: "gpc",
  },
  {
    id: 11,
    name: "usut",
    // Version, SharingNotice, SaleOptOutNotice, TargetedAdvertisingOptOutNotice,
    // SensitiveDataProcessingOptOutNotice, SaleOptOut, TargetedAdvertisingOptOut,
    // SensitiveDataProcessing(8), KnownChildSensitiveDataConsents, MSPA.
    core: { 1: [other(4), SALE, TARGETED, sensitive(8), other(), MSPA_MODES] },
    optional: null,
  },
  {
    id: 12,
    name: "usct",
    // As Virginia, with KnownChildSensitiveDataConsents(3).
    core: { 1: [other(3), SALE, TARGETED, sensitive(8), other(3), MSPA_MODES] },
    optional: "gpc",
  },
  { id: 13, name: "usfl", core: { 1: stateLayout(8, 3) }, optional: null },
  { id: 14, name: "usmt", core: { 1: stateLayout(8, 3) }, optional: "gpc" },
  { id: 15, name: "usor", core: { 1: stateLayout(11, 3) }, optional: "gpc" },
  { id: 16, name: "ustx", core: { 1: stateLayout(8, 1) }, optional: "gpc" },
  { id: 17, name: "usde", core: { 1: stateLayout(9, 5) }, optional: "gpc" },
  {
    id: 18,
    name: "usia",
    // Version, ProcessingNotice, SaleOptOutNotice, TargetedAdvertisingOptOutNotice,
    // SensitiveDataOptOutNotice, SaleOptOut, TargetedAdvertisingOptOut, SensitiveDataProcessing(8),
    // KnownChildSensitiveDataConsents, MSPA.
    core: { 1: [other(4), SALE, TARGETED, sensitive(8), other(), MSPA_MODES] },
    optional: "gpc",
  },
  { id: 19, name: "usne", core: { 1: stateLayout(8, 1) }, optional: "gpc" },
  { id: 20, name: "usnh", core: { 1: stateLayout(8, 3) }, optional: "gpc" },
  { id: 21, name: "usnj", core: { 1: stateLayout(10, 5) }, optional: "gpc" },
  { id: 22, name: "ustn", core: { 1: stateLayout(8, 1) }, optional: "gpc" },
  { id: 23, name: "usmn", core: { 1: stateLayout(8, 1) }, optional: "gpc" },
  { id: 24, name: "usmd", core: { 1: mspaLayout(false) }, optional: "gpc" },
  { id: 25, name: "usin", core: { 1: mspaLayout(true) }, optional: "sensitive-data", sensitiveDataCount: 8 },
  { id: 26, name: "usky", core: { 1: mspaLayout(true) }, optional: "sensitive-data", sensitiveDataCount: 8 },
  { id: 27, name: "usri", core: { 1: mspaLayout(true) }, optional: "sensitive-data", sensitiveDataCount: 8 },
];

const LAYOUT_BY_ID = new Map(US_SECTIONS.map((section) => [section.id, section]));

export const isUsSectionId = (id: number): boolean => LAYOUT_BY_ID.has(id);

/** What a US section says, field by field, for the fields that can refuse. */
export interface UsSection {
  id: number;
  name: string;
  version: number;
  /** 0 not applicable, 1 opted out, 2 did not opt out; absent where the section has no such field. */
  saleOptOut?: number;
  sharingOptOut?: number;
  targetedAdvertisingOptOut?: number;
  /** One value per sensitive data category (0, 1, 2), where the section has them. */
  sensitiveDataProcessing?: number[];
  /** The GPC subsection's Gpc, when the subsection is there. */
  gpc?: boolean;
}

export type UsSectionFailure =
  "not-base64url" | "truncated" | "unsupported-section-version" | "invalid-value" | "invalid-subsection";

export type DecodedUsSection = { ok: true; section: UsSection } | { ok: false; reason: UsSectionFailure };

/** An Int(2) read as a value the specifications define (0, 1, 2); "invalid" for 3, null at the end. */
function readTwoBitValue(reader: BitReader): number | "invalid" | null {
  const value = readInt(reader, 2);
  if (value === null) return null;
  return value === 3 ? "invalid" : value;
}

function readCore(
  reader: BitReader,
  layout: SectionLayout,
): { ok: true; section: UsSection } | { ok: false; reason: UsSectionFailure } {
  const version = readInt(reader, 6);
  if (version === null) return { ok: false, reason: "truncated" };
  const fields = layout.core[version];
  if (fields === undefined) return { ok: false, reason: "unsupported-section-version" };
  const section: UsSection = { id: layout.id, name: layout.name, version };
  for (const [name, count] of fields) {
    if (name === "other") {
      if (readInt(reader, 2 * count) === null) return { ok: false, reason: "truncated" };
      continue;
    }
    const values: number[] = [];
    for (let i = 0; i < count; i++) {
      const value = readTwoBitValue(reader);
      if (value === null) return { ok: false, reason: "truncated" };
      if (value === "invalid") return { ok: false, reason: "invalid-value" };
      values.push(value);
    }
    if (name === "SensitiveDataProcessing") section.sensitiveDataProcessing = values;
    else if (name === "SaleOptOut") section.saleOptOut = values[0] ?? 0;
    else if (name === "SharingOptOut") section.sharingOptOut = values[0] ?? 0;
    else section.targetedAdvertisingOptOut = values[0] ?? 0;
  }
  return { ok: true, section };
}

/** Decodes one US section (the text between two "~"), by its id. Never throws. */
export function decodeUsSection(id: number, text: string): DecodedUsSection {
  const layout = LAYOUT_BY_ID.get(id);
  if (layout === undefined) return { ok: false, reason: "unsupported-section-version" };
  const parts = text.split(".");
  if (parts.length > 2) return { ok: false, reason: "invalid-subsection" };
  const [coreText = "", optionalText] = parts;
  const core = bitReaderOf(coreText);
  if (core === null) return { ok: false, reason: coreText === "" ? "truncated" : "not-base64url" };
  const decoded = readCore(core, layout);
  if (!decoded.ok || optionalText === undefined) return decoded;

  const { section } = decoded;
  const reader = bitReaderOf(optionalText);
  if (reader === null || layout.optional === null) return { ok: false, reason: "invalid-subsection" };
  if (layout.optional === "gpc") {
    const type = readInt(reader, 2);
    const gpc = readInt(reader, 1);
    if (type === null || gpc === null) return { ok: false, reason: "truncated" };
    // SubsectionType 1 is GPC; 0 would be a second core.
    if (type !== 1) return { ok: false, reason: "invalid-subsection" };
    section.gpc = gpc === 1;
    return { ok: true, section };
  }
  const values: number[] = [];
  for (let i = 0; i < (layout.sensitiveDataCount ?? 0); i++) {
    const value = readTwoBitValue(reader);
    if (value === null) return { ok: false, reason: "truncated" };
    if (value === "invalid") return { ok: false, reason: "invalid-value" };
    values.push(value);
  }
  section.sensitiveDataProcessing = values;
  return { ok: true, section };
}

/** The fields a decoded section refuses: an opt-out (1), a sensitive data category at 1, Gpc set. */
export function refusalsOf(section: UsSection): UsRefusalField[] {
  const refused: UsRefusalField[] = [];
  if (section.saleOptOut === 1) refused.push("sale");
  if (section.sharingOptOut === 1) refused.push("sharing");
  if (section.targetedAdvertisingOptOut === 1) refused.push("targetedAdvertising");
  if (section.sensitiveDataProcessing?.includes(1) === true) refused.push("sensitiveData");
  if (section.gpc === true) refused.push("gpc");
  return refused;
}
