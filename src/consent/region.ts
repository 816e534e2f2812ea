/**
 * Which consent model applies to a visitor: by US state ("US-CA") first, then country, then the
 * site's default. A visitor whose country is unknown (no geolocation, Tor: "T1", "XX") gets opt-in,
 * the strictest, whatever the default: we cannot show they are somewhere consent is not needed.
 */
import type { RegionModel } from "../config/types";
import type { ValidRegions } from "../config/regions";

/**
 * ISO 3166-1 alpha-2 as Cloudflare writes it, tested before upper-casing: "ß".toUpperCase() is
 * "SS", so a test of the upper-cased text alone would take a non-ASCII code for a country.
 */
const KNOWN_COUNTRY = /^[A-Za-z]{2}$/;
/**
 * An ISO 3166-2 subdivision code without its country ("CA", "NY", "ENG"). Anything else is not a
 * region: it is ignored rather than shown, since `area` reaches debug headers and receipts.
 */
const KNOWN_REGION = /^[A-Za-z0-9]{1,3}$/;

export function regionOf(
  regions: ValidRegions,
  country: string | undefined,
  regionCode: string | undefined,
): { area: string | undefined; model: RegionModel } {
  const upper =
    typeof country === "string" && KNOWN_COUNTRY.test(country) ? country.toUpperCase() : undefined;
  if (!upper || upper === "XX" || upper === "T1") {
    return { area: undefined, model: "opt-in" };
  }
  const state =
    typeof regionCode === "string" && KNOWN_REGION.test(regionCode)
      ? `${upper}-${regionCode.toUpperCase()}`
      : undefined;
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
