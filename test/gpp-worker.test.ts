/**
 * GPP and US Privacy strings through the whole worker: a US visitor (Cloudflare's `cf.country`)
 * whose GPP string opts out of targeted advertising has marketing refused (its cookies dropped
 * from Set-Cookie, its tracker neutralised in the page, judged by parse5) while analytics stays; in
 * an opt-in region the same string does not decide; the legacy `1YYN` refuses marketing.
 */
import { GppModel } from "@iabgpp/cmpapi";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { parse } from "parse5";
import { describe, expect, it } from "vitest";
import type { SiteInput } from "../src/config/types";
import { attributeOf, elementsNamed } from "./dom";
import { appFor, consent, setCookieNames, testSite } from "./helpers";

const SETS = ["session=1", "lang=en", "_ga=GA1", "_fbp=fb"];
const PIXEL = "https://connect.facebook.net/en_US/fbevents.js";
const ANALYTICS = "https://www.google-analytics.com/analytics.js";
const PAGE = `<!doctype html><html><head><script src="${PIXEL}"></script><script src="${ANALYTICS}"></script></head><body><p>Hi</p></body></html>`;

/** A usnat section as the IAB's library encodes it: notices given, these fields opted out (1) or not (2). */
function usnat(optedOut: readonly string[]): string {
  const model = new GppModel();
  for (const field of ["SaleOptOut", "SharingOptOut", "TargetedAdvertisingOptOut"]) {
    model.setFieldValue("usnat", `${field}Notice`, 1);
    model.setFieldValue("usnat", field, optedOut.includes(field) ? 1 : 2);
  }
  return model.encode();
}
const TARGETED_OPT_OUT = usnat(["TargetedAdvertisingOptOut"]);

function app(overrides: Partial<SiteInput> = {}) {
  return appFor(
    testSite({
      regions: { default: "opt-out", "opt-in": ["EEA", "GB"] },
      consent: { sources: ["consent-cookie", "gpp", "us-privacy"] },
      trackers: {
        rules: [
          { host: "connect.facebook.net", category: "marketing", vendor: "Meta" },
          { host: "www.google-analytics.com", category: "analytics", vendor: "Google Analytics" },
        ],
      },
      ...overrides,
    }),
  );
}

/** A page request from `country`, with `cookie`, as Cloudflare delivers it. */
async function visit(worker: ReturnType<typeof app>, country: string, cookie: string, regionCode?: string) {
  const request = new Request("https://www.example.com/", {
    headers: {
      Cookie: cookie,
      "X-Fixture-Set-Cookie": JSON.stringify(SETS),
      "X-Fixture-Body": btoa(PAGE),
      "X-Fixture-Header": JSON.stringify({ "Content-Type": "text/html; charset=utf-8" }),
      "X-Consent-Debug": "test-debug-secret",
    },
    cf: { country, ...(regionCode ? { regionCode } : {}) },
  });
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, env, ctx);
  const body = await response.text();
  await waitOnExecutionContext(ctx);
  return { response, scripts: elementsNamed(parse(body), "script") };
}

/** The live src of the script that was written with `url`, or undefined when it was neutralised. */
function liveSrc(scripts: ReturnType<typeof elementsNamed>, url: string): string | undefined {
  const script = scripts.find((element) =>
    [attributeOf(element, "src"), attributeOf(element, "data-ce-src")].includes(url),
  );
  if (!script) throw new Error(`no script for ${url}`);
  return attributeOf(script, "src");
}

