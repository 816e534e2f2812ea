import { describe, expect, it } from "vitest";
import { cookiebot } from "../../src/consent/cmp/cookiebot";
import type { CmpReading, CookiePair } from "../../src/consent/cmp/types";

const jar = (...pairs: Array<[string, string]>): CookiePair[] =>
  pairs.map(([name, value]) => ({ name, value }));
const undecided = (code: string): CmpReading => ({ status: "undecided", reason: `cookiebot:${code}` });
const read = (value: string) => cookiebot.read(jar(["CookieConsent", value]));

// Source: umbraco/UmbracoDocs 13/umbraco-engage/security-and-privacy/gdpr/how-to-become-gdpr-compliant-using-cookiebot.md
// ("Sample JSON cookie payload"), mixed, decoded as that document shows it.
const UMBRACO =
  "{stamp:'Ov4gD1JVnDnBaJv8K2wYQlyWlnNlT/AKO768tibZYdQGNj/EolraLw==',necessary:true,preferences:false,statistics:true,marketing:false,method:'explicit',ver:1,utc:1698057791350,region:'gb'}";
const UMBRACO_READING: CmpReading = {
  status: "decided",
  groups: { necessary: true, preferences: false, statistics: true, marketing: false },
  givenAt: 1_698_057_791,
};
// Source: uBlockOrigin/uBOL-home firefox/rulesets/scripting/scriptlet/annoyances-cookies.trusted-set-cookie.js
// (all four CookieConsent values below, as browsers carry them: ' and , percent-encoded).
const UBO_REJECT =
  "{stamp:%27BvqlZ34xqOpzSOaxY1VgwOy5CZ1lfC4Xs2JNiDqz9M4rNuyyAY56Jg==%27%2Cnecessary:true%2Cpreferences:false%2Cstatistics:false%2Cmarketing:false%2Cmethod:%27explicit%27%2Cver:1%2Cutc:1697932000537}";
const UBO_ACCEPT =
  "{stamp:%27fbbiPQWa8SRQm47Ge8hRVOAPAgw2jXlG8o/+hp1euVVi1qtFQj1O3w==%27%2Cnecessary:true%2Cpreferences:true%2Cstatistics:true%2Cmarketing:true%2Cmethod:%27explicit%27%2Cver:4}";
const UBO_NO_STAMP = "{necessary:true%2Cpreferences:false%2Cstatistics:true%2Cmarketing:true}";

