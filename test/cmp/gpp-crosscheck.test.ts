/**
 * The GPP decoder against the IAB's GPP library (@iabgpp/cmpapi 3.2.0) over generated strings: the
 * library encodes GppModels with random values in every field of random sets of sections (usnat
 * at version 1 or 2, every state section, their optional subsections, US Privacy, TCF EU v2), and
 * the decoder must read every field that can refuse exactly as the library's own decode does, and
 * refuse exactly what those values say by the specifications (1 opted out or no consent, Gpc set).
 */
import { GppModel } from "@iabgpp/cmpapi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeGppString, readGpp, type UsRefusalField } from "../../src/consent/cmp/gpp";
import { US_SECTIONS } from "../../src/consent/cmp/gpp/us-sections";
import { fuzzParameters } from "../fuzz/settings";
import { libraryDecode, type Reference } from "./gpp-reference";

/** A section's fields as the library lists them with their defaults (the field set to fill). */
function defaultsOf(name: string): Record<string, unknown> {
  const gpp = new GppModel();
  // Every US section has SaleOptOut; setting it makes the library create the section.
  gpp.setFieldValue(name, "SaleOptOut", 0);
  return gpp.getSection(name) as Record<string, unknown>;
}

const twoBits = fc.integer({ min: 0, max: 2 });

/** Random values for every field of a US section, of the shape the library expects. */
function sectionFields(name: string): fc.Arbitrary<Record<string, unknown>> {
  const defaults = defaultsOf(name);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [field, value] of Object.entries(defaults)) {
    if (field === "Version") record[field] = name === "usnat" ? fc.constantFrom(1, 2) : fc.constant(value);
    else if (field === "MspaVersion" || field === "GpcSegmentType") record[field] = fc.constant(value);
    else if (field === "MspaCoveredTransaction") record[field] = fc.constantFrom(1, 2);
    else if (Array.isArray(value))
      record[field] = fc.array(twoBits, { minLength: value.length, maxLength: value.length });
    else if (typeof value === "boolean") record[field] = fc.boolean();
    else if (typeof value === "number") record[field] = twoBits;
  }
  if ("Gpc" in defaults) record.GpcSegmentIncluded = fc.boolean();
  if (["usin", "usky", "usri"].includes(name)) record.SensitiveDataConsentSegmentIncluded = fc.boolean();
  return fc.record(record);
}

const US_NAMES = US_SECTIONS.map((section) => section.name);

/** A GppModel's fields: some US sections, maybe US Privacy, maybe a TCF EU v2 section. */
const model = fc.record({
  us: fc
    .uniqueArray(fc.constantFrom(...US_NAMES), { minLength: 1, maxLength: 5 })
    .chain((names) =>
      fc.tuple(...names.map((name) => sectionFields(name).map((fields) => [name, fields] as const))),
    ),
  usp: fc.option(fc.constantFrom("Y", "N", "-"), { nil: undefined }),
  tcf: fc.option(fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }), { nil: undefined }),
});

type Spec = typeof model extends fc.Arbitrary<infer T> ? T : never;

function encode(spec: Spec): string {
  const gpp = new GppModel();
  for (const [name, fields] of spec.us) {
    for (const [field, value] of Object.entries(fields)) gpp.setFieldValue(name, field, value);
  }
  if (spec.usp !== undefined) {
    gpp.setFieldValue("uspv1", "Notice", "Y");
    gpp.setFieldValue("uspv1", "OptOutSale", spec.usp);
    gpp.setFieldValue("uspv1", "LspaCovered", "N");
  }
  if (spec.tcf !== undefined) {
    gpp.setFieldValue("tcfeuv2", "CmpId", 31);
    gpp.setFieldValue("tcfeuv2", "PurposeConsents", spec.tcf);
  }
  return gpp.encode();
}

/** What the library's values refuse, by the specifications' value meanings. */
function refusalsByLibrary(reference: Reference): UsRefusalField[] {
  const refused = new Set<UsRefusalField>();
  for (const section of reference.us) {
    if (section.saleOptOut === 1) refused.add("sale");
    if (section.sharingOptOut === 1) refused.add("sharing");
    if (section.targetedAdvertisingOptOut === 1) refused.add("targetedAdvertising");
    if (section.sensitiveDataProcessing?.includes(1)) refused.add("sensitiveData");
    if (section.gpc === true) refused.add("gpc");
  }
  if (reference.uspOptOutSale === "Y") refused.add("sale");
  return (["sale", "sharing", "targetedAdvertising", "sensitiveData", "gpc"] as const).filter((field) =>
    refused.has(field),
  );
}

describe("the GPP decoder agrees with @iabgpp/cmpapi on strings it encodes", () => {
  it("every section of every generated string, field by field, and what it refuses", () => {
    fc.assert(
      fc.property(model, (spec) => {
        const value = encode(spec);
        const reference = libraryDecode(value);
        expect(reference).not.toBeNull();
        if (!reference) return;
        const decoded = decodeGppString(value);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        expect({
          sectionIds: decoded.gpp.sectionIds,
          us: decoded.gpp.us,
          ...(decoded.gpp.tcf ? { tcfPurposeConsents: decoded.gpp.tcf.purposeConsents } : {}),
          ...(decoded.gpp.usPrivacy ? { uspOptOutSale: decoded.gpp.usPrivacy.optOutSale } : {}),
        }).toEqual(reference);
        const reading = readGpp([{ name: "__gpp", value }], ["__gpp"]);
        expect(reading.status === "decided" && reading.refused).toEqual(refusalsByLibrary(reference));
      }),
      fuzzParameters({ scale: 0.5 }),
    );
  });

  it("covers every US section, both usnat versions and both states of each optional subsection", () => {
    // What the generator can draw, so that the property above is not silently narrower.
    const seen = new Set<string>();
    fc.assert(
      fc.property(model, (spec) => {
        const decoded = decodeGppString(encode(spec));
        if (!decoded.ok) return;
        for (const section of decoded.gpp.us) {
          seen.add(`${section.name}@${section.version}`);
          seen.add(`${section.name}:gpc=${String(section.gpc !== undefined)}`);
        }
      }),
      { seed: 7, numRuns: 400 },
    );
    for (const name of US_NAMES) expect(seen).toContain(`${name}@1`);
    expect(seen).toContain("usnat@2");
    expect(seen).toContain("usnat:gpc=true");
    expect(seen).toContain("usnat:gpc=false");
  });
});
