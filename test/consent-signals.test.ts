/** Regions, GPC, DNT, consent age and policy revision, through the whole worker. */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SiteInput } from "../src/config/types";
import { appFor, consent, FIXED_NOW, send, setCookieNames, testSite } from "./helpers";

const SETS = ["session=1", "lang=en", "_ga=GA1", "_fbp=fb"];
const WWW = "https://www.example.com/";

function site(overrides: Partial<SiteInput> = {}) {
  return appFor(
    testSite({
      regions: { default: "notice", "opt-in": ["EEA", "GB", "CH"], "opt-out": ["US-CA", "US-CO"] },
      consent: {
        gpc: { categories: ["marketing"], bindingIn: ["opt-out", "opt-in"] },
        doNotTrack: ["functional"],
      },
      ...overrides,
    }),
  );
}

/** A request as Cloudflare delivers it, with its geolocation in `cf`. */
async function fromArea(
  app: ReturnType<typeof appFor>,
  country: string | undefined,
  regionCode?: string,
  headers: Record<string, string> = {},
) {
  const cf = country ? { country, ...(regionCode ? { regionCode } : {}) } : undefined;
  const request = new Request(WWW, {
    headers: {
      "X-Fixture-Set-Cookie": JSON.stringify(SETS),
      "X-Consent-Debug": "test-debug-secret",
      ...headers,
    },
    ...(cf ? { cf } : {}),
  });
  return app.fetch(request, env, createExecutionContext());
}

describe("regions", () => {
  const app = site();
  it.each([
    ["DE", undefined, "DE (opt-in)", ["session"]],
    ["FR", undefined, "FR (opt-in)", ["session"]],
    ["GB", undefined, "GB (opt-in)", ["session"]],
    ["CH", undefined, "CH (opt-in)", ["session"]],
    ["NO", undefined, "NO (opt-in)", ["session"]],
    ["US", "CA", "US-CA (opt-out)", ["session", "lang", "_ga", "_fbp"]],
    ["US", "NY", "US-NY (notice)", ["session", "lang", "_ga", "_fbp"]],
    ["JP", undefined, "JP (notice)", ["session", "lang", "_ga", "_fbp"]],
    [undefined, undefined, "unknown (opt-in)", ["session"]],
    ["XX", undefined, "unknown (opt-in)", ["session"]],
    ["T1", undefined, "unknown (opt-in)", ["session"]],
    // Not codes (test/fuzz/resolve-consent.test.ts): "ß".toUpperCase() is "SS"; a region code that
    // is not one is ignored, never shown in a header.
    ["ß", undefined, "unknown (opt-in)", ["session"]],
    ["DEU", undefined, "unknown (opt-in)", ["session"]],
    ["US", "C\nA", "US (notice)", ["session", "lang", "_ga", "_fbp"]],
    ["US", "CONSTRUCTOR", "US (notice)", ["session", "lang", "_ga", "_fbp"]],
  ])("%s %s -> %s", async (country, regionCode, region, cookies) => {
    const res = await fromArea(app, country, regionCode);
    expect(res.headers.get("X-Consent-Region")).toBe(region);
    expect(setCookieNames(res)).toEqual(cookies);
  });

  it("a consent cookie decides in any region", async () => {
    const res = await fromArea(site(), "US", "NY", { Cookie: consent([]) });
    expect(setCookieNames(res)).toEqual(["session"]);
    const eu = await fromArea(site(), "DE", undefined, { Cookie: consent(["analytics"]) });
    expect(setCookieNames(eu)).toEqual(["session", "_ga"]);
  });
});

describe("Global Privacy Control", () => {
  it("refuses marketing where binding, even over a consent cookie that grants it", async () => {
    const res = await fromArea(site(), "US", "CA", {
      "Sec-GPC": "1",
      Cookie: consent(["functional", "analytics", "marketing"]),
    });
    expect(setCookieNames(res)).toEqual(["session", "lang", "_ga"]);
    expect(res.headers.get("X-Consent-Decided-By")).toBe(
      "necessary=necessary, functional=consent-cookie, analytics=consent-cookie, marketing=gpc",
    );
    expect(res.headers.get("X-Consent-Signals")).toBe("gpc");
  });

  it("is not binding where the site says it is not", async () => {
    const res = await fromArea(site(), "JP", undefined, { "Sec-GPC": "1" });
    expect(setCookieNames(res)).toEqual(["session", "lang", "_ga", "_fbp"]);
  });

  it("announces itself at /.well-known/gpc.json when the site says so", async () => {
    const announcing = site({ consent: { gpc: { announce: true } } });
    const res = await send(announcing, "https://www.example.com/.well-known/gpc.json");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ gpc: true, lastUpdate: "2026-04-03" });
    const silent = await send(site(), "https://www.example.com/.well-known/gpc.json");
    // Not announced: the request goes to the origin like any other.
    expect(silent.headers.has("X-Fixture-Received-Cookie")).toBe(true);
  });
});

describe("Do Not Track", () => {
  it("refuses the site's DNT categories", async () => {
    const res = await fromArea(site(), "JP", undefined, { DNT: "1" });
    expect(setCookieNames(res)).toEqual(["session", "_ga", "_fbp"]);
    expect(res.headers.get("X-Consent-Signals")).toBe("dnt");
  });

  it("refuses rules marked doNotTrack even when their category is granted (aktok: Matomo)", async () => {
    const matomo = appFor(
      testSite({
        cookies: [
          { name: "session", category: "necessary" },
          { name: "_pk_id*", category: "analytics", doNotTrack: true },
          { name: "_ga", category: "analytics" },
        ],
      }),
    );
    const sets = ["session=1", "_pk_id.1.1fff=abc", "_ga=GA1"];
    const withDnt = await send(matomo, WWW, {
      originSets: sets,
      headers: { DNT: "1", Cookie: consent(["analytics"]) },
    });
    expect(setCookieNames(withDnt)).toEqual(["session", "_ga"]);
    const without = await send(matomo, WWW, {
      originSets: sets,
      headers: { Cookie: consent(["analytics"]) },
    });
    expect(setCookieNames(without)).toEqual(["session", "_pk_id.1.1fff", "_ga"]);
  });
});

describe("consent age and policy revision", () => {
  const app = appFor(testSite({ consent: { maxAge: "30d" } }));
  it.each([
    ["a fresh decision", FIXED_NOW - 29 * 86_400, ["session", "_ga"]],
    ["one older than maxAge", FIXED_NOW - 31 * 86_400, ["session"]],
  ])("%s", async (_, givenAt, cookies) => {
    const res = await send(app, WWW, {
      originSets: SETS,
      headers: { Cookie: consent(["analytics"], { givenAt }) },
      debug: true,
    });
    expect(setCookieNames(res)).toEqual(cookies);
  });

  it("says why an old decision was ignored", async () => {
    const res = await send(app, WWW, {
      headers: { Cookie: consent(["analytics"], { givenAt: FIXED_NOW - 31 * 86_400 }) },
      debug: true,
    });
    expect(res.headers.get("X-Consent-Sources-Ignored")).toBe("consent-cookie: expired");
  });

  it("a revision bump turns a decision back into undecided", async () => {
    const bumped = appFor(testSite({ policyRevision: "2026-11-01" }));
    const res = await send(bumped, WWW, {
      originSets: SETS,
      headers: { Cookie: consent(["analytics"]) },
      debug: true,
    });
    expect(setCookieNames(res)).toEqual(["session"]);
    expect(res.headers.get("X-Consent-Sources-Ignored")).toBe("consent-cookie: old-revision");
  });
});