describe("cookiebot decoder", () => {
  it.each<[string, string, CmpReading]>([
    ["mixed (Umbraco sample), decoded", UMBRACO, UMBRACO_READING],
    // Derived from UMBRACO: encoded the way Cookiebot's cookies travel (uBO values above).
    [
      "mixed (Umbraco sample), ' and , encoded",
      UMBRACO.replace(/'/g, "%27").replace(/,/g, "%2C"),
      UMBRACO_READING,
    ],
    ["mixed (Umbraco sample), fully encoded", encodeURIComponent(UMBRACO), UMBRACO_READING],
    [
      "all rejected (uBO)",
      UBO_REJECT,
      {
        status: "decided",
        groups: { necessary: true, preferences: false, statistics: false, marketing: false },
        givenAt: 1_697_932_000,
      },
    ],
    [
      "all accepted, no utc => no givenAt (uBO)",
      UBO_ACCEPT,
      {
        status: "decided",
        groups: { necessary: true, preferences: true, statistics: true, marketing: true },
      },
    ],
    [
      "mixed without stamp (uBO)",
      UBO_NO_STAMP,
      {
        status: "decided",
        groups: { necessary: true, preferences: false, statistics: true, marketing: true },
      },
    ],
    // Source: CybotAS/CookiebotWP src/lib/Cookie_Consent.php and tests/unit/Test_Cookie_Consent.php:
    // "0" => necessary only.
    [
      "0: declined",
      "0",
      {
        status: "decided",
        groups: { necessary: true, preferences: false, statistics: false, marketing: false },
      },
    ],
  ])("%s", (_label, value, expected) => {
    expect(read(value)).toEqual(expected);
  });

  it.each<[string, string, CmpReading]>([
    // Source: CybotAS/CookiebotWP (same files): "-1" => outside a consent region.
    ["-1: consent not required in the visitor's region", "-1", undecided("consent-not-required")],
    // Derived from UBO_REJECT: the object form Cookiebot writes outside consent regions.
    [
      "stamp '-1'",
      UBO_REJECT.replace(/stamp:%27[^%]+%27/, "stamp:%27-1%27"),
      undecided("consent-not-required"),
    ],
    ["method 'implied'", UBO_REJECT.replace("explicit", "implied"), undecided("implied-consent")],
    // Source: CybotAS/CookiebotWP tests/unit/Test_Cookie_Consent.php (COOKIE): booleans as strings.
    [
      "booleans as strings",
      '{"stamp":"0boMmPgsG8gUTRvMkOLtyZ1uLvOFJobBbNb23IZO/TpY3eETvRxFfg==","necessary":"true","preferences":"true","statistics":"false","marketing":"false","ver":"1","utc":"1557479161596"}',
      undecided("bad-category"),
    ],
    // Source: CybotAS/CookiebotWP tests/unit/Test_Cookie_Consent.php ("wrong encoded json format").
    ["an object without categories", '{"test":"test"}', undecided("bad-category")],
    // Source: uBlockOrigin/uBOL-home trusted-set-cookie.js / set-cookie.js: other banners that also
    // name their cookie CookieConsent.
    ["another banner's value: 1.0.0.0.0", "1.0.0.0.0", undecided("unparseable")],
    ["another banner's value: {Mode:0}", "%7B%22Mode%22%3A0%7D", undecided("bad-category")],
    ["another banner's value: mandatory|external", "mandatory|external", undecided("unparseable")],
    [
      "another banner's value: unbraced list",
      "necessary:true%2C%20preference:true%2C%20statistics:false%2C%20marketing:false",
      undecided("unparseable"),
    ],
    ["another banner's value: necessary", "necessary", undecided("unparseable")],
    ["another banner's value: true", "true", undecided("unparseable")],
    ["truncated", UBO_REJECT.slice(0, 90), undecided("unparseable")],
    ["truncated inside an escape", "{necessary:true%2", undecided("unparseable")],
    [
      "__proto__ key",
      "{__proto__:true,necessary:true,preferences:true,statistics:true,marketing:true}",
      undecided("unparseable"),
    ],
    [
      "a key given twice",
      "{necessary:true,preferences:false,preferences:true,statistics:true,marketing:true}",
      undecided("unparseable"),
    ],
    [
      "a nested object",
      "{necessary:{a:1},preferences:true,statistics:true,marketing:true}",
      undecided("unparseable"),
    ],
    ["trailing data", `${UMBRACO};alert(1)`, undecided("unparseable")],
    [
      "trueish word",
      "{necessary:truely,preferences:true,statistics:true,marketing:true}",
      undecided("unparseable"),
    ],
    ["8 KB of garbage", "{".padEnd(8192, "necessary:true,"), undecided("value-too-long")],
  ])("undecided: %s", (_label, value, expected) => {
    expect(read(value)).toEqual(expected);
  });

  it("is absent without its cookie", () => {
    expect(cookiebot.read(jar(["CookieConsentBulkTicket", "x"]))).toEqual({ status: "absent" });
  });

  // Several copies (another path or domain, or one a sibling subdomain planted): no copy widens
  // what another grants, and an unreadable copy is passed over (read-helpers.ts, narrowestOf).
  it.each<[string, string[], CmpReading]>([
    [
      "acceptance and rejection: the rejection",
      [UBO_ACCEPT, UBO_REJECT],
      {
        status: "decided",
        groups: { necessary: true, preferences: false, statistics: false, marketing: false },
        givenAt: 1_697_932_000,
      },
    ],
    ["mixed and acceptance: what both grant, dated by the latest", [UMBRACO, UBO_ACCEPT], UMBRACO_READING],
    ["rejection and garbage: the rejection", [UBO_REJECT, "{necessary:true"], read(UBO_REJECT)],
    ["garbage and '-1': nothing decided", ["{necessary:true", "-1"], undecided("duplicate-cookie")],
    ["two kinds of garbage with one reason: that reason", ["x", "y"], undecided("unparseable")],
  ])("several CookieConsent copies, %s", (_label, values, expected) => {
    const cookies = values.map((value): [string, string] => ["CookieConsent", value]);
    expect(cookiebot.read(jar(...cookies))).toEqual(expected);
    expect(cookiebot.read(jar(...cookies.reverse()))).toEqual(expected);
  });

  it("reads a renamed cookie", () => {
    expect(cookiebot.read(jar(["CB", UMBRACO]), { cookieName: "CB" })).toEqual(UMBRACO_READING);
  });

  it("never puts the cookie value in a reason", () => {
    const reading = read("{necessary:'SECRET-VALUE'}");
    expect(reading).toEqual(undecided("bad-category"));
    expect(JSON.stringify(reading)).not.toContain("SECRET");
  });
});
