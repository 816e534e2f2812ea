/**
 * The GPP decoder against real GPP strings and the IAB's GPP library, @iabgpp/cmpapi 3.2.0: every
 * expected field below comes from the library's decode at test time (gpp-reference.ts), besides the
 * few the specification itself spells out. Then hostile input: every truncation point of the real
 * strings, random text, a wrong header type, a section listed but missing, huge Fibonacci values.
 */
import { GppModel } from "@iabgpp/cmpapi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeGppString, type DecodedGpp, gpp, readGpp, refusalsOfGpp } from "../../src/consent/cmp/gpp";
import { MAX_FIBONACCI_BITS } from "../../src/consent/cmp/gpp/bit-reader";
import { decodeGppHeader } from "../../src/consent/cmp/gpp/header";
import { MAX_VALUE_LENGTH } from "../../src/consent/cmp/read-helpers";
import { libraryDecode, type Reference } from "./gpp-reference";

const SPEC = "InteractiveAdvertisingBureau/Global-Privacy-Platform, Core/Consent String Specification.md";
const LIBRARY_TESTS = "IABTechLab/iabgpp-es, modules/cmpapi/test";
const TC = "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA";
/** A TCF Canada section (iab_gpp 0.1.2, docs.rs, tests/data/tcfcav1_basic.json). */
const TCF_CA = "BPXuQIAPXuQIAAfKABENB-CgAAAAAAAAAAAAAAAA";

/** Real GPP strings, each with its source. */
const REAL: ReadonlyArray<{ source: string; value: string }> = [
  { source: `${SPEC}, GPP String Example 1 (TCF EU v2)`, value: `DBABM~${TC}` },
  { source: `${SPEC}, GPP String Example 2 (TCF EU v2 and US Privacy)`, value: `DBACNY~${TC}~1YNN` },
  { source: `${SPEC}, GPP String Example 3 (TCF Canada and US Privacy)`, value: `DBABjw~${TC}~1YNN` },
  { source: `${SPEC}, URL macro example`, value: `DBACNYA~${TC}~1YNN` },
  { source: `${LIBRARY_TESTS}/GppModel.test.ts (usnat version 1)`, value: "DBABLA~BAAAVVVVUQA.QA" },
  { source: `${LIBRARY_TESTS}/GppModel.test.ts (usnat version 2)`, value: "DBABLA~CAAAVVVVAFBA.QA" },
  { source: `${LIBRARY_TESTS}/GppModel.test.ts (usnat version 2)`, value: "DBABLA~CAAAVVVVVVRA.QA" },
  { source: `${LIBRARY_TESTS}/GppModel.test.ts (uspv1)`, value: "DBABTA~1YNN" },
  {
    source: `${LIBRARY_TESTS}/GppModel.test.ts (tcfeuv2 with vendors)`,
    value: "DBABMA~CPSG_8APSG_8ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA.IDKQA4AAgAKAGQAygAAA.YAAAAAAAAAAA",
  },
  {
    source: `${LIBRARY_TESTS}/GppModel.test.ts (every section, 2 to 27)`,
    value:
      "DBACOcGA~CPSG_8APSG_8ANwAAAENAAFgAAAAAAAAAAAAAAAAAAAA.IAAA.YAAAAAAAAAAA~BPSG_8APSG_8AAAAAAENAACAAAAAAAAAAAAAAAAAAA.YAAAAAAAAAA~1---~BAAAAAAAAABA.QA~BAAAAABA.QA~BAAAABA~BAAAAEA.QA~BAAAAAQA~BAAAAAEA.QA~BAAAAABA~BAAAAABA.QA~BAAAAAABAA.QA~BAAAAAQA.QA~BAAAAAABAA.QA~BAAAAAQA.QA~BAAAAAQA.QA~BAAAAABA.QA~BAAAAAAAQA.QA~BAAAAAQA.QA~BAAAAAQA.QA~BQAA.QA~BQAA.AAA~BQAA.AAA~BQAA.AAA",
  },
  {
    source: `${LIBRARY_TESTS}/encoder/section/UsNat.test.ts (version 2, GPC)`,
    value: "DBABLA~CVVVkkkkkpFY.YA",
  },
  { source: `${LIBRARY_TESTS}/encoder/section/UsNat.test.ts (version 1)`, value: "DBABLA~BVVVkkkkkpFY" },
  { source: `${LIBRARY_TESTS}/encoder/section/UsCa.test.ts`, value: "DBABBg~BVWSSSVY.YA" },
  {
    source: "iab_gpp 0.1.2 (docs.rs, tests/data/usca_with_gpc.json)",
    value: "DBABBg~BVqqqqpY.YA",
  },
  { source: "iab_gpp 0.1.2 (docs.rs, tests/data/usct_with_gpc.json)", value: "DBABVg~BVVVVVVg.YA" },
  { source: "iab_gpp 0.1.2 (docs.rs, tests/data/usva_not_applicable.json)", value: "DBABRg~BAAAABA" },
  {
    source:
      "OneTrust OTGPPConsent in a Cookie header published on GitHub (cbssports.com, beside usprivacy=1YYN)",
    value: "DBABLA~BVQVAAAAAgA.QA",
  },
  { source: "OneTrust OTGPPConsent in a Cookie header published on GitHub", value: "DBABLA~BVQqAAAAAAKA.QA" },
  {
    source: "OneTrust OTGPPConsent in a Cookie header published on GitHub (usca)",
    value: "DBABBg~BUoAAAKA.QA",
  },
  { source: "OneTrust OTGPPConsent in a Cookie header published on GitHub", value: "DBABLA~BAQCAAAACZA.QA" },
  { source: "OneTrust OTGPPConsent in a Cookie header published on GitHub", value: "DBABLA~BVQqAAAACZA.QA" },
];

