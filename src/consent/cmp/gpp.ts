/**
 * IAB Global Privacy Platform (GPP) strings: the signal US state privacy laws are carried in since
 * the IAB retired the US Privacy string, and a container for IAB Europe's TC string (IAB Tech Lab,
 * github.com/InteractiveAdvertisingBureau/Global-Privacy-Platform, `Core/Consent String
 * Specification.md` and `Sections/`).
 *
 *   DBABLA~BVQVAAAAAgA.QA     header ~ section ~ section ...
 *
 * The header (gpp/header.ts) lists the section ids in the order the "~"-separated sections follow.
 * Read here:
 *   2      tcfeuv2  the TC string, through the TCF decoder (tcf.ts)
 *   6      uspv1    the US Privacy string, unencoded (us-privacy.ts)
 *   7..27  usnat and the US state sections (gpp/us-sections.ts): their opt-outs and Gpc
 * Passed over: 5 (IAB Canada's TCF), which holds nothing US law or the EU TCF refuses. Any other id
 * is a section this decoder does not know, which may well be a new state's opt-outs: the whole
 * string is then unread (undecided), never read as if the section said nothing. That includes 1
 * (TCF EU v1, deprecated) and 4 (signal integrity, never specified), which the IAB's library refuses
 * too.
 *
 * Never throws: a string that is malformed anywhere (a section cut short, listed but missing, a
 * value no specification defines) is `{ ok: false, reason }` with a fixed reason code, never the
 * value. Work is bounded by the cookie size cap (MAX_VALUE_LENGTH) and the header's id bound.
 *
 * Cookies. The GPP specification leaves storage to the CMP ("The storage mechanism used for GPP
 * Strings is up to a CMP"), so names differ; both defaults are read:
 *   OTGPPConsent   OneTrust's first-party cookie for the string: Cookie headers published on
 *                  GitHub carry it beside OneTrust's OptanonConsent (whose `GPPCookiesCount=1`
 *                  counts it), with values such as `DBABLA~BVQVAAAAAgA.QA`
 *   __gpp          the name server-side readers look for (Prebid-style edge integrations on GitHub
 *                  read `__gpp` and `__gpp_sid`), and that a site's script writes when it mirrors a
 *                  CMP keeping the string elsewhere (Sourcepoint keeps it in localStorage,
 *                  `_sp_user_consent_<property>`). `__gpp_sid`, the section ids in force, is not
 *                  read: every section counts, the narrowest (see gpp-source.ts)
 * A site whose CMP writes another name sets `cookie`.
 */
import { decodeGppHeader, type HeaderFailure } from "./gpp/header";
import {
  decodeUsSection,
  isUsSectionId,
  refusalsOf,
  US_REFUSAL_FIELDS,
  type UsRefusalField,
  type UsSection,
  type UsSectionFailure,
  US_SECTIONS,
} from "./gpp/us-sections";
import { findValues, MAX_VALUE_LENGTH, narrowestOf, newGroups, undecidedFor } from "./read-helpers";
import { decodeTcString, TCF_PURPOSE_COUNT, type TcCore, type TcDecodeFailure } from "./tcf";
import type { CmpDecoder, CmpReading, CookiePair } from "./types";
import { decodeUsPrivacy, type UsPrivacy, type UsPrivacyFailure } from "./us-privacy";

export { US_REFUSAL_FIELDS, type UsRefusalField } from "./gpp/us-sections";

export const GPP_COOKIES = ["OTGPPConsent", "__gpp"] as const;

const TCF_EU_V2 = 2;
const US_PRIVACY_V1 = 6;
/** Sections passed over (see above). */
const PASSED_OVER: ReadonlySet<number> = new Set([5]);

const SECTION_NAMES: ReadonlyMap<number, string> = new Map([
  [TCF_EU_V2, "tcfeuv2"],
  [US_PRIVACY_V1, "uspv1"],
  ...US_SECTIONS.map((section) => [section.id, section.name] as const),
]);

