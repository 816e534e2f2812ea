/** CMP cookies as consent sources, in the site's order, through the whole worker. */
import { describe, expect, it } from "vitest";
import { appFor, consent, send, setCookieNames, testSite } from "./helpers";

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
