/**
 * The TCF decoder against the IAB's own library, @iabtechlabtcf/core (pinned in devDependencies).
 * The library runs here in workerd, beside the decoder: every expected value below comes from its
 * `TCString.decode` at test time, and the generated strings from its `TCString.encode`, so nothing
 * is copied by hand. Three sets of strings:
 *   - real TC strings from public sources, each with its source;
 *   - strings the library encodes from TCModels with chosen purposes, LI, dates, CMP, country,
 *     policy version (2, 4, 5) and vendor sections (bit field, ranges, publisher restrictions);
 *   - hostile input: empty, not base64url, every prefix of valid strings, TCF v1, 10 KB.
 */
import { GVL, PurposeRestriction, RestrictionType, TCModel, TCString } from "@iabtechlabtcf/core";
import type { VendorList } from "@iabtechlabtcf/core";
import { describe, expect, it } from "vitest";
import {
  categoriesFromTcf,
  decodeTcString,
  defaultMapping,
  MAX_TC_STRING_LENGTH,
  tcf,
} from "../../src/consent/cmp/tcf";
import { idsOf, libraryDecode } from "./tcf-reference";

const BASE64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The core segment as a string of "0" and "1" (test-only, for looking at and patching bits). */
function bitsOf(value: string): string {
  const core = coreOf(value);
  let binary = "";
  for (let i = 0; i < core.length; i++) {
    binary += BASE64URL_ALPHABET.indexOf(core.charAt(i)).toString(2).padStart(6, "0");
  }
  return binary;
}

function coreOf(value: string): string {
  return value.split(".")[0] ?? "";
}

// ---------------------------------------------------------------------------------------------
// Real TC strings. Cookie headers are from public GitHub code (scrapers that pasted a browser's
// Cookie header); only the euconsent-v2 value is kept. All decode with the IAB library.

