import { describe, expect, it } from "vitest";
import { klaro } from "../../src/consent/cmp/klaro";
import type { CmpReading, CookiePair } from "../../src/consent/cmp/types";

const jar = (...pairs: Array<[string, string]>): CookiePair[] =>
  pairs.map(([name, value]) => ({ name, value }));
const undecided = (code: string): CmpReading => ({ status: "undecided", reason: `klaro:${code}` });
const read = (value: string) => klaro.read(jar(["klaro", value]));

// Source: OhMyGuus/I-Still-Dont-Care-About-Cookies src/data/js/6_cookieHandler.js (creopard.de):
// a real klaro cookie, mixed.
const CREOPARD =
  "%7B%22klaro%22%3Atrue%2C%22cms%22%3Atrue%2C%22adsense%22%3Afalse%2C%22youtube%22%3Afalse%2C%22twitter%22%3Afalse%2C%22matomo%22%3Afalse%7D";
const CREOPARD_GROUPS = {
  klaro: true,
  cms: true,
  adsense: false,
  youtube: false,
  twitter: false,
  matomo: false,
};

describe("klaro decoder", () => {
  it("has no default mapping: services are the site's own", () => {
    expect(klaro.defaultMapping).toEqual({});
  });

  it.each<[string, string, CmpReading]>([
    ["mixed (creopard.de)", CREOPARD, { status: "decided", groups: CREOPARD_GROUPS }],
    // Derived from CREOPARD: every service granted, as "Accept all" saves it.
    [
      "all accepted",
      CREOPARD.replace(/%3Afalse/g, "%3Atrue"),
      {
        status: "decided",
        groups: { klaro: true, cms: true, adsense: true, youtube: true, twitter: true, matomo: true },
      },
    ],
    // Derived from CREOPARD: every service refused, as "Decline" saves it.
    [
      "all rejected",
      CREOPARD.replace(/%3Atrue/g, "%3Afalse"),
      {
        status: "decided",
        groups: { klaro: false, cms: false, adsense: false, youtube: false, twitter: false, matomo: false },
      },
    ],
    ["not URL-encoded", decodeURIComponent(CREOPARD), { status: "decided", groups: CREOPARD_GROUPS }],
  ])("%s", (_label, value, expected) => {
    expect(read(value)).toEqual(expected);
  });

  // Source: uBlockOrigin/uBOL-home firefox/rulesets/scripting/scriptlet/annoyances-cookies.trusted-set-cookie.js:
  // Orejime, a Klaro fork, stores the same record under its own name.
  it("reads a renamed cookie (Orejime's)", () => {
    expect(
      klaro.read(jar(["orejime", '{"matomo":false,"youtube":true}']), { cookieName: "orejime" }),
    ).toEqual({
      status: "decided",
      groups: { matomo: false, youtube: true },
    });
  });

  it.each<[string, string, string]>([
    ["an empty record", "%7B%7D", "no-services"],
    ["truncated", CREOPARD.slice(0, 60), "unparseable"],
    ["not JSON", "matomo,youtube", "unparseable"],
    ["a bad escape", "%7B%22matomo%22%3Atrue%E0%A4%A", "unparseable"],
    ["a list", '["matomo"]', "unparseable"],
    ["JSON null", "null", "unparseable"],
    ["a boolean as a string", '{"matomo":"true"}', "bad-value"],
    ["a number", '{"matomo":1}', "bad-value"],
    ["a nested object", '{"matomo":{"enabled":true}}', "bad-value"],
    ["__proto__ as a service", '{"__proto__":true,"matomo":true}', "bad-service"],
    ["constructor as a service", '{"constructor":true}', "bad-service"],
    ["an empty service name", '{"":true}', "bad-service"],
    ["8 KB of garbage", "%7B".padEnd(8192, "%22a%22%3Atrue%2C"), "value-too-long"],
  ])("malformed: %s", (_label, value, code) => {
    expect(read(value)).toEqual(undecided(code));
  });

  it("is absent without its cookie", () => {
    expect(klaro.read(jar(["klaro-anonymous", CREOPARD]))).toEqual({ status: "absent" });
  });

  // Several copies: a service is granted only when every copy grants it; a service one copy does
  // not list is one it does not grant (read-helpers.ts, narrowestOf).
  it("several klaro copies grant only what every copy grants", () => {
    const planted = "%7B%22matomo%22%3Atrue%2C%22klaro%22%3Atrue%7D";
    const expected: CmpReading = { status: "decided", groups: { ...CREOPARD_GROUPS, cms: false } };
    expect(klaro.read(jar(["klaro", CREOPARD], ["klaro", planted]))).toEqual(expected);
    expect(klaro.read(jar(["klaro", planted], ["klaro", CREOPARD]))).toEqual(expected);
    expect(klaro.read(jar(["klaro", CREOPARD], ["klaro", "%7B"]))).toEqual(read(CREOPARD));
  });

  it("never puts the cookie value in a reason", () => {
    const reading = read('{"SECRET-SERVICE":"yes"}');
    expect(reading).toEqual(undecided("bad-value"));
    expect(JSON.stringify(reading)).not.toContain("SECRET");
  });
});
