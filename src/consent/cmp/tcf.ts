/**
 * IAB TCF v2 (v2.2 and v2.3 included): the TC string that every TCF CMP stores in `euconsent-v2`.
 *
 * Spec: IAB Tech Lab, "Transparency and Consent String with Global Vendor List Format", TCF v2.2
 * (github.com/InteractiveAdvertisingBureau/GDPR-Transparency-and-Consent-Framework, TCFv2/
 * "IAB Tech Lab - Consent string and vendor list formats v2.md", section "The core string").
 *
 * A TC string is segments joined by "."; each is base64url without padding, read as one big-endian
 * bit string (six bits a character, the encoder pads the end with zero bits). Only the first one,
 * the core segment, holds the visitor's purpose choices; the others (disclosed vendors, publisher
 * TC) are walked to check they are whole, and not kept. The core is, in order, with its offset in
 * bits:
 *
 *     0 Version 6             108 ConsentLanguage 12     152 PurposesConsent 24
 *     6 Created 36            120 VendorListVersion 12   176 PurposesLITransparency 24
 *    42 LastUpdated 36        132 TcfPolicyVersion 6     200 PurposeOneTreatment 1
 *    78 CmpId 12              138 IsServiceSpecific 1    201 PublisherCC 12
 *    90 CmpVersion 12         139 UseNonStandardTexts 1  213 vendor consents, vendor legitimate
 *   102 ConsentScreen 6       140 SpecialFeatureOptIns 12    interests, publisher restrictions
 *
 * Dates are deciseconds since the Unix epoch; letters are 6 bits each, 0 = "A"; bit n of a
 * purpose field (from 1, most significant first) is purpose n. The vendor sections are walked
 * but not kept, so that a string cut short anywhere, as a cookie cut at the browser's size limit
 * would be, is refused rather than half read, as the IAB's own library (@iabtechlabtcf/core)
 * refuses it.
 *
 * Never throws: anything it cannot read is `{ ok: false, reason }` with a fixed reason code and
 * never the value itself. Work is bounded by the length cap: every loop consumes input bits.
 */
import { MAX_VALUE_LENGTH, newGroups, readEveryCopy, undecidedFor } from "./read-helpers";
import type { CmpDecoder, CmpMapping, CmpReading, CookiePair } from "./types";

export const TCF_COOKIE = "euconsent-v2";

/**
 * The cookie size cap every decoder applies (MAX_VALUE_LENGTH, RFC 6265 §6.1): a longer value was
 * never stored by a CMP. Real TC strings that name hundreds of vendors are under 1 KB.
 */
export const MAX_TC_STRING_LENGTH = MAX_VALUE_LENGTH;

/** Purposes defined by TCF v2.2 (purpose 11 is new in v2.2): the groups `read` reports. */
export const TCF_PURPOSE_COUNT = 11;

/**
 * The lowest TcfPolicyVersion accepted.
 *   2     TCF v2.0 and v2.1 strings. IAB Europe deems strings below 4 invalid since 30 September
 *         2023, but CMPs that were never updated still write them; refusing them would throw away
 *         a choice the visitor did make. They are read like any other; `policyVersion` is in the
 *         result for a caller that wants to be stricter. Purpose 11 did not exist, so its bit is 0.
 *   4     TCF v2.2: purposes 3 to 6 may no longer rest on legitimate interest, purpose 11 added.
 *   5     TCF v2.3: the disclosed-vendors segment becomes mandatory. The core layout is unchanged
 *         and that segment is not read here, so it is read like 4.
 *   0, 1  never valid for a v2 string: refused.
 * Later versions are accepted while the core keeps its layout, which only a new Version would
 * change.
 */
export const MIN_POLICY_VERSION = 2;

export const TC_DECODE_FAILURES = [
  "empty",
  "too-long",
  "not-base64url",
  "truncated",
  "unsupported-version",
  "unsupported-policy-version",
  "invalid-cmp-id",
  "invalid-letter",
  "invalid-range",
  "invalid-segment",
] as const;
export type TcDecodeFailure = (typeof TC_DECODE_FAILURES)[number];

/** The core segment, field by field. Purpose and special-feature lists hold the ids whose bit is 1. */
export interface TcCore {
  version: 2;
  /** Unix milliseconds (the string holds deciseconds). */
  createdMs: number;
  /** Unix milliseconds. */
  lastUpdatedMs: number;
  cmpId: number;
  cmpVersion: number;
  consentScreen: number;
  /** Two letters, upper case, as written (ISO 639-1 by the spec, not checked against a list). */
  consentLanguage: string;
  vendorListVersion: number;
  policyVersion: number;
  isServiceSpecific: boolean;
  useNonStandardTexts: boolean;
  specialFeatureOptIns: number[];
  /** Purposes 1..24 the visitor consented to. */
  purposeConsents: number[];
  /** Purposes 1..24 whose legitimate interest was disclosed and not objected to. */
  purposeLegitimateInterests: number[];
  /** True when purpose 1 was not disclosed at all (a publisher in a country that allows it). */
  purposeOneTreatment: boolean;
  publisherCountryCode: string;
}