describe("a GPP opt-out of targeted advertising, through the worker", () => {
  const worker = app();

  it("refuses marketing for a US visitor: its cookies dropped, its tracker neutralised, analytics kept", async () => {
    const { response, scripts } = await visit(worker, "US", `__gpp=${TARGETED_OPT_OUT}`, "TX");
    // An opt-out decides nothing: it refuses over the region's default, as GPC does.
    expect(setCookieNames(response)).toEqual(["session", "lang", "_ga"]);
    expect(response.headers.get("X-Consent-Granted")).toBe("necessary,functional,analytics");
    expect(response.headers.get("X-Consent-Source")).toContain("gpp: opt-outs only");
    expect(liveSrc(scripts, PIXEL)).toBeUndefined();
    expect(liveSrc(scripts, ANALYTICS)).toBe(ANALYTICS);
  });

  it("OneTrust's OTGPPConsent is read by default; a string that opts out of nothing refuses nothing", async () => {
    const { response } = await visit(worker, "US", `OTGPPConsent=${usnat([])}`);
    expect(setCookieNames(response)).toEqual(["session", "lang", "_ga", "_fbp"]);
    expect(response.headers.get("X-Consent-Source")).toContain("gpp: no opt-out");
  });

  it("in an opt-in region the same string decides nothing: the region's default (only necessary) stays", async () => {
    const { response, scripts } = await visit(worker, "DE", `__gpp=${TARGETED_OPT_OUT}`);
    expect(setCookieNames(response)).toEqual(["session"]);
    expect(response.headers.get("X-Consent-Sources-Ignored")).toBe(
      "consent-cookie: no-cookie, gpp: opt-outs only, us-privacy: absent",
    );
    expect(liveSrc(scripts, PIXEL)).toBeUndefined();
    expect(liveSrc(scripts, ANALYTICS)).toBeUndefined();
  });

  it("in an opt-in region, the next source still decides (consent-edge's own cookie after gpp)", async () => {
    const ordered = app({ consent: { sources: ["gpp", "consent-cookie"] } });
    const { response } = await visit(ordered, "DE", `__gpp=${TARGETED_OPT_OUT}; ${consent(["analytics"])}`);
    expect(setCookieNames(response)).toEqual(["session", "_ga"]);
    expect(response.headers.get("X-Consent-Source")).toBe("consent-cookie (valid)");
  });

  it("an opt-out refuses whatever decides and wherever the source stands: consent-edge's cookie first, granting marketing", async () => {
    const { response, scripts } = await visit(
      worker,
      "US",
      `${consent(["analytics", "marketing"])}; __gpp=${TARGETED_OPT_OUT}`,
    );
    expect(response.headers.get("X-Consent-Source")).toBe("consent-cookie (valid)");
    expect(setCookieNames(response)).toEqual(["session", "_ga"]);
    expect(liveSrc(scripts, PIXEL)).toBeUndefined();
    expect(liveSrc(scripts, ANALYTICS)).toBe(ANALYTICS);
  });

  it("a malformed string is undecided, never a 5xx", async () => {
    const { response } = await visit(worker, "DE", "__gpp=DBABLA~BVQV; OTGPPConsent=%%%");
    expect(response.status).toBe(200);
    expect(setCookieNames(response)).toEqual(["session"]);
    expect(response.headers.get("X-Consent-Sources-Ignored")).toContain("gpp: undecided (gpp:");
  });
});

describe("the legacy US Privacy string", () => {
  const worker = app({ consent: { sources: ["us-privacy"] } });

  it("1YYN (opted out of sale) refuses marketing for a US visitor, and keeps analytics", async () => {
    const { response, scripts } = await visit(worker, "US", "usprivacy=1YYN", "CA");
    expect(setCookieNames(response)).toEqual(["session", "lang", "_ga"]);
    expect(response.headers.get("X-Consent-Source")).toContain("us-privacy: opt-outs only");
    expect(liveSrc(scripts, PIXEL)).toBeUndefined();
    expect(liveSrc(scripts, ANALYTICS)).toBe(ANALYTICS);
  });

  it("1YNN (did not opt out) grants every category in an opt-out region", async () => {
    const { response } = await visit(worker, "US", "usprivacy=1YNN");
    expect(setCookieNames(response)).toEqual(["session", "lang", "_ga", "_fbp"]);
  });
});
