import { describe, expect, it } from "vitest";
import { compileConfig, type Site } from "../src/config/compile";
import { parseConsentCookie, serializeConsentCookie } from "../src/consent/consent-cookie";
import { resolveConsent } from "../src/consent/resolve-consent";
import { FIXED_NOW, REVISION, testSite } from "./helpers";

const site = (() => {
  const result = compileConfig({ sites: [testSite()] });
  if (!result.ok) throw new Error("fixture config invalid");
  return result.config.sites[0] as Site;
})();

const resolve = (cookieHeaderPairs: Array<[string, string]>, now = FIXED_NOW) =>
  resolveConsent(
    { cookies: cookieHeaderPairs.map(([name, value]) => ({ name, value })), headers: new Headers(), now },
    site,
    site.consentSources,
  );

describe("consent cookie format", () => {
  it("round-trips", () => {
    const choice = {
      revision: "2026-04-03",
      givenAt: 1_763_900_000,
      granted: ["analytics", "marketing"],
      receiptId: "r_123",
    };
    const value = serializeConsentCookie(choice);
    expect(value).toBe("1.2026-04-03.1763900000.analytics~marketing.r_123");
    expect(parseConsentCookie(value)).toEqual({ ok: true, choice });
  });

  it("writes a refusal as '-' and never lists necessary", () => {
    expect(serializeConsentCookie({ revision: "r1", givenAt: 5, granted: ["necessary"] })).toBe("1.r1.5.-");
    expect(parseConsentCookie("1.r1.5.-")).toEqual({
      ok: true,
      choice: { revision: "r1", givenAt: 5, granted: [] },
    });
  });

  it.each([
    "",
    "1",
    "2.r1.5.analytics",
    "1..5.analytics",
    "1.r1.-5.analytics",
    "1.r1.5.",
    "1.r1.5.Analytics",
    "1.r1.5.analytics~",
    "1.r1.5.analytics.receipt.extra",
    "1.r1.5.analytics.bad receipt",
    "1.r1.99999999999999.analytics",
    "1.r.1.__proto__",
    "%00%ff",
    "1.r1.5.a".repeat(400),
    '{"analytics":true}',
  ])("%j is unparseable", (value) => {
    expect(parseConsentCookie(value)).toEqual({ ok: false, reason: "unparseable" });
  });
});

describe("resolveConsent", () => {
  it("no cookie: undecided, necessary only", () => {
    expect(resolve([])).toEqual({
      granted: new Set(["necessary"]),
      decided: false,
      source: "default",
      reason: "consent-cookie: no-cookie",
      region: { area: undefined, model: "opt-in" },
      signals: { gpc: false, dnt: false },
      refusedBySignals: [],
      decidedBy: {
        necessary: "necessary",
        functional: "default:opt-in",
        analytics: "default:opt-in",
        marketing: "default:opt-in",
      },
      ignored: ["consent-cookie: no-cookie"],
    });
  });

  it("a valid cookie decides; unknown categories are ignored", () => {
    const state = resolve([["ce_consent", `1.${REVISION}.${FIXED_NOW - 10}.analytics~telepathy`]]);
    expect(state.granted).toEqual(new Set(["necessary", "analytics"]));
    expect(state).toMatchObject({ decided: true, source: "consent-cookie", givenAt: FIXED_NOW - 10 });
  });

  it.each([
    [`1.2025-01-01.${FIXED_NOW}.analytics`, "consent-cookie: old-revision"],
    ["garbage", "consent-cookie: unparseable"],
  ])("%j is undecided (%s)", (value, reason) => {
    const state = resolve([["ce_consent", value]]);
    expect(state.granted).toEqual(new Set(["necessary"]));
    expect(state.decided).toBe(false);
    expect(state.reason).toBe(reason);
  });

  // A copy dated ahead of the clock cannot be the visitor's choice and would never expire: it
  // grants nothing but still refuses (src/consent/sources/own-cookie.ts), so that it cannot fall
  // back to an opt-out region's default, which grants everything.
  it.each([FIXED_NOW + 2 * 86_400, FIXED_NOW + 3_600])(
    "a copy dated %i (ahead) refuses everything",
    (givenAt) => {
      const state = resolve([["ce_consent", `1.${REVISION}.${givenAt}.analytics~marketing`]]);
      expect(state.granted).toEqual(new Set(["necessary"]));
      expect(state.source).toBe("consent-cookie");
    },
  );

  it("of several copies, the most recent valid choice wins", () => {
    const state = resolve([
      ["ce_consent", `1.${REVISION}.${FIXED_NOW - 100}.analytics~marketing`],
      ["ce_consent", "junk"],
      ["ce_consent", `1.${REVISION}.${FIXED_NOW - 50}.-`],
    ]);
    expect(state.granted).toEqual(new Set(["necessary"]));
    expect(state.decided).toBe(true);
  });

  it("a source that throws does not decide (fail closed)", () => {
    const state = resolveConsent({ cookies: [], headers: new Headers(), now: FIXED_NOW }, site, [
      {
        name: "consent-cookie",
        read: () => {
          throw new Error("boom");
        },
      },
    ]);
    expect(state).toMatchObject({ decided: false, reason: "consent-cookie: error" });
    expect(state.granted).toEqual(new Set(["necessary"]));
  });
});