export type DecodedTcString = { ok: true; tc: TcCore } | { ok: false; reason: TcDecodeFailure };

/** base64url (RFC 4648 §5) digit values by char code; -1 for anything else. */
const BASE64URL = new Int8Array(128).fill(-1);
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("").forEach((char, value) => {
  BASE64URL[char.charCodeAt(0)] = value;
});

/** The core's fixed part ends where the vendor consent section starts. */
const FIXED_CORE_BITS = 213;
const VENDOR_ID_BITS = 16;

function fail(reason: TcDecodeFailure): DecodedTcString {
  return { ok: false, reason };
}

/** A read position over the bits of one segment. */
interface BitCursor {
  readonly sextets: Uint8Array;
  readonly length: number;
  position: number;
}

function hasBits(cursor: BitCursor, width: number): boolean {
  return cursor.position + width <= cursor.length;
}

/** Reads `width` bits (at most 36, within 2^53) as an unsigned integer. The caller checks `hasBits`. */
function readInt(cursor: BitCursor, width: number): number {
  let value = 0;
  for (let i = 0; i < width; i++) {
    const bit = cursor.position + i;
    const sextet = cursor.sextets[Math.floor(bit / 6)] ?? 0;
    value = value * 2 + ((sextet >> (5 - (bit % 6))) & 1);
  }
  cursor.position += width;
  return value;
}

/** Ids (from 1) whose bit is set in a `width`-bit field. */
function readIdSet(cursor: BitCursor, width: number): number[] {
  const ids: number[] = [];
  for (let id = 1; id <= width; id++) {
    if (readInt(cursor, 1) === 1) ids.push(id);
  }
  return ids;
}

/** Two 6-bit letters, 0 = "A"; anything past "Z" is not a letter. */
function readLetters(cursor: BitCursor): string | null {
  const first = readInt(cursor, 6);
  const second = readInt(cursor, 6);
  if (first > 25 || second > 25) return null;
  return String.fromCharCode(65 + first, 65 + second);
}

/**
 * Range entries: NumEntries(12), then IsARange(1) StartOrOnlyVendorId(16) [EndVendorId(16)].
 * Each entry consumes at least 17 bits, so the loop ends with the input. Vendor ids start at 1
 * (the Global Vendor List never assigns 0, and the IAB library refuses it), and a range never ends
 * before it starts.
 */
function skipRangeEntries(cursor: BitCursor): TcDecodeFailure | null {
  if (!hasBits(cursor, 12)) return "truncated";
  const entries = readInt(cursor, 12);
  for (let i = 0; i < entries; i++) {
    if (!hasBits(cursor, 1 + VENDOR_ID_BITS)) return "truncated";
    const isRange = readInt(cursor, 1) === 1;
    const start = readInt(cursor, VENDOR_ID_BITS);
    if (start === 0) return "invalid-range";
    if (isRange) {
      if (!hasBits(cursor, VENDOR_ID_BITS)) return "truncated";
      if (readInt(cursor, VENDOR_ID_BITS) < start) return "invalid-range";
    }
  }
  return null;
}

/** Vendor consent or legitimate interest section: MaxVendorId(16) IsRangeEncoding(1), bit field or ranges. */
function skipVendorSection(cursor: BitCursor): TcDecodeFailure | null {
  if (!hasBits(cursor, VENDOR_ID_BITS + 1)) return "truncated";
  const maxVendorId = readInt(cursor, VENDOR_ID_BITS);
  if (readInt(cursor, 1) === 1) return skipRangeEntries(cursor);
  if (!hasBits(cursor, maxVendorId)) return "truncated";
  cursor.position += maxVendorId;
  return null;
}

/** NumPubRestrictions(12), then per restriction PurposeId(6) RestrictionType(2) and range entries. */
function skipPublisherRestrictions(cursor: BitCursor): TcDecodeFailure | null {
  if (!hasBits(cursor, 12)) return "truncated";
  const restrictions = readInt(cursor, 12);
  for (let i = 0; i < restrictions; i++) {
    if (!hasBits(cursor, 8)) return "truncated";
    cursor.position += 8;
    const failure = skipRangeEntries(cursor);
    if (failure) return failure;
  }
  return null;
}

