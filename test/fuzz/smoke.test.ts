/** The property-test settings reach the workerd pool: a fixed seed unless `npm run fuzz` sets one. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCookieHeader, serializeCookieHeader } from "../../src/cookies/parse-cookie-header";
import { fuzzParameters } from "./settings";

describe("fuzz settings", () => {
  it("give every property a seed and at least ten runs", () => {
    const parameters = fuzzParameters();
    expect(Number.isInteger(parameters.seed)).toBe(true);
    expect(parameters.numRuns).toBeGreaterThanOrEqual(10);
  });

  it("run a property in workerd: a Cookie header re-serialises to its non-empty pairs", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 20 }), { maxLength: 8 }), (parts) => {
        const header = parts.join("; ");
        const again = serializeCookieHeader(parseCookieHeader(header));
        expect(parseCookieHeader(again)).toEqual(parseCookieHeader(header));
      }),
      fuzzParameters(),
    );
  });
});
