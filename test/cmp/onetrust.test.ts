import { describe, expect, it } from "vitest";
import { onetrust } from "../../src/consent/cmp/onetrust";
import type { CmpReading, CookiePair } from "../../src/consent/cmp/types";

const jar = (...pairs: Array<[string, string]>): CookiePair[] =>
  pairs.map(([name, value]) => ({ name, value }));
const undecided = (code: string): CmpReading => ({ status: "undecided", reason: `onetrust:${code}` });

// Source: https://www.npmjs.com/package/@commercetools-frontend/cookie-consent (README, "The contents
// of those cookie can be of the following"): a full OptanonConsent, mixed choice, interactionCount=1.
const COMMERCETOOLS =
  "isGpcEnabled=0&datestamp=Wed+Feb+01+2023+12%3A35%3A32+GMT%2B0100+(Central+European+Standard+Time)&version=202209.1.0&isIABGlobal=false&hosts=&consentId=7f3cf16d-b3e1-4781-8db1-61482d0a9dff&interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A0%2CC0003%3A1%2CC0004%3A1%2CC0005%3A1&geolocation=AT%3B9&AwaitingReconsent=false";
// Source: OhMyGuus/I-Still-Dont-Care-About-Cookies src/data/js/6_cookieHandler.js (tesco.com).
const CLOSED = "2030-10-23T11:56:14.459Z";
const CLOSED_AT = 1_918_986_974;

