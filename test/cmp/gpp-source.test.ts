/**
 * What a GPP or US Privacy reading decides (the semantics of gpp-source.ts and us-refusals.ts), for
 * strings the IAB's GPP library encodes at test time, through resolveConsent: US sections decide
 * nothing and refuse (over the region's default, or whatever decides); a TCF EU section decides as
 * TCF does, minus the US refusals; any opt-out in any section refuses; sensitive data is unmapped
 * by default.
 */
import { GppModel } from "@iabgpp/cmpapi";
import { describe, expect, it } from "vitest";
import { resolveConsent } from "../../src/consent/resolve-consent";
import { gppSource } from "../../src/consent/sources/gpp-source";
import type { ConsentSource } from "../../src/consent/sources/source";
import { usPrivacySource } from "../../src/consent/sources/us-privacy-source";
import type { ConsentInput } from "../../src/consent/types";
import { compiledSite, FIXED_NOW, testSite } from "../helpers";

const site = compiledSite({
  sites: [testSite({ regions: { default: "opt-out", "opt-in": ["EEA"], notice: ["JP"] } })],
});
const input = (cookie: string, country = "US"): ConsentInput => {
  const [name = "", ...value] = cookie.split("=");
  return { cookies: [{ name, value: value.join("=") }], headers: new Headers(), now: FIXED_NOW, country };
};

type Fields = Record<string, Record<string, unknown>>;
/** A GPP string the IAB library encodes from these section fields. */
function encode(sections: Fields): string {
  const model = new GppModel();
  for (const [section, fields] of Object.entries(sections)) {
    for (const [field, value] of Object.entries(fields)) model.setFieldValue(section, field, value);
  }
  return model.encode();
}
const TCF_DATE = new Date("2026-11-01T10:00:00Z");
/** A TCF EU v2 section consenting to these purposes. */
const tcf = (purposes: number[]) => ({
  CmpId: 31,
  CmpVersion: 1,
  Created: TCF_DATE,
  LastUpdated: TCF_DATE,
  PurposeConsents: Array.from({ length: 24 }, (_, i) => purposes.includes(i + 1)),
});
const ALL_PURPOSES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

const source = gppSource({});
const read = (value: string, country = "US") => source.read(input(`__gpp=${value}`, country), site);
/** What a request with this cookie is granted (without necessary) when `from` is the only source. */
const grantedBy = (from: ConsentSource, cookie: string, country = "US") => {
  const consent = resolveConsent(input(cookie, country), site, [from]);
  return { granted: [...consent.granted].filter((c) => c !== "necessary"), decided: consent.decided };
};
const gpp = (value: string, country = "US") => grantedBy(source, `__gpp=${value}`, country);
const refusing = (granted: string[]) => ({ granted, decided: false });