/** The decoder's reading in the reference's shape. */
function mine(decoded: DecodedGpp): Reference {
  return {
    sectionIds: decoded.sectionIds,
    us: decoded.us,
    ...(decoded.tcf ? { tcfPurposeConsents: decoded.tcf.purposeConsents } : {}),
    ...(decoded.usPrivacy ? { uspOptOutSale: decoded.usPrivacy.optOutSale } : {}),
  };
}

describe("real GPP strings", () => {
  it.each(REAL)("$source: $value reads as the IAB library reads it", ({ value }) => {
    const decoded = decodeGppString(value);
    const reference = libraryDecode(value);
    expect(reference).not.toBeNull();
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(mine(decoded.gpp)).toEqual(reference);
  });

  it("the specification's header examples list the ids it says", () => {
    expect(decodeGppHeader("DBABM")).toEqual({ ok: true, sectionIds: [2] });
    expect(decodeGppHeader("DBACNY")).toEqual({ ok: true, sectionIds: [2, 6] });
    expect(decodeGppHeader("DBABjw")).toEqual({ ok: true, sectionIds: [5, 6] });
    // The library's empty header.
    expect(decodeGppHeader("DBAA")).toEqual({ ok: true, sectionIds: [] });
  });

  it("OneTrust's usnat section opted out of sale, sharing and targeted advertising (each 1)", () => {
    const value = "DBABLA~BVQVAAAAAgA.QA";
    const reference = libraryDecode(value);
    expect(reference?.us[0]).toMatchObject({
      name: "usnat",
      version: 1,
      saleOptOut: 1,
      sharingOptOut: 1,
      targetedAdvertisingOptOut: 1,
      gpc: false,
    });
    const decoded = decodeGppString(value);
    expect(decoded.ok && refusalsOfGpp(decoded.gpp)).toEqual(["sale", "sharing", "targetedAdvertising"]);
  });

  it("values no specification defines (3) are refused, where the library reads them as they stand", () => {
    // From the library's UsCa tests: SensitiveDataProcessing holds 3s.
    const value = "DBABBg~BbYbGwXY.YA";
    expect(libraryDecode(value)?.us[0]?.sensitiveDataProcessing).toContain(3);
    expect(decodeGppString(value)).toEqual({ ok: false, reason: "usca-invalid-value" });
  });

  it("a US Privacy section that opted out of sale refuses sale; 1YNN refuses nothing", () => {
    const refusals = (value: string) => {
      const decoded = decodeGppString(value);
      return decoded.ok ? refusalsOfGpp(decoded.gpp) : decoded.reason;
    };
    expect(refusals("DBABTA~1YNN")).toEqual([]);
    expect(refusals("DBABTA~1YYN")).toEqual(["sale"]);
  });

  it("a cookie value in DQUOTEs (RFC 6265 §4.1.1) is read as the string inside", () => {
    const value = "DBABLA~BVQVAAAAAgA.QA";
    expect(decodeGppString(`"${value}"`)).toEqual(decodeGppString(value));
  });

  it("a Canadian TCF section is passed over; a string of it alone holds nothing read", () => {
    const decoded = decodeGppString(`DBABjw~${TC}~1YNN`);
    expect(decoded.ok && decoded.gpp.tcf).toBeUndefined();
    expect(readGpp([{ name: "__gpp", value: `DBABDA~${TC}` }], ["__gpp"])).toEqual({
      status: "undecided",
      reason: "gpp:no-section-read",
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile input.

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const BASE64URL_CHARS = Array.from(BASE64URL);
/** A bit string ("0"/"1") as base64url, padded with zero bits (test-only: builds hostile headers). */
function encodeBits(bits: string): string {
  const padded = bits.padEnd(Math.ceil(bits.length / 6) * 6, "0");
  let text = "";
  for (let i = 0; i < padded.length; i += 6) text += BASE64URL.charAt(parseInt(padded.slice(i, i + 6), 2));
  return text;
}
const int = (value: number, width: number) => value.toString(2).padStart(width, "0");
/** The Fibonacci code word of `n` (n >= 1), as the specification's table writes them. */
function fibonacci(n: number): string {
  const fibs = [1, 2];
  while ((fibs.at(-1) ?? 0) + (fibs.at(-2) ?? 0) <= n) fibs.push((fibs.at(-1) ?? 0) + (fibs.at(-2) ?? 0));
  while ((fibs.at(-1) ?? 0) > n) fibs.pop();
  const bits = new Array<string>(fibs.length).fill("0");
  let rest = n;
  for (let i = fibs.length - 1; i >= 0; i--) {
    if ((fibs[i] ?? 0) <= rest) {
      bits[i] = "1";
      rest -= fibs[i] ?? 0;
    }
  }
  return `${bits.join("")}1`;
}
const header = (entries: string[], type = 3, version = 1) =>
  encodeBits(int(type, 6) + int(version, 6) + int(entries.length, 12) + entries.join(""));

describe("hostile GPP strings: never a throw, never a reading the IAB library would not give", () => {
  it("the test's Fibonacci words are the specification's (1 = 11, 4 = 1011, 7 = 01011)", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(fibonacci)).toEqual([
      "11",
      "011",
      "0011",
      "1011",
      "00011",
      "10011",
      "01011",
    ]);
    expect(header(["0" + fibonacci(2)])).toBe("DBABM");
  });

  it.each(REAL)(
    "every truncation of $value is refused, or read exactly as the library reads it",
    ({ value }) => {
      for (let length = 0; length < value.length; length++) {
        const prefix = value.slice(0, length);
        const decoded = decodeGppString(prefix);
        if (!decoded.ok) continue;
        // A prefix that still decodes (only padding was cut, or a whole optional subsection): the
        // library reads the same, so nothing was half read.
        expect({ prefix, read: mine(decoded.gpp) }).toEqual({ prefix, read: libraryDecode(prefix) });
      }
    },
  );

  it("random text and bytes are refused with a fixed reason, or read as the library reads it", () => {
    const text = fc.oneof(
      fc.string({ maxLength: 60 }),
      // Random bytes, as a browser would pass them through in a cookie value.
      fc.uint8Array({ maxLength: 60 }).map((bytes) => String.fromCharCode(...bytes)),
      fc.string({ unit: fc.constantFrom(...BASE64URL_CHARS, "~", "."), maxLength: 60 }),
      fc
        .constantFrom(...REAL.map((real) => real.value))
        .chain((real) =>
          fc
            .nat({ max: real.length - 1 })
            .chain((at) =>
              fc
                .constantFrom(...BASE64URL_CHARS, "~", ".", "")
                .map((char) => real.slice(0, at) + char + real.slice(at + 1)),
            ),
        ),
    );
    fc.assert(
      fc.property(text, (value) => {
        const decoded = decodeGppString(value);
        if (!decoded.ok) {
          expect(decoded.reason).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
          return;
        }
        const unquoted = value.replace(/^"(.*)"$/s, "$1");
        // The Canadian TCF section is passed over unread: the library, which reads it, is asked
        // about the string with a valid one in its place.
        const canada = decoded.gpp.sectionIds.indexOf(5);
        const parts = unquoted.split("~");
        if (canada >= 0) parts[canada + 1] = TCF_CA;
        const reference = libraryDecode(parts.join("~"));
        expect(reference).not.toBeNull();
        // US Privacy letters are read case-insensitively (us-privacy.ts); the library keeps the case.
        if (reference?.uspOptOutSale !== undefined)
          reference.uspOptOutSale = reference.uspOptOutSale.toUpperCase();
        expect(mine(decoded.gpp)).toEqual(reference);
      }),
      { numRuns: 2000, seed: 12 },
    );
  });

  it.each([
    ["a TC string where the header is (type 2)", TC, "header-not-gpp"],
    ["header type 4", `${header(["0" + fibonacci(7)], 4)}~BAAAABA`, "header-not-gpp"],
    ["GPP version 2", `${header(["0" + fibonacci(7)], 3, 2)}~BAAAABA`, "header-unsupported-version"],
    ["an empty string", "", "header-not-base64url"],
    ["a header that is not base64url", "DB+BM~x", "header-not-base64url"],
    ["a header cut in its entry count", "DBA", "header-truncated"],
    ["section 2 listed, the string ends", "DBABM", "section-count-mismatch"],
    ["sections 2 and 6 listed, 6 missing", `DBACNY~${TC}`, "section-count-mismatch"],
    ["more sections than listed", `DBABM~${TC}~1YNN`, "section-count-mismatch"],
    [
      "a section id no specification defines (60)",
      `${header(["0" + fibonacci(60)])}~BAAA`,
      "unsupported-section",
    ],
    ["the header's own id as a section", `${header(["0" + fibonacci(3)])}~DBAA`, "unsupported-section"],
    [
      "TCF EU v1 (deprecated)",
      `${header(["0" + fibonacci(1)])}~BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA`,
      "unsupported-section",
    ],
    ["signal integrity (never specified)", `${header(["0" + fibonacci(4)])}~AAAA`, "unsupported-section"],
    [
      "a Fibonacci word longer than any id",
      `${header(["0" + "0".repeat(40) + "11"])}~A`,
      "header-invalid-range",
    ],
    ["an id past the bound", `${header(["0" + fibonacci(300)])}~A`, "header-invalid-range"],
    [
      "a group of two million ids",
      `${header(["1" + fibonacci(7) + fibonacci(2_000_000)])}~A`,
      "header-invalid-range",
    ],
    ["a usnat section cut short", "DBABLA~BVQVAAAA", "usnat-truncated"],
    ["usnat version 3", "DBABLA~DVQVAAAAAgA.QA", "usnat-unsupported-section-version"],
    ["usnat version 0", "DBABLA~AVQVAAAAAgA.QA", "usnat-unsupported-section-version"],
    ["SaleOptOut 3", "DBABLA~BVQ_AAAAAgA.QA", "usnat-invalid-value"],
    ["a GPC subsection of type 0", "DBABLA~BVQVAAAAAgA.AA", "usnat-invalid-subsection"],
    ["a third subsection", "DBABLA~BVQVAAAAAgA.QA.QA", "usnat-invalid-subsection"],
    ["a GPC subsection where Virginia has none", "DBABRg~BAAAABA.QA", "usva-invalid-subsection"],
    ["an empty usnat section", "DBABLA~", "usnat-truncated"],
    ["a TCF section that does not decode", "DBABM~CPXx", "tcfeuv2-truncated"],
    ["a US Privacy section that is not one", "DBABTA~1YN", "uspv1-malformed"],
    ["over 4 KB", `DBABM~${"A".repeat(MAX_VALUE_LENGTH)}`, "too-long"],
  ])("%s: refused (%s)", (_, value, reason) => {
    expect(decodeGppString(value)).toEqual({ ok: false, reason });
  });

  it("a Maryland section written to the public-comment draft (SectionID 24 first) is refused", () => {
    // Draft: SectionID Int(6) = 24, Version Int(6) = 1, ... where the library writes MspaVersion = 1.
    const draft = encodeBits(int(24, 6) + int(1, 6) + "0".repeat(30));
    const value = `${header(["0" + fibonacci(24)])}~${draft}.QA`;
    expect(decodeGppString(value)).toEqual({ ok: false, reason: "usmd-unsupported-section-version" });
  });

  it("the worst header a 4 KB cookie holds is read in bounded time", () => {
    // 4,095 entries announced, each a single id one more than the last: walks to the id bound.
    const entries = Array.from({ length: 4095 }, () => "011");
    const value = header(entries).slice(0, MAX_VALUE_LENGTH);
    const start = performance.now();
    for (let i = 0; i < 100; i++) decodeGppString(value);
    expect(decodeGppString(value)).toEqual({ ok: false, reason: "header-invalid-range" });
    expect((performance.now() - start) / 100).toBeLessThan(1);
    expect(MAX_FIBONACCI_BITS).toBeLessThanOrEqual(52);
  });
});

// ---------------------------------------------------------------------------------------------
// Cookies: every copy of every name, the narrowest.

describe("reading GPP cookies", () => {
  const OPTED_OUT = "DBABLA~BVQVAAAAAgA.QA"; // usnat: sale and targeted advertising opted out
  /** usnat, as the IAB library encodes it: notice given, nothing opted out. */
  const NOTHING = (() => {
    const model = new GppModel();
    for (const field of ["SaleOptOut", "SharingOptOut", "TargetedAdvertisingOptOut"]) {
      model.setFieldValue("usnat", `${field}Notice`, 1);
      model.setFieldValue("usnat", field, 2);
    }
    return model.encode();
  })();

  it("absent without a cookie; both default names are read", () => {
    expect(gpp.read([])).toEqual({ status: "absent" });
    expect(readGpp([{ name: "OTGPPConsent", value: OPTED_OUT }], ["__gpp", "OTGPPConsent"])).toEqual({
      status: "decided",
      refused: ["sale", "sharing", "targetedAdvertising"],
    });
  });

  it("several copies: an opt-out in any copy refuses", () => {
    expect(readGpp([{ name: "__gpp", value: NOTHING }], ["__gpp"])).toEqual({
      status: "decided",
      refused: [],
    });
    const reading = readGpp(
      [
        { name: "__gpp", value: NOTHING },
        { name: "OTGPPConsent", value: OPTED_OUT },
      ],
      ["__gpp", "OTGPPConsent"],
    );
    expect(reading).toEqual({ status: "decided", refused: ["sale", "sharing", "targetedAdvertising"] });
  });

  it("a copy that does not decode is passed over beside one that does; alone it is undecided", () => {
    const names = ["__gpp"];
    expect(
      readGpp(
        [
          { name: "__gpp", value: "garbage" },
          { name: "__gpp", value: OPTED_OUT },
        ],
        names,
      ).status,
    ).toBe("decided");
    expect(readGpp([{ name: "__gpp", value: "DBABLA~BVQV" }], names)).toEqual({
      status: "undecided",
      reason: "gpp:usnat-truncated",
    });
    expect(
      readGpp(
        [
          { name: "__gpp", value: "DBABLA~BVQV" },
          { name: "__gpp", value: "x" },
        ],
        names,
      ),
    ).toEqual({ status: "undecided", reason: "gpp:duplicate-cookie" });
  });

  it("TCF purposes of several copies are intersected, dated by the latest", () => {
    const all = "DBABMA~CPSG_8APSG_8ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA.IDKQA4AAgAKAGQAygAAA.YAAAAAAAAAAA";
    const reading = readGpp(
      [
        { name: "__gpp", value: all },
        { name: "__gpp", value: `DBABM~${TC}` },
      ],
      ["__gpp"],
    );
    const purposes = (value: string) => libraryDecode(value)?.tcfPurposeConsents ?? [];
    const both = purposes(all).filter((purpose) => purposes(`DBABM~${TC}`).includes(purpose));
    expect(reading.status).toBe("decided");
    if (reading.status !== "decided" || !reading.tcf) throw new Error("no TCF");
    const granted = Object.entries(reading.tcf.groups)
      .filter(([, yes]) => yes)
      .map(([purpose]) => Number(purpose));
    expect(granted).toEqual(both.filter((purpose) => purpose <= 11));
  });

  it("a site's cookie name replaces both defaults", () => {
    const cookies = [{ name: "my_gpp", value: OPTED_OUT }];
    expect(gpp.read(cookies).status).toBe("absent");
    expect(gpp.read(cookies, { cookieName: "my_gpp" })).toEqual({
      status: "decided",
      groups: { sale: false, sharing: false, targetedAdvertising: false },
    });
  });
});
