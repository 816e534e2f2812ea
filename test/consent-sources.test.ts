/** CMP cookies as consent sources, in the site's order, through the whole worker. */
import { CookieJar } from "tough-cookie";
import { describe, expect, it } from "vitest";
import { compileConfig, type Site } from "../src/config/compile";
import { readOwnConsentCookie } from "../src/consent/sources/own-cookie";
import { appFor, consent, FIXED_NOW, REVISION, send, setCookieNames, testSite } from "./helpers";

const SETS = ["session=1", "lang=en", "_ga=GA1", "_fbp=fb"];
const WWW = "https://www.example.com/";
// OneTrust: analytics (C0002) and functional (C0003) granted, marketing (C0004) refused, banner closed.
const ONETRUST = [
  "OptanonConsent=isGpcEnabled=0&datestamp=Mon+Nov+23+2026&version=202409.1.0&interactionCount=1&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A0",
  "OptanonAlertBoxClosed=2026-11-20T10:00:00.000Z",
].join("; ");
// The same cookie written before the visitor chose: no OptanonAlertBoxClosed.
const ONETRUST_DEFAULTS =
  "OptanonConsent=isGpcEnabled=0&datestamp=Mon+Nov+23+2026&version=202409.1.0&interactionCount=0&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A1";

const app = appFor(testSite({ consent: { sources: ["consent-cookie", "onetrust", "tcf"] } }));

describe("consent from the CMP a site already runs", () => {
  it("a OneTrust decision grants what it maps to, and says so", async () => {
    const res = await send(app, WWW, { originSets: SETS, headers: { Cookie: ONETRUST }, debug: true });
    expect(setCookieNames(res)).toEqual(["session", "lang", "_ga"]);
    expect(res.headers.get("X-Consent-Source")).toBe("onetrust (valid)");
    expect(res.headers.get("X-Consent-Decided-By")).toBe(
      "necessary=necessary, functional=onetrust, analytics=onetrust, marketing=onetrust",
    );
    expect(res.headers.get("X-Consent-Sources-Ignored")).toBe("consent-cookie: no-cookie");
  });

  it("OneTrust's defaults written before the visitor chose are not a decision", async () => {
    const res = await send(app, WWW, {
      originSets: SETS,
      headers: { Cookie: ONETRUST_DEFAULTS },
      debug: true,
    });
    expect(setCookieNames(res)).toEqual(["session"]);
    expect(res.headers.get("X-Consent-Sources-Ignored")).toMatch(
      /^consent-cookie: no-cookie, onetrust: undecided \(onetrust:[a-z-]+\), tcf: absent$/,
    );
  });

  it("the first source in the site's order wins: consent-edge's own cookie over OneTrust", async () => {
    const res = await send(app, WWW, {
      originSets: SETS,
      headers: { Cookie: `${ONETRUST}; ${consent(["marketing"])}` },
      debug: true,
    });
    expect(setCookieNames(res)).toEqual(["session", "_fbp"]);
    expect(res.headers.get("X-Consent-Source")).toBe("consent-cookie (valid)");
  });

  it("a site mapping replaces the CMP's default mapping", async () => {
    const mapped = appFor(
      testSite({
        consent: { sources: [{ cmp: "onetrust", map: { C0002: "marketing", C0004: "analytics" } }] },
      }),
    );
    const res = await send(mapped, WWW, { originSets: SETS, headers: { Cookie: ONETRUST } });
    expect(setCookieNames(res)).toEqual(["session", "_fbp"]);
  });

  it("a garbage CMP cookie is undecided, never a 5xx", async () => {
    const res = await send(app, WWW, {
      originSets: SETS,
      headers: { Cookie: "OptanonConsent=%%%&groups=C0002%3A1; OptanonAlertBoxClosed=yes; euconsent-v2=!!!" },
    });
    expect(res.status).toBe(200);
    expect(setCookieNames(res)).toEqual(["session"]);
  });
});

