/**
 * An attacker's review of issue 12 (GPP and US Privacy, Cloudflare Zaraz, consent per service),
 * through the whole worker in the workers pool. A test written as `it.fails` is a hole found and
 * not fixed (the fix is described in review12's report); every other test pins a defence that
 * holds. The browser side (the page runtime, "Show it just this once") is in
 * test/e2e/attacks-issue12.e2e.test.ts.
 *
 * The attackers: a visitor crafting cookies (version 2 consent cookies, GPP and US Privacy strings,
 * cf_consent), a sibling subdomain planting copies with `Domain=` (the Cookie header then carries
 * both, and nothing says which is whose), and an origin sending Set-Cookie for a service's cookies.
 * The judges are real: tough-cookie's jar stores what a browser would, parse5 reads the page, the
 * IAB's own library (@iabgpp/cmpapi) writes the GPP strings.
 */
import { GppModel } from "@iabgpp/cmpapi";
import { env } from "cloudflare:workers";
import { parse } from "parse5";
import { describe, expect, it } from "vitest";
import type { SiteInput } from "../src/config/types";
import { parseConsentCookie, serializeConsentCookie } from "../src/consent/consent-cookie";
import { runtimeConfig } from "../src/html/runtime";
import { readConsent } from "../src/runtime/consent-cookie";
import { applyLines, liveCookies, newJar } from "./cookie-jar";
import { attributeOf, elementsNamed } from "./dom";
import { appFor, compiledSite, FIXED_NOW, FIXED_NOW_MS, REVISION, send, testSite } from "./helpers";

const WWW = "https://www.example.com/";
const API = "https://www.example.com/.consent-edge/consent";
const db = (env as unknown as { CONSENT_DB: D1Database }).CONSENT_DB;

const PIXEL = "https://connect.facebook.net/en_US/fbevents.js";
const VIDEO = "https://www.youtube.com/embed/abc";
const PAGE = `<!doctype html><html><head><script src="${PIXEL}"></script></head><body><iframe src="${VIDEO}"></iframe></body></html>`;
/** What the origin sets on every page: a necessary cookie, analytics, marketing, and YouTube's (a service of marketing). */
const SETS = ["session=1", "_ga=GA1", "_fbp=fb", "YSC=yt"];
/** The Zaraz purposes of the site, as its dashboard names them. */
const ZARAZ = { cmp: "zaraz" as const, map: { USeX: "analytics", dqVA: "marketing" } };

/** A site with YouTube's cookie as a service beside the built-in YouTube embed rule; an opt-out region. */
function attackedSite(overrides: Partial<SiteInput> = {}): SiteInput {
  return testSite({
    regions: { default: "opt-out", "opt-in": ["EEA", "GB"] },
    cookies: [
      ...(testSite().cookies ?? []),
      { name: "YSC", category: "marketing", service: "youtube", provider: "YouTube" },
      { name: "vuid", category: "analytics", service: "vimeo", provider: "Vimeo" },
    ],
    trackers: { rules: [{ host: "connect.facebook.net", category: "marketing", vendor: "Meta" }] },
    consent: { sources: ["consent-cookie", "gpp", "us-privacy", ZARAZ] },
    ...overrides,
  });
}
const app = appFor(attackedSite());

/** A consent cookie value dated an hour ago. */
const own = (choice: { granted: string[]; services?: string[]; scoped?: true; receiptId?: string }) =>
  serializeConsentCookie({ revision: REVISION, givenAt: FIXED_NOW - 3_600, ...choice });

interface Visit {
  response: Response;
  /** Names of the cookies the origin set that reached the visitor (deletions excluded). */
  kept: string[];
  /** Whether the page's Meta Pixel and YouTube embed are live, by parse5. */
  pixelLive: boolean;
  videoLive: boolean;
}

