/**
 * The reference for the TCF decoder: the IAB library's (@iabtechlabtcf/core) reading of a TC string,
 * in the decoder's shape. Shared by the table tests (tcf.test.ts) and the property tests (fuzz/cmp).
 */
import { TCModel, TCString } from "@iabtechlabtcf/core";
import type { Vector } from "@iabtechlabtcf/core";
import type { TcCore } from "../../src/consent/cmp/tcf";

export function idsOf(vector: Vector): number[] {
  const ids: number[] = [];
  vector.forEach((isSet, id) => {
    if (isSet) ids.push(id);
  });
  return ids;
}

export type Reference = Omit<TcCore, "version"> & { version: number };

/**
 * What the IAB library reads from `value`, or null when it throws. It types its integer fields as
 * `number | string` (the setters take both); decoding sets numbers.
 */
export function libraryDecode(value: string): Reference | null {
  let model: TCModel;
  try {
    model = TCString.decode(value);
  } catch {
    return null;
  }
  return {
    version: Number(model.version),
    createdMs: model.created.getTime(),
    lastUpdatedMs: model.lastUpdated.getTime(),
    cmpId: Number(model.cmpId),
    cmpVersion: Number(model.cmpVersion),
    consentScreen: Number(model.consentScreen),
    consentLanguage: model.consentLanguage,
    vendorListVersion: Number(model.vendorListVersion),
    policyVersion: Number(model.policyVersion),
    isServiceSpecific: model.isServiceSpecific,
    useNonStandardTexts: model.useNonStandardTexts,
    specialFeatureOptIns: idsOf(model.specialFeatureOptins),
    purposeConsents: idsOf(model.purposeConsents),
    purposeLegitimateInterests: idsOf(model.purposeLegitimateInterests),
    purposeOneTreatment: model.purposeOneTreatment,
    publisherCountryCode: model.publisherCountryCode,
  };
}