const REAL: ReadonlyArray<{ source: string; value: string }> = [
  {
    source:
      "TCF spec example, quoted in InteractiveAdvertisingBureau/GDPR-Transparency-and-Consent-Framework issue #399",
    value:
      "COvFyGBOvFyGBAbAAAENAPCAAOAAAAAAAAAAAEEUACCKAAA.IFoEUQQgAIQwgIwQABAEAAAAOIAACAIAAAAQAIAgEAACEAAAAAgAQBAAAAAAAGBAAgAAAAAAAFAAECAAAgAAQARAEQAAAAAJAAIAAgAAAYQEAAAQmAgBC3ZAYzUw",
  },
  {
    source: "InteractiveAdvertisingBureau/iabtcf-es issue #95 (string given to decode)",
    value:
      "COv1p75Ov1p75AcABBENAcCMAP_AAAAAAAAAF0EWSQgAYWwho0QUBzBAIYAfJgSCAMgSAAQIoCkFQICERBAEKiAQHAEQJAAAGBAAkACAAQAoHCBMCQABgAARiRCEQECIDRNABIBAggAKYQFAAARmikHC3ZCY702yOmQAAAAA.IF0EWSQgAYWwho0QUBzBAIYAfJgSCAMgSAAQIoCkFQICERBAEKiAQHAEQJAAAGBAAkACAAQAoHCBMCQABgAARiRCEQECIDRNABIBAggAKYQFAAARmikHC3ZCY702yOmQ.YAAAAAAAAAAAAAAAAAA",
  },
  {
    source: "InteractiveAdvertisingBureau/iabtcf-es issue #95 (string returned by the CMP API)",
    value:
      "COv1rJlOv1rJlAcABBENAcCAAAAAAAAAAAAAAAAAAAAA.IF0EWSQgAYWwho0QUBzBAIYAfJgSCAMgSAAQIoCkFQICERBAEKiAQHAEQJAAAGBAAkACAAQAoHCBMCQABgAARiRCEQECIDRNABIBAggAKYQFAAARmikHC3ZCY702yOmQ.YAAAAAAAAAAAAAAAAAA",
  },
  {
    source: "InteractiveAdvertisingBureau/iabtcf-es issue #125 (custom purposes, publisher TC segment)",
    value:
      "COwnRWbOwnRZLBcABBENAdCsAP_AAH_AAAqIF0EWSQgCYWghI0QUBxBAIYAfJgSCAMgCAAQIoSgFQISERBAGKiAQHAEQJAAAGBAAEACAAQAgHGBMCQAAgAABiRCEQUGICzNIBIBAggEaYUFAAAVmGkHCmZCY70ywOmQLoIIEBAEAkABAIAADECAQwAQDAAAAYAkAAABAhIKAAgIiAAEcAAAAAAgAAAAAAABAAAAAAAAAICIAAABAAAgAiAAAAAAGgIQAACBAAAAQIAAAAANAAAAiCEAQgoEAIgAA.cAAAAQAAAeI",
  },
  {
    source: "IABTechLab/iabgpp-java issue #43 (iabgpp.com default TCF string, policy version 4)",
    value: "CP3MC8AP3MC8APoABABGAfEAAAAAAAAAAAAAAAAAAAAA.QAAA.IAAA",
  },
  {
    source: "IABTechLab/iabgpp-java issue #43 (PurposeOneTreatment set, publisher GB)",
    value: "CP3MC8AP3MC8APoABAENDgCAAAAAAAAAAIwIAAAAAAAA.QAAA.IAAA",
  },
  {
    source: "a public test of a TCF `isPurposeConsentSet` helper (purposes 1,3,5,7,9)",
    value:
      "CPh7_cXPh7_cXKMAAAENCZCAAKqAAAAAAAAAAAAAAAAA.II7Nd_X__bX9n-_7_6ft0eY1f9_r37uQzDhfNs-8F3L_W_LwX32E7NF36tq4KmR4ku1bBIQNtHMnUDUmxaolVrzHsak2cpyNKJ_JkknsZe2dYGF9Pn9lD-YKZ7_5_9_f52T_9_9_-39z3_9f___dv_-__-vjf_599n_v9fV_78_Kf9______-____________8A",
  },
  {
    source: "the same test (purposes 2,4,6,8,10)",
    value: "CPh8CeXPh8CeXMgAAAENCZCAAFVAAAAAAAAAAAAAAAAA",
  },
  { source: "the same test (purposes 1-10)", value: "CPh8CoIPh8CoINYAAAENCZCAAP_AAAAAAAAAAAAAAAAA" },
  { source: "the same test (no purpose)", value: "CPh8CjOPh8CjOEZAAAENCZCAAAAAAAAAAAAAAAAAAAAA" },
  {
    source: "c15t/c15t packages/core/src/libs/tcf/__tests__/fixtures/tc-strings.ts",
    value: "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA",
  },
  {
    source: "a public script's test string, labelled as from the documentation (LastUpdated != Created)",
    value: "COtybn4PA_zT4KjACBENAPCIAEBAAECAAIAAAAAAAAAA",
  },
  {
    source: "Cookie header for infojobs.net (Didomi, TCF v2.3, bit-field vendors, all purposes)",
    value:
      "CQft6wAQft6wAAHABBENCSFsAP_gAEPgAAiQL_NR_G__bWlr-bb3aftkeYxP9_hr7sQxBgbJk24FzLvW7JwXx2E5NAzatqIKmRIAu3TBIQNlHIDURUCgKIgFryDMaE2U4TNKJ6BkiFMZA2tYCFxvm4tjWQCY4vr99lc1mB-t7dr82dzyy6hHn3a5_2S1UJCdIYetDfv8ZBOT-9IEd_x8v4v4_EbpEm-eS1n_pGvp4jd-YnM_dBmxt-Tyff7Pn__rl_e7X_vc_n3zv84XH77v____fv-7___2b_-___Bf8AEw0KiCMsiBAIFAwggQAKCsIAKBAEAACQNEBACYMCHIGAC6wmQAgBQADBACAAEGAAIAABIAEIgAgAIBACBAIFAAGABAEBAAQMAAYALEQCAAEB0DFMCCAQLABIzKoNMCUABIICWyoQSgYEFcIQizwCCBETBQAAAkAFAQAgPBYCEkgJWJBAFxBNAAAQAABRAiQIpCzAEFQZotAWBJwGRpgGD5gmSU6DJAmCEhJMiE3oTDxTFEKCHKDYpZgDp4goARcAAA.IL_tX_H__bX9v-f736ft0eY1f9_j77uQxBhfJs-4FzLvW_JwX32E7NF36tqYKmRIEu3bBIQNtHJnUTVihaogVrzHsak2c4TtKJ-BkiHMZe29YCF5vm4tj-QKZ5_r_93d92T_9_dv-3dzy3_1nv3f9_-f1eLida5_tH_v_bROb-_I_9_7-_4v8_t_rk2_eT1v_9evv7__-________9_____________-____f________________________f_____g.f_wACHwAAAAA",
  },
  {
    source: "Cookie header for transfermarkt.com (Sourcepoint, TCF v2.3, range-encoded vendors)",
    value:
      "CQTQT4AQTQT4AAGABCENBvFsAP_gAELAABp4IzQHwAFAANAAqABwAEAALQAZAA0ACKAEwAKQAYgA3gBzAEIAI4ATQApACEAFDAPaAhsBGoC2gF5gMZAZIA0IBqIELgIzAIRADAAUAI4AhAA4SAYABUADgAIIAZABoAEwAN4AhABNAHtAXmAyQCFw6AWABUADgAIIAZABoAEwAMQAbwBNAHtAXmAyQhACADEAG8lAGAA4AEwAMQB7QF5gMkKQCQAKgAcABAADQAJgAYgD2gLzAZIVAAgAKKAAQAZA.YAAAAAAAAAAA",
  },
  {
    source: "Cookie header for leboncoin.fr (Didomi, TCF v2.3, accepted)",
    value:
      "CQnzX8AQnzX8AAHABBENCoFsAP_gAELgAAAALztB7CfdQSFiUbJlAKtAYQxP4BAiogAABgAAggwBCBLAIIwEhCEIIACAAAACGBAAICBAAQBlCADAAAAAIAAAACAEAAAAARAAJiAAAEAAAmBACABICYAAGQAQgkiEAAEAgAIAAAogSEgAAAAAHAAAAAAAAAAAAAAAAAEgAAAAAAAAAgAAAAAACAAAAAAEAFAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAgoRAzAAWAA8ACoAHAAPAAgABIACoAGUANAA1AB4AEMAIoATAAugBiAD4AH4AQgAjgBlgDRAHOAO4AfsBBwEIAIsARgAjoBIgDRAGvANoAj0BNICbQFHwKaApsBWQC2AF5gMkAZOAywBn0DVwNYAeKBAECF4EdgKEABigAMAAQZXGAAYAAgyuQAAwABBlcA.ILztB7CfdQSFiUbJlAKtAYQxf4BAiogAABgAAggwBCBLAIIwElCEIIACAAAACGBAAICBAAQBlCAjAAAAAIAAAACAEAAAAARAAJiAAAEAAAmBACABICYAAGQAQgkiEAAEAgAIAAAogSEgAEAAAHAAAAAAAAAAAAAAAAAEgAAAAAAAAAgAAAAAACAAAAAAEAFAAEAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAg.f_wACFwAAAAA",
  },
  {
    source: "Cookie header for leboncoin.fr (Didomi, TCF v2.3, refused)",
    value: "CQEbF4AQEbF4AAHABBENBFFgAAAAAAAAAAAAAAAAAABigAMAAQU1GAAYAAgpqQAAwABBTUAA.YAAAAAAAAAAA",
  },
  {
    source: "Cookie header for filmweb.pl (Didomi, TCF v2.3, publisher PL)",
    value:
      "CQILsUAQILsUAAHABBENBPFsAP_gAEPgAB5YKjNX_G__bWlr8X73aftkeY1P9_h77sQxBhfJE-4FzLvW_JwXx2ExNA36tqIKmRIAu3TBIQNlGJDURVCgaogVryDMaEiUoTNKJ6BkiFMRM2dYCF5vm4tj-QCY5vr991dx2B-t7dr83dzyy41Hn3a5_2a0WJCdA5-tDfv9bROb-9IOd_x8v4v8_F_pE2_eT1l_tWvp7D9-cts7_XW89_fff_9Pn_-uB_-_3_vQVGAJMNCogDLAkJCDQMIIEAKgrCAigQBAAAkDRAQAmDAp2BgEusJEAIAUAAwQAgABBkACAAACABCIAIACgQAAQCBQABAAQDAQAEDAACACwEAgABAdAxTAggECwASMyIhTAhCASCAlsqEEgCBBXCEIs8AiAREwUAAAAABWAAICwWBxJICVCQQJcQbQAAEACAQQAFCCTkwABAGbLUHgwbRlaYBg-YJENMAyAIggAAAA.f_wACHwAAAAA",
  },
  {
    source: "Cookie header for idealista.com (Didomi, TCF v2.3, consent without LI)",
    value:
      "CQbB_cAQbB_cAAHABBENCFFsAP_gAAAAAAAAHXwCAAIAAqABaAFsAUgBZgF5gOvAAAAKSgAwABBd8pABgACC75CADAAEF3x0AGAAILvhIAMAAQXf.f_wAAAAAAAAA",
  },
  {
    source: "Cookie header for idealista.com (Didomi, TCF v2.3, refused)",
    value:
      "CQFZtsAQFZtsAAHABBENBHFgAAAAAAAAAAAAAAAAAACkoAMAAQU3KQAYAAgpuQgAwABBTcdABgACCm4SADAAEFNw.YAAAAAAAAAAA",
  },
  {
    source: "Cookie header for idealista.com (Didomi, TCF v2.3, refused, another day)",
    value:
      "CQDmW4AQDmW4AAHABBENBBFgAAAAAAAAAAAAAAAAAACkoAMAAQUxKQAYAAgpiQgAwABBTEdABgACCmISADAAEFMQ.YAAAAAAAAAAA",
  },
  {
    source: "Cookie header for doctolib (Didomi, TCF v2.3, empty vendor sections)",
    value: "CQGiOUAQGiOUAAHABBENBLFgAAAAAAAAAAAAAAAAAAAA.YAAAAAAAAAAA",
  },
  {
    source: "Cookie header for news.sky.com (Sourcepoint, TCF v2.3, LI only, publisher IN)",
    value:
      "CQEyKcAQEyKcAAGABBENBGFgAAAAAEPgABBoAAAOWgJAAkABkAEcARwAnAByADnAIAAQcAjgBdQFSgLUAXQAvMBggDFgHLABBQAIC6CgAEAjgAAA.YAAAAAAAAAAA",
  },
];