/** A page view from `country` with `cookie`, as Cloudflare delivers it, judged by parse5 and tough-cookie. */
async function visit(
  cookie: string,
  options: { country?: string; headers?: Record<string, string>; target?: ReturnType<typeof appFor> } = {},
): Promise<Visit> {
  const response = await send(options.target ?? app, WWW, {
    cf: { country: options.country ?? "US" },
    originSets: SETS,
    debug: true,
    headers: {
      Cookie: cookie,
      "X-Fixture-Body": btoa(PAGE),
      "X-Fixture-Header": JSON.stringify({ "Content-Type": "text/html; charset=utf-8" }),
      ...options.headers,
    },
  });
  const document = parse(await response.text());
  const jar = newJar();
  applyLines(jar, response.headers.getSetCookie(), WWW, FIXED_NOW_MS);
  const kept = liveCookies(jar, FIXED_NOW_MS).map((stored) => stored.key);
  const pixel = elementsNamed(document, "script").find((script) =>
    [attributeOf(script, "src"), attributeOf(script, "data-ce-src")].includes(PIXEL),
  );
  const video = elementsNamed(document, "iframe")[0];
  return {
    response,
    kept,
    pixelLive: pixel !== undefined && attributeOf(pixel, "src") === PIXEL,
    videoLive: video !== undefined && attributeOf(video, "src") === VIDEO,
  };
}

/** A usnat section as the IAB's library writes it: every notice given, these fields opted out (1), the rest not (2). */
function usnat(optedOut: readonly string[], gpc?: boolean): string {
  const model = new GppModel();
  for (const field of ["SaleOptOut", "SharingOptOut", "TargetedAdvertisingOptOut"]) {
    model.setFieldValue("usnat", `${field}Notice`, 1);
    model.setFieldValue("usnat", field, optedOut.includes(field) ? 1 : 2);
  }
  if (gpc !== undefined) {
    model.setFieldValue("usnat", "GpcSegmentIncluded", true);
    model.setFieldValue("usnat", "Gpc", gpc);
  }
  return model.encode();
}