export type GppDecodeFailure =
  | "too-long"
  | `header-${HeaderFailure}`
  | "section-count-mismatch"
  | "unsupported-section"
  | `tcfeuv2-${TcDecodeFailure}`
  | `uspv1-${UsPrivacyFailure}`
  | `${string}-${UsSectionFailure}`;

export interface DecodedGpp {
  sectionIds: number[];
  /** The TCF EU v2 section's core, when the string has one. */
  tcf?: TcCore;
  /** The US Privacy section, when the string has one. */
  usPrivacy?: UsPrivacy;
  /** The US National and state sections, in the string's order. */
  us: UsSection[];
}

export type DecodedGppString = { ok: true; gpp: DecodedGpp } | { ok: false; reason: GppDecodeFailure };

const fail = (reason: GppDecodeFailure): DecodedGppString => ({ ok: false, reason });

/** Strips the optional DQUOTEs around a cookie value (RFC 6265 §4.1.1 cookie-value). */
const unquote = (value: string): string =>
  value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;

/** Decodes a GPP string (the raw cookie value). Never throws. */
export function decodeGppString(value: string): DecodedGppString {
  if (value.length > MAX_VALUE_LENGTH) return fail("too-long");
  const [headerText = "", ...sections] = unquote(value).split("~");
  const header = decodeGppHeader(headerText);
  if (!header.ok) return fail(`header-${header.reason}`);
  const { sectionIds } = header;
  if (sectionIds.length !== sections.length) return fail("section-count-mismatch");

  const gpp: DecodedGpp = { sectionIds, us: [] };
  for (const [index, id] of sectionIds.entries()) {
    const text = sections[index] ?? "";
    if (PASSED_OVER.has(id)) continue;
    if (id === TCF_EU_V2) {
      const tc = decodeTcString(text);
      if (!tc.ok) return fail(`tcfeuv2-${tc.reason}`);
      gpp.tcf = tc.tc;
    } else if (id === US_PRIVACY_V1) {
      const usp = decodeUsPrivacy(text);
      if (!usp.ok) return fail(`uspv1-${usp.reason}`);
      gpp.usPrivacy = usp.usPrivacy;
    } else if (isUsSectionId(id)) {
      const us = decodeUsSection(id, text);
      if (!us.ok) return fail(`${SECTION_NAMES.get(id) ?? "us"}-${us.reason}`);
      gpp.us.push(us.section);
    } else {
      return fail("unsupported-section");
    }
  }
  return { ok: true, gpp };
}

/** Every field any US section (or the US Privacy section) of the string refuses. */
export function refusalsOfGpp(gpp: DecodedGpp): UsRefusalField[] {
  const refused = new Set<UsRefusalField>(gpp.us.flatMap(refusalsOf));
  if (gpp.usPrivacy?.optOutSale === "Y") refused.add("sale");
  return US_REFUSAL_FIELDS.filter((field) => refused.has(field));
}

/** What the GPP cookies of a request say, every copy of every name combined (see `readGpp`). */
export type GppReading =
  | { status: "absent" }
  | { status: "undecided"; reason: string }
  | {
      status: "decided";
      /** The fields some section of some copy refuses. */
      refused: UsRefusalField[];
      /** The TCF EU v2 purposes ("1".."11" -> consent), when a copy has that section. */
      tcf?: { groups: Record<string, boolean>; givenAt: number };
    };

const undecided = undecidedFor("gpp");

function tcfReadingOf(tc: TcCore): CmpReading {
  const consented = new Set(tc.purposeConsents);
  const groups = newGroups();
  for (let purpose = 1; purpose <= TCF_PURPOSE_COUNT; purpose++)
    groups[String(purpose)] = consented.has(purpose);
  return { status: "decided", groups, givenAt: Math.floor(tc.lastUpdatedMs / 1000) };
}

