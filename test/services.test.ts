/**
 * The services foundation: what a rule of a service needs, how a visitor's grants answer it, how a
 * request's consent carries services, and what the config says about them.
 */
import { describe, expect, it } from "vitest";
import { compileConfig } from "../src/config/compile";
import { allows, grantsOf, needOf, parseNeed } from "../src/consent/grants";
import { servicesOf } from "../src/consent/services";
import { compiledSite, FIXED_NOW, REVISION, resolveOwnCookies, testSite } from "./helpers";

const site = compiledSite({
  sites: [
    testSite({
      regions: { "opt-in": ["EEA"], "opt-out": ["US"] },
      cookies: [
        { name: "_ga", category: "analytics" },
        { name: "_hj*", category: "analytics", service: "hotjar", provider: "Hotjar" },
      ],
      trackers: { rules: [{ host: "static.hotjar.com", category: "analytics", service: "hotjar" }] },
    }),
  ],
});

const resolve = (cookie: string, headers: Record<string, string> = {}) =>
  resolveOwnCookies(site, cookie === "" ? [] : [cookie], headers, "DE");

describe("a rule's need", () => {
  it("is its category, or category:service", () => {
    expect(needOf({ category: "marketing" })).toBe("marketing");
    expect(needOf({ category: "marketing", service: "youtube" })).toBe("marketing:youtube");
    expect(parseNeed("marketing:youtube")).toEqual({ category: "marketing", service: "youtube" });
    expect(parseNeed("marketing")).toEqual({ category: "marketing", service: undefined });
  });

  it("is granted with its category, or with the service alone", () => {
    const both = grantsOf(["necessary"], ["youtube"]);
    expect(allows(both, "marketing:youtube")).toBe(true);
    expect(allows(both, "marketing")).toBe(false);
    expect(allows(both, "marketing:vimeo")).toBe(false);
    expect(allows(grantsOf(["necessary", "marketing"]), "marketing:youtube")).toBe(true);
  });

  it("is refused with its category when a signal refuses that, even if the service was granted", () => {
    expect(allows(grantsOf(["necessary"], ["youtube"], ["marketing"]), "marketing:youtube")).toBe(false);
  });

  it("a plain set of categories grants no service on its own (fail closed)", () => {
    expect(allows(new Set(["necessary"]), "marketing:youtube")).toBe(false);
    expect(allows(new Set(["marketing"]), "marketing:youtube")).toBe(true);
  });

  it("iterating the grants lists categories only", () => {
    expect([...grantsOf(["necessary", "analytics"], ["youtube"])]).toEqual(["necessary", "analytics"]);
  });
});

describe("a request's consent with services", () => {
  it("a whole choice of version 2 grants its services and nothing else of their category", () => {
    const consent = resolve(`2.${REVISION}.${String(FIXED_NOW - 60)}.-.youtube~hotjar`);
    expect(consent.decided).toBe(true);
    expect([...consent.granted]).toEqual(["necessary"]);
    expect([...consent.granted.services].sort()).toEqual(["hotjar", "youtube"]);
    expect(allows(consent.granted, "marketing:youtube")).toBe(true);
    expect(allows(consent.granted, "analytics:hotjar")).toBe(true);
    expect(allows(consent.granted, "analytics")).toBe(false);
  });

  it("a service the site's rules do not name grants nothing", () => {
    const consent = resolve(`2.${REVISION}.${String(FIXED_NOW - 60)}.-.nosuch`);
    expect([...consent.granted.services]).toEqual([]);
  });

  it("a scoped grant of a service alone leaves the visitor undecided (the banner still asks)", () => {
    const consent = resolve(`2.${REVISION}.${String(FIXED_NOW - 60)}.+-.youtube`);
    expect(consent.decided).toBe(false);
    expect([...consent.granted]).toEqual(["necessary"]);
    expect(allows(consent.granted, "marketing:youtube")).toBe(true);
  });

  it("GPC where binding refuses a service of the category it refuses", () => {
    const consent = resolve(`2.${REVISION}.${String(FIXED_NOW - 60)}.analytics.youtube`, { "Sec-GPC": "1" });
    expect(consent.refusedBySignals).toContain("marketing");
    expect(allows(consent.granted, "marketing:youtube")).toBe(false);
    expect([...consent.granted.services]).toEqual([]);
    expect(allows(consent.granted, "analytics")).toBe(true);
  });

  it("a version 1 cookie reads as before: no services", () => {
    const consent = resolve(`1.${REVISION}.${String(FIXED_NOW - 60)}.analytics`);
    expect([...consent.granted]).toEqual(["necessary", "analytics"]);
    expect([...consent.granted.services]).toEqual([]);
  });

  it("two copies grant only the services both grant", () => {
    const consent = resolveOwnCookies(
      site,
      [
        `2.${REVISION}.${String(FIXED_NOW - 60)}.-.youtube~hotjar`,
        `2.${REVISION}.${String(FIXED_NOW - 90)}.-.hotjar`,
      ],
      {},
      "DE",
    );
    expect([...consent.granted.services]).toEqual(["hotjar"]);
  });

  it("a version 1 copy beside a version 2 one takes the services away", () => {
    const consent = resolveOwnCookies(
      site,
      [
        `2.${REVISION}.${String(FIXED_NOW - 60)}.analytics.youtube`,
        `1.${REVISION}.${String(FIXED_NOW - 90)}.analytics`,
      ],
      {},
      "DE",
    );
    expect([...consent.granted]).toEqual(["necessary", "analytics"]);
    expect([...consent.granted.services]).toEqual([]);
  });
});

describe("services in the config", () => {
  it("lists the site's services first, then the built-in ones it keeps, with labels", () => {
    const services = servicesOf(site);
    expect(services.get("hotjar")).toEqual({ id: "hotjar", label: "hotjar", category: "analytics" });
    expect(services.get("youtube")).toEqual({ id: "youtube", label: "YouTube", category: "marketing" });
    expect(services.get("vimeo")?.category).toBe("analytics");
    const noBuiltin = compiledSite({ sites: [testSite({ trackers: { builtin: false } })] });
    expect([...servicesOf(noBuiltin).keys()]).toEqual([]);
  });

  it("a service in two categories is an error at the second rule, naming the first", () => {
    const result = compileConfig({
      sites: [
        testSite({
          cookies: [{ name: "YSC", category: "functional", service: "youtube" }],
          trackers: { rules: [{ host: "youtube.com", category: "marketing", service: "youtube" }] },
        }),
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual(
      expect.objectContaining({
        path: "sites[0].cookies[0].service",
        message: expect.stringContaining("sites[0].trackers.rules[0]") as unknown as string,
      }),
    );
  });

  it.each(["YouTube", "you tube", "", "a".repeat(33), "x:y", "-yt"])("%j is not a service id", (service) => {
    const result = compileConfig({
      sites: [testSite({ trackers: { rules: [{ host: "youtube.com", category: "marketing", service }] } })],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.path)).toContain("sites[0].trackers.rules[0].service");
  });
});
