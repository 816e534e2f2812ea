/** Validation of a site's `consent` (sources, GPC, DNT, receipts) and `regions` sections. */
import { NECESSARY, REGION_MODELS, type RegionModel } from "./types";
import { MAX_COOKIE_LIFETIME_SECONDS, parseDuration } from "./duration";
import { checkUnknownFields, describeValue, fieldPath, isObject, type Report } from "./problems";

export const KNOWN_CMPS = [
  "onetrust",
  "cookiebot",
  "vanilla-cookieconsent",
  "klaro",
  "cookieyes",
  "complianz",
  "didomi",
  "tcf",
] as const;

export type ConsentSourceConfig =
  | { kind: "consent-cookie" }
  | { kind: "cmp"; cmp: (typeof KNOWN_CMPS)[number]; map?: Record<string, string>; cookie?: string };

export interface ValidConsent {
  sources: ConsentSourceConfig[];
  maxAgeSeconds: number;
  gpc: { categories: string[]; bindingIn: RegionModel[]; announce: boolean };
  doNotTrack: string[];
  receipts: boolean;
}

export interface ValidRegions {
  default: RegionModel;
  /** "DE" or "US-CA" -> model. */
  byArea: Record<string, RegionModel>;
}

/** EU member states plus Iceland, Liechtenstein and Norway. */
export const EEA = [
  "AT",
  "BE",
  "BG",
  "HR",
  "CY",
  "CZ",
  "DK",
  "EE",
  "FI",
  "FR",
  "GR",
  "DE",
  "HU",
  "IE",
  "IT",
  "LV",
  "LT",
  "LU",
  "MT",
  "NL",
  "PL",
  "PT",
  "RO",
  "SK",
  "SI",
  "ES",
  "SE",
  "IS",
  "LI",
  "NO",
] as const;