/**
 * Reads the GPP string from every cookie named in `names`, every copy. As `readEveryCopy` does for
 * one cookie, no copy can widen another: the refusals are those of every copy that decodes (any
 * opt-out refuses); the TCF purposes are intersected over the copies that carry a TCF section
 * (`narrowestOf`, dated by the latest); a copy that does not decode, or holds no section read
 * here, is passed over beside one that does. None decodes: "undecided" with the reason they share,
 * or `gpp:duplicate-cookie`.
 */
export function readGpp(cookies: readonly CookiePair[], names: readonly string[]): GppReading {
  const values = [...new Set(names.flatMap((name) => findValues(cookies, name)))];
  if (values.length === 0) return { status: "absent" };
  const decoded: DecodedGpp[] = [];
  const failures: CmpReading[] = [];
  for (const value of values) {
    const result = decodeGppString(value);
    if (!result.ok) failures.push(undecided(result.reason));
    else if (!result.gpp.tcf && !result.gpp.usPrivacy && result.gpp.us.length === 0) {
      failures.push(undecided("no-section-read"));
    } else decoded.push(result.gpp);
  }
  if (decoded.length === 0) {
    const reading = narrowestOf(failures, undecided);
    return reading.status === "undecided" ? reading : { status: "undecided", reason: "gpp:duplicate-cookie" };
  }
  const refused = new Set(decoded.flatMap(refusalsOfGpp));
  const tcfReadings = decoded.flatMap((gpp) => (gpp.tcf ? [tcfReadingOf(gpp.tcf)] : []));
  const tcf = tcfReadings.length > 0 ? narrowestOf(tcfReadings, undecided) : undefined;
  return {
    status: "decided",
    refused: US_REFUSAL_FIELDS.filter((field) => refused.has(field)),
    ...(tcf?.status === "decided" && tcf.givenAt !== undefined
      ? { tcf: { groups: tcf.groups, givenAt: tcf.givenAt } }
      : {}),
  };
}

/**
 * The default mapping of the US fields to categories. An opt-out of sale, of sharing (California's
 * "cross-context behavioral advertising") or of targeted advertising, and GPC (which the US laws
 * that honour it read as an opt-out of sale and targeted advertising), are each a refusal of the
 * advertising cookies and trackers a site lists as marketing. `sensitiveData` is not mapped: the
 * sensitive data categories (health, religion, precise geolocation...) say what data is processed,
 * not which tools may run, and no category of consent-edge's defaults is "sensitive data"; a site
 * whose category processes such data maps it (`"sensitiveData": "personalisation"`).
 */
export const gppDefaultMapping = {
  sale: "marketing",
  sharing: "marketing",
  targetedAdvertising: "marketing",
  gpc: "marketing",
} as const satisfies Partial<Record<UsRefusalField, string>>;

/**
 * As a plain CMP decoder (the registry, debug, the fuzz tests): the refused fields as groups set to
 * false, and the TCF purposes as `tcfeuv2.<purpose>`. The GPP source reads `readGpp` instead, since
 * its US fields only refuse, over whatever decides (gpp-source.ts, us-refusals.ts).
 */
export const gpp: CmpDecoder = {
  id: "gpp",
  cookies: GPP_COOKIES,
  defaultMapping: gppDefaultMapping,
  read(cookies, options) {
    const reading = readGpp(cookies, options?.cookieName ? [options.cookieName] : GPP_COOKIES);
    if (reading.status !== "decided") return reading;
    const groups = newGroups();
    for (const field of reading.refused) groups[field] = false;
    for (const [purpose, consented] of Object.entries(reading.tcf?.groups ?? {})) {
      groups[`tcfeuv2.${purpose}`] = consented;
    }
    return reading.tcf
      ? { status: "decided", groups, givenAt: reading.tcf.givenAt }
      : { status: "decided", groups };
  },
};
