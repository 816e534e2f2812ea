/**
 * Properties of the consent cookie (src/consent/consent-cookie.ts) and of the rule for several
 * copies of it (src/consent/sources/own-cookie.ts): no copy a sibling subdomain or a stale write
 * adds can ever widen what any one copy grants (issue 7, item 7).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileConfig, type Site } from "../../src/config/compile";
import type { SiteInput } from "../../src/config/types";
import {
  type ConsentChoice,
  parseConsentCookie,
  serializeConsentCookie,
} from "../../src/consent/consent-cookie";
import { resolveConsent } from "../../src/consent/resolve-consent";
import { MAX_CLOCK_SKEW_SECONDS } from "../../src/consent/sources/own-cookie";
import { FIXED_NOW, REVISION, testSite } from "../helpers";
import { fuzzParameters } from "./settings";

function compiled(overrides: Partial<SiteInput>): Site {
  const result = compileConfig({ sites: [testSite(overrides)] });
  if (!result.ok) throw new Error("fixture config invalid");
  return result.config.sites[0] as Site;
}

const OPT_IN = compiled({});
// Where the default grants everything, voiding a copy would widen: the rule must not void to it.
const OPT_OUT = compiled({ regions: { default: "opt-out" } });
const CATEGORIES = ["functional", "analytics", "marketing", "necessary", "unknown_cat"];
const MAX_AGE = OPT_IN.consent.maxAgeSeconds;

const category = fc.constantFrom(...CATEGORIES);
const revision = fc.oneof(fc.constant(REVISION), fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/));
const receiptId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const choice: fc.Arbitrary<ConsentChoice> = fc
  .record(
    {
      revision,
      givenAt: fc.integer({ min: 0, max: 99_999_999_999 }),
      granted: fc.uniqueArray(fc.constantFrom("functional", "analytics", "marketing", "x_1", "zz"), {
        maxLength: 5,
      }),
      receiptId,
    },
    { requiredKeys: ["revision", "givenAt", "granted"] },
  )
  .map((record) => record as ConsentChoice);

/** Copies near our clock: fresh, expired, slightly and far ahead; current and old revisions; garbage. */
const copyValue = fc.oneof(
  fc
    .record({
      revision: fc.constantFrom(REVISION, REVISION, REVISION, "2020-01-01"),
      age: fc.oneof(
        fc.integer({ min: 0, max: MAX_AGE }),
        fc.integer({ min: MAX_AGE + 1, max: MAX_AGE * 2 }),
        fc.integer({ min: -MAX_CLOCK_SKEW_SECONDS, max: 0 }),
        fc.integer({ min: -3 * 86_400, max: -MAX_CLOCK_SKEW_SECONDS - 1 }),
      ),
      granted: fc.uniqueArray(category, { maxLength: 5 }),
      receiptId: fc.option(fc.constantFrom("r1", "r2"), { nil: undefined }),
    })
    .map(({ revision: rev, age, granted, receiptId: id }) =>
      serializeConsentCookie({
        revision: rev,
        givenAt: FIXED_NOW - age,
        granted,
        ...(id ? { receiptId: id } : {}),
      }),
    ),
  fc.string({ maxLength: 40 }),
  fc.constantFrom("", "-", "1", "true", `1.${REVISION}.x.analytics`, `1.${REVISION}.1.analytics.bad id`),
);

const resolve = (site: Site, values: string[]) =>
  resolveConsent(
    {
      cookies: values.map((value) => ({ name: "ce_consent", value })),
      headers: new Headers(),
      now: FIXED_NOW,
    },
    site,
    site.consentSources,
  );

describe("parseConsentCookie", () => {
  it("never throws, and any string parses to ok or unparseable", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" })),
        (value) => {
          const parsed = parseConsentCookie(value);
          if (parsed.ok) {
            expect(parsed.choice.granted).not.toContain("necessary");
            expect(Number.isSafeInteger(parsed.choice.givenAt)).toBe(true);
          } else {
            expect(parsed).toEqual({ ok: false, reason: "unparseable" });
          }
        },
      ),
      fuzzParameters(),
    );
  });

  it("never throws on strings built from its own alphabet", () => {
    const alphabet = fc.constantFrom(..."1.-~_aZ09".split(""), "analytics", REVISION, ".", "~");
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }), (parts) => {
        const parsed = parseConsentCookie(parts.join(""));
        expect(typeof parsed.ok).toBe("boolean");
      }),
      fuzzParameters(),
    );
  });

  it("serialize then parse gives the choice back", () => {
    fc.assert(
      fc.property(choice, (original) => {
        const value = serializeConsentCookie(original);
        // Only cookie-octets (RFC 6265 §4.1.1): no quoting or encoding needed.
        expect(value).toMatch(/^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]+$/);
        expect(parseConsentCookie(value)).toEqual({ ok: true, choice: original });
      }),
      fuzzParameters(),
    );
  });
});

describe("several copies of the consent cookie", () => {
  it.each([
    ["opt-in", OPT_IN],
    ["opt-out", OPT_OUT],
  ])(
    "%s: no set of copies grants more than any one copy alone (any of them may be the visitor's)",
    (_, site) => {
      fc.assert(
        fc.property(fc.array(copyValue, { minLength: 1, maxLength: 5 }), (values) => {
          const merged = resolve(site, values).granted;
          for (const value of values) {
            const alone = resolve(site, [value]).granted;
            for (const granted of merged) expect(alone.has(granted)).toBe(true);
          }
          expect(merged.has("necessary")).toBe(true);
        }),
        fuzzParameters(),
      );
    },
  );

  it("adding a copy never widens what the others grant", () => {
    fc.assert(
      fc.property(
        fc.array(copyValue, { minLength: 1, maxLength: 4 }),
        copyValue,
        fc.nat(4),
        fc.constantFrom(OPT_IN, OPT_OUT),
        (values, planted, at, site) => {
          const before = resolve(site, values).granted;
          const withPlanted = [...values];
          withPlanted.splice(at % (values.length + 1), 0, planted);
          for (const granted of resolve(site, withPlanted).granted) expect(before.has(granted)).toBe(true);
        },
      ),
      fuzzParameters(),
    );
  });

  it("the order of the copies does not matter", () => {
    fc.assert(
      fc.property(fc.array(copyValue, { minLength: 2, maxLength: 5 }), (values) => {
        const forward = resolve(OPT_OUT, values);
        const backward = resolve(OPT_OUT, [...values].reverse());
        expect([...backward.granted].sort()).toEqual([...forward.granted].sort());
        expect(backward.decided).toBe(forward.decided);
      }),
      fuzzParameters(),
    );
  });

  it("copies that are all current choices grant exactly their intersection", () => {
    const current = fc
      .record({
        age: fc.integer({ min: 0, max: MAX_AGE }),
        granted: fc.uniqueArray(category, { maxLength: 5 }),
      })
      .map(({ age, granted }) => ({
        value: serializeConsentCookie({ revision: REVISION, givenAt: FIXED_NOW - age, granted }),
        granted,
      }));
    fc.assert(
      fc.property(fc.array(current, { minLength: 1, maxLength: 5 }), (copies) => {
        const expected = ["functional", "analytics", "marketing"].filter((name) =>
          copies.every((copy) => copy.granted.includes(name)),
        );
        const state = resolve(
          OPT_OUT,
          copies.map((copy) => copy.value),
        );
        expect(state.decided).toBe(true);
        expect([...state.granted].filter((name) => name !== "necessary").sort()).toEqual(expected.sort());
      }),
      fuzzParameters(),
    );
  });
});