/** Public strings the IAB library refuses; the decoder must refuse them too. */
const REAL_REFUSED: ReadonlyArray<{ source: string; value: string; reason: string }> = [
  {
    source: "InteractiveAdvertisingBureau/iabtcf-es issue #312 (vendor bit field cut short)",
    reason: "truncated",
    value:
      "CPMW7URPMW7URF0ACBPLBrCsAP_AAH_AAB5YINNf_X__b3_n-_79__t0eY1f9_7_v-0zjhfdt-8N2f_X_L8X_2M7vF36pr4KuR4ku3bBIQdtHOncTUmx6olVrzPsbk2Mr7NKJ7Pkmnsbe2dYGH9_n93T_ZKZ7______7________________________-_____9__________________-xbHJs_z-qH_Gse23etPoVRYzr2T-EXK9PdtfRP6SNrgp_V0ce4IeQWc9AxgVAgzRzoySA8UCiJKokJALwVKKEiBWwCixUsLQIEbQLbsS4sAhAlINjxqu0yMCZl6uL77zBqLve2wnvrLEqu9_3XGMu8IKFx_TU8HJQggWBkJCwcxwBICXCgAA",
  },
  {
    source: "SirDataFR/iabtcfv2 README (vendor bit field cut short)",
    reason: "truncated",
    value:
      "COxR03kOxR1CqBcABCENAgCMAP_AAH_AAAqIF3EXySoGY2thI2YVFxBEIYwfJxyigMgChgQIsSwNQIeFLBoGLiAAHBGYJAQAGBAEEACBAQIkHGBMCQAAgAgBiRCMQEGMCzNIBIBAggEbY0FACCVmHkHSmZCY7064O__QLuIJEFQMAkSBAIACLECIQwAQDiAAAYAl",
  },
  {
    source: "GDPR-Transparency-and-Consent-Framework issue #399 (re-encoded by iabgpp.com: CmpId 0)",
    reason: "invalid-cmp-id",
    value:
      "COw12UAOw12UAAAAAAENAXCAAAAAAAAAAAAAAAAAAAAA.QFukWSAgAIQwgIUQEASFAAAAeIAACAIAQAAQAIAgEQACEABAAAgAQFAEAIAAAGBAAgAAAAQAIFAAECQAAAAAQiRAEQAAAAANAAIAAgAAAYQFAAARmggBCWQCYxUgyIAA",
  },
  {
    source: "IABTechLab/iabgpp-es TcfEuV2 test, 'encode defaults' (CmpId 0)",
    reason: "invalid-cmp-id",
    value: "CPSG_8APSG_8AAAAAAENAACAAAAAAAAAAAAAAAAAAAAA.QAAA.IAAA",
  },
];

