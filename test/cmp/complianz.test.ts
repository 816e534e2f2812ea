import { describe, expect, it } from "vitest";
import { complianz } from "../../src/consent/cmp/complianz";
import type { CmpReading, CookiePair } from "../../src/consent/cmp/types";

const jar = (...pairs: Array<[string, string]>): CookiePair[] =>
  pairs.map(([name, value]) => ({ name, value }));
const undecided = (code: string): CmpReading => ({ status: "undecided", reason: `complianz:${code}` });

/**
 * A visitor's cookie set, in Complianz's names and values (`allow`/`deny`, banner-status
 * `dismissed`, an empty cmplz_consented_services): Really-Simple-Plugins/complianz-gdpr
 * functions.php (cmplz_has_consent) and cookiebanner/js/complianz.js. The choices per test are derived.
 */
const visitor = (categories: Record<string, string>, extra: Array<[string, string]> = []): CookiePair[] =>
  jar(
    ["cmplz_banner-status", "dismissed"],
    ["cmplz_policy_id", "28"],
    ...Object.entries(categories).map(([category, value]): [string, string] => [`cmplz_${category}`, value]),
    ["cmplz_consented_services", ""],
    ...extra,
  );

describe("complianz decoder", () => {
  it.each<[string, CookiePair[], CmpReading]>([
    [
      "all accepted",
      visitor({ functional: "allow", preferences: "allow", statistics: "allow", marketing: "allow" }),
      {
        status: "decided",
        groups: { functional: true, preferences: true, statistics: true, marketing: true },
      },
    ],
    [
      "all rejected (functional stays on)",
      visitor({ functional: "allow", preferences: "deny", statistics: "deny", marketing: "deny" }),
      {
        status: "decided",
        groups: { functional: true, preferences: false, statistics: false, marketing: false },
      },
    ],
    [
      "mixed",
      visitor({ functional: "allow", preferences: "deny", statistics: "allow", marketing: "deny" }),
      {
        status: "decided",
        groups: { functional: true, preferences: false, statistics: true, marketing: false },
      },
    ],
    // Source: uBlockOrigin/uBOL-home firefox/rulesets/scripting/scriptlet/annoyances-cookies.trusted-set-cookie.js
    // (cmplz_consented_services {"youtube":true}) and .../annoyances-cookies.set-cookie.js (cmplz_marketing allow).
    [
      "a service consented from its placeholder",
      jar(
        ["cmplz_banner-status", "dismissed"],
        ["cmplz_marketing", "allow"],
        ["cmplz_consented_services", '{"youtube":true}'],
      ),
      { status: "decided", groups: { marketing: true, "service:youtube": true } },
    ],
    [
      "services URL-encoded, refused",
      visitor({ marketing: "deny" }, []).map((cookie) =>
        cookie.name === "cmplz_consented_services"
          ? { ...cookie, value: "%7B%22vimeo%22%3Afalse%7D" }
          : cookie,
      ),
      { status: "decided", groups: { marketing: false, "service:vimeo": false } },
    ],
    [
      "other cmplz_ cookies are not categories",
      visitor({ statistics: "deny" }, [
        ["cmplz_rt_id", "abc"],
        ["cmplz_choice", "set"],
      ]),
      { status: "decided", groups: { statistics: false } },
    ],
  ])("%s", (_label, cookies, expected) => {
    expect(complianz.read(cookies)).toEqual(expected);
  });

  it.each<[string, CookiePair[], CmpReading]>([
    ["no cmplz_ cookie", jar(["cookieyes-consent", "action:yes"]), { status: "absent" }],
    // Defaults written before a choice (opt-out regions write `allow` without dismissing).
    [
      "categories without a dismissed banner",
      jar(["cmplz_functional", "allow"], ["cmplz_statistics", "allow"], ["cmplz_marketing", "allow"]),
      undecided("banner-not-dismissed"),
    ],
    ["only a policy id", jar(["cmplz_policy_id", "28"]), undecided("banner-not-dismissed")],
    [
      "banner shown again",
      visitor({ marketing: "allow" }).map((cookie) =>
        cookie.name === "cmplz_banner-status" ? { ...cookie, value: "show" } : cookie,
      ),
      undecided("banner-not-dismissed"),
    ],
    ["dismissed, nothing recorded", jar(["cmplz_banner-status", "dismissed"]), undecided("no-categories")],
    // Source: uBlockOrigin/uBOL-home .../annoyances-cookies.set-cookie.js: `allowed` is not a Complianz value.
    ["a value that is not allow/deny", visitor({ marketing: "allowed" }), undecided("bad-category-value")],
    ["services not JSON", visitor({}, []).map(withServices("youtube")), undecided("bad-services")],
    ["services truncated", visitor({}, []).map(withServices('{"youtube":tr')), undecided("bad-services")],
    [
      "a service not a boolean",
      visitor({}, []).map(withServices('{"youtube":"true"}')),
      undecided("bad-services"),
    ],
    [
      "__proto__ as a service",
      visitor({}, []).map(withServices('{"__proto__":true}')),
      undecided("bad-services"),
    ],
    ["services as a list", visitor({}, []).map(withServices('["youtube"]')), undecided("bad-services")],
    // Several copies (another path or domain, or one a sibling subdomain planted): no copy
    // widens what another grants; unreadable copies are passed over (narrowestOf).
    [
      "cmplz_marketing allow and deny: refused",
      visitor({ marketing: "allow" }, [["cmplz_marketing", "deny"]]),
      { status: "decided", groups: { marketing: false } },
    ],
    [
      "cmplz_marketing allow and garbage: the allow",
      visitor({ marketing: "allow" }, [["cmplz_marketing", "yes"]]),
      { status: "decided", groups: { marketing: true } },
    ],
    [
      "banner statuses dismissed and show: dismissed",
      visitor({ marketing: "deny" }, [["cmplz_banner-status", "show"]]),
      { status: "decided", groups: { marketing: false } },
    ],
    [
      "consented services in two copies: only what both grant",
      visitor({ marketing: "deny" }, [["cmplz_consented_services", "%7B%22youtube%22%3Atrue%7D"]]),
      { status: "decided", groups: { marketing: false, "service:youtube": false } },
    ],
    [
      "an 8 KB cookie beside the others is passed over",
      visitor({ marketing: "allow" }, [["cmplz_marketing", "x".repeat(8192)]]),
      { status: "decided", groups: { marketing: true } },
    ],
    ["only 8 KB cookies", jar(["cmplz_banner-status", "d".repeat(8192)]), undecided("value-too-long")],
  ])("%s", (_label, cookies, expected) => {
    expect(complianz.read(cookies)).toEqual(expected);
  });

  it("reads a custom prefix", () => {
    expect(
      complianz.read(
        jar(["site_banner-status", "dismissed"], ["site_statistics", "allow"], ["cmplz_marketing", "allow"]),
        {
          cookieName: "site_",
        },
      ),
    ).toEqual({ status: "decided", groups: { statistics: true } });
  });

  it("never puts the cookie value in a reason", () => {
    const reading = complianz.read(visitor({ marketing: "SECRET-VALUE" }));
    expect(reading).toEqual(undecided("bad-category-value"));
    expect(JSON.stringify(reading)).not.toContain("SECRET");
  });
});

function withServices(value: string) {
  return (cookie: CookiePair): CookiePair =>
    cookie.name === "cmplz_consented_services" ? { ...cookie, value } : cookie;
}
