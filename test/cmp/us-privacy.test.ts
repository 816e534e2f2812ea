/**
 * The US Privacy string decoder (`usprivacy`, GPP section 6), against the IAB's GPP library's own
 * reader of it (@iabgpp/cmpapi's UspV1) for every well-formed string, and hostile input.
 */
import { UspV1 } from "@iabgpp/cmpapi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeUsPrivacy, usPrivacy } from "../../src/consent/cmp/us-privacy";

const SIGNALS = ["Y", "N", "-"] as const;

describe("US Privacy strings", () => {
  it.each([
    ["1YNN", "IAB Tech Lab, USPrivacy, CCPA/US Privacy String.md (and the GPP specification's examples)"],
    [
      "1YYN",
      "a usprivacy cookie in a Cookie header published on GitHub (cbssports.com, beside OTGPPConsent)",
    ],
    ["1---", "IAB Tech Lab, USPrivacy: the string for a visitor to whom the CCPA does not apply"],
    ["1NYN", "IABTechLab/iabgpp-es, modules/cmpapi/test/encoder/section/UspV1.test.ts"],
  ])("%s (%s) reads as the IAB library reads it", (value) => {
    const library = new UspV1(value);
    expect(decodeUsPrivacy(value)).toEqual({
      ok: true,
      usPrivacy: {
        version: library.getFieldValue("Version") as number,
        notice: library.getFieldValue("Notice") as string,
        optOutSale: library.getFieldValue("OptOutSale") as string,
        lspaCovered: library.getFieldValue("LspaCovered") as string,
      },
    });
  });

  it("every well-formed string: the fields the library reads, and sale refused exactly when opted out", () => {
    for (const notice of SIGNALS) {
      for (const optOutSale of SIGNALS) {
        for (const lspaCovered of SIGNALS) {
          const value = `1${notice}${optOutSale}${lspaCovered}`;
          expect(new UspV1(value).getFieldValue("OptOutSale")).toBe(optOutSale);
          expect(decodeUsPrivacy(value)).toEqual({
            ok: true,
            usPrivacy: { version: 1, notice, optOutSale, lspaCovered },
          });
          expect(usPrivacy.read([{ name: "usprivacy", value }])).toEqual({
            status: "decided",
            groups: { sale: optOutSale !== "Y" },
          });
        }
      }
    }
  });

  it.each([
    ["", "malformed"],
    ["1YN", "malformed"],
    ["1YNNN", "malformed"],
    ["1YNX", "malformed"],
    ["1 YN", "malformed"],
    ["YNN1", "malformed"],
    ["2YNN", "unsupported-version"],
    ["0YNN", "unsupported-version"],
    ["1Y\u00dfN", "malformed"],
  ])("%j is refused: %s", (value, reason) => {
    expect(decodeUsPrivacy(value)).toEqual({ ok: false, reason });
    expect(usPrivacy.read([{ name: "usprivacy", value }])).toEqual({
      status: "undecided",
      reason: `us-privacy:${reason}`,
    });
  });

  it("lower-case letters are read (a lower-case opt-out is still one)", () => {
    expect(usPrivacy.read([{ name: "usprivacy", value: "1nyn" }])).toEqual({
      status: "decided",
      groups: { sale: false },
    });
  });

  it("several copies: an opt-out in any copy refuses; a garbage copy is passed over", () => {
    const read = (...values: string[]) =>
      usPrivacy.read(values.map((value) => ({ name: "usprivacy", value })));
    expect(read("1YNN", "1YYN")).toEqual({ status: "decided", groups: { sale: false } });
    expect(read("1YNN", "garbage")).toEqual({ status: "decided", groups: { sale: true } });
    expect(read("x", "yy")).toEqual({ status: "undecided", reason: "us-privacy:malformed" });
    expect(usPrivacy.read([{ name: "my_usp", value: "1YYN" }], { cookieName: "my_usp" }).status).toBe(
      "decided",
    );
  });

  it("random text never throws, and decides only as a well-formed string", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 8 }),
          fc.string({ unit: fc.constantFrom("1", "Y", "N", "-", "y", "n"), maxLength: 5 }),
        ),
        (value) => {
          const decoded = decodeUsPrivacy(value);
          expect(decoded.ok).toBe(/^1[YN-]{3}$/i.test(value));
        },
      ),
      { seed: 3, numRuns: 2000 },
    );
  });
});
