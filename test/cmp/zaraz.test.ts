import { describe, expect, it } from "vitest";
import { zaraz } from "../../src/consent/cmp/zaraz";
import type { CmpReading, CookiePair } from "../../src/consent/cmp/types";

const jar = (...pairs: Array<[string, string]>): CookiePair[] =>
  pairs.map(([name, value]) => ({ name, value }));
const undecided = (code: string): CmpReading => ({ status: "undecided", reason: `zaraz:${code}` });
const read = (value: string) => zaraz.read(jar(["cf_consent", value]));

// The documented format (https://developers.cloudflare.com/zaraz/consent-management/#purposes-and-tools):
// JSON mapping each purpose id to true (granted) or false (refused); a purpose the visitor has not
// chosen yet is missing. Purpose ids are the dashboard's random four-letter ids.
const MIXED = '{"USeX":true,"dqVA":false,"YYYk":true}';
const MIXED_GROUPS = { USeX: true, dqVA: false, YYYk: true };

describe("zaraz decoder", () => {
  it("has no default mapping: purpose ids are random per site", () => {
    expect(zaraz.defaultMapping).toEqual({});
    expect(zaraz.cookies).toEqual(["cf_consent"]);
  });

  it.each<[string, string, CmpReading]>([
    ["mixed, raw JSON", MIXED, { status: "decided", groups: MIXED_GROUPS }],
    ["mixed, percent-encoded", encodeURIComponent(MIXED), { status: "decided", groups: MIXED_GROUPS }],
    [
      "all refused (setAll(false))",
      '{"USeX":false,"dqVA":false}',
      { status: "decided", groups: { USeX: false, dqVA: false } },
    ],
    // A purpose the visitor has not chosen yet is missing: it is absent, so never granted.
    ["one purpose chosen", '{"dqVA":true}', { status: "decided", groups: { dqVA: true } }],
  ])("%s", (_label, value, expected) => {
    expect(read(value)).toEqual(expected);
  });

  it("reads the cookie name the site set in Zaraz", () => {
    expect(zaraz.read(jar(["site_consent", MIXED]), { cookieName: "site_consent" })).toEqual({
      status: "decided",
      groups: MIXED_GROUPS,
    });
    expect(zaraz.read(jar(["cf_consent", MIXED]), { cookieName: "site_consent" })).toEqual({
      status: "absent",
    });
  });

  it.each<[string, string, string]>([
    ["an empty record (no choice yet)", "{}", "no-purposes"],
    ["an empty record, encoded", "%7B%7D", "no-purposes"],
    ["truncated", MIXED.slice(0, 15), "unparseable"],
    ["truncated, encoded", encodeURIComponent(MIXED).slice(0, 30), "unparseable"],
    ["a bad escape", "%7B%22USeX%22%3Atrue%E0%A4%A", "unparseable"],
    ["not JSON", "USeX,dqVA", "unparseable"],
    ["a list", '["USeX"]', "unparseable"],
    ["JSON null", "null", "unparseable"],
    ["JSON true", "true", "unparseable"],
    ["a boolean as a string", '{"USeX":"true"}', "bad-value"],
    ["a number", '{"USeX":1}', "bad-value"],
    ["null for a purpose", '{"USeX":null}', "bad-value"],
    ["a nested object", '{"USeX":{"granted":true}}', "bad-value"],
    ["__proto__ as a purpose", '{"__proto__":true,"USeX":true}', "bad-purpose"],
    ["constructor as a purpose", '{"constructor":true}', "bad-purpose"],
    ["prototype as a purpose, encoded", encodeURIComponent('{"prototype":true}'), "bad-purpose"],
    ["an empty purpose id", '{"":true}', "bad-purpose"],
    ["a purpose id with a space", '{"US eX":true}', "bad-purpose"],
    ["8 KB of garbage", "{".padEnd(8192, '"a":true,'), "value-too-long"],
  ])("malformed: %s", (_label, value, code) => {
    expect(read(value)).toEqual(undecided(code));
  });

  it("refuses __proto__ without touching Object.prototype", () => {
    read('{"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("is absent without its cookie", () => {
    expect(zaraz.read(jar(["cf_clearance", "abc"], ["cf_consent_old", MIXED]))).toEqual({
      status: "absent",
    });
  });

  // Several copies (RFC 6265 §5.4; a sibling subdomain can plant one, §8.6): a purpose is granted
  // only when every deciding copy grants it (read-helpers.ts, narrowestOf).
  it("several copies grant only what every copy grants", () => {
    const planted = '{"USeX":true,"dqVA":true}';
    const expected: CmpReading = {
      status: "decided",
      groups: { USeX: true, dqVA: false, YYYk: false },
    };
    expect(zaraz.read(jar(["cf_consent", MIXED], ["cf_consent", planted]))).toEqual(expected);
    expect(zaraz.read(jar(["cf_consent", planted], ["cf_consent", MIXED]))).toEqual(expected);
  });

  it("an unreadable copy neither widens nor erases a deciding one", () => {
    expect(zaraz.read(jar(["cf_consent", MIXED], ["cf_consent", "{"]))).toEqual(read(MIXED));
    expect(zaraz.read(jar(["cf_consent", "{"], ["cf_consent", '{"x":1}']))).toEqual(
      undecided("duplicate-cookie"),
    );
  });

  it("never puts the cookie value in a reason", () => {
    const reading = read('{"SECRET-PURPOSE":"yes"}');
    expect(reading).toEqual(undecided("bad-value"));
    expect(JSON.stringify(reading)).not.toContain("SECRET");
  });

  it("never throws on hostile input", () => {
    for (const value of ["%", "%%%", "{\u0000}", "\uD800", '{"a":true}'.repeat(400), ""]) {
      expect(() => read(value)).not.toThrow();
    }
  });
});