describe("onetrust decoder", () => {
  it.each<[string, CookiePair[], CmpReading]>([
    [
      "mixed, with interactionCount (commercetools README + tesco.com closed date)",
      jar(["OptanonConsent", COMMERCETOOLS], ["OptanonAlertBoxClosed", CLOSED]),
      {
        status: "decided",
        groups: { C0001: true, C0002: false, C0003: true, C0004: true, C0005: true },
        givenAt: CLOSED_AT,
      },
    ],
    [
      // Source: uBlockOrigin/uBOL-home firefox/rulesets/scripting/scriptlet/annoyances-cookies.trusted-set-cookie.js
      // (written with OptanonAlertBoxClosed=$currentDate$; the date here is tesco.com's above).
      "all accepted, groups only, any order",
      jar(
        ["OptanonConsent", "groups=C0003%3A1%2CC0002%3A1%2CC0001%3A1%2CC0005%3A1%2CC0004%3A1"],
        ["OptanonAlertBoxClosed", CLOSED],
      ),
      {
        status: "decided",
        groups: { C0003: true, C0002: true, C0001: true, C0005: true, C0004: true },
        givenAt: CLOSED_AT,
      },
    ],
    [
      // Source: uBlockOrigin/uBOL-home (same file): a rejection with an IAB stack group.
      "all rejected, with an IAB stack",
      jar(
        ["OptanonConsent", "groups=C0001%3A1%2CC0002%3A0%2CC0003%3A0%2CC0004%3A0%2CV2STACK42%3A0"],
        ["OptanonAlertBoxClosed", CLOSED],
      ),
      {
        status: "decided",
        groups: { C0001: true, C0002: false, C0003: false, C0004: false, V2STACK42: false },
        givenAt: CLOSED_AT,
      },
    ],
    [
      // Source: uBlockOrigin/uBOL-home (same file): legacy numeric Optanon group ids.
      "legacy numeric group ids",
      jar(
        ["OptanonConsent", "groups=1%3A1%2C2%3A0%2C3%3A1%2C4%3A0%2C5%3A1%2CBG57%3A0%2CBG58%3A0%2CBG59%3A0"],
        ["OptanonAlertBoxClosed", CLOSED],
      ),
      {
        status: "decided",
        groups: { 1: true, 2: false, 3: true, 4: false, 5: true, BG57: false, BG58: false, BG59: false },
        givenAt: CLOSED_AT,
      },
    ],
    [
      "the same cookie twice with the same value is one cookie",
      jar(
        ["OptanonConsent", COMMERCETOOLS],
        ["OptanonConsent", COMMERCETOOLS],
        ["OptanonAlertBoxClosed", CLOSED],
      ),
      {
        status: "decided",
        groups: { C0001: true, C0002: false, C0003: true, C0004: true, C0005: true },
        givenAt: CLOSED_AT,
      },
    ],
    [
      // Derived from COMMERCETOOLS: another field holding an encoded "&groups=" must not be split.
      "encoded & and = inside another field are not fields",
      jar(
        [
          "OptanonConsent",
          COMMERCETOOLS.replace(
            "landingPath=NotLandingPage",
            "landingPath=https%3A%2F%2Fexample.com%2F%3Fa%3D1%26groups%3DC0002%253A1",
          ),
        ],
        ["OptanonAlertBoxClosed", CLOSED],
      ),
      {
        status: "decided",
        groups: { C0001: true, C0002: false, C0003: true, C0004: true, C0005: true },
        givenAt: CLOSED_AT,
      },
    ],
  ])("%s", (_label, cookies, expected) => {
    expect(onetrust.read(cookies)).toEqual(expected);
  });

  it.each<[string, CookiePair[], CmpReading]>([
    ["no cookie at all", [], { status: "absent" }],
    ["only OptanonAlertBoxClosed", jar(["OptanonAlertBoxClosed", CLOSED]), { status: "absent" }],
    // The commercetools cookie as OneTrust leaves it before the banner is closed.
    ["defaults before a decision", jar(["OptanonConsent", COMMERCETOOLS]), undecided("banner-not-closed")],
    // Source: uBlockOrigin/uBOL-home (same file): groups written without OptanonAlertBoxClosed.
    [
      "groups without a closed banner",
      jar(["OptanonConsent", "groups=C0001%3A1%2CC0002%3A0%2CC0003%3A0%2CC0004%3A1"]),
      undecided("banner-not-closed"),
    ],
    // Source: OhMyGuus/I-Still-Dont-Care-About-Cookies src/data/js/6_cookieHandler.js (smart.com, envivas.de)
    // and uBlockOrigin/uBOL-home .../annoyances-cookies.set-cookie.js: not dates.
    ...(["true", "1", "ok"] as const).map((closed): [string, CookiePair[], CmpReading] => [
      `OptanonAlertBoxClosed=${closed}`,
      jar(["OptanonConsent", COMMERCETOOLS], ["OptanonAlertBoxClosed", closed]),
      undecided("banner-closed-not-a-date"),
    ]),
    [
      "interactionCount=0",
      jar(
        ["OptanonConsent", COMMERCETOOLS.replace("interactionCount=1", "interactionCount=0")],
        ["OptanonAlertBoxClosed", CLOSED],
      ),
      undecided("no-interaction"),
    ],
    [
      "interactionCount not a number",
      jar(
        ["OptanonConsent", COMMERCETOOLS.replace("interactionCount=1", "interactionCount=-1")],
        ["OptanonAlertBoxClosed", CLOSED],
      ),
      undecided("bad-interaction-count"),
    ],
  ])("%s", (_label, cookies, expected) => {
    expect(onetrust.read(cookies)).toEqual(expected);
  });

  it.each<[string, string, string]>([
    ["truncated inside a group", COMMERCETOOLS.slice(0, COMMERCETOOLS.indexOf("%2CC0003") + 6), "bad-groups"],
    ["truncated inside an escape", "groups=C0001%3A1%2", "bad-groups"],
    ["a flag that is not 0/1", "groups=C0001%3A1%2CC0002%3A2", "bad-groups"],
    ["__proto__ as a group", "groups=__proto__%3A1%2CC0001%3A1", "bad-groups"],
    ["constructor as a group", "groups=C0001%3A1%2Cconstructor%3A1", "bad-groups"],
    ["a group given twice", "groups=C0002%3A0%2CC0002%3A1", "bad-groups"],
    ["groups given twice", `${COMMERCETOOLS}&groups=C0004%3A1`, "duplicate-field"],
    ["empty groups", "isGpcEnabled=0&groups=&AwaitingReconsent=false", "no-groups"],
    ["no groups field", "isGpcEnabled=0&version=202209.1.0", "no-groups"],
    ["not a OneTrust value", '{"C0002":true}', "no-groups"],
    ["8 KB of garbage", "groups=C0001%3A1&".padEnd(8192, "x%ZZ&="), "value-too-long"],
  ])("malformed: %s", (_label, value, code) => {
    expect(onetrust.read(jar(["OptanonConsent", value], ["OptanonAlertBoxClosed", CLOSED]))).toEqual(
      undecided(code),
    );
  });

  // Several copies: no copy widens what another grants (read-helpers.ts, narrowestOf); the latest
  // closed-banner date that is a date counts.
  it("several OptanonConsent copies grant only what every copy grants", () => {
    const planted = "groups=C0001%3A1%2CC0002%3A1%2CC0003%3A0%2CC0004%3A1%2CC0005%3A1";
    const expected: CmpReading = {
      status: "decided",
      groups: { C0001: true, C0002: false, C0003: false, C0004: true, C0005: true },
      givenAt: CLOSED_AT,
    };
    for (const order of [
      [COMMERCETOOLS, planted],
      [planted, COMMERCETOOLS],
    ]) {
      const consent = order.map((value): [string, string] => ["OptanonConsent", value]);
      expect(onetrust.read(jar(...consent, ["OptanonAlertBoxClosed", CLOSED]))).toEqual(expected);
      expect(
        onetrust.read(jar(...consent, ["OptanonAlertBoxClosed", "true"], ["OptanonAlertBoxClosed", CLOSED])),
      ).toEqual(expected);
    }
    expect(
      onetrust.read(
        jar(
          ["OptanonConsent", COMMERCETOOLS],
          ["OptanonConsent", "groups=%"],
          ["OptanonAlertBoxClosed", CLOSED],
        ),
      ),
    ).toEqual(onetrust.read(jar(["OptanonConsent", COMMERCETOOLS], ["OptanonAlertBoxClosed", CLOSED])));
  });

  it("reads a renamed consent cookie", () => {
    expect(
      onetrust.read(jar(["OptanonConsentEU", COMMERCETOOLS], ["OptanonAlertBoxClosed", CLOSED]), {
        cookieName: "OptanonConsentEU",
      }),
    ).toEqual({
      status: "decided",
      groups: { C0001: true, C0002: false, C0003: true, C0004: true, C0005: true },
      givenAt: CLOSED_AT,
    });
  });

  it("never puts the cookie value in a reason", () => {
    const reading = onetrust.read(jar(["OptanonConsent", "groups=SECRET-VALUE%3A9"]));
    expect(reading).toEqual(undecided("bad-groups"));
    expect(JSON.stringify(reading)).not.toContain("SECRET");
  });

  it("builds groups without a prototype", () => {
    const reading = onetrust.read(jar(["OptanonConsent", COMMERCETOOLS], ["OptanonAlertBoxClosed", CLOSED]));
    expect(reading.status === "decided" && Object.getPrototypeOf(reading.groups)).toBeNull();
  });
});