/** Strips the optional DQUOTEs around a cookie value (RFC 6265 §4.1.1 cookie-value). */
function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** The sextets of a base64url segment, or null when a character is not base64url. */
function sextetsOf(segment: string): Uint8Array | null {
  const sextets = new Uint8Array(segment.length);
  for (let i = 0; i < segment.length; i++) {
    const digit = BASE64URL[segment.charCodeAt(i)] ?? -1;
    if (digit < 0) return null;
    sextets[i] = digit;
  }
  return sextets;
}

/**
 * The segments after the core hold no consent, so they are walked, not kept, but each must be
 * whole, as the IAB library requires: SegmentType(3) is 1 (disclosed vendors) or 2 (allowed
 * vendors, TCF v2.0), followed by a vendor section, or 3 (publisher TC): PubPurposesConsent(24),
 * PubPurposesLITransparency(24), NumCustomPurposes(6) and two bits per custom purpose. A second
 * core (type 0), another type, or a segment cut short makes the string malformed, and a malformed
 * string is refused whole rather than half read.
 */
function checkSegments(segments: readonly string[]): boolean {
  return segments.every((segment) => {
    const sextets = sextetsOf(segment);
    if (sextets === null || sextets.length === 0) return false;
    const cursor: BitCursor = { sextets, length: sextets.length * 6, position: 0 };
    const type = readInt(cursor, 3);
    if (type === 1 || type === 2) return skipVendorSection(cursor) === null;
    if (type !== 3 || !hasBits(cursor, 54)) return false;
    cursor.position += 48;
    return hasBits(cursor, 2 * readInt(cursor, 6));
  });
}

/** Decodes the core segment of a TC string (the raw cookie value). Never throws. */
export function decodeTcString(value: string): DecodedTcString {
  if (value.length > MAX_TC_STRING_LENGTH) return fail("too-long");
  const [core = "", ...segments] = unquote(value).split(".");
  if (core.length === 0) return fail("empty");

  const sextets = new Uint8Array(core.length);
  for (let i = 0; i < core.length; i++) {
    const digit = BASE64URL[core.charCodeAt(i)] ?? -1;
    if (digit < 0) return fail("not-base64url");
    sextets[i] = digit;
  }
  const cursor: BitCursor = { sextets, length: core.length * 6, position: 0 };
  if (!hasBits(cursor, 6)) return fail("truncated");
  // Version 1 strings ("B...") are the retired TCF v1.1 format, with another layout.
  if (readInt(cursor, 6) !== 2) return fail("unsupported-version");
  if (!hasBits(cursor, FIXED_CORE_BITS - 6)) return fail("truncated");

  const createdMs = readInt(cursor, 36) * 100;
  const lastUpdatedMs = readInt(cursor, 36) * 100;
  const cmpId = readInt(cursor, 12);
  const cmpVersion = readInt(cursor, 12);
  const consentScreen = readInt(cursor, 6);
  const consentLanguage = readLetters(cursor);
  const vendorListVersion = readInt(cursor, 12);
  const policyVersion = readInt(cursor, 6);
  const isServiceSpecific = readInt(cursor, 1) === 1;
  const useNonStandardTexts = readInt(cursor, 1) === 1;
  const specialFeatureOptIns = readIdSet(cursor, 12);
  const purposeConsents = readIdSet(cursor, 24);
  const purposeLegitimateInterests = readIdSet(cursor, 24);
  const purposeOneTreatment = readInt(cursor, 1) === 1;
  const publisherCountryCode = readLetters(cursor);

  if (policyVersion < MIN_POLICY_VERSION) return fail("unsupported-policy-version");
  // CMP ids are assigned by IAB Europe; the reference library (TCModel.cmpId) refuses 0 and 1.
  if (cmpId < 2) return fail("invalid-cmp-id");
  if (consentLanguage === null || publisherCountryCode === null) return fail("invalid-letter");

  const failure = skipVendorSection(cursor) ?? skipVendorSection(cursor) ?? skipPublisherRestrictions(cursor);
  if (failure) return fail(failure);
  if (!checkSegments(segments)) return fail("invalid-segment");

  return {
    ok: true,
    tc: {
      version: 2,
      createdMs,
      lastUpdatedMs,
      cmpId,
      cmpVersion,
      consentScreen,
      consentLanguage,
      vendorListVersion,
      policyVersion,
      isServiceSpecific,
      useNonStandardTexts,
      specialFeatureOptIns,
      purposeConsents,
      purposeLegitimateInterests,
      purposeOneTreatment,
      publisherCountryCode,
    },
  };
}

/** Purposes "1".."11" -> the consent bit. Legitimate interest is not consent and is not reported. */
function purposeGroups(tc: TcCore): Record<string, boolean> {
  const consented = new Set(tc.purposeConsents);
  const groups = newGroups();
  for (let purpose = 1; purpose <= TCF_PURPOSE_COUNT; purpose++) {
    groups[String(purpose)] = consented.has(purpose);
  }
  return groups;
}

