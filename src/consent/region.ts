/**
 * Which consent model applies to a visitor: by US state ("US-CA") first, then country, then the
 * site's default. A visitor whose country is unknown (no geolocation, Tor: "T1", "XX") gets opt-in,
 * the strictest, whatever the default: we cannot show they are somewhere consent is not needed.
 */
import type { RegionModel } from "../config/types";
import type { ValidRegions } from "../config/validate-consent";

const KNOWN_COUNTRY = /^[A-Z]{2}$/;

export function regionOf(
  regions: ValidRegions,
  country: string | undefined,
  regionCode: string | undefined,
): { area: string | undefined; model: RegionModel } {
  const upper = country?.toUpperCase();
  if (!upper || !KNOWN_COUNTRY.test(upper) || upper === "XX" || upper === "T1") {
    return { area: undefined, model: "opt-in" };
  }
  const state = regionCode ? `${upper}-${regionCode.toUpperCase()}` : undefined;
  if (state) {
    const model = regions.byArea[state];
    if (model) return { area: state, model };
  }
  return { area: state ?? upper, model: regions.byArea[upper] ?? regions.default };
}

/** How a region is shown in debug headers and receipts: "DE (opt-in)", "unknown (opt-in)". */
export function describeRegion(region: { area: string | undefined; model: RegionModel }): string {
  return `${region.area ?? "unknown"} (${region.model})`;
}
