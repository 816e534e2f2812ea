/**
 * Cloudflare Zaraz's consent cookie as a source, through the whole worker (issue 12, item 2): what
 * the visitor chose in Zaraz decides the origin's Set-Cookie and the page's trackers; and what the
 * edge hands the page runtime so that a choice made in consent-edge is told to Zaraz.
 */
import { describe, expect, it } from "vitest";
import { runtimeConfig, runtimeText, ZARAZ_SOURCE } from "../src/html/runtime";
import { compileConfig } from "../src/config/compile";
import { appFor, compiledSite, consent, send, setCookieNames, testSite } from "./helpers";
import { liveUrls, page } from "./html-helpers";

const WWW = "https://www.example.com/";
const SETS = ["session=1", "_ga=GA1", "_fbp=fb"];
const PIXEL = "https://connect.facebook.net/en_US/fbevents.js";
const HTML = page(`<script async src="${PIXEL}"></script>`);
/** The site's Zaraz purposes, as the dashboard names them (random four-letter ids). */
const MAP = { USeX: "analytics", dqVA: "marketing" };
const ZARAZ = { cmp: "zaraz" as const, map: MAP };

const zarazSite = (overrides: Record<string, unknown> = {}) =>
  testSite({
    // Opt-out: with no decision every category is granted, so a refusal is visible.
    regions: { default: "opt-out" },
    consent: { sources: ["consent-cookie", ZARAZ] },
    ...overrides,
  });
const app = appFor(zarazSite());

/**
 * A page with the Meta Pixel, and the origin's cookies, for a visitor sending `cookie`. The value
 * is as Zaraz documents it (https://developers.cloudflare.com/zaraz/consent-management/#purposes-and-tools):
 * JSON of purpose id -> true/false.
 */
const visit = (cookie: string | undefined, target = app) =>
  send(target, WWW, {
    // Cloudflare's geolocation: a known country, so that the region's default applies.
    cf: { country: "US" },
    originSets: SETS,
    debug: true,
    headers: {
      ...(cookie === undefined ? {} : { Cookie: cookie }),
      "X-Fixture-Body": btoa(HTML),
      "X-Fixture-Header": JSON.stringify({ "Content-Type": "text/html; charset=utf-8" }),
    },
  });
const livePixels = async (response: Response) =>
  liveUrls(await response.text(), (url) => url.hostname === "connect.facebook.net");

describe("Zaraz's cf_consent as a consent source", () => {
  it("without any consent cookie the opt-out default grants the pixel and _fbp", async () => {
    const res = await visit(undefined);
    expect(setCookieNames(res)).toEqual(["session", "_ga", "_fbp"]);
    expect(await livePixels(res)).toEqual([PIXEL]);
    expect(res.headers.get("X-Consent-Sources-Ignored")).toBe("consent-cookie: no-cookie, zaraz: absent");
  });

  it("a refusal of the purpose mapped to marketing drops _fbp and neutralises the pixel", async () => {
    const res = await visit('cf_consent={"USeX":true,"dqVA":false}');
    expect(res.status).toBe(200);
    expect(setCookieNames(res)).toEqual(["session", "_ga"]);
    expect(await livePixels(res)).toEqual([]);
    expect(res.headers.get("X-Consent-Source")).toBe("zaraz (valid)");
    expect(res.headers.get("X-Consent-Decided-By")).toContain("marketing=zaraz");
  });

  it("a refusal deletes the _fbp the browser already holds", async () => {
    const res = await visit('_fbp=fb.1.2.3; cf_consent={"USeX":true,"dqVA":false}');
    expect(res.headers.get("X-Consent-Cookies-Expired")).toContain("_fbp");
  });

  it("the percent-encoded form reads the same", async () => {
    const res = await visit(`cf_consent=${encodeURIComponent('{"USeX":false,"dqVA":false}')}`);
    expect(setCookieNames(res)).toEqual(["session"]);
    expect(await livePixels(res)).toEqual([]);
  });

  it("a grant keeps the pixel and _fbp where the default would refuse them (opt-in)", async () => {
    const optIn = appFor(zarazSite({ regions: { default: "opt-in" } }));
    expect(setCookieNames(await visit(undefined, optIn))).toEqual(["session"]);
    const res = await visit('cf_consent={"dqVA":true}', optIn);
    expect(setCookieNames(res)).toEqual(["session", "_fbp"]);
    expect(await livePixels(res)).toEqual([PIXEL]);
  });

  it.each([
    ["not JSON", "cf_consent=USeX"],
    ["truncated", 'cf_consent={"USeX":true,"dq'],
    ["a string for a boolean", 'cf_consent={"dqVA":"false"}'],
    ["__proto__", 'cf_consent={"__proto__":{"dqVA":false}}'],
    ["an empty record", "cf_consent={}"],
    ["a bad escape", "cf_consent=%7B%22dqVA%22%3Afalse%E0%A4%A"],
  ])("a malformed cf_consent (%s) decides nothing: the region default, never a 5xx", async (_, cookie) => {
    const res = await visit(cookie);
    expect(res.status).toBe(200);
    expect(setCookieNames(res)).toEqual(["session", "_ga", "_fbp"]);
    expect(res.headers.get("X-Consent-Source")).toMatch(/^default: /);
    expect(res.headers.get("X-Consent-Sources-Ignored")).toMatch(/zaraz: undecided \(zaraz:[a-z-]+\)$/);
  });

  it("consent-edge's own cookie, first in the sources, wins over Zaraz's", async () => {
    const res = await visit(`${consent(["marketing"])}; cf_consent={"USeX":true,"dqVA":false}`);
    expect(setCookieNames(res)).toEqual(["session", "_fbp"]);
    expect(res.headers.get("X-Consent-Source")).toBe("consent-cookie (valid)");
  });

  it("reads the cookie name the site set in Zaraz (`cookie`)", async () => {
    const renamed = appFor(zarazSite({ consent: { sources: [{ ...ZARAZ, cookie: "site_consent" }] } }));
    const res = await visit(
      'site_consent={"USeX":true,"dqVA":false}; cf_consent={"USeX":false,"dqVA":true}',
      renamed,
    );
    expect(setCookieNames(res)).toEqual(["session", "_ga"]);
    expect(await livePixels(res)).toEqual([]);
  });
});