describe("version 1 and version 2 consent cookies, crafted and planted", () => {
  it("a version 1 cookie with a fifth field reads it as the receipt id, never as services (old cookies keep their meaning)", () => {
    const parsed = parseConsentCookie(`1.${REVISION}.${FIXED_NOW}.marketing.youtube`);
    expect(parsed.ok && parsed.choice).toEqual({
      revision: REVISION,
      givenAt: FIXED_NOW,
      granted: ["marketing"],
      receiptId: "youtube",
    });
  });

  it("a version 1 refusal still refuses through the worker: no _fbp, no YSC, the pixel and the video inert", async () => {
    const result = await visit(`ce_consent=${own({ granted: [] })}`);
    expect(result.kept).toEqual(["session"]);
    expect(result.pixelLive).toBe(false);
    expect(result.videoLive).toBe(false);
    expect(result.response.headers.get("X-Consent-Services")).toBe("none");
  });

  it("the visitor's own 'YouTube alone' keeps YSC and the video, and nothing else of marketing (the test can fail)", async () => {
    const result = await visit(`ce_consent=${own({ granted: [], services: ["youtube"] })}`);
    expect(result.kept).toEqual(["session", "YSC"]);
    expect(result.videoLive).toBe(true);
    expect(result.pixelLive).toBe(false);
  });

  it("a sibling's version 2 copy granting marketing and YouTube beside the visitor's refusal grants nothing", async () => {
    const planted = own({ granted: ["analytics", "marketing"], services: ["youtube", "vimeo"] });
    const result = await visit(`ce_consent=${own({ granted: [] })}; ce_consent=${planted}`);
    expect(result.kept).toEqual(["session"]);
    expect(result.videoLive).toBe(false);
    expect(result.response.headers.get("X-Consent-Services")).toBe("none");
  });

  it("a sibling's scoped 'Always allow YouTube' beside the visitor's whole refusal is refused, not left to the opt-out default", async () => {
    const planted = own({ granted: [], services: ["youtube"], scoped: true });
    const result = await visit(`ce_consent=${planted}; ce_consent=${own({ granted: [] })}`);
    expect(result.kept).toEqual(["session"]);
    expect(result.videoLive).toBe(false);
  });

  it("a version 2 copy an older field layout cannot read (six fields after the version) beside a grant refuses everything", async () => {
    const garbled = `2.${REVISION}.${FIXED_NOW - 60}.marketing.youtube.r1.extra`;
    const result = await visit(`ce_consent=${own({ granted: ["marketing"] })}; ce_consent=${garbled}`);
    expect(result.kept).toEqual(["session"]);
    expect(result.pixelLive).toBe(false);
  });

  it("a service the site does not name, or a prototype name, in a version 2 cookie grants no service (opt-in region)", async () => {
    for (const service of ["hotjar", "constructor", "__proto__", "youtube~__proto__"]) {
      const value = `2.${REVISION}.${FIXED_NOW - 60}.-.${service}`;
      const result = await visit(`ce_consent=${value}`, { country: "DE" });
      expect(result.response.status, service).toBe(200);
      expect(result.kept, service).toEqual(["session"]);
      expect(result.response.headers.get("X-Consent-Services"), service).toBe("none");
    }
  });

  it("GPC refuses a service granted on its own with its category: YSC dropped, the video inert", async () => {
    const result = await visit(`ce_consent=${own({ granted: ["analytics"], services: ["youtube"] })}`, {
      headers: { "Sec-GPC": "1" },
    });
    expect(result.kept).toEqual(["session", "_ga"]);
    expect(result.videoLive).toBe(false);
    expect(result.response.headers.get("X-Consent-Services")).toBe("none");
  });

  it("DNT refuses a doNotTrack service's cookie though the service is granted", async () => {
    const dnt = appFor(
      attributeDnt(
        attackedSite({
          consent: { sources: ["consent-cookie"], doNotTrack: [] },
        }),
      ),
    );
    const result = await visit(`ce_consent=${own({ granted: [], services: ["youtube"] })}`, {
      target: dnt,
      headers: { DNT: "1" },
    });
    expect(result.kept).toEqual(["session"]);
  });

  it("the origin cannot set the consent cookie, not even a version 2 one granting a service", async () => {
    const response = await send(app, WWW, {
      cf: { country: "US" },
      originSets: [`ce_consent=${own({ granted: [], services: ["youtube"] })}; Path=/`],
      headers: { Cookie: `ce_consent=${own({ granted: [] })}` },
    });
    const jar = newJar();
    applyLines(jar, response.headers.getSetCookie(), WWW, FIXED_NOW_MS);
    expect(liveCookies(jar, FIXED_NOW_MS).map((stored) => stored.key)).not.toContain("ce_consent");
  });

  it("the origin's Set-Cookie for YouTube's cookie is dropped when only another service (Vimeo) is granted", async () => {
    const result = await visit(`ce_consent=${own({ granted: [], services: ["vimeo"] })}`);
    expect(result.kept).toEqual(["session"]);
    expect(result.videoLive).toBe(false);
  });
});

/** YSC's rule marked doNotTrack: refused under DNT: 1 whatever is granted. */
function attributeDnt(site: SiteInput): SiteInput {
  return {
    ...site,
    cookies: (site.cookies ?? []).map((rule) => (rule.name === "YSC" ? { ...rule, doNotTrack: true } : rule)),
  };
}