describe("copies of consent-edge's own cookie: a planted copy never widens the visitor's choice", () => {
  const site = (() => {
    const result = compileConfig({ sites: [testSite({ regions: { default: "opt-out" } })] });
    if (!result.ok) throw new Error("fixture config invalid");
    return result.config.sites[0] as Site;
  })();
  const copy = (age: number, granted: string, receipt?: string, revision = REVISION) =>
    `1.${revision}.${FIXED_NOW - age}.${granted}${receipt ? `.${receipt}` : ""}`;
  const read = (values: string[]) =>
    readOwnConsentCookie(
      {
        cookies: values.map((value) => ({ name: "ce_consent", value })),
        headers: new Headers(),
        now: FIXED_NOW,
      },
      site,
    );

  it.each<[string, string[], string[] | string]>([
    ["one fresh copy decides", [copy(60, "analytics~marketing")], ["analytics", "marketing"]],
    [
      "one copy of another revision: undecided",
      [copy(60, "analytics", undefined, "2020-01-01")],
      "old-revision",
    ],
    ["one expired copy: undecided", [copy(200 * 86_400, "analytics")], "expired"],
    ["one garbage copy: undecided", ["true"], "unparseable"],
    ["one copy 11 minutes ahead refuses", [copy(-660, "analytics~marketing")], []],
    ["one copy 9 minutes ahead decides", [copy(-540, "analytics")], ["analytics"]],
    ["a refusal and a later-dated grant: the refusal", [copy(600, "-"), copy(60, "analytics")], []],
    ["a grant dated a day ahead beside a refusal", [copy(60, "-"), copy(-86_000, "analytics~marketing")], []],
    [
      "two grants: what both grant",
      [copy(60, "analytics~marketing"), copy(30, "marketing~functional")],
      ["marketing"],
    ],
    ["a grant and garbage: nothing", [copy(60, "analytics"), "garbage"], []],
    [
      "a grant and an old revision: nothing",
      [copy(60, "analytics"), copy(60, "analytics~marketing", undefined, "2020-01-01")],
      [],
    ],
    ["a grant and an expired copy: nothing", [copy(60, "analytics"), copy(200 * 86_400, "analytics")], []],
    ["two garbage copies: undecided", ["x", "y"], "unparseable"],
    ["identical copies decide", [copy(60, "analytics"), copy(60, "analytics")], ["analytics"]],
  ])("%s", (_, values, expected) => {
    const result = read(values);
    if (typeof expected === "string") expect(result).toEqual({ skip: expected });
    else expect("decision" in result && result.decision.granted).toEqual(expected);
  });

  it.each<[string, string[], string | undefined]>([
    ["one copy keeps its receipt", [copy(60, "analytics", "r1")], "r1"],
    ["copies naming one receipt keep it", [copy(60, "analytics", "r1"), copy(60, "analytics", "r1")], "r1"],
    [
      "copies naming two receipts keep none",
      [copy(60, "analytics", "r1"), copy(60, "analytics", "r2")],
      undefined,
    ],
    [
      "a copy without one beside one with one: none",
      [copy(60, "analytics", "r1"), copy(60, "analytics")],
      undefined,
    ],
    ["a receipt beside garbage: none", [copy(60, "analytics", "r1"), "junk"], undefined],
  ])("%s", (_, values, receiptId) => {
    const result = read(values);
    expect("decision" in result ? result.decision.receiptId : "skipped").toBe(receiptId);
  });

  it("a sibling subdomain's Domain= copy, as a real jar sends it, cannot override the visitor's refusal", async () => {
    const jar = new CookieJar();
    // The visitor refused on www.example.com (the consent API's host-only cookie) ...
    await jar.setCookie(
      `ce_consent=1.${REVISION}.${FIXED_NOW - 60}.-; Path=/; Max-Age=15552000; SameSite=Lax; Secure`,
      "https://www.example.com/",
    );
    // ... and a sibling subdomain plants a grant for the whole domain, dated a day ahead.
    await jar.setCookie(
      `ce_consent=1.${REVISION}.${FIXED_NOW + 86_000}.functional~analytics~marketing; Domain=example.com; Path=/; Secure`,
      "https://blog.example.com/",
    );
    const cookieHeader = await jar.getCookieString("https://www.example.com/");
    expect(cookieHeader.match(/ce_consent=/g)).toHaveLength(2);
    const res = await send(app, WWW, {
      originSets: SETS,
      headers: { Cookie: `${cookieHeader}; _ga=GA1` },
      debug: true,
    });
    expect(setCookieNames(res).filter((name) => name !== "_ga")).toEqual(["session"]);
    expect(res.headers.get("X-Consent-Granted")).toBe("necessary");
    const received = res.headers.get("X-Fixture-Received-Cookie") ?? "";
    expect(received).not.toContain("_ga=");
  });
});
