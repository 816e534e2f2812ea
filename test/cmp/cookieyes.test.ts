import { describe, expect, it } from "vitest";
import { cookieyes } from "../../src/consent/cmp/cookieyes";
import type { CmpReading, CookiePair } from "../../src/consent/cmp/types";

const jar = (...pairs: Array<[string, string]>): CookiePair[] =>
  pairs.map(([name, value]) => ({ name, value }));
const undecided = (code: string): CmpReading => ({ status: "undecided", reason: `cookieyes:${code}` });
const read = (value: string) => cookieyes.read(jar(["cookieyes-consent", value]));

// Source: uBlockOrigin/uBOL-home firefox/rulesets/scripting/scriptlet/annoyances-cookies.trusted-set-cookie.js
// (ilovefreegle.org): "reject all" as CookieYes writes it.
const REJECT =
  "consent:no,action:yes,necessary:yes,functional:no,analytics:no,performance:no,advertisement:no,other:no";
// Derived from REJECT with a consent id in CookieYes's format: "accept all".
const REJECT_READING: CmpReading = {
  status: "decided",
  groups: {
    necessary: true,
    functional: false,
    analytics: false,
    performance: false,
    advertisement: false,
    other: false,
  },
};
const ACCEPT =
  "consentid:d2JnOWNtWmgyM0pMdEU0ZkZXSGhzdE9BaTkxekF3WEk,consent:yes,action:yes,necessary:yes,functional:yes,analytics:yes,performance:yes,advertisement:yes,other:yes";

describe("cookieyes decoder", () => {
  it.each<[string, string, CmpReading]>([
    ["all rejected (ilovefreegle.org)", REJECT, REJECT_READING],
    [
      "all accepted",
      ACCEPT,
      {
        status: "decided",
        groups: {
          necessary: true,
          functional: true,
          analytics: true,
          performance: true,
          advertisement: true,
          other: true,
        },
      },
    ],
    // Derived from REJECT: a saved selection (analytics only). `consent` does not decide.
    [
      "mixed",
      REJECT.replace("consent:no", "consent:yes").replace("analytics:no", "analytics:yes"),
      {
        status: "decided",
        groups: {
          necessary: true,
          functional: false,
          analytics: true,
          performance: false,
          advertisement: false,
          other: false,
        },
      },
    ],
    // Derived from ACCEPT: a field CookieYes may add is ignored unless it is yes/no.
    [
      "an unknown non-category field is ignored",
      `${ACCEPT},rev:2`,
      {
        status: "decided",
        groups: {
          necessary: true,
          functional: true,
          analytics: true,
          performance: true,
          advertisement: true,
          other: true,
        },
      },
    ],
    ["percent-encoded", encodeURIComponent(REJECT), REJECT_READING],
  ])("%s", (_label, value, expected) => {
    expect(read(value)).toEqual(expected);
  });

  it.each<[string, string, string]>([
    // Derived from ACCEPT: the defaults CookieYes writes before the visitor acts (`action` empty).
    [
      "defaults before a decision, all empty",
      "consentid:YjZOOUV4T2h6UkFoTUwzM2ZpWGE0SFFpZXZaUXFhMk8,consent:,action:,necessary:,functional:,analytics:,performance:,advertisement:,other:",
      "no-action",
    ],
    [
      "defaults before a decision, with default categories",
      "consentid:a0luUlByM3NGTFp2dkMyQkJXdHoxdHFVeHI2TEM5Yms,consent:no,action:,necessary:yes,functional:yes,analytics:no,performance:no,advertisement:no",
      "no-action",
    ],
    ["action:no", ACCEPT.replace("action:yes", "action:no"), "no-action"],
    ["no action field", "consent:yes,necessary:yes,analytics:yes", "no-action"],
    ["action yes but no category", "consentid:abc,consent:yes,action:yes", "no-categories"],
    ["truncated inside a value", REJECT.slice(0, REJECT.indexOf("functional:n") + 12), "bad-category-value"],
    ["truncated inside a key", REJECT.slice(0, REJECT.indexOf(",other") + 4), "unparseable"],
    [
      "a category neither yes nor no",
      ACCEPT.replace("analytics:yes", "analytics:true"),
      "bad-category-value",
    ],
    ["__proto__ as a key", `${ACCEPT},__proto__:yes`, "unparseable"],
    ["constructor as a key", `constructor:yes,${ACCEPT}`, "unparseable"],
    ["a key given twice", `${ACCEPT},analytics:no`, "unparseable"],
    ["JSON instead", '{"action":"yes","analytics":"yes"}', "unparseable"],
    ["a bad escape", "action:yes,analytics:yes%E0%A4%A", "unparseable"],
    ["8 KB of garbage", "action:yes,".padEnd(8192, "x:yes,"), "value-too-long"],
  ])("undecided: %s", (_label, value, code) => {
    expect(read(value)).toEqual(undecided(code));
  });

  it("is absent without its cookie", () => {
    // Source: uBlockOrigin/uBOL-home .../annoyances-cookies.set-cookie.js: the older per-category cookies.
    expect(cookieyes.read(jar(["cookieyes-necessary", "yes"], ["cky-action", "yes"]))).toEqual({
      status: "absent",
    });
  });

  // Several copies: no copy widens what another grants (read-helpers.ts, narrowestOf).
  it.each<[string, string[], CmpReading]>([
    ["acceptance and rejection: the rejection", [ACCEPT, REJECT], REJECT_READING],
    [
      "rejection and defaults not yet acted on: the rejection",
      [REJECT, ACCEPT.replace("action:yes", "action:")],
      REJECT_READING,
    ],
    [
      "defaults twice: nothing decided",
      [ACCEPT.replace("action:yes", "action:no"), "action:"],
      undecided("no-action"),
    ],
  ])("several cookieyes-consent copies, %s", (_label, values, expected) => {
    const cookies = values.map((value): [string, string] => ["cookieyes-consent", value]);
    expect(cookieyes.read(jar(...cookies))).toEqual(expected);
    expect(cookieyes.read(jar(...cookies.reverse()))).toEqual(expected);
  });

  it("reads a renamed cookie", () => {
    expect(cookieyes.read(jar(["cky", REJECT]), { cookieName: "cky" })).toEqual(REJECT_READING);
  });

  it("never puts the cookie value in a reason", () => {
    const reading = read("action:yes,analytics:SECRET-VALUE");
    expect(reading).toEqual(undecided("bad-category-value"));
    expect(JSON.stringify(reading)).not.toContain("SECRET");
  });
});