describe("real TC strings: the decoder reads what the IAB library reads", () => {
  it.each(REAL)("$source", ({ value }) => {
    const expected = libraryDecode(value);
    expect(expected).not.toBeNull();
    expect(decodeTcString(value)).toEqual({ ok: true, tc: expected });
  });

  it.each(REAL_REFUSED)("refused like the library: $source", ({ value, reason }) => {
    expect(libraryDecode(value)).toBeNull();
    expect(decodeTcString(value)).toEqual({ ok: false, reason });
  });

  it("one deliberate difference: a PublisherCC letter past Z is refused, not upper-cased", () => {
    // Usercentrics/react-native-sdk GetUserSessionDataMock.kt: a made-up string (policy version
    // 57, LastUpdated in 1973). Its PublisherCC is 12 and 56: "M" and a value past "Z", which the
    // library reads as "y" and upper-cases (TCModel.publisherCountryCode). The decoder refuses a
    // string whose letters are not letters.
    const value = "CPGwGwDBENBbCsHvAAIYgG5QCQADAAAeABnAAAAAAAAAbIbAAAAAAAA";
    expect(libraryDecode(value)?.publisherCountryCode).toBe("MY");
    expect(decodeTcString(value)).toEqual({ ok: false, reason: "invalid-letter" });
  });
});

// ---------------------------------------------------------------------------------------------
// Strings the IAB library encodes. `TCString.encode` needs a ready GVL (it takes the policy
// version, vendor list version and language from it, and drops vendors it does not list); a small
// in-memory vendor list is enough, nothing is fetched.

const PURPOSE_NAMES = [
  "Store and/or access information on a device",
  "Use limited data to select advertising",
  "Create profiles for personalised advertising",
  "Use profiles to select personalised advertising",
  "Create profiles to personalise content",
  "Use profiles to select personalised content",
  "Measure advertising performance",
  "Measure content performance",
  "Understand audiences through statistics or combinations of data from different sources",
  "Develop and improve services",
  "Use limited data to select content",
];

function vendorList(policyVersion: number, vendorListVersion: number): VendorList {
  const purposes = Object.fromEntries(
    PURPOSE_NAMES.map((name, index) => [
      String(index + 1),
      { id: index + 1, name, description: name, illustrations: [] },
    ]),
  );
  // Vendors 1-3 and 10-40 (for ranges), each declaring every purpose; vendor 2 is flexible on 2.
  const vendorIds = [1, 2, 3, ...Array.from({ length: 31 }, (_, i) => 10 + i), 700];
  const vendors = Object.fromEntries(
    vendorIds.map((id) => [
      String(id),
      {
        id,
        name: `Vendor ${id}`,
        purposes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        legIntPurposes: [2, 7, 8, 9, 10],
        flexiblePurposes: id === 2 ? [2] : [],
        specialPurposes: [1],
        features: [],
        specialFeatures: [1, 2],
        policyUrl: "https://vendor.example/privacy",
      },
    ]),
  );
  return {
    gvlSpecificationVersion: 3,
    vendorListVersion,
    tcfPolicyVersion: policyVersion,
    lastUpdated: "2025-01-01T00:00:00Z",
    purposes,
    specialPurposes: { "1": { id: 1, name: "Ensure security", description: "", illustrations: [] } },
    features: {},
    specialFeatures: {
      "1": { id: 1, name: "Use precise geolocation data", description: "", illustrations: [] },
      "2": { id: 2, name: "Actively scan device characteristics", description: "", illustrations: [] },
    },
    stacks: {},
    dataCategories: {},
    vendors,
  } as unknown as VendorList;
}

