import { describe, expect, it } from "vitest";
import type { CmpReading, CookiePair } from "../../src/consent/cmp/types";
import { vanillaCookieconsent } from "../../src/consent/cmp/vanilla-cookieconsent";

const jar = (...pairs: Array<[string, string]>): CookiePair[] =>
  pairs.map(([name, value]) => ({ name, value }));
const undecided = (code: string): CmpReading => ({
  status: "undecided",
  reason: `vanilla-cookieconsent:${code}`,
});
const read = (value: string) => vanillaCookieconsent.read(jar(["cc_cookie", value]));

// Source: lazybulbik/calories-tracker MistralLLM.py (chat.mistral.ai, two versions of the file):
// v3 cookies as the browser sent them.
const V3_REJECT =
  "%7B%22categories%22%3A%5B%22necessary%22%5D%2C%22revision%22%3A1%2C%22data%22%3Anull%2C%22consentTimestamp%22%3A%222024-11-20T19%3A02%3A36.823Z%22%2C%22consentId%22%3A%2212fd04af-4af6-48a3-8531-b7cf317849d1%22%2C%22services%22%3A%7B%22necessary%22%3A%5B%5D%2C%22analytics%22%3A%5B%5D%2C%22support%22%3A%5B%5D%7D%2C%22lastConsentTimestamp%22%3A%222024-11-20T19%3A02%3A36.823Z%22%2C%22expirationTime%22%3A1747854156824%7D";
const V3_ACCEPT =
  "%7B%22categories%22%3A%5B%22necessary%22%2C%22analytics%22%2C%22support%22%5D%2C%22revision%22%3A1%2C%22data%22%3Anull%2C%22consentTimestamp%22%3A%222024-12-01T12%3A54%3A15.906Z%22%2C%22consentId%22%3A%22104021a8-9e58-491c-927f-f3d1e0c21adb%22%2C%22services%22%3A%7B%22necessary%22%3A%5B%5D%2C%22analytics%22%3A%5B%22posthog%22%5D%2C%22support%22%3A%5B%22intercom%22%5D%7D%2C%22lastConsentTimestamp%22%3A%222024-12-01T12%3A54%3A15.906Z%22%2C%22expirationTime%22%3A1748782455907%7D";
// Derived from V3_ACCEPT: "support" taken out of the accepted categories (a visitor who saved
// analytics only); the library's shape is unchanged (orestbida/cookieconsent src/utils/cookies.js).
const V3_MIXED = V3_ACCEPT.replace("%2C%22support%22%5D", "%5D");

