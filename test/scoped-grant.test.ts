/**
 * Issue 9, item 6: a scoped grant (an embed placeholder's button, `consentEdge.grant` in the page)
 * grants what was clicked and decides nothing else. The cookie's `+` form, how the edge reads it
 * (copies, region defaults, a CMP's decision, signals), and the consent API that merges and records
 * it, against the real worker and miniflare's D1.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { compileConfig, type Site } from "../src/config/compile";
import { parseConsentCookie, serializeConsentCookie } from "../src/consent/consent-cookie";
import { resolveConsent } from "../src/consent/resolve-consent";
import { appFor, consent, FIXED_NOW, REVISION, resolveOwnCookies, send, testSite } from "./helpers";
import { page } from "./html-helpers";

const API = "https://www.example.com/.consent-edge/consent";
const db = (env as unknown as { CONSENT_DB: D1Database }).CONSENT_DB;
type SiteInput = Parameters<typeof testSite>[0];

function compiled(overrides: SiteInput = {}): Site {
  const result = compileConfig({ sites: [testSite(overrides)] });
  if (!result.ok) throw new Error("fixture config invalid");
  return result.config.sites[0] as Site;
}

const optIn = compiled();
const notice = compiled({ regions: { default: "notice" } });
const withOneTrust = compiled({ consent: { sources: ["consent-cookie", "onetrust"] } });

const resolve = resolveOwnCookies;

const at = FIXED_NOW - 60;

describe("the cookie's scoped form", () => {
  it("round-trips, receipt id included", () => {
    const choice = {
      revision: REVISION,
      givenAt: at,
      granted: ["marketing"],
      scoped: true as const,
      receiptId: "r1",
    };
    const value = serializeConsentCookie(choice);
    expect(value).toBe(`1.${REVISION}.${at}.+marketing.r1`);
    expect(parseConsentCookie(value)).toEqual({ ok: true, choice });
  });

  // Every form an earlier version wrote reads exactly as it did (test/consent.test.ts has the rest).
  it.each([
    [
      `1.${REVISION}.${at}.analytics~marketing.r_1`,
      { granted: ["analytics", "marketing"], receiptId: "r_1" },
    ],
    [`1.${REVISION}.${at}.-`, { granted: [] }],
    [`1.${REVISION}.${at}.analytics`, { granted: ["analytics"] }],
  ])("an older cookie %s is a whole choice, as before", (value, expected) => {
    expect(parseConsentCookie(value)).toEqual({
      ok: true,
      choice: { revision: REVISION, givenAt: at, ...expected },
    });
  });

  it.each(["+", "+-", "++marketing", "-+marketing", "+~marketing", "+Marketing", "marketing~+analytics"])(
    "%s is unparseable: a scoped grant names what it grants",
    (granted) => {
      expect(parseConsentCookie(`1.${REVISION}.${at}.${granted}`).ok).toBe(false);
    },
  );
});

describe("the edge reads a scoped grant as granted, and the visitor as undecided", () => {
  it("opt-in: what was clicked is granted, the rest refused by default, the banner still due", () => {
    const state = resolve(optIn, [`1.${REVISION}.${at}.+marketing.r9`]);
    expect([...state.granted]).toEqual(["necessary", "marketing"]);
    expect(state.decided).toBe(false);
    expect(state.scoped).toEqual(["marketing"]);
    expect(state.receiptId).toBe("r9");
    expect(state.decidedBy).toMatchObject({ marketing: "consent-cookie", analytics: "default:opt-in" });
  });

  it("notice: the other categories keep the region's default", () => {
    const state = resolve(notice, [`1.${REVISION}.${at}.+marketing`]);
    expect([...state.granted]).toEqual(["necessary", "functional", "analytics", "marketing"]);
    expect(state.decided).toBe(false);
  });

  it("GPC still refuses marketing over a scoped grant of it, as over a whole choice", () => {
    const gpcBinding = compiled({
      regions: { default: "notice" },
      consent: { gpc: { bindingIn: ["notice"] } },
    });
    const state = resolve(gpcBinding, [`1.${REVISION}.${at}.+marketing`], { "Sec-GPC": "1" });
    expect(state.granted.has("analytics")).toBe(true);
    expect(state.granted.has("marketing")).toBe(false);
  });

  it("a scoped grant past consent.maxAge is ignored like any other choice", () => {
    const old = FIXED_NOW - 200 * 86_400;
    const state = resolve(optIn, [`1.${REVISION}.${old}.+marketing`]);
    expect([...state.granted]).toEqual(["necessary"]);
    expect(state.scoped).toBeUndefined();
  });

  it("a later source's decision is the whole choice: a scoped grant beside it does not widen it", () => {
    // OneTrust: analytics and functional granted, marketing (C0004) refused.
    const onetrust =
      "isGpcEnabled=0&datestamp=Mon+Nov+23+2026&version=202409.1.0&interactionCount=1&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A0";
    const state = resolveConsent(
      {
        cookies: [
          { name: "ce_consent", value: `1.${REVISION}.${at}.+marketing` },
          { name: "OptanonConsent", value: onetrust },
          { name: "OptanonAlertBoxClosed", value: "2026-11-20T10:00:00.000Z" },
        ],
        headers: new Headers(),
        now: FIXED_NOW,
      },
      withOneTrust,
      withOneTrust.consentSources,
    );
    expect(state.decided).toBe(true);
    expect(state.source).toBe("onetrust");
    expect(state.granted.has("marketing")).toBe(false);
    expect(state.scoped).toBeUndefined();
  });

  describe("several copies (a sibling subdomain's Domain= copy) never widen what any copy grants", () => {
    // In a notice region, where an undecided category is granted by default: the strictest test.
    it.each<[string, string[], string[] | undefined, string[]]>([
      [
        "two scoped: their intersection, still scoped",
        ["+marketing~analytics", "+marketing"],
        ["marketing"],
        ["functional", "analytics", "marketing"],
      ],
      ["scoped beside a whole refusal: the refusal decides", ["+marketing", "-"], undefined, []],
      [
        "scoped beside a whole grant: a whole choice, the intersection",
        ["+marketing", "analytics~marketing"],
        undefined,
        ["marketing"],
      ],
    ])("%s", (_, copies, scoped, granted) => {
      const state = resolve(
        notice,
        copies.map((g) => `1.${REVISION}.${at}.${g}`),
      );
      expect(state.decided).toBe(scoped === undefined);
      expect(state.scoped).toEqual(scoped);
      expect([...state.granted].filter((c) => c !== "necessary")).toEqual(granted);
    });

    it("scoped beside an unreadable copy: a refusal, never a scoped grant of nothing (which notice would widen)", () => {
      const state = resolve(notice, [`1.${REVISION}.${at}.+marketing`, "garbage"]);
      expect(state.decided).toBe(true);
      expect([...state.granted]).toEqual(["necessary"]);
    });
  });
});

function scopedPost(body: unknown, cookie?: string, ip = "198.51.100.9") {
  return {
    method: "POST",
    body: JSON.stringify(body),
    headers: {
      "Content-Type": "application/json",
      Origin: "https://www.example.com",
      "CF-Connecting-IP": ip,
      ...(cookie ? { Cookie: cookie } : {}),
    },
  };
}

function cookieOf(res: Response): string {
  const line = res.headers.getSetCookie().find((l) => l.startsWith("ce_consent=")) ?? "";
  return line.slice("ce_consent=".length, line.indexOf(";"));
}

async function receipt(id: string | undefined) {
  return db
    .prepare("SELECT action, granted, method, previous_id FROM consent_receipts WHERE id = ?")
    .bind(id)
    .first();
}

describe("the consent API merges a scoped grant and records how it was given", () => {
  const app = appFor(testSite({ consent: { receipts: true }, banner: { enabled: true } }));
  const html = {
    "X-Fixture-Body": btoa(page("<p>Hello</p>")),
    "X-Fixture-Header": JSON.stringify({ "Content-Type": "text/html" }),
  };

  it("an undecided visitor's placeholder click: scoped cookie, a receipt saying placeholder, the banner still asks", async () => {
    const res = await send(app, API, scopedPost({ grant: ["marketing"], method: "placeholder" }));
    expect(res.status).toBe(200);
    const value = cookieOf(res);
    const parsed = parseConsentCookie(value);
    expect(parsed.ok && parsed.choice).toMatchObject({ granted: ["marketing"], scoped: true });
    const id = parsed.ok ? parsed.choice.receiptId : undefined;
    expect(await receipt(id)).toEqual({
      action: "grant",
      granted: "necessary marketing",
      method: "placeholder",
      previous_id: null,
    });
    // The next page: marketing live, the banner open with marketing ticked, nothing else.
    const next = await send(app, "https://www.example.com/", {
      headers: { Cookie: `ce_consent=${value}`, ...html },
    });
    const text = await next.text();
    expect(text).toMatch(/<div id="ce-banner" class="ce-banner" role="region" [^>]*lang="en">/);
    expect(text).toContain('value="marketing" id="ce-banner-c3" aria-describedby="ce-banner-d3" checked>');
    expect(text).not.toMatch(/value="(functional|analytics)"[^>]*checked/);

    // A second one adds to the first, still scoped, linked to it.
    const again = await send(app, API, scopedPost({ grant: ["analytics"] }, `ce_consent=${value}`));
    const second = parseConsentCookie(cookieOf(again));
    expect(second.ok && second.choice).toMatchObject({ granted: ["analytics", "marketing"], scoped: true });
    expect(await receipt(second.ok ? second.choice.receiptId : undefined)).toEqual({
      action: "grant",
      granted: "necessary analytics marketing",
      method: "page",
      previous_id: id,
    });
  });

  it("on top of a whole choice it is a whole choice again: that choice plus what was clicked", async () => {
    const res = await send(
      app,
      API,
      scopedPost({ grant: ["marketing"], method: "placeholder" }, consent(["analytics"])),
    );
    const parsed = parseConsentCookie(cookieOf(res));
    expect(parsed.ok && parsed.choice.granted).toEqual(["analytics", "marketing"]);
    expect(parsed.ok && parsed.choice.scoped).toBeUndefined();
  });

  it.each<[string, unknown]>([
    ["an empty list", { grant: [] }],
    ["only necessary", { grant: ["necessary"] }],
    ["an unknown category", { grant: ["tracking"] }],
    ["not a list", { grant: "marketing" }],
    ["a scoped grant and a whole choice at once", { grant: ["marketing"], granted: ["analytics"] }],
  ])("%s is a 400 and changes nothing", async (_, body) => {
    const res = await send(app, API, scopedPost(body));
    expect(res.status).toBe(400);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("an unknown method is recorded as page, never as what the page claims", async () => {
    const res = await send(
      app,
      API,
      scopedPost({ grant: ["functional"], method: "form" }, undefined, "198.51.100.10"),
    );
    const parsed = parseConsentCookie(cookieOf(res));
    expect((await receipt(parsed.ok ? parsed.choice.receiptId : undefined))?.method).toBe("page");
  });

  it("is throttled like every grant: 429, no cookie", async () => {
    const ip = "198.51.100.11";
    for (let i = 0; i < 20; i++) await send(app, API, scopedPost({ grant: ["marketing"] }, undefined, ip));
    const res = await send(app, API, scopedPost({ grant: ["marketing"] }, undefined, ip));
    expect(res.status).toBe(429);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});