interface Generated {
  name: string;
  policyVersion: number;
  consents: number[];
  legitimateInterests?: number[];
  specialFeatures?: number[];
  vendorConsents?: number[];
  vendorLegitimateInterests?: number[];
  restrict?: boolean;
  cmpId?: number;
  country?: string;
  purposeOneTreatment?: boolean;
  serviceSpecific?: boolean;
  created?: Date;
  lastUpdated?: Date;
}

function encode(spec: Generated): string {
  const model = new TCModel(new GVL(vendorList(spec.policyVersion, 100 + spec.policyVersion)));
  model.cmpId = spec.cmpId ?? 300;
  model.cmpVersion = 7;
  model.consentScreen = 3;
  model.publisherCountryCode = spec.country ?? "DE";
  model.purposeOneTreatment = spec.purposeOneTreatment ?? false;
  model.isServiceSpecific = spec.serviceSpecific ?? true;
  model.purposeConsents.set(spec.consents);
  model.purposeLegitimateInterests.set(spec.legitimateInterests ?? []);
  model.specialFeatureOptins.set(spec.specialFeatures ?? []);
  model.vendorConsents.set(spec.vendorConsents ?? []);
  model.vendorLegitimateInterests.set(spec.vendorLegitimateInterests ?? []);
  if (spec.restrict) {
    model.publisherRestrictions.add(1, new PurposeRestriction(2, RestrictionType.NOT_ALLOWED));
    model.publisherRestrictions.add(2, new PurposeRestriction(2, RestrictionType.REQUIRE_LI));
    for (let id = 10; id <= 20; id++) {
      model.publisherRestrictions.add(id, new PurposeRestriction(7, RestrictionType.NOT_ALLOWED));
    }
  }
  if (spec.created) model.created = spec.created;
  if (spec.lastUpdated) model.lastUpdated = spec.lastUpdated;
  return TCString.encode(model);
}

/** A fixed pseudo-random sequence (mulberry32), so the "random" combinations are the same every run. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function subset(random: () => number, ids: readonly number[]): number[] {
  return ids.filter(() => random() < 0.5);
}

const ALL_PURPOSES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/** LI may be signalled for these only (TCF v2.2: not 1, 3, 4, 5, 6). */
const LI_PURPOSES = [2, 7, 8, 9, 10, 11];
const RANGE_VENDORS = Array.from({ length: 31 }, (_, i) => 10 + i);

function generatedCases(): Generated[] {
  const cases: Generated[] = [];
  for (const policyVersion of [2, 4, 5]) {
    cases.push({ name: `policy ${policyVersion}: nothing`, policyVersion, consents: [] });
    cases.push({ name: `policy ${policyVersion}: everything`, policyVersion, consents: ALL_PURPOSES });
    for (const purpose of ALL_PURPOSES) {
      cases.push({ name: `policy ${policyVersion}: only ${purpose}`, policyVersion, consents: [purpose] });
      cases.push({
        name: `policy ${policyVersion}: all but ${purpose}`,
        policyVersion,
        consents: ALL_PURPOSES.filter((id) => id !== purpose),
      });
    }
  }
  const random = seededRandom(2024);
  for (let i = 0; i < 48; i++) {
    const policyVersion = [2, 4, 5][i % 3] ?? 5;
    cases.push({
      name: `mixed #${i} (policy ${policyVersion})`,
      policyVersion,
      consents: subset(random, ALL_PURPOSES),
      legitimateInterests: subset(random, LI_PURPOSES),
      specialFeatures: subset(random, [1, 2]),
      vendorConsents: subset(random, [1, 2, 3, ...RANGE_VENDORS, 700]),
      vendorLegitimateInterests: i % 2 === 0 ? [...RANGE_VENDORS, 700] : subset(random, [1, 2, 3]),
      restrict: i % 4 === 0,
      cmpId: 2 + Math.floor(random() * 4000),
      country: ["DE", "FR", "GB", "ES", "AA", "ZZ"][i % 6] ?? "DE",
      purposeOneTreatment: i % 5 === 0,
      serviceSpecific: i % 7 !== 0,
      created: new Date(Date.UTC(2020, 0, 1) + Math.floor(random() * 2e11)),
      lastUpdated: new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 1e11)),
    });
  }
  return cases;
}

const GENERATED = generatedCases().map((spec) => ({ ...spec, value: encode(spec) }));