/**
 * The default mapping from TCF purposes to consent-edge's categories, by the purposes' names in
 * the TCF v2.2 Policies (Appendix A):
 *
 *    1 Store and/or access information on a device      -> none: the prerequisite of every
 *                                                          category (see `categoriesFromTcf`)
 *    2 Use limited data to select advertising           -> marketing
 *    3 Create profiles for personalised advertising     -> marketing
 *    4 Use profiles to select personalised advertising  -> marketing
 *    5 Create profiles to personalise content           -> functional
 *    6 Use profiles to select personalised content      -> functional
 *    7 Measure advertising performance                  -> marketing
 *    8 Measure content performance                      -> analytics
 *    9 Understand audiences through statistics or
 *      combinations of data from different sources      -> analytics
 *   10 Develop and improve services                     -> analytics
 *   11 Use limited data to select content               -> none
 *
 * A purpose can map to one category only, so the borderline ones are settled here:
 * - 7 is advertising measurement: the cookies it needs (conversion and attribution ids such as
 *   `_fbp`, `_gcl_au`) are set by ad tags, which a site lists as marketing. It is not analytics,
 *   which is the site measuring its own content.
 * - 9 (audience research) and 10 (improving the service from usage data) are what an analytics
 *   tool's cookies are used for besides purpose 8, so analytics needs all three.
 * - 11 selects content from limited, non-profile data: no cookie of its own. It also did not exist
 *   before TCF v2.2, so requiring it would refuse `functional` to every older string.
 * Legitimate interest (PurposesLITransparency) grants nothing: storing or reading a cookie that is
 * not strictly necessary needs consent (ePrivacy Directive art. 5(3)), which TCF records only in
 * PurposesConsent.
 */
export const defaultMapping = {
  "2": "marketing",
  "3": "marketing",
  "4": "marketing",
  "5": "functional",
  "6": "functional",
  "7": "marketing",
  "8": "analytics",
  "9": "analytics",
  "10": "analytics",
} as const satisfies CmpMapping;

/** Purpose 1 gives access to the device at all: no category without it. */
const STORAGE_PURPOSE = "1";

/**
 * Which categories a TCF reading grants. A category is granted only when purpose 1 (store and/or
 * access information on a device) and every purpose mapped to it are consented: a cookie of the
 * category may serve any of them, so consent to one purpose of the group is not consent to the
 * cookie. A mapping entry whose purpose is absent from `groups` counts as refused.
 *
 * TCF is the one CMP whose groups must all agree: the generic "any mapped group grants the
 * category" reading of a `CmpMapping` would grant marketing for purpose 2 alone, and nothing in a
 * one-to-one mapping can say "and purpose 1". Use this for `tcf` readings.
 *
 * A string with PurposeOneTreatment (purpose 1 not disclosed, allowed in a few jurisdictions)
 * carries no purpose 1 consent, so it grants nothing here: fail closed.
 */
export function categoriesFromTcf(
  groups: Readonly<Record<string, boolean>>,
  mapping: CmpMapping = defaultMapping,
): Record<string, boolean> {
  const storage = Object.hasOwn(groups, STORAGE_PURPOSE) && groups[STORAGE_PURPOSE] === true;
  const granted = new Map<string, boolean>();
  for (const [purpose, category] of Object.entries(mapping)) {
    const consented = Object.hasOwn(groups, purpose) && groups[purpose] === true;
    granted.set(category, storage && consented && granted.get(category) !== false);
  }
  return Object.fromEntries(granted);
}

const undecided = undecidedFor("tcf");

/** One copy of the cookie: its TC string's purposes, dated by LastUpdated. */
function readCopy(value: string): CmpReading {
  const decoded = decodeTcString(value);
  if (!decoded.ok) return undecided(decoded.reason);
  return {
    status: "decided",
    groups: purposeGroups(decoded.tc),
    givenAt: Math.floor(decoded.tc.lastUpdatedMs / 1000),
  };
}

/**
 * Reads the TC string from `euconsent-v2` (or `cookieName`). Several cookies of that name (set
 * for different paths or domains, or one planted by a sibling subdomain with `Domain=`) are
 * combined by `narrowestOf`: a purpose is consented only when every copy that decodes consents
 * to it, and copies that do not decode are passed over. Taking the copy updated last instead
 * would let a planted string, dated whenever its author likes, override the visitor's refusal.
 * None decodes: "undecided", with the reason (`tcf:<failure>`).
 */
export const tcf: CmpDecoder = {
  id: "tcf",
  cookies: [TCF_COOKIE],
  defaultMapping,
  read(cookies: readonly CookiePair[], options?: { cookieName?: string }) {
    return readEveryCopy(cookies, options?.cookieName ?? TCF_COOKIE, undecided, readCopy);
  },
};