const CONSENT_FIELDS = ["sources", "maxAge", "gpc", "doNotTrack", "receipts"] as const;
const GPC_FIELDS = ["categories", "bindingIn", "announce"] as const;
const SOURCE_FIELDS = ["cmp", "map", "cookie"] as const;
const REGION_FIELDS = ["default", ...REGION_MODELS] as const;
const AREA = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;
const COOKIE_NAME = /^[!#$%&'+\-.^_`|~0-9A-Za-z]+$/;
const DEFAULT_MAX_AGE = 180 * 86_400;

export function validateConsent(
  raw: unknown,
  categories: string[],
  at: string,
  report: Report,
): ValidConsent {
  const consent: ValidConsent = {
    sources: [{ kind: "consent-cookie" }],
    maxAgeSeconds: DEFAULT_MAX_AGE,
    gpc: {
      categories: categories.includes("marketing") ? ["marketing"] : [],
      bindingIn: ["opt-out", "opt-in"],
      announce: false,
    },
    doNotTrack: [],
    receipts: false,
  };
  if (raw === undefined) return consent;
  if (!isObject(raw)) {
    report(at, "consent must be an object", 'write { "sources": ["consent-cookie", "onetrust"] }');
    return consent;
  }
  checkUnknownFields(raw, CONSENT_FIELDS, at, report);
  const checkCategories = (value: unknown, where: string): string[] => {
    if (!Array.isArray(value) || !value.every((c): c is string => typeof c === "string")) {
      report(
        where,
        "must be a list of categories",
        `write e.g. ["marketing"]; the site's categories are ${categories.join(", ")}`,
      );
      return [];
    }
    const unknown = value.filter((c) => !categories.includes(c) || c === NECESSARY);
    if (unknown.length > 0) {
      report(
        where,
        `${unknown.map(describeValue).join(", ")} cannot be refused here`,
        `use categories of the site other than necessary: ${categories.filter((c) => c !== NECESSARY).join(", ")}`,
      );
    }
    return value.filter((c) => !unknown.includes(c));
  };

  if (raw.sources !== undefined) {
    if (!Array.isArray(raw.sources) || raw.sources.length === 0) {
      report(`${at}.sources`, "sources must be a non-empty list", 'write ["consent-cookie", "onetrust"]');
    } else {
      consent.sources = [];
      raw.sources.forEach((entry, i) => {
        const where = `${at}.sources[${i}]`;
        const source = validateSource(entry, categories, where, report);
        if (source) consent.sources.push(source);
      });
    }
  }
  if (raw.maxAge !== undefined) {
    const seconds = parseDuration(raw.maxAge);
    if (seconds === undefined || seconds === 0 || seconds > MAX_COOKIE_LIFETIME_SECONDS) {
      report(
        `${at}.maxAge`,
        `${describeValue(raw.maxAge)} is not a consent lifetime`,
        'write a duration up to "400d", e.g. "180d" (CNIL recommends 6 months)',
      );
    } else {
      consent.maxAgeSeconds = seconds;
    }
  }
  if (raw.gpc !== undefined) {
    if (!isObject(raw.gpc)) {
      report(`${at}.gpc`, "gpc must be an object", 'write { "categories": ["marketing"], "announce": true }');
    } else {
      checkUnknownFields(raw.gpc, GPC_FIELDS, `${at}.gpc`, report);
      if (raw.gpc.categories !== undefined)
        consent.gpc.categories = checkCategories(raw.gpc.categories, `${at}.gpc.categories`);
      if (raw.gpc.bindingIn !== undefined) {
        const models = raw.gpc.bindingIn;
        if (Array.isArray(models) && models.every((m) => REGION_MODELS.includes(m as RegionModel))) {
          consent.gpc.bindingIn = models as RegionModel[];
        } else {
          report(
            `${at}.gpc.bindingIn`,
            "must be a list of region models",
            `use any of ${REGION_MODELS.join(", ")}`,
          );
        }
      }
      if (raw.gpc.announce !== undefined) {
        if (typeof raw.gpc.announce === "boolean") consent.gpc.announce = raw.gpc.announce;
        else report(`${at}.gpc.announce`, "announce must be true or false", 'write "announce": true');
      }
    }
  }
  if (raw.doNotTrack !== undefined) consent.doNotTrack = checkCategories(raw.doNotTrack, `${at}.doNotTrack`);
  if (raw.receipts !== undefined) {
    if (typeof raw.receipts === "boolean") consent.receipts = raw.receipts;
    else
      report(
        `${at}.receipts`,
        "receipts must be true or false",
        'write "receipts": true and bind a D1 database as CONSENT_DB',
      );
  }
  return consent;
}

function validateSource(
  entry: unknown,
  categories: string[],
  where: string,
  report: Report,
): ConsentSourceConfig | undefined {
  if (entry === "consent-cookie") return { kind: "consent-cookie" };
  const spec = typeof entry === "string" ? { cmp: entry } : entry;
  if (!isObject(spec)) {
    report(
      where,
      "a source is a name or an object",
      'write "onetrust" or { "cmp": "onetrust", "map": { "C0002": "analytics" } }',
    );
    return undefined;
  }
  checkUnknownFields(spec, SOURCE_FIELDS, where, report);
  const cmp = KNOWN_CMPS.find((known) => known === spec.cmp);
  if (!cmp) {
    report(
      `${where}${typeof entry === "string" ? "" : ".cmp"}`,
      `${describeValue(spec.cmp)} is not a source consent-edge can read`,
      `use "consent-cookie" or one of ${KNOWN_CMPS.join(", ")}`,
    );
    return undefined;
  }
  const source: ConsentSourceConfig = { kind: "cmp", cmp };
  if (spec.map !== undefined) {
    if (!isObject(spec.map)) {
      report(
        `${where}.map`,
        "map must be an object of CMP group -> category",
        'write { "C0002": "analytics" }',
      );
    } else {
      const map: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [group, category] of Object.entries(spec.map)) {
        if (typeof category !== "string" || !categories.includes(category)) {
          report(
            fieldPath(`${where}.map`, group),
            `${describeValue(category)} is not a category of this site`,
            `use one of ${categories.join(", ")}`,
          );
        } else {
          map[group] = category;
        }
      }
      source.map = map;
    }
  }
  if (spec.cookie !== undefined) {
    if (typeof spec.cookie === "string" && COOKIE_NAME.test(spec.cookie)) source.cookie = spec.cookie;
    else report(`${where}.cookie`, "not a cookie name", 'write the name the CMP uses, e.g. "euconsent-v2"');
  }
  return source;
}

export function validateRegions(raw: unknown, at: string, report: Report): ValidRegions {
  const regions: ValidRegions = {
    default: "opt-in",
    byArea: Object.create(null) as Record<string, RegionModel>,
  };
  if (raw === undefined) return regions;
  if (!isObject(raw)) {
    report(at, "regions must be an object", 'write { "default": "notice", "opt-in": ["EEA", "GB", "CH"] }');
    return regions;
  }
  checkUnknownFields(raw, REGION_FIELDS, at, report);
  if (raw.default !== undefined) {
    if (REGION_MODELS.includes(raw.default as RegionModel)) regions.default = raw.default as RegionModel;
    else
      report(
        `${at}.default`,
        `${describeValue(raw.default)} is not a region model`,
        `use one of ${REGION_MODELS.join(", ")}`,
      );
  }
  for (const model of REGION_MODELS) {
    const list = raw[model];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      report(`${at}.${model}`, "must be a list of countries", 'write ["EEA", "GB", "CH", "US-CA"]');
      continue;
    }
    list.forEach((area, i) => {
      const where = `${at}.${model}[${i}]`;
      const codes = area === "EEA" ? [...EEA] : typeof area === "string" && AREA.test(area) ? [area] : [];
      if (codes.length === 0) {
        report(
          where,
          `${describeValue(area)} is not a country or US state`,
          'use ISO 3166 codes in capitals: "DE", "GB", "US-CA", or "EEA"',
        );
        return;
      }
      for (const code of codes) {
        const previous = regions.byArea[code];
        if (previous !== undefined && previous !== model) {
          report(where, `${code} is also listed under ${previous}`, "list each country under one model");
        }
        regions.byArea[code] = model;
      }
    });
  }
  return regions;
}