describe("what a GPP string decides", () => {
  it("US sections only decide nothing: every category the region grants but the refused ones", () => {
    const value = encode({ usnat: { TargetedAdvertisingOptOutNotice: 1, TargetedAdvertisingOptOut: 1 } });
    expect(read(value)).toEqual({ skip: "opt-outs only", refuses: ["marketing"] });
    expect(gpp(value)).toEqual(refusing(["functional", "analytics"]));
    expect(gpp(value, "JP")).toEqual(refusing(["functional", "analytics"]));
    // Opt-in: nothing was granted before the visitor chose, and the opt-out keeps marketing refused.
    expect(gpp(value, "DE")).toEqual(refusing([]));
  });

  it.each([
    ["SaleOptOut", { SaleOptOutNotice: 1, SaleOptOut: 1 }],
    ["SharingOptOut", { SharingOptOutNotice: 1, SharingOptOut: 1 }],
    ["Gpc", { Gpc: true }],
  ])("%s refuses marketing by default", (_, fields) => {
    expect(gpp(encode({ usnat: fields }))).toEqual(refusing(["functional", "analytics"]));
  });

  it("did not opt out (2) and not applicable (0) refuse nothing", () => {
    const value = encode({ usnat: { SaleOptOutNotice: 1, SaleOptOut: 2, TargetedAdvertisingOptOut: 0 } });
    expect(read(value)).toEqual({ skip: "no opt-out", refuses: [] });
    expect(gpp(value)).toEqual(refusing(["functional", "analytics", "marketing"]));
  });

  it("sensitive data refuses nothing by default, and the category a site maps it to", () => {
    const value = encode({
      usnat: { SensitiveDataProcessing: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
    });
    expect(gpp(value)).toEqual(refusing(["functional", "analytics", "marketing"]));
    const mapped = gppSource({ map: { sensitiveData: "analytics" } });
    expect(grantedBy(mapped, `__gpp=${value}`)).toEqual(refusing(["functional", "marketing"]));
  });

  it("several sections: an opt-out in any one refuses", () => {
    const value = encode({
      usnat: { SaleOptOutNotice: 1, SaleOptOut: 2 },
      usca: { SaleOptOutNotice: 1, SaleOptOut: 2 },
      ustx: { TargetedAdvertisingOptOutNotice: 1, TargetedAdvertisingOptOut: 1 },
    });
    expect(gpp(value)).toEqual(refusing(["functional", "analytics"]));
  });

  it("a TCF EU section decides as TCF does, in any region, dated by TCF, minus the US refusals", () => {
    const all = encode({ tcfeuv2: tcf(ALL_PURPOSES) });
    // The library dates the section itself when it encodes: the date is its LastUpdated, as it reads it.
    const lastUpdated = new GppModel(all).getFieldValue("tcfeuv2", "LastUpdated") as Date;
    const givenAt = Math.floor(lastUpdated.getTime() / 1000);
    expect(read(all, "DE")).toEqual({
      decision: { granted: ["marketing", "functional", "analytics"], givenAt },
      refuses: [],
    });
    // Purpose 1 missing: TCF grants nothing.
    expect(read(encode({ tcfeuv2: tcf([2, 3, 4, 5, 6, 7, 8, 9, 10]) }), "DE")).toEqual({
      decision: { granted: [], givenAt },
      refuses: [],
    });
    const both = encode({ tcfeuv2: tcf(ALL_PURPOSES), usnat: { Gpc: true } });
    expect(read(both, "DE")).toEqual({
      decision: { granted: ["functional", "analytics"], givenAt },
      refuses: ["marketing"],
    });
  });

  it("a string that does not decode does not decide, with its reason", () => {
    expect(read("DBABLA~BVQV")).toEqual({ skip: "undecided (gpp:usnat-truncated)" });
    expect(source.read(input("other=1"), site)).toEqual({ skip: "absent" });
  });
});

describe("what a US Privacy string decides", () => {
  const usp = usPrivacySource({});
  const readUsp = (value: string, country = "US") => usp.read(input(`usprivacy=${value}`, country), site);

  it.each([
    ["1YYN", ["functional", "analytics"]],
    ["1YNN", ["functional", "analytics", "marketing"]],
    ["1---", ["functional", "analytics", "marketing"]],
    ["1nyn", ["functional", "analytics"]],
  ])("%s in an opt-out region grants %j", (value, granted) => {
    expect(grantedBy(usp, `usprivacy=${value}`)).toEqual(refusing(granted));
  });

  it("decides nothing, refuses in an opt-in region too, and is undecided when malformed", () => {
    expect(readUsp("1YYN", "DE")).toEqual({ skip: "opt-outs only", refuses: ["marketing"] });
    expect(readUsp("1YY")).toEqual({ skip: "undecided (us-privacy:malformed)" });
    expect(readUsp("2YYN")).toEqual({ skip: "undecided (us-privacy:unsupported-version)" });
  });

  it("a site map sends the opt-out of sale elsewhere", () => {
    const mapped = usPrivacySource({ map: { sale: "analytics" } });
    expect(grantedBy(mapped, "usprivacy=1YYN")).toEqual(refusing(["functional", "marketing"]));
  });
});
