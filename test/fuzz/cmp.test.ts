/**
 * Properties of every CMP decoder (src/consent/cmp/registry.ts) over arbitrary cookie values and
 * cookie lists: random strings and bytes, percent-encoding, base64 and base64url, JSON of hostile
 * shapes (`__proto__`, `constructor`, huge arrays, deep nesting, wrong types, numbers as strings,
 * duplicate keys), each CMP's real format with fields mutated, and lists with duplicates and
 * case variants of the names.
 *
 * The judge of "does this value grant group G" is a witness written from the CMP's own format,
 * independently of the decoder: a decoder may refuse more than the witness (it is stricter about
 * everything around the grant), never grant a group the value does not spell out as granted.
 * TCF is judged by the IAB's own library (@iabtechlabtcf/core), GPP's TCF section by the IAB's
 * GPP library (@iabgpp/cmpapi).
 */
import { GppModel } from "@iabgpp/cmpapi";
import { GVL, TCModel, TCString } from "@iabtechlabtcf/core";
import type { VendorList } from "@iabtechlabtcf/core";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FORBIDDEN_KEYS, MAX_VALUE_LENGTH } from "../../src/consent/cmp/read-helpers";
import { CMP_DECODERS } from "../../src/consent/cmp/registry";
import { decodeTcString } from "../../src/consent/cmp/tcf";
import type { CmpDecoder, CmpReading, CookiePair } from "../../src/consent/cmp/types";
import { libraryDecode } from "../cmp/tcf-reference";
import { fuzzParameters } from "./settings";

type CmpId = keyof typeof CMP_DECODERS;
const IDS = Object.keys(CMP_DECODERS) as CmpId[];

// ---------------------------------------------------------------------------------------------
// Prototype pollution: whatever a decoder reads, the shared prototypes stay as they were.

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const snapshot = () => PROTOTYPES.map((proto) => Object.getOwnPropertyNames(proto).sort().join(","));
let before: string[] = [];
beforeEach(() => {
  before = snapshot();
});
afterEach(() => {
  expect(snapshot()).toEqual(before);
  const probe: Record<string, unknown> = {};
  for (const key of ["polluted", "analytics", "marketing", "C0002", "1", "isAdmin"]) {
    expect(probe[key]).toBeUndefined();
  }
});

// ---------------------------------------------------------------------------------------------
// Arbitraries: values.

const bool = fc.boolean();
const isoDate = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) })
  .map((ms) => new Date(ms).toISOString());
const HOSTILE_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "categories",
  "level",
  "services",
  "purposes",
  "enabled",
  "disabled",
  "necessary",
  "analytics",
  "marketing",
  "statistics",
  "preferences",
  "1",
  "length",
];
const hostileKey = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 12 }));

