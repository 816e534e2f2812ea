/**
 * The reference for the GPP decoder: what IAB Tech Lab's GPP library, @iabgpp/cmpapi 3.2.0
 * (github.com/IABTechLab/iabgpp-es, pinned in devDependencies), reads from a GPP string, in the
 * decoder's shape: the section ids, and per US section the fields that can refuse. Shared by the
 * table tests and the cross-check.
 */
import { GppModel } from "@iabgpp/cmpapi";
import { US_SECTIONS } from "../../src/consent/cmp/gpp/us-sections";
import type { UsSection } from "../../src/consent/cmp/gpp/us-sections";

export interface Reference {
  sectionIds: number[];
  us: UsSection[];
  /** TCF EU v2 purposes consented (1..24), when the string has that section. */
  tcfPurposeConsents?: number[];
  /** The US Privacy section's OptOutSale, when there. */
  uspOptOutSale?: string;
}

/** The sections whose core has these fields, by the library's field names. */
const HAS_SHARING = new Set(["usnat", "usca"]);
const WITHOUT_TARGETED = new Set(["usca"]);
const WITHOUT_SENSITIVE = new Set(["usmd"]);
const SENSITIVE_SUBSECTION = new Set(["usin", "usky", "usri"]);
const WITHOUT_GPC = new Set(["usva", "usut", "usfl", "usin", "usky", "usri"]);

const field = (model: GppModel, section: string, name: string): unknown => model.getFieldValue(section, name);

/** What the library reads from `value`, or null when it throws. */
export function libraryDecode(value: string): Reference | null {
  try {
    const model = new GppModel(value);
    const sectionIds: number[] = [...(model.getSectionIds() as number[])];
    const reference: Reference = { sectionIds, us: [] };
    for (const id of sectionIds) {
      if (id === 2) {
        const consents = field(model, "tcfeuv2", "PurposeConsents") as boolean[];
        reference.tcfPurposeConsents = consents.flatMap((on, index) => (on ? [index + 1] : []));
        continue;
      }
      if (id === 6) {
        reference.uspOptOutSale = field(model, "uspv1", "OptOutSale") as string;
        continue;
      }
      const layout = US_SECTIONS.find((section) => section.id === id);
      if (!layout) continue;
      const name = layout.name;
      const mspa = id >= 24;
      const section: UsSection = {
        id,
        name,
        version: field(model, name, mspa ? "MspaVersion" : "Version") as number,
        saleOptOut: field(model, name, "SaleOptOut") as number,
      };
      if (HAS_SHARING.has(name)) section.sharingOptOut = field(model, name, "SharingOptOut") as number;
      if (!WITHOUT_TARGETED.has(name)) {
        section.targetedAdvertisingOptOut = field(model, name, "TargetedAdvertisingOptOut") as number;
      }
      const sensitiveIncluded = SENSITIVE_SUBSECTION.has(name)
        ? field(model, name, "SensitiveDataConsentSegmentIncluded") === true
        : !WITHOUT_SENSITIVE.has(name);
      if (sensitiveIncluded) {
        section.sensitiveDataProcessing = [...(field(model, name, "SensitiveDataProcessing") as number[])];
      }
      if (!WITHOUT_GPC.has(name) && field(model, name, "GpcSegmentIncluded") === true) {
        section.gpc = field(model, name, "Gpc") as boolean;
      }
      reference.us.push(section);
    }
    return reference;
  } catch {
    return null;
  }
}