describe("what the page runtime is told for Zaraz (RuntimeConfig.z)", () => {
  const granted = new Set(["necessary", "analytics"]);

  it("a site with a zaraz source hands the runtime its map, told at boot after consent-edge's cookie", () => {
    expect(runtimeConfig(compiledSite({ sites: [zarazSite()] }), granted).z).toEqual([MAP, 1]);
  });

  it("with Zaraz's cookie read first, Zaraz's stored choice is left be at boot", () => {
    const site = compiledSite({ sites: [zarazSite({ consent: { sources: [ZARAZ, "consent-cookie"] } })] });
    expect(runtimeConfig(site, granted).z).toEqual([MAP, 0]);
  });

  it("without consent-edge's cookie among the sources, nothing is told at boot", () => {
    const site = compiledSite({ sites: [zarazSite({ consent: { sources: [ZARAZ] } })] });
    expect(runtimeConfig(site, granted).z).toEqual([MAP, 0]);
  });

  it("a site without Zaraz gets no z, so its pages carry nothing of it", () => {
    const site = compiledSite({
      sites: [testSite({ consent: { sources: ["consent-cookie", "onetrust"] } })],
    });
    expect(runtimeConfig(site, granted)).not.toHaveProperty("z");
    expect(runtimeText(runtimeConfig(site, granted))).not.toContain(ZARAZ_SOURCE);
  });

  it("a Zaraz site's pages hand the runtime the Zaraz bundle, last", () => {
    const site = compiledSite({ sites: [zarazSite()] });
    expect(runtimeText(runtimeConfig(site, granted)).endsWith(`,${ZARAZ_SOURCE})`)).toBe(true);
    const unguarded = compiledSite({ sites: [zarazSite({ trackers: { runtimeGuard: false } })] });
    expect(runtimeText(runtimeConfig(unguarded, granted)).endsWith(`,0,0,${ZARAZ_SOURCE})`)).toBe(true);
  });
});

describe("config: a zaraz source without a map", () => {
  const problemsOf = (sources: unknown[]) => {
    const result = compileConfig({ sites: [testSite({ consent: { sources } as never })] });
    return result.ok ? [] : result.problems;
  };

  it.each<[string, unknown[], string]>([
    ["an object without map", ["consent-cookie", { cmp: "zaraz" }], "sites[0].consent.sources[1].map"],
    ["the bare name", ["zaraz", "consent-cookie"], "sites[0].consent.sources[0]"],
  ])("%s is an error naming the path and the fix", (_, sources, path) => {
    const problems = problemsOf(sources);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toEqual({
      path,
      message: expect.stringContaining("zaraz") as unknown,
      fix: expect.stringMatching(/"map": \{ "[A-Za-z]+": "analytics" \}/) as unknown,
    });
  });

  it("with a map it compiles", () => {
    expect(problemsOf(["consent-cookie", ZARAZ])).toEqual([]);
  });
});