describe("strings encoded by the IAB library: the decoder reads what the library reads", () => {
  it.each(GENERATED)("$name", ({ value, consents }) => {
    const expected = libraryDecode(value);
    expect(expected?.purposeConsents).toEqual(consents);
    expect(decodeTcString(value)).toEqual({ ok: true, tc: expected });
  });

  it("covers range-encoded vendors and publisher restrictions", () => {
    const ranged = GENERATED.filter((spec) => spec.restrict === true);
    expect(ranged.length).toBeGreaterThan(0);
    for (const { value } of ranged) {
      const model = TCString.decode(value);
      expect(model.publisherRestrictions.numRestrictions).toBeGreaterThan(0);
      expect(idsOf(model.vendorLegitimateInterests)).toEqual([...RANGE_VENDORS, 700]);
    }
    // IsRangeEncoding of the vendor consent section follows MaxVendorId(16) at bit 213.
    const rangeEncoded = GENERATED.filter((spec) => bitsOf(spec.value).charAt(229) === "1");
    expect(rangeEncoded.length).toBeGreaterThan(0);
    expect(GENERATED.length - rangeEncoded.length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile input.

/** The core of `value` with `width` bits at `offset` set to `bits` (test-only string surgery). */
function withBits(value: string, offset: number, width: number, bits: number): string {
  const binary = bitsOf(value);
  const patched =
    binary.slice(0, offset) + bits.toString(2).padStart(width, "0") + binary.slice(offset + width);
  let out = "";
  for (let i = 0; i < patched.length; i += 6) {
    out += BASE64URL_ALPHABET[parseInt(patched.slice(i, i + 6), 2)] ?? "";
  }
  return out;
}

const VALID = GENERATED.find((spec) => spec.restrict === true)?.value ?? "";

describe("malformed TC strings are refused, never thrown on", () => {
  it.each([
    ["empty", "", "empty"],
    ["only a dot", ".YAAAAAAAAAAA", "empty"],
    ["standard base64 '+'", "CP+h7_cXPh7_cXKMAAAENCZCAAKqAAAAAAAAAAAAAAAAA", "not-base64url"],
    ["padding '='", "CPh8CjOPh8CjOEZAAAENCZCAAAAAAAAAAAAAAAAAAAAA=", "not-base64url"],
    ["a space", "CPh8CjOPh8CjOEZ AAAENCZCAAAAAAAAAAAAAAAAAAAAA", "not-base64url"],
    [
      "'?' inside (the isPurposeConsentSet test)",
      "CPh7_cXPh7_cXKMAAAENCZCA??????????AAAAAAAAAAAAAAA",
      "not-base64url",
    ],
    ["non-ASCII", "CPh8CjOPh8CjOEZAAAENCZCAAAAAAAAAAAAAAAAAAAAé", "not-base64url"],
    ["percent-encoded", "CPh8CjOPh8CjOEZAAAENCZCAAAAAAAAAAAAAAAAAAAAA%2E", "not-base64url"],
    ["too short (the isPurposeConsentSet test)", "CPh7_cXPh7", "truncated"],
    // TCF v1.1 strings start with "B" (Version 1): another layout, refused whole.
    [
      "TCF v1 (Fidzup/Consent-String-SDK-Ruby test)",
      "BOVeoB_OVeoFxC-AHAFRBtAAAAAhGAEAD4AXAA2YCEQ",
      "unsupported-version",
    ],
    ["TCF v1 (iabtcf-java issue #106)", "BO4yybTO4yybTAAAAAENAAAAAAAAAA", "unsupported-version"],
    [
      "version 1 header on a v2 body (isPurposeConsentSet test)",
      "BPh8CjOPh8CjOEZAAAENCZCAAAAAAAAAAAAAAAAAAAAA",
      "unsupported-version",
    ],
    ["version 3", withBits(VALID, 0, 6, 3), "unsupported-version"],
    [
      "a non-core segment first",
      "YAAAAAAAAAAA.CPh8CjOPh8CjOEZAAAENCZCAAAAAAAAAAAAAAAAAAAAA",
      "unsupported-version",
    ],
    ["policy version 0", withBits(VALID, 132, 6, 0), "unsupported-policy-version"],
    ["policy version 1", withBits(VALID, 132, 6, 1), "unsupported-policy-version"],
    ["CmpId 1", withBits(VALID, 78, 12, 1), "invalid-cmp-id"],
    ["ConsentLanguage past Z", withBits(VALID, 108, 6, 26), "invalid-letter"],
    ["PublisherCC past Z", withBits(VALID, 207, 6, 63), "invalid-letter"],
    ["a vendor bit field past the end", withBits(withBits(VALID, 213, 16, 65535), 229, 1, 0), "truncated"],
    ["10 KB", "C".repeat(10 * 1024), "too-long"],
    ["one past the cap", "C".repeat(MAX_TC_STRING_LENGTH + 1), "too-long"],
  ])("%s", (_name, value, reason) => {
    expect(decodeTcString(value)).toEqual({ ok: false, reason });
  });

  // Found by test/fuzz/cmp.test.ts: a range entry for vendor 0, which no vendor list assigns.
  it.each([
    ["a single vendor 0", "CQujIwAOsdsoAACABAENBmCgAAAAAAAAAAYgFeQAwAAGAMAV4AAAAAAA"],
    [
      "a range starting at vendor 0",
      // MaxVendorId 10, IsRangeEncoding, 1 entry: IsARange, 0 to 5; then the rest of VALID's bits.
      [
        [213, 16, 10],
        [229, 1, 1],
        [230, 12, 1],
        [242, 1, 1],
        [243, 16, 0],
        [259, 16, 5],
      ].reduce(
        (value, [offset = 0, width = 0, bits = 0]) => withBits(value, offset, width, bits),
        coreOf(VALID),
      ),
    ],
  ])("a vendor range entry with %s is refused, as the IAB library refuses it", (_name, value) => {
    expect(libraryDecode(value)).toBeNull();
    expect(decodeTcString(value)).toEqual({ ok: false, reason: "invalid-range" });
  });

  it("accepts a policy version above 5, since the core layout is fixed by Version", () => {
    const decoded = decodeTcString(withBits(VALID, 132, 6, 6));
    expect(decoded.ok && decoded.tc.policyVersion).toBe(6);
  });

  it("reads a value in DQUOTEs (RFC 6265 cookie-value) like the bare value", () => {
    expect(decodeTcString(`"${VALID}"`)).toEqual(decodeTcString(VALID));
  });

  it("a valid string of 4 KB or less is read whatever trails its core", () => {
    const padded = `${coreOf(VALID)}.${"Y".repeat(MAX_TC_STRING_LENGTH - coreOf(VALID).length - 1)}`;
    expect(padded.length).toBe(MAX_TC_STRING_LENGTH);
    expect(decodeTcString(padded).ok).toBe(true);
  });

  /**
   * Every prefix of a core segment: refused, or read exactly as the whole (the cut fell in the
   * encoder's zero padding). The IAB library draws the same line.
   */
  const TRUNCATED = [
    ...REAL.filter((real) => /transfermarkt|infojobs|issue #95 \(string given|#125/.test(real.source)),
    ...GENERATED.filter((spec) => spec.restrict === true)
      .slice(0, 3)
      .map((spec) => ({ source: spec.name, value: spec.value })),
  ];
  it.each(TRUNCATED)("every prefix of: $source", ({ value }) => {
    const core = coreOf(value);
    const whole = decodeTcString(core);
    expect(whole.ok).toBe(true);
    let refused = 0;
    for (let length = 0; length < core.length; length++) {
      const prefix = core.slice(0, length);
      const decoded = decodeTcString(prefix);
      expect(decoded.ok, `prefix of ${length}`).toBe(libraryDecode(prefix) !== null);
      if (decoded.ok) expect(decoded).toEqual(whole);
      else refused++;
    }
    expect(refused).toBeGreaterThan(core.length - 4);
  });

  it("never throws on random base64url or random bytes", () => {
    const random = seededRandom(7);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."%=+/ ';
    for (let i = 0; i < 2_000; i++) {
      const length = Math.floor(random() * 120);
      let value = i % 2 === 0 ? "C" : "";
      for (let j = 0; j < length; j++) value += alphabet[Math.floor(random() * alphabet.length)] ?? "";
      expect(() => decodeTcString(value)).not.toThrow();
    }
  });

  it("never puts the value in its answer", () => {
    const secret = `${coreOf(VALID).slice(0, 20)}SECRET`;
    expect(JSON.stringify(decodeTcString(secret))).not.toContain("SECRET");
  });
});

// ---------------------------------------------------------------------------------------------
// The CmpDecoder.

const ACCEPT_FIRST_ODD = REAL.find((real) => real.source.includes("purposes 1,3,5,7,9"))?.value ?? "";
const TRANSFERMARKT = REAL.find((real) => real.source.includes("transfermarkt"))?.value ?? "";

describe("tcf.read", () => {
  it("is absent without the cookie", () => {
    expect(tcf.read([])).toEqual({ status: "absent" });
    expect(tcf.read([{ name: "euconsent", value: ACCEPT_FIRST_ODD }])).toEqual({ status: "absent" });
  });

  it("reports purposes 1..11 as groups and LastUpdated as givenAt (Unix seconds)", () => {
    expect(tcf.read([{ name: "euconsent-v2", value: ACCEPT_FIRST_ODD }])).toEqual({
      status: "decided",
      groups: {
        "1": true,
        "2": false,
        "3": true,
        "4": false,
        "5": true,
        "6": false,
        "7": true,
        "8": false,
        "9": true,
        "10": false,
        "11": false,
      },
      givenAt: Math.floor(Date.UTC(2022, 10, 4, 8, 23, 4, 700) / 1000),
    });
  });

  it("reads the configured cookie name instead", () => {
    const cookies = [
      { name: "euconsent-v2", value: TRANSFERMARKT },
      { name: "site_tcf", value: ACCEPT_FIRST_ODD },
    ];
    const reading = tcf.read(cookies, { cookieName: "site_tcf" });
    expect(reading.status === "decided" && reading.groups["2"]).toBe(false);
    expect(tcf.read([{ name: "euconsent-v2", value: TRANSFERMARKT }], { cookieName: "site_tcf" })).toEqual({
      status: "absent",
    });
  });

  it("is undecided, with the reason, when the cookie does not decode", () => {
    expect(tcf.read([{ name: "euconsent-v2", value: "" }])).toEqual({
      status: "undecided",
      reason: "tcf:empty",
    });
    expect(tcf.read([{ name: "euconsent-v2", value: "BO4yybTO4yybTAAAAAENAAAAAAAAAA" }])).toEqual({
      status: "undecided",
      reason: "tcf:unsupported-version",
    });
  });

  // Several cookies (another path or domain, or one a sibling subdomain planted with a date of its
  // choosing): a purpose counts only when every copy that decodes consents to it. The copy updated
  // last used to win, so a planted newer string overrode the visitor's refusal.
  it("combines several cookies so that none widens another, and skips broken ones", () => {
    const older = encode({
      name: "older",
      policyVersion: 5,
      consents: [1],
      lastUpdated: new Date("2025-01-01"),
    });
    const newer = encode({
      name: "newer",
      policyVersion: 5,
      consents: [1, 8],
      lastUpdated: new Date("2025-06-01"),
    });
    for (const order of [
      [older, "garbage!", newer],
      [newer, older, "garbage!"],
    ]) {
      const reading = tcf.read(order.map((value) => ({ name: "euconsent-v2", value })));
      expect(reading).toMatchObject({ status: "decided", givenAt: Date.UTC(2025, 5, 1) / 1000 });
      expect(reading.status === "decided" && reading.groups["1"]).toBe(true);
      expect(reading.status === "decided" && reading.groups["8"]).toBe(false);
    }
    expect(tcf.read([newer, "garbage!"].map((value) => ({ name: "euconsent-v2", value })))).toMatchObject({
      status: "decided",
      groups: { "1": true, "8": true },
    });
    expect(tcf.read(["garbage!", ""].map((value) => ({ name: "euconsent-v2", value })))).toEqual({
      status: "undecided",
      reason: "tcf:duplicate-cookie",
    });
  });

  it("declares its cookie and default mapping", () => {
    expect(tcf.id).toBe("tcf");
    expect(tcf.cookies).toEqual(["euconsent-v2"]);
    expect(tcf.defaultMapping).toBe(defaultMapping);
  });
});

// ---------------------------------------------------------------------------------------------
// From purposes to categories.

function groupsOf(consented: readonly number[]): Record<string, boolean> {
  return Object.fromEntries(ALL_PURPOSES.map((purpose) => [String(purpose), consented.includes(purpose)]));
}

describe("categoriesFromTcf: purpose 1 and every purpose of the category", () => {
  it.each([
    ["everything", ALL_PURPOSES, { marketing: true, functional: true, analytics: true }],
    ["nothing", [], { marketing: false, functional: false, analytics: false }],
    [
      "everything but purpose 1",
      ALL_PURPOSES.slice(1),
      { marketing: false, functional: false, analytics: false },
    ],
    ["1 + measurement only (8)", [1, 8], { marketing: false, functional: false, analytics: false }],
    ["1 + 8, 9, 10", [1, 8, 9, 10], { marketing: false, functional: false, analytics: true }],
    ["1 + personalised content (5, 6)", [1, 5, 6], { marketing: false, functional: true, analytics: false }],
    ["1 + 5 without 6", [1, 5], { marketing: false, functional: false, analytics: false }],
    ["1 + advertising 2, 3, 4, 7", [1, 2, 3, 4, 7], { marketing: true, functional: false, analytics: false }],
    [
      "1 + advertising without measurement (7)",
      [1, 2, 3, 4],
      { marketing: false, functional: false, analytics: false },
    ],
    // TCF v2.0 strings cannot consent to purpose 11 (it did not exist): it is not required.
    [
      "all ten purposes of TCF v2.0",
      ALL_PURPOSES.slice(0, 10),
      { marketing: true, functional: true, analytics: true },
    ],
  ])("%s", (_name, consented, expected) => {
    expect(categoriesFromTcf(groupsOf(consented))).toEqual(expected);
  });

  it("maps every purpose but 1 (the prerequisite) and 11 (no cookie of its own)", () => {
    expect(Object.keys(defaultMapping).sort((a, b) => Number(a) - Number(b))).toEqual([
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
      "9",
      "10",
    ]);
  });

  it("follows a site's own mapping, and a purpose missing from the reading is refused", () => {
    const mapping = { "8": "statistics", "12": "statistics", "2": "ads", toString: "sneaky" };
    expect(categoriesFromTcf(groupsOf(ALL_PURPOSES), mapping)).toEqual({
      statistics: false,
      ads: true,
      sneaky: false,
    });
    expect(categoriesFromTcf({ "1": true, "8": true }, { "8": "statistics" })).toEqual({ statistics: true });
  });

  it("grants nothing from a real refusal and everything from a real acceptance", () => {
    const refused = tcf.read([
      {
        name: "euconsent-v2",
        value: REAL.find((r) => r.source.includes("leboncoin.fr (Didomi, TCF v2.3, refused)"))?.value ?? "",
      },
    ]);
    const accepted = tcf.read([{ name: "euconsent-v2", value: TRANSFERMARKT }]);
    if (refused.status !== "decided" || accepted.status !== "decided")
      throw new Error("expected decided readings");
    expect(categoriesFromTcf(refused.groups)).toEqual({
      marketing: false,
      functional: false,
      analytics: false,
    });
    expect(categoriesFromTcf(accepted.groups)).toEqual({
      marketing: true,
      functional: true,
      analytics: true,
    });
  });
});