/** JSON text of hostile shapes, some with a key written twice (JSON.stringify never does that). */
const hostileJson: fc.Arbitrary<string> = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc
    .letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.constantFrom(true, false, null, 0, 1, "1", "true", "yes", "allow", -1, 1e308),
        fc.string({ maxLength: 10 }),
        fc.array(tie("value"), { maxLength: 5 }),
        fc.dictionary(hostileKey, tie("value"), { maxKeys: 5 }),
      ),
    }))
    .value.map((value) => JSON.stringify(value)),
  // Hand-built objects: duplicate keys, __proto__ as a JSON key, deep nesting, huge arrays.
  fc
    .array(fc.tuple(hostileKey, fc.constantFrom("true", "false", "1", '"1"', "[]", "{}", '["analytics"]')), {
      maxLength: 8,
    })
    .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`),
  fc.integer({ min: 1, max: 400 }).map((depth) => "[".repeat(depth) + "]".repeat(depth)),
  fc.integer({ min: 1, max: 200 }).map((depth) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth)),
  fc
    .constantFrom("analytics", "marketing", "1", "C0002")
    .map((name) => `{"categories":[${`"${name}",`.repeat(500)}"x"]}`),
);

const base64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));
const base64url = (text: string) => base64(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** A value as a CMP might store it: as is, percent-encoded, base64, base64url, or double-encoded. */
const encoded = (text: fc.Arbitrary<string>) =>
  fc.tuple(text, fc.constantFrom("raw", "percent", "twice", "base64", "base64url")).map(([value, how]) => {
    switch (how) {
      case "percent":
        return encodeURIComponent(value);
      case "twice":
        return encodeURIComponent(encodeURIComponent(value));
      case "base64":
        return base64(value);
      case "base64url":
        return base64url(value);
      default:
        return value;
    }
  });

/** Real formats, with the grant choices random. */
const groupsOf = (ids: readonly string[]) =>
  fc.tuple(...ids.map(() => bool)).map((flags) => ids.map((id, i) => [id, flags[i] ?? false] as const));

const onetrustValue = fc
  .tuple(
    groupsOf(["C0001", "C0002", "C0003", "C0004", "C0005", "V2STACK42", "SPD_BG"]),
    fc.integer({ min: 0, max: 9 }),
  )
  .map(
    ([groups, count]) =>
      `isGpcEnabled=0&datestamp=Wed+Feb+01+2023+12%3A35%3A32+GMT%2B0100&version=202209.1.0&interactionCount=${count}` +
      `&landingPath=NotLandingPage&groups=${encodeURIComponent(groups.map(([id, on]) => `${id}:${on ? 1 : 0}`).join(","))}&geolocation=AT%3B9`,
  );
const cookiebotValue = fc
  .tuple(groupsOf(["preferences", "statistics", "marketing"]), fc.constantFrom("explicit", "implied"))
  .map(([groups, method]) =>
    `{stamp:'Ov4g2x==',necessary:true,${groups.map(([id, on]) => `${id}:${on}`).join(",")},method:'${method}',ver:1,utc:1698057791350,region:'gb'}`
      .replace(/'/g, "%27")
      .replace(/,/g, "%2C"),
  );
const vanillaValue = fc
  .tuple(groupsOf(["analytics", "marketing", "functional", "ads"]), bool, bool)
  .map(([groups, v3, percent]) => {
    const accepted = ["necessary", ...groups.filter(([, on]) => on).map(([id]) => id)];
    const json = JSON.stringify(
      v3
        ? {
            categories: accepted,
            revision: 0,
            data: null,
            consentTimestamp: "2024-01-02T03:04:05.000Z",
            services: Object.fromEntries(groups.map(([id]) => [id, []])),
          }
        : { level: accepted, revision: 0, data: null, rfc_cookie: false },
    );
    return percent ? encodeURIComponent(json) : json;
  });
const klaroValue = groupsOf(["matomo", "youtube", "google-analytics", "klaro"]).map((groups) =>
  encodeURIComponent(JSON.stringify(Object.fromEntries(groups))),
);
const cookieyesValue = fc
  .tuple(groupsOf(["functional", "analytics", "performance", "advertisement", "other"]), bool)
  .map(
    ([groups, acted]) =>
      `consentid:d2JnOWxk,consent:yes,action:${acted ? "yes" : "no"},necessary:yes,` +
      groups.map(([id, on]) => `${id}:${on ? "yes" : "no"}`).join(","),
  );
const didomiValue = fc
  .tuple(groupsOf(["cookies", "select_basic_ads", "measure_content_performance", "geolocation_data"]), bool)
  .map(([groups, url]) => {
    const json = JSON.stringify({
      user_id: "1",
      created: "2024-07-05T13:22:14.993Z",
      updated: "2024-07-05T13:22:52.393Z",
      vendors: { enabled: [], disabled: [] },
      purposes: {
        enabled: groups.filter(([, on]) => on).map(([id]) => id),
        disabled: groups.filter(([, on]) => !on).map(([id]) => id),
      },
      version: 2,
    });
    return url ? base64url(json) : base64(json);
  });

/** Mutations of a real value: cut, insert, replace, duplicate a piece, flip case, re-encode. */
const mutated = (value: fc.Arbitrary<string>) =>
  fc
    .tuple(
      value,
      fc.array(
        fc.tuple(
          fc.constantFrom("cut", "insert", "replace", "repeat", "case", "decode", "encode"),
          fc.nat(),
          fc.nat({ max: 40 }),
          fc.oneof(
            fc.string({ maxLength: 6 }),
            fc.constantFrom(
              ":1",
              ":true",
              ":yes",
              "=allow",
              "%",
              "%2C",
              ",",
              "&",
              "'",
              '"',
              "\\",
              "{",
              "}",
              "1",
            ),
          ),
        ),
        { minLength: 1, maxLength: 4 },
      ),
    )
    .map(([start, steps]) =>
      steps.reduce((text, [op, at, length, piece]) => {
        const i = text.length === 0 ? 0 : at % (text.length + 1);
        switch (op) {
          case "cut":
            return text.slice(0, i) + text.slice(i + length);
          case "insert":
            return text.slice(0, i) + piece + text.slice(i);
          case "replace":
            return text.slice(0, i) + piece + text.slice(i + piece.length);
          case "repeat":
            return text.slice(0, i + length) + text.slice(i, i + length) + text.slice(i + length);
          case "case":
            return text.slice(0, i) + text.slice(i, i + length).toUpperCase() + text.slice(i + length);
          case "decode":
            try {
              return decodeURIComponent(text);
            } catch {
              return text;
            }
          default:
            return encodeURIComponent(text);
        }
      }, start),
    );

const garbage = fc.oneof(
  fc.string({ maxLength: 64 }),
  fc.string({ unit: "binary", maxLength: 64 }),
  fc.string({ unit: "binary-ascii", maxLength: 300 }),
  fc.base64String({ maxLength: 200 }),
  encoded(hostileJson),
  fc.constantFrom(
    "",
    " ",
    "-1",
    "0",
    "1",
    "true",
    "null",
    "undefined",
    "%",
    "%zz",
    "%C0%80",
    '""',
    "{}",
    "[]",
  ),
  fc.integer({ min: MAX_VALUE_LENGTH - 2, max: MAX_VALUE_LENGTH + 2 }).map((n) => "a".repeat(n)),
);

const realValues: Record<CmpId, fc.Arbitrary<string>> = {
  onetrust: onetrustValue,
  cookiebot: cookiebotValue,
  "vanilla-cookieconsent": vanillaValue,
  klaro: klaroValue,
  cookieyes: cookieyesValue,
  complianz: fc.constantFrom("allow", "deny", "dismissed", "show"),
  didomi: didomiValue,
  // TC strings the IAB library encodes are generated further down (a GVL per string is costly).
  tcf: fc.constantFrom(
    "CP3MC8AP3MC8APoABABGAfEAAAAAAAAAAAAAAAAAAAAA.QAAA.IAAA",
    "CPh7_cXPh7_cXKMAAAENCZCAAKqAAAAAAAAAAAAAAAAA",
    "COvFyGBOvFyGBAbAAAENAPCAAOAAAAAAAAAAAEEUACCKAAA",
  ),
  // GPP strings from @iabgpp/cmpapi's tests (IABTechLab/iabgpp-es) and a OneTrust cookie.
  gpp: fc.constantFrom(
    "DBABLA~BVQVAAAAAgA.QA",
    "DBACNYA~CPSG_8APSG_8ANwAAAENAwCgAAAAAAAAAAAAAAAAAAAA.IAAA.YAAAAAAAAAAA~1YNN",
    "DBABLA~CAAAVVVVVVRA.QA",
    "DBABMA~CPSG_8APSG_8ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA.IDKQA4AAgAKAGQAygAAA.YAAAAAAAAAAA",
  ),
  "us-privacy": fc.constantFrom("1YNN", "1NYN", "1---", "1YYY", "1nyn"),
  zaraz: fc.constantFrom('{"USeX":true,"dqVA":false}', encodeURIComponent('{"USeX":true}')),
};

const anyValue = (id: CmpId) => fc.oneof(garbage, realValues[id], mutated(realValues[id]));

// ---------------------------------------------------------------------------------------------
// Arbitraries: cookie lists.

/** The names each decoder reads (its default cookie names; Complianz's per-category cookies). */
const NAMES: Record<CmpId, readonly string[]> = {
  onetrust: ["OptanonConsent", "OptanonAlertBoxClosed"],
  cookiebot: ["CookieConsent"],
  "vanilla-cookieconsent": ["cc_cookie"],
  klaro: ["klaro"],
  cookieyes: ["cookieyes-consent"],
  complianz: [
    "cmplz_banner-status",
    "cmplz_functional",
    "cmplz_preferences",
    "cmplz_statistics",
    "cmplz_marketing",
    "cmplz_consented_services",
  ],
  didomi: ["didomi_token"],
  tcf: ["euconsent-v2"],
  gpp: ["__gpp", "OTGPPConsent"],
  "us-privacy": ["usprivacy"],
  zaraz: ["cf_consent"],
};

/** A cookie value for `name`: OneTrust's closed-banner cookie gets dates, Complianz's services JSON. */
function valueFor(id: CmpId, name: string): fc.Arbitrary<string> {
  if (name === "OptanonAlertBoxClosed") return fc.oneof(isoDate, garbage, mutated(isoDate));
  if (name === "cmplz_consented_services") return fc.oneof(encoded(hostileJson), klaroValue, garbage);
  return anyValue(id);
}

const caseVariant = (name: string) =>
  fc
    .array(bool, { minLength: name.length, maxLength: name.length })
    .map((flips) => Array.from(name, (c, i) => (flips[i] ? c.toUpperCase() : c.toLowerCase())).join(""))
    .filter((variant) => variant !== name);

/** A Cookie header's pairs: the decoder's own names (several times over), case variants, others. */
const cookieList = (id: CmpId): fc.Arbitrary<CookiePair[]> =>
  fc.array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .constantFrom(...NAMES[id])
          .chain((name) => valueFor(id, name).map((value) => ({ name, value }))),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(...NAMES[id])
          .chain(caseVariant)
          .chain((name) => anyValue(id).map((value) => ({ name, value }))),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          name: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...HOSTILE_KEYS)),
          value: garbage,
        }),
      },
    ),
    { maxLength: 8 },
  );

// ---------------------------------------------------------------------------------------------
// What a reading may be.

/** Group ids each decoder may report, by its format. */
const GROUP_SHAPES: Record<CmpId, RegExp> = {
  onetrust: /^[A-Za-z0-9_-]{1,64}$/,
  cookiebot: /^(necessary|preferences|statistics|marketing)$/,
  "vanilla-cookieconsent": /^[^\s\u0000-\u001f\u007f"'<>]{1,64}$/u,
  klaro: /^[^\s\u0000-\u001f\u007f"'<>]{1,128}$/u,
  cookieyes: /^[A-Za-z0-9_-]{1,64}$/,
  complianz: /^(functional|preferences|statistics|marketing|service:[A-Za-z0-9_.-]{1,64})$/,
  didomi: /^[A-Za-z0-9_:.-]{1,128}$/,
  tcf: /^([1-9]|1[01])$/,
  gpp: /^(sale|sharing|targetedAdvertising|sensitiveData|gpc|tcfeuv2\.([1-9]|1[01]))$/,
  "us-privacy": /^sale$/,
  zaraz: /^[^\s\u0000-\u001f\u007f"'<>]{1,128}$/u,
};

function expectWellFormed(id: CmpId, reading: CmpReading) {
  expect(["absent", "undecided", "decided"]).toContain(reading.status);
  if (reading.status === "undecided") {
    // A fixed code, never the cookie's value.
    expect(reading.reason).toMatch(new RegExp(`^${id}:[a-z0-9-]+$`));
    expect(reading.reason.length).toBeLessThan(64);
  }
  if (reading.status !== "decided") return;
  for (const [group, granted] of Object.entries(reading.groups)) {
    expect(group).toMatch(GROUP_SHAPES[id]);
    expect(FORBIDDEN_KEYS.has(group)).toBe(false);
    expect(typeof granted).toBe("boolean");
  }
  if (reading.givenAt !== undefined) {
    // Whole seconds. A date before 1970 stays as it is (negative): resolveConsent then finds it
    // expired, where dropping it would leave a decision that never expires.
    expect(Number.isSafeInteger(reading.givenAt)).toBe(true);
  }
}

const grantedGroups = (reading: CmpReading): string[] =>
  reading.status === "decided"
    ? Object.entries(reading.groups)
        .filter(([, granted]) => granted)
        .map(([group]) => group)
    : [];

// ---------------------------------------------------------------------------------------------
// Witnesses: does some cookie of the list spell out a grant of `group`, by the CMP's own format?

const BASE64URL_CHARS = Array.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

const tryDecode = (value: string): string | null => {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
};
const tryJson = (value: string | null): unknown => {
  if (value === null) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
};
const valuesOf = (cookies: readonly CookiePair[], name: string) =>
  cookies.filter((cookie) => cookie.name === name).map((cookie) => cookie.value);
const ownTrue = (record: unknown, key: string) =>
  typeof record === "object" &&
  record !== null &&
  Object.hasOwn(record, key) &&
  (record as Record<string, unknown>)[key] === true;
const listIncludes = (list: unknown, item: string) => Array.isArray(list) && list.includes(item);
const fromBase64 = (value: string): string | null => {
  try {
    const b64 = (tryDecode(value.trim()) ?? "").replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(b64.padEnd(b64.length + ((4 - (b64.length % 4)) % 4), "=")), (c) =>
      c.charCodeAt(0),
    );
    return new TextDecoder().decode(bytes);
  } catch {
    return null;
  }
};
const libraryConsents = (value: string): number[] | null => {
  try {
    const model = TCString.decode(value.replace(/^"(.*)"$/, "$1"));
    const ids: number[] = [];
    model.purposeConsents.forEach((on, purpose) => {
      if (on) ids.push(purpose);
    });
    return ids;
  } catch {
    return null;
  }
};

/** The TCF purposes GPP's TCF EU v2 section consents to, by the IAB's GPP library; null when it throws. */
const gppLibraryConsents = (value: string): number[] | null => {
  try {
    const model = new GppModel(value);
    if (!model.getSectionIds().includes(2)) return null;
    const consents = model.getFieldValue("tcfeuv2", "PurposeConsents") as boolean[];
    return consents.flatMap((on, index) => (on ? [index + 1] : []));
  } catch {
    return null;
  }
};

const WITNESSES: Record<CmpId, (cookies: readonly CookiePair[], group: string) => boolean> = {
  onetrust: (cookies, group) =>
    valuesOf(cookies, "OptanonAlertBoxClosed").length > 0 &&
    valuesOf(cookies, "OptanonConsent").some((value) =>
      value
        .split("&")
        .filter((part) => part.startsWith("groups="))
        .some((part) => (tryDecode(part.slice(7)) ?? "").split(",").includes(`${group}:1`)),
    ),
  cookiebot: (cookies, group) =>
    valuesOf(cookies, "CookieConsent").some((value) => {
      const text = tryDecode(value.trim()) ?? "";
      return (
        (value.trim() === "0" && group === "necessary") ||
        new RegExp(`[{,]\\s*(${group}|'${group}'|"${group}")\\s*:\\s*true(?![A-Za-z0-9_$])`).test(text)
      );
    }),
  "vanilla-cookieconsent": (cookies, group) =>
    valuesOf(cookies, "cc_cookie").some((value) =>
      [tryJson(value), tryJson(tryDecode(value))].some(
        (content) =>
          typeof content === "object" &&
          content !== null &&
          (listIncludes((content as Record<string, unknown>).categories, group) ||
            listIncludes((content as Record<string, unknown>).level, group)),
      ),
    ),
  klaro: (cookies, group) =>
    valuesOf(cookies, "klaro").some((value) => ownTrue(tryJson(tryDecode(value)), group)),
  cookieyes: (cookies, group) =>
    valuesOf(cookies, "cookieyes-consent").some((value) => {
      const fields = (tryDecode(value) ?? "").split(",");
      return fields.includes("action:yes") && fields.includes(`${group}:yes`);
    }),
  complianz: (cookies, group) =>
    valuesOf(cookies, "cmplz_banner-status").includes("dismissed") &&
    (group.startsWith("service:")
      ? valuesOf(cookies, "cmplz_consented_services").some((value) =>
          ownTrue(tryJson(tryDecode(value)), group.slice("service:".length)),
        )
      : valuesOf(cookies, `cmplz_${group}`).includes("allow")),
  didomi: (cookies, group) =>
    valuesOf(cookies, "didomi_token").some((value) => {
      const token = tryJson(fromBase64(value));
      const purposes =
        typeof token === "object" && token !== null ? (token as Record<string, unknown>).purposes : undefined;
      return (
        typeof purposes === "object" &&
        purposes !== null &&
        listIncludes((purposes as Record<string, unknown>).enabled, group)
      );
    }),
  tcf: (cookies, group) =>
    valuesOf(cookies, "euconsent-v2").some(
      (value) => libraryConsents(value)?.includes(Number(group)) === true,
    ),
  // GPP's US fields are only ever reported refused (false); a TCF purpose needs the library's consent.
  gpp: (cookies, group) =>
    group.startsWith("tcfeuv2.") &&
    [...valuesOf(cookies, "__gpp"), ...valuesOf(cookies, "OTGPPConsent")].some(
      (value) => gppLibraryConsents(value)?.includes(Number(group.slice("tcfeuv2.".length))) === true,
    ),
  // "sale" is granted (not refused) by a well-formed string whose opt-out of sale is not Y.
  "us-privacy": (cookies, group) =>
    group === "sale" && valuesOf(cookies, "usprivacy").some((value) => /^1[YN-][N-][YN-]$/i.test(value)),
  zaraz: (cookies, group) =>
    valuesOf(cookies, "cf_consent").some((value) =>
      [tryJson(value), tryJson(tryDecode(value))].some((content) => ownTrue(content, group)),
    ),
};

// ---------------------------------------------------------------------------------------------

describe.each(IDS)("%s decoder, over arbitrary cookies", (id) => {
  const decoder: CmpDecoder = CMP_DECODERS[id];

  it("never throws, and reads absent, undecided, or decided with groups of its own format", () => {
    fc.assert(
      fc.property(cookieList(id), (cookies) => {
        expectWellFormed(id, decoder.read(cookies));
      }),
      fuzzParameters(),
    );
  });

  it("never grants a group the cookies do not spell out as granted (garbage grants nothing)", () => {
    fc.assert(
      fc.property(cookieList(id), (cookies) => {
        for (const group of grantedGroups(decoder.read(cookies))) {
          expect({ group, witnessed: WITNESSES[id](cookies, group) }).toEqual({ group, witnessed: true });
        }
      }),
      fuzzParameters(),
    );
  });

  it("reads the same whatever the order of the cookies and with an exact copy added", () => {
    fc.assert(
      fc.property(cookieList(id), fc.nat(), (cookies, pick) => {
        const reading = decoder.read(cookies);
        expect(decoder.read([...cookies].reverse())).toEqual(reading);
        const copy = cookies[pick % Math.max(1, cookies.length)];
        if (copy) expect(decoder.read([...cookies, { ...copy }])).toEqual(reading);
      }),
      fuzzParameters(),
    );
  });

  it("ignores cookies whose names differ from its own only in case (cookie names are case-sensitive)", () => {
    fc.assert(
      fc.property(cookieList(id), (cookies) => {
        const own = new Set(NAMES[id]);
        // Complianz reads every cookie with its prefix, so `cmplz_banner-statuS` is one of its own.
        const exact = cookies.filter(
          (cookie) =>
            own.has(cookie.name) ||
            (id === "complianz" && cookie.name.startsWith("cmplz_")) ||
            ![...own].some((name) => name.toLowerCase() === cookie.name.toLowerCase()),
        );
        expect(decoder.read(cookies)).toEqual(decoder.read(exact));
      }),
      fuzzParameters(),
    );
  });

  it("a copy planted beside a decided cookie never widens what it grants", () => {
    fc.assert(
      fc.property(cookieList(id), fc.constantFrom(...NAMES[id]), fc.nat(), (cookies, name, seed) => {
        const reading = decoder.read(cookies);
        if (reading.status !== "decided" || !cookies.some((cookie) => cookie.name === name)) return;
        const planted = fc.sample(valueFor(id, name), { numRuns: 1, seed })[0] ?? "";
        const after = decoder.read([...cookies, { name, value: planted }]);
        const widened = grantedGroups(after).filter((group) => !grantedGroups(reading).includes(group));
        expect(widened).toEqual([]);
      }),
      fuzzParameters({ scale: 0.5 }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Each CMP's real format, written from random choices: the decoder reads exactly those choices, and
// several copies read as what every copy grants.

interface Written {
  cookies: CookiePair[];
  groups: Record<string, boolean>;
  givenAt?: number;
}

const choices = (ids: readonly string[]) =>
  fc
    .tuple(...ids.map(() => bool))
    .map((flags) => Object.fromEntries(ids.map((id, i) => [id, flags[i] ?? false])));
const seconds = fc.integer({ min: Date.UTC(2020, 0, 1) / 1000, max: Date.UTC(2030, 0, 1) / 1000 });

const WRITERS: Partial<Record<CmpId, fc.Arbitrary<Written>>> = {
  onetrust: fc
    .tuple(
      choices(["C0001", "C0002", "C0003", "C0004", "C0005", "V2STACK42"]),
      fc.integer({ min: 1, max: 99 }),
      seconds,
    )
    .map(([groups, count, at]) => ({
      cookies: [
        {
          name: "OptanonConsent",
          value: `isGpcEnabled=0&version=202209.1.0&interactionCount=${count}&groups=${encodeURIComponent(
            Object.entries(groups)
              .map(([id, on]) => `${id}:${on ? 1 : 0}`)
              .join(","),
          )}&geolocation=AT%3B9`,
        },
        { name: "OptanonAlertBoxClosed", value: new Date(at * 1000).toISOString() },
      ],
      groups,
      givenAt: at,
    })),
  cookiebot: fc.tuple(choices(["preferences", "statistics", "marketing"]), seconds).map(([groups, at]) => ({
    cookies: [
      {
        name: "CookieConsent",
        value: encodeURIComponent(
          `{stamp:'x==',necessary:true,${Object.entries(groups)
            .map(([id, on]) => `${id}:${on}`)
            .join(",")},method:'explicit',ver:1,utc:${at * 1000},region:'de'}`,
        ),
      },
    ],
    groups: { necessary: true, ...groups },
    givenAt: at,
  })),
  "vanilla-cookieconsent": fc
    .tuple(choices(["analytics", "marketing", "support"]), seconds)
    .map(([groups, at]) => ({
      cookies: [
        {
          name: "cc_cookie",
          value: encodeURIComponent(
            JSON.stringify({
              categories: ["necessary", ...Object.keys(groups).filter((id) => groups[id])],
              revision: 0,
              data: null,
              consentTimestamp: new Date(at * 1000).toISOString(),
              services: { necessary: [], ...Object.fromEntries(Object.keys(groups).map((id) => [id, []])) },
            }),
          ),
        },
      ],
      groups: { necessary: true, ...groups },
      givenAt: at,
    })),
  klaro: choices(["matomo", "youtube", "klaro"]).map((groups) => ({
    cookies: [{ name: "klaro", value: encodeURIComponent(JSON.stringify(groups)) }],
    groups,
  })),
  cookieyes: choices(["functional", "analytics", "performance", "advertisement", "other"]).map((groups) => ({
    cookies: [
      {
        name: "cookieyes-consent",
        value: `consentid:abc,consent:yes,action:yes,necessary:yes,${Object.entries(groups)
          .map(([id, on]) => `${id}:${on ? "yes" : "no"}`)
          .join(",")}`,
      },
    ],
    groups: { necessary: true, ...groups },
  })),
  complianz: choices(["functional", "preferences", "statistics", "marketing"]).map((groups) => ({
    cookies: [
      { name: "cmplz_banner-status", value: "dismissed" },
      ...Object.entries(groups).map(([id, on]) => ({ name: `cmplz_${id}`, value: on ? "allow" : "deny" })),
    ],
    groups,
  })),
  didomi: fc
    .tuple(choices(["cookies", "select_basic_ads", "market_research"]), seconds)
    .map(([groups, at]) => ({
      cookies: [
        {
          name: "didomi_token",
          value: base64(
            JSON.stringify({
              user_id: "u",
              updated: new Date(at * 1000).toISOString(),
              purposes: {
                enabled: Object.keys(groups).filter((id) => groups[id]),
                disabled: Object.keys(groups).filter((id) => !groups[id]),
              },
            }),
          ),
        },
      ],
      groups,
      givenAt: at,
    })),
};

describe.each(Object.keys(WRITERS) as CmpId[])("%s decoder, on its own format", (id) => {
  const writer = WRITERS[id] as fc.Arbitrary<Written>;
  const decoder = CMP_DECODERS[id];

  it("reads exactly the choices written", () => {
    fc.assert(
      fc.property(writer, ({ cookies, groups, givenAt }) => {
        const expected =
          givenAt === undefined ? { status: "decided", groups } : { status: "decided", groups, givenAt };
        expect(decoder.read(cookies)).toEqual(expected);
      }),
      fuzzParameters(),
    );
  });

  it("reads two written copies as what both grant, dated by the later", () => {
    fc.assert(
      fc.property(writer, writer, (a, b) => {
        // Complianz and OneTrust keep their other cookies once: only the consent-carrying ones double.
        const cookies = [...a.cookies, ...b.cookies];
        const reading = decoder.read(cookies);
        expect(reading.status).toBe("decided");
        if (reading.status !== "decided") return;
        for (const group of new Set([...Object.keys(a.groups), ...Object.keys(b.groups)])) {
          expect({ group, granted: reading.groups[group] }).toEqual({
            group,
            granted: a.groups[group] === true && b.groups[group] === true,
          });
        }
        if (a.givenAt !== undefined && b.givenAt !== undefined) {
          expect(reading.givenAt).toBe(Math.max(a.givenAt, b.givenAt));
        }
      }),
      fuzzParameters({ scale: 0.5 }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// TCF: the decoder agrees with the IAB's library.

const PURPOSES = Array.from({ length: 11 }, (_, i) => i + 1);

function tinyVendorList(policyVersion: number): VendorList {
  const purposes = Object.fromEntries(
    PURPOSES.map((id) => [String(id), { id, name: `Purpose ${id}`, description: "", illustrations: [] }]),
  );
  const vendors = Object.fromEntries(
    [1, 2, 3, 10, 11, 12, 700].map((id) => [
      String(id),
      {
        id,
        name: `Vendor ${id}`,
        purposes: PURPOSES,
        legIntPurposes: [2, 7, 8],
        flexiblePurposes: [],
        specialPurposes: [],
        features: [],
        specialFeatures: [1, 2],
        policyUrl: "https://vendor.example/privacy",
      },
    ]),
  );
  return {
    gvlSpecificationVersion: 3,
    vendorListVersion: 100 + policyVersion,
    tcfPolicyVersion: policyVersion,
    lastUpdated: "2025-01-01T00:00:00Z",
    purposes,
    specialPurposes: {},
    features: {},
    specialFeatures: {
      "1": { id: 1, name: "Geolocation", description: "", illustrations: [] },
      "2": { id: 2, name: "Scan device", description: "", illustrations: [] },
    },
    stacks: {},
    dataCategories: {},
    vendors,
  } as unknown as VendorList;
}

interface TcSpec {
  policyVersion: number;
  consents: number[];
  interests: number[];
  vendors: number[];
  cmpId: number;
  country: string;
  purposeOneTreatment: boolean;
  lastUpdated: number;
}

const tcModel: fc.Arbitrary<TcSpec> = fc.record({
  policyVersion: fc.constantFrom(2, 4, 5),
  consents: fc.subarray(PURPOSES),
  interests: fc.subarray([2, 7, 8, 9, 10, 11]),
  vendors: fc.subarray([1, 2, 3, 10, 11, 12, 700]),
  cmpId: fc.integer({ min: 2, max: 4095 }),
  country: fc.constantFrom("DE", "FR", "GB", "AA", "ZZ"),
  purposeOneTreatment: bool,
  lastUpdated: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
});

function encodeTc(spec: TcSpec): string {
  const model = new TCModel(new GVL(tinyVendorList(spec.policyVersion)));
  model.cmpId = spec.cmpId;
  model.cmpVersion = 1;
  model.publisherCountryCode = spec.country;
  model.purposeOneTreatment = spec.purposeOneTreatment;
  model.isServiceSpecific = true;
  model.purposeConsents.set(spec.consents);
  model.purposeLegitimateInterests.set(spec.interests);
  model.vendorConsents.set(spec.vendors);
  model.lastUpdated = new Date(spec.lastUpdated);
  return TCString.encode(model);
}

describe("tcf decoder against @iabtechlabtcf/core", () => {
  it("reads every core field as the library reads it, for generated TC models", () => {
    fc.assert(
      fc.property(tcModel, (spec) => {
        const value = encodeTc(spec);
        const decoded = decodeTcString(value);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        const model = TCString.decode(value);
        expect(decoded.tc.version).toBe(2);
        expect(decoded.tc).toEqual(libraryDecode(value));
        expect(decoded.tc.purposeConsents).toEqual([...spec.consents].sort((a, b) => a - b));
        expect(decoded.tc.policyVersion).toBe(spec.policyVersion);
        // And what tcf.read reports: purposes 1..11, dated by LastUpdated.
        const reading = CMP_DECODERS.tcf.read([{ name: "euconsent-v2", value }]);
        expect(reading).toEqual({
          status: "decided",
          groups: Object.fromEntries(PURPOSES.map((id) => [String(id), spec.consents.includes(id)])),
          givenAt: Math.floor(model.lastUpdated.getTime() / 1000),
        });
      }),
      fuzzParameters({ scale: 0.25 }),
    );
  });

  it("never reads a string the library refuses, and agrees with it on every string both read", () => {
    const mutatedTc = mutated(tcModel.map(encodeTc));
    const randomCore = fc
      .string({ unit: fc.constantFrom(...BASE64URL_CHARS), minLength: 30, maxLength: 120 })
      .map((tail) => `C${tail}`);
    const segment = fc.string({ unit: fc.constantFrom(...BASE64URL_CHARS), maxLength: 16 });
    const withSegments = fc
      .tuple(tcModel.map(encodeTc), fc.array(segment, { minLength: 1, maxLength: 3 }))
      .map(([value, tails]) => [value.split(".")[0], ...tails].join("."));
    fc.assert(
      fc.property(fc.oneof(mutatedTc, randomCore, withSegments), (value) => {
        const decoded = decodeTcString(value);
        if (!decoded.ok) return;
        const library = libraryConsents(value);
        expect(library).not.toBeNull();
        expect(decoded.tc.purposeConsents).toEqual(library);
      }),
      fuzzParameters({ scale: 0.25 }),
    );
  });

  it.each([
    ["a second core segment", ".AAA", false],
    ["segment type 4", ".gAAA", false],
    ["segment type 7", ".4AAA", false],
    ["an empty segment", ".", false],
    ["a segment that is not base64url", ".IA!A", false],
    ["disclosed vendors (type 1)", ".IAAA", true],
    ["allowed vendors (type 2)", ".QAAA", true],
    ["disclosed vendors and publisher TC", ".IAAA.YAAAAAAAAA", true],
    ["disclosed vendors cut short", ".IAA", false],
    ["a vendor bit field past the segment's end", ".IAgA", false],
    ["publisher TC cut short", ".YAAA", false],
  ])("a core followed by %s is read: %s (as the IAB library has it)", (_, tail, read) => {
    const core = "CQujIwAOsdsoAACABAENBmCgAAAAAAAAAAYgFeQAgAGAK8AAAAAA";
    expect(decodeTcString(core).ok).toBe(true);
    expect(decodeTcString(core + tail).ok).toBe(read);
    expect(libraryConsents(core + tail) !== null).toBe(read);
  });
});

// ---------------------------------------------------------------------------------------------
// Bounded work: the worst 4 KB values each decoder can be handed.

/**
 * The fixed core of a real string, then MaxVendorId=1, IsRangeEncoding=1, 4095 entries announced
 * and as many written as 4 KB holds (about 1,440): the decoder walks them all, then finds the rest
 * missing.
 */
function rangeWalk(): string {
  const real = "CP3MC8AP3MC8APoABABGAfEAAAAAAAAAAAAAAAAAAAAA";
  let bits = Array.from(real)
    .map((c) => BASE64URL_CHARS.indexOf(c).toString(2).padStart(6, "0"))
    .join("")
    .slice(0, 213);
  bits += "0000000000000001" + "1" + "111111111111";
  // Each entry a single vendor, 1 (vendor ids start at 1): 17 bits, as many as 4 KB holds.
  while (bits.length + 17 <= MAX_VALUE_LENGTH * 6) bits += "0" + "0000000000000001";
  bits = bits.padEnd(MAX_VALUE_LENGTH * 6, "0");
  let value = "";
  for (let i = 0; i < bits.length; i += 6) value += BASE64URL_CHARS[parseInt(bits.slice(i, i + 6), 2)] ?? "";
  return value;
}

const WORST: Record<CmpId, CookiePair[]> = {
  onetrust: [
    {
      name: "OptanonConsent",
      value: `groups=${encodeURIComponent(Array.from({ length: 400 }, (_, i) => `G${i}:1`).join(","))}`.slice(
        0,
        MAX_VALUE_LENGTH,
      ),
    },
    { name: "OptanonAlertBoxClosed", value: "2030-10-23T11:56:14.459Z" },
  ],
  cookiebot: [
    {
      name: "CookieConsent",
      value:
        `{${Array.from({ length: 400 }, (_, i) => `k${i}:true`).join(",")}}`.slice(0, MAX_VALUE_LENGTH - 1) +
        "}",
    },
  ],
  "vanilla-cookieconsent": [
    { name: "cc_cookie", value: `{"categories":[${'"analytics",'.repeat(320)}"x"]}` },
  ],
  klaro: [
    {
      name: "klaro",
      value: encodeURIComponent(`{${Array.from({ length: 200 }, (_, i) => `"s${i}":true`).join(",")}}`).slice(
        0,
        MAX_VALUE_LENGTH,
      ),
    },
  ],
  cookieyes: [
    {
      name: "cookieyes-consent",
      value: `action:yes,${Array.from({ length: 450 }, (_, i) => `k${i}:yes`).join(",")}`.slice(
        0,
        MAX_VALUE_LENGTH,
      ),
    },
  ],
  complianz: [
    { name: "cmplz_banner-status", value: "dismissed" },
    {
      name: "cmplz_consented_services",
      value: encodeURIComponent(`{${Array.from({ length: 150 }, (_, i) => `"s${i}":true`).join(",")}}`),
    },
    ...Array.from({ length: 50 }, (_, i) => ({ name: `cmplz_x${i}`, value: "allow" })),
  ],
  didomi: [
    {
      name: "didomi_token",
      value: base64(
        JSON.stringify({ purposes: { enabled: Array.from({ length: 200 }, (_, i) => `p${i}`) } }),
      ).slice(0, MAX_VALUE_LENGTH),
    },
  ],
  // A core whose vendor consent section claims 4095 range entries: the decoder walks all it can.
  tcf: [{ name: "euconsent-v2", value: rangeWalk() }],
  // A TCF EU v2 section that is the range walk above, and a copy with the 17 sections 7..23.
  gpp: [
    { name: "__gpp", value: `DBABMA~${rangeWalk()}`.slice(0, MAX_VALUE_LENGTH) },
    {
      name: "OTGPPConsent",
      // What @iabgpp/cmpapi 3.2.0 encodes with SaleOptOutNotice set in each of them.
      value:
        "DBABrJg~CEAAAAAAAABA.QA~BQAAAABA.QA~BEAAABA~BEAAAEA.QA~BEAAAAQA~BEAAAAEA.QA~BEAAAABA~BEAAAABA.QA~BEAAAAABAA.QA~BEAAAAQA.QA~BEAAAAABAA.QA~BEAAAAQA.QA~BEAAAAQA.QA~BEAAAABA.QA~BEAAAAAAQA.QA~BEAAAAQA.QA~BEAAAAQA.QA",
    },
  ],
  "us-privacy": Array.from({ length: 50 }, (_, i) => ({ name: "usprivacy", value: i % 2 ? "1YNN" : "1NYN" })),
  zaraz: [
    {
      name: "cf_consent",
      value: JSON.stringify(Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`p${i}`, true]))).slice(
        0,
        MAX_VALUE_LENGTH,
      ),
    },
  ],
};

describe.each(IDS)("%s decoder: bounded work", (id) => {
  it("decodes its worst 4 KB cookie in under a millisecond", () => {
    const decoder = CMP_DECODERS[id];
    const cookies = WORST[id];
    for (const cookie of cookies) expect(cookie.value.length).toBeLessThanOrEqual(MAX_VALUE_LENGTH);
    for (let i = 0; i < 50; i++) decoder.read(cookies);
    // The best of five batches: the machine is shared, and a slow batch says nothing of the code.
    const batches = Array.from({ length: 5 }, () => {
      const start = performance.now();
      for (let i = 0; i < 100; i++) decoder.read(cookies);
      return (performance.now() - start) / 100;
    });
    const perRead = Math.min(...batches);
    console.log(`${id}: worst 4 KB cookie read in ${(perRead * 1000).toFixed(1)} µs`);
    // Measured at 20-300 µs in workerd on a shared machine; a bound of 1 ms catches a quadratic walk.
    expect(perRead).toBeLessThan(1);
  });
});