describe("vanilla-cookieconsent decoder", () => {
  it.each<[string, string, CmpReading]>([
    [
      "v3 all rejected: services name the rejected categories",
      V3_REJECT,
      {
        status: "decided",
        groups: { necessary: true, analytics: false, support: false },
        givenAt: 1_732_129_356,
      },
    ],
    [
      "v3 all accepted",
      V3_ACCEPT,
      {
        status: "decided",
        groups: { necessary: true, analytics: true, support: true },
        givenAt: 1_733_057_655,
      },
    ],
    [
      "v3 mixed",
      V3_MIXED,
      {
        status: "decided",
        groups: { necessary: true, analytics: true, support: false },
        givenAt: 1_733_057_655,
      },
    ],
    [
      "v3 decoded (raw JSON in the cookie)",
      decodeURIComponent(V3_ACCEPT),
      {
        status: "decided",
        groups: { necessary: true, analytics: true, support: true },
        givenAt: 1_733_057_655,
      },
    ],
    // Source: uBlockOrigin/uBOL-home firefox/rulesets/scripting/scriptlet/annoyances-cookies.trusted-set-cookie.js
    // (the three v2 values below).
    [
      "v2 rejected, raw JSON",
      '{"level":["necessary"],"revision":0,"data":null,"rfc_cookie":false}',
      { status: "decided", groups: { necessary: true } },
    ],
    [
      "v2 with a site-named category",
      '{"level":["tecnici"],"revision":0,"data":null,"rfc_cookie":false}',
      { status: "decided", groups: { tecnici: true } },
    ],
    [
      "v2.9 with unusable dates: no givenAt",
      '{"categories":["necessary"],"level":["necessary"],"revision":1,"data":null,"rfc_cookie":true,"consent_date":"1","consent_uuid":"1","last_consent_update":"1"}',
      { status: "decided", groups: { necessary: true } },
    ],
  ])("%s", (_label, value, expected) => {
    expect(read(value)).toEqual(expected);
  });

  it.each<[string, string, CookiePair[], CmpReading]>([
    // Source: uBlockOrigin/uBOL-home (same file): v2 with use_rfc_cookie under a custom name.
    [
      "v2 rfc_cookie under the name consent",
      "consent",
      jar([
        "consent",
        "%7B%22level%22%3A%5B%22necessary%22%5D%2C%22revision%22%3A0%2C%22data%22%3A%7B%22id%22%3A%22DarYF7gx7v%22%7D%2C%22rfc_cookie%22%3Atrue%7D",
      ]),
      { status: "decided", groups: { necessary: true } },
    ],
    // Source: uBlockOrigin/uBOL-home (same file): "Arena Cookie Consent"; consent_date has month 00,
    // last_consent_update is the epoch.
    [
      "v2.9 under a custom name",
      "Arena Cookie Consent",
      jar([
        "Arena Cookie Consent",
        '{"categories":["necessary"],"level":["necessary"],"revision":0,"data":null,"rfc_cookie":false,"consent_date":"1970-00-00T00:00:00.000Z","consent_uuid":"00000000-0000-0000-0000-000000000000","last_consent_update":"1970-01-01T00:00:00.000Z"}',
      ]),
      { status: "decided", groups: { necessary: true }, givenAt: 0 },
    ],
  ])("%s", (_label, cookieName, cookies, expected) => {
    expect(vanillaCookieconsent.read(cookies, { cookieName })).toEqual(expected);
  });

  it.each<[string, string, string]>([
    ["truncated", V3_ACCEPT.slice(0, 200), "unparseable"],
    ["not JSON", "necessary,analytics", "unparseable"],
    ["a bad escape", "%7B%22level%22%3A%5B%22necessary%22%5D%E0%A4%A", "unparseable"],
    ["JSON null", "null", "unparseable"],
    ["a bare array", '["necessary","analytics"]', "unparseable"],
    ["no categories or level", '{"revision":0,"data":null}', "no-categories"],
    ["categories not a list", '{"categories":"analytics"}', "no-categories"],
    ["a category that is not a string", '{"categories":["necessary",1]}', "bad-category"],
    ["__proto__ as a category", '{"categories":["necessary","__proto__"]}', "bad-category"],
    ["__proto__ among services", '{"categories":["necessary"],"services":{"__proto__":[]}}', "bad-category"],
    ["constructor among services", '{"categories":[],"services":{"constructor":[]}}', "bad-category"],
    ["services not an object", '{"categories":["necessary"],"services":["analytics"]}', "bad-services"],
    ["8 KB of garbage", "%7B".padEnd(8192, "%22a%22"), "value-too-long"],
  ])("malformed: %s", (_label, value, code) => {
    expect(read(value)).toEqual(undecided(code));
  });

  it("is absent without its cookie", () => {
    expect(vanillaCookieconsent.read(jar(["cc_cookie_v2", V3_ACCEPT]))).toEqual({ status: "absent" });
  });

  // Several copies: no copy widens what another grants, dated by the latest (narrowestOf).
  it("several cc_cookie copies grant only what every copy grants", () => {
    const expected: CmpReading = {
      status: "decided",
      groups: { necessary: true, analytics: false, support: false },
      givenAt: 1_733_057_655,
    };
    expect(vanillaCookieconsent.read(jar(["cc_cookie", V3_ACCEPT], ["cc_cookie", V3_REJECT]))).toEqual(
      expected,
    );
    expect(vanillaCookieconsent.read(jar(["cc_cookie", V3_REJECT], ["cc_cookie", V3_ACCEPT]))).toEqual(
      expected,
    );
    expect(vanillaCookieconsent.read(jar(["cc_cookie", V3_ACCEPT], ["cc_cookie", "%7B"]))).toEqual(
      read(V3_ACCEPT),
    );
  });

  it("never puts the cookie value in a reason", () => {
    const reading = read('{"categories":["necessary","SECRET VALUE"]}');
    expect(reading).toEqual(undecided("bad-category"));
    expect(JSON.stringify(reading)).not.toContain("SECRET");
  });
});