describe("the consent API and services", () => {
  const receipts = appFor(attackedSite({ consent: { receipts: true, sources: ["consent-cookie"] } }));
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    send(receipts, API, {
      method: "POST",
      body: JSON.stringify(body),
      cf: { country: "US" },
      headers: {
        "Content-Type": "application/json",
        Origin: "https://www.example.com",
        "CF-Connecting-IP": `10.12.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
        ...headers,
      },
    });
  const storedValue = (response: Response) => {
    const jar = newJar();
    applyLines(jar, response.headers.getSetCookie(), API, FIXED_NOW_MS);
    return liveCookies(jar, FIXED_NOW_MS).find((stored) => stored.key === "ce_consent")?.value;
  };

  it("a service granted on its own always has a receipt naming it, and the cookie carries that receipt", async () => {
    const response = await post({ grant: [], services: ["youtube"], method: "placeholder" });
    expect(response.status).toBe(200);
    const body: { receiptId: string | null; services: string[] } = await response.json();
    expect(body.services).toEqual(["youtube"]);
    expect(body.receiptId).not.toBeNull();
    const row = await db
      .prepare("SELECT services, method FROM consent_receipts WHERE id = ?")
      .bind(body.receiptId)
      .first<{ services: string | null; method: string }>();
    expect(row?.method).toBe("placeholder");
    expect(row?.services).toContain("youtube");
    const parsed = parseConsentCookie(storedValue(response) ?? "");
    expect(parsed.ok && parsed.choice.services).toEqual(["youtube"]);
    expect(parsed.ok && parsed.choice.receiptId).toBe(body.receiptId);
  });

  it("under GPC a scoped grant of only a marketing service is a 409: no cookie, no receipt", async () => {
    const response = await post({ grant: [], services: ["youtube"] }, { "Sec-GPC": "1" });
    expect(response.status).toBe(409);
    expect(storedValue(response)).toBeUndefined();
  });

  it("a whole choice under GPC records no marketing service (a receipt would prove a grant that never applies)", async () => {
    const response = await post(
      { granted: ["analytics"], services: ["youtube", "vimeo"] },
      { "Sec-GPC": "1" },
    );
    expect(response.status).toBe(200);
    const parsed = parseConsentCookie(storedValue(response) ?? "");
    expect(parsed.ok && parsed.choice.services).toBeUndefined();
    expect(parsed.ok && parsed.choice.granted).toEqual(["analytics"]);
  });

  it("unknown and prototype-named services are a 400, never a 5xx or a cookie", async () => {
    for (const services of [["__proto__"], ["constructor"], ["youtube", 1], "youtube", [{}]]) {
      const response = await post({ grant: [], services });
      expect(response.status, JSON.stringify(services)).toBe(400);
      expect(storedValue(response)).toBeUndefined();
    }
  });
});

describe("GPP and US Privacy strings, crafted and planted", () => {
  const TARGETED_OPT_OUT = usnat(["TargetedAdvertisingOptOut"]);
  const NO_OPT_OUT = usnat([]);

  it("a sibling's __gpp without opt-outs beside the visitor's OTGPPConsent opt-out still refuses marketing", async () => {
    const result = await visit(`OTGPPConsent=${TARGETED_OPT_OUT}; __gpp=${NO_OPT_OUT}`);
    expect(result.kept).toEqual(["session", "_ga"]);
    expect(result.pixelLive).toBe(false);
  });

  it("a GPC field in the string refuses marketing with no Sec-GPC header (the test can fail: without it all is granted)", async () => {
    expect((await visit(`__gpp=${usnat([], false)}`)).kept).toContain("_fbp");
    const result = await visit(`__gpp=${usnat([], true)}`);
    expect(result.kept).toEqual(["session", "_ga"]);
  });

  it("truncated and malformed strings in an opt-in region never grant more than undecided (nothing)", async () => {
    const cut = TARGETED_OPT_OUT.slice(0, TARGETED_OPT_OUT.length - 3);
    for (const value of [cut, "DBABL~", "DBABLA~~~", "DBAB~BVQVAAAAAgA.QA", "~", "%%", "D".repeat(5000)]) {
      const result = await visit(`__gpp=${value}`, { country: "DE" });
      expect(result.response.status, value).toBe(200);
      expect(result.kept, value).toEqual(["session"]);
    }
  });

  it("a malformed copy beside the visitor's opt-out does not lift it", async () => {
    const result = await visit(`__gpp=${TARGETED_OPT_OUT}; __gpp=DBABLA~garbage`);
    expect(result.kept).toEqual(["session", "_ga"]);
  });

  it("a GPP opt-out refuses a service of marketing with it when no own cookie decided", async () => {
    const result = await visit(`__gpp=${TARGETED_OPT_OUT}`);
    expect(result.videoLive).toBe(false);
    expect(result.kept).not.toContain("YSC");
  });

  it("a lower-case legacy US Privacy opt-out of sale refuses marketing (read as the visitor meant it)", async () => {
    const result = await visit("usprivacy=1yyn");
    expect(result.kept).toEqual(["session", "_ga"]);
  });

  // Was a hole (fixed: US readings decide nothing; their refusals apply like GPC, from every
  // source): a US-only GPP string with no opt-out was a *decision* that granted every category in
  // an opt-out region, and the first source that decides wins. A sibling
  // subdomain (or any script of the site's registrable domain) planting `__gpp` with no opt-outs
  // (Domain=example.com) turns the visitor's own `usprivacy=1YYN` opt-out of sale into a grant of
  // marketing: _fbp and YSC are kept and the Meta Pixel runs. Expected: the opt-out in usprivacy
  // still refuses marketing; a string that refuses nothing is no decision over a later source's
  // refusal (every US source's refusals should apply together, as signals do).
  it("a planted GPP string without opt-outs does not lift the visitor's usprivacy opt-out of sale", async () => {
    expect((await visit("usprivacy=1YYN")).kept).toEqual(["session", "_ga"]);
    const result = await visit(`usprivacy=1YYN; __gpp=${NO_OPT_OUT}`);
    expect(result.kept).toEqual(["session", "_ga"]);
    expect(result.pixelLive).toBe(false);
  });

  // The same (fixed) hole against Zaraz: the visitor refused marketing in Zaraz's banner (cf_consent); a
  // planted GPP string with no opt-out decides first and grants it. Expected: marketing refused.
  it("a planted GPP string without opt-outs does not lift the visitor's Zaraz refusal", async () => {
    const refusal = `cf_consent=${encodeURIComponent('{"USeX":true,"dqVA":false}')}`;
    expect((await visit(refusal)).kept).toEqual(["session", "_ga"]);
    const result = await visit(`${refusal}; __gpp=${NO_OPT_OUT}`);
    expect(result.kept).toEqual(["session", "_ga"]);
    expect(result.pixelLive).toBe(false);
  });
});

describe("Zaraz's cf_consent, crafted and planted", () => {
  const zarazFirst = appFor(attackedSite({ consent: { sources: ["consent-cookie", ZARAZ] } }));
  const refusal = `cf_consent=${encodeURIComponent('{"USeX":true,"dqVA":false}')}`;

  it("a sibling's copy granting every purpose beside the visitor's refusal keeps marketing refused", async () => {
    const planted = `cf_consent=${encodeURIComponent('{"USeX":true,"dqVA":true}')}`;
    const result = await visit(`${refusal}; ${planted}`, { target: zarazFirst });
    expect(result.kept).toEqual(["session", "_ga"]);
    expect(result.pixelLive).toBe(false);
    expect(result.videoLive).toBe(false);
  });

  it("a hostile copy (prototype names, non-booleans, raw and encoded forms disagreeing) never lifts the refusal", async () => {
    for (const hostile of [
      '{"__proto__":{"dqVA":true}}',
      '{"dqVA":"true"}',
      '{"dqVA":1}',
      encodeURIComponent('{"constructor":true,"dqVA":true}'),
      '{"dqVA":true',
    ]) {
      const result = await visit(`${refusal}; cf_consent=${hostile}`, { target: zarazFirst });
      expect(result.response.status, hostile).toBe(200);
      expect(result.kept, hostile).toEqual(["session", "_ga"]);
    }
  });

  it("a purpose missing from the cookie grants nothing: the marketing purpose not yet chosen keeps _fbp out", async () => {
    const result = await visit(`cf_consent=${encodeURIComponent('{"USeX":true}')}`, { target: zarazFirst });
    expect(result.kept).toEqual(["session", "_ga"]);
  });

  it("a service granted on consent-edge's own cookie is refused with its category by a Zaraz decision that comes first", async () => {
    const zarazBefore = appFor(attackedSite({ consent: { sources: [ZARAZ, "consent-cookie"] } }));
    const result = await visit(`${refusal}; ce_consent=${own({ granted: [], services: ["youtube"] })}`, {
      target: zarazBefore,
    });
    expect(result.kept).toEqual(["session", "_ga"]);
    expect(result.videoLive).toBe(false);
  });
});

describe("the page runtime reads the consent cookie as the edge does", () => {
  // The runtime's reader compares the date with Date.now(): the values are dated a minute ago.
  const recent = Math.floor(Date.now() / 1000) - 60;
  const site = compiledSite({ sites: [attackedSite({ consent: { sources: ["consent-cookie"] } })] });
  const config = runtimeConfig(site, new Set(["necessary"]), false);
  /** What the runtime's reader grants (categories and services), nothing for no copy or a refusal. */
  const runtimeGrants = (value: string) => {
    const read = readConsent(config, `ce_consent=${value}`);
    return read === null ? [] : [...read[0], ...read[2]];
  };

  it("both refuse what neither can read (the test can fail: a well-formed grant reads as one in both)", () => {
    const good = `2.${REVISION}.${recent}.marketing.youtube`;
    expect(parseConsentCookie(good).ok).toBe(true);
    expect(runtimeGrants(good)).toEqual(["marketing", "youtube"]);
    for (const value of [
      `1.${REVISION}.${recent}.marketing~Bad`,
      `2.${REVISION}.${recent}.-.YouTube`,
      `2.${REVISION}.${recent}.-.-`,
      `1.${REVISION}.${recent}.+-`,
      `3.${REVISION}.${recent}.marketing`,
    ]) {
      expect(parseConsentCookie(value).ok, value).toBe(false);
      expect(runtimeGrants(value), value).toEqual([]);
    }
  });

  // Was a hole, closed (svc-page, c3f4291): src/runtime/consent-cookie.ts readConsent checks only fields 0-3 (version 1) or 0-4
  // (version 2): it reads a grant from values parseConsentCookie refuses (a field too many, an
  // invalid or empty receipt id, a service id over 32 characters). The edge then serves the page
  // for "no choice" (nothing granted in an opt-in region) and the runtime restores what the value
  // grants, and tells Zaraz (test/e2e/attacks-issue12.e2e.test.ts). Expected: the runtime grants
  // nothing from a value the edge cannot read.
  it("the runtime grants nothing from a value the edge reads as unparseable", () => {
    const disagreeing = [
      `1.${REVISION}.${recent}.marketing.x.y`,
      `1.${REVISION}.${recent}.marketing.bad!id`,
      `1.${REVISION}.${recent}.marketing.`,
      `1.${REVISION}.${recent}.+marketing.`,
      `2.${REVISION}.${recent}.marketing.youtube.x.y`,
      `2.${REVISION}.${recent}.+marketing.youtube.bad!`,
      `2.${REVISION}.${recent}.-.youtube.`,
      `2.${REVISION}.${recent}.marketing.${"a".repeat(40)}`,
    ];
    const granting = disagreeing.filter(
      (value) => !parseConsentCookie(value).ok && runtimeGrants(value).length > 0,
    );
    expect(granting).toEqual([]);
  });
});

describe("the debug headers and services", () => {
  it("a visitor without the secret is not told the services (X-Consent-Services), and an origin's copy is removed", async () => {
    const response = await send(app, WWW, {
      cf: { country: "US" },
      headers: {
        Cookie: `ce_consent=${own({ granted: [], services: ["youtube"] })}`,
        "X-Fixture-Body": btoa(PAGE),
        "X-Fixture-Header": JSON.stringify({
          "Content-Type": "text/html; charset=utf-8",
          "X-Consent-Services": "youtube,vimeo",
        }),
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Consent-Services")).toBeNull();
  });
});
