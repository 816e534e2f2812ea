/**
 * The consent cookie's version 2 (services, issue 12 item 3): every version 1 value reads exactly
 * as before, version 2 round-trips through the edge's writer and reader (the page runtime's reader
 * and writer are checked against it in Chromium: test/e2e/services-edge.e2e.test.ts), and hostile values (prototype names, a thousand services, empty fields, copies that disagree) never
 * grant more than they say.
 */
import { describe, expect, it } from "vitest";
import { compileConfig, type Site } from "../src/config/compile";
import {
  type ConsentChoice,
  parseConsentCookie,
  serializeConsentCookie,
} from "../src/consent/consent-cookie";
import { FIXED_NOW, REVISION, resolveOwnCookies, testSite } from "./helpers";

const site: Site = (() => {
  const result = compileConfig({
    sites: [
      testSite({
        cookies: [
          ...(testSite().cookies ?? []),
          { name: "YSC", category: "marketing", service: "youtube", provider: "YouTube" },
          { name: "_hj*", category: "analytics", service: "hotjar", provider: "Hotjar" },
        ],
      }),
    ],
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config.sites[0] as Site;
})();

const at = FIXED_NOW - 60;
const resolve = (values: string[], headers: Record<string, string> = {}) =>
  resolveOwnCookies(site, values, headers);

describe("version 1 reads exactly as before", () => {
  // Every form an earlier version wrote, and what it has always parsed to: no services key.
  it.each<[string, ConsentChoice]>([
    ["1.r1.5.-", { revision: "r1", givenAt: 5, granted: [] }],
    ["1.r1.5.analytics", { revision: "r1", givenAt: 5, granted: ["analytics"] }],
    [
      "1.r1.5.analytics~marketing.r_1",
      { revision: "r1", givenAt: 5, granted: ["analytics", "marketing"], receiptId: "r_1" },
    ],
    ["1.r1.5.necessary~analytics", { revision: "r1", givenAt: 5, granted: ["analytics"] }],
    ["1.r1.5.+marketing", { revision: "r1", givenAt: 5, granted: ["marketing"], scoped: true }],
  ])("%j", (value, choice) => {
    const parsed = parseConsentCookie(value);
    expect(parsed).toEqual({ ok: true, choice });
    expect(parsed.ok && "services" in parsed.choice).toBe(false);
  });

  it("a choice without services is still written as version 1", () => {
    expect(serializeConsentCookie({ revision: "r1", givenAt: 5, granted: ["analytics"], services: [] })).toBe(
      "1.r1.5.analytics",
    );
  });

  it("resolves to no service on its own", () => {
    const state = resolve([`1.${REVISION}.${at}.analytics`]);
    expect([...state.granted]).toEqual(["necessary", "analytics"]);
    expect([...state.granted.services]).toEqual([]);
  });
});

describe("version 2 round-trips", () => {
  it.each<[string, ConsentChoice, string]>([
    [
      "a service beside categories",
      { revision: REVISION, givenAt: at, granted: ["analytics"], services: ["youtube"] },
      `2.${REVISION}.${at}.analytics.youtube`,
    ],
    [
      "services alone",
      { revision: REVISION, givenAt: at, granted: [], services: ["youtube", "hotjar"] },
      `2.${REVISION}.${at}.-.youtube~hotjar`,
    ],
    [
      "with a receipt",
      { revision: REVISION, givenAt: at, granted: [], services: ["youtube"], receiptId: "abc_DEF-1" },
      `2.${REVISION}.${at}.-.youtube.abc_DEF-1`,
    ],
    [
      '"Always allow YouTube" (scoped)',
      { revision: REVISION, givenAt: at, granted: [], services: ["youtube"], scoped: true },
      `2.${REVISION}.${at}.+-.youtube`,
    ],
    [
      "a scoped grant of both",
      { revision: REVISION, givenAt: at, granted: ["functional"], services: ["youtube"], scoped: true },
      `2.${REVISION}.${at}.+functional.youtube`,
    ],
  ])("%s: %j", (_, choice, value) => {
    expect(serializeConsentCookie(choice)).toBe(value);
    expect(parseConsentCookie(value)).toEqual({ ok: true, choice });
  });

  it("the edge resolves a version 2 cookie: YouTube granted on its own, marketing not", () => {
    const state = resolve([`2.${REVISION}.${at}.analytics.youtube`]);
    expect([...state.granted]).toEqual(["necessary", "analytics"]);
    expect([...state.granted.services]).toEqual(["youtube"]);
    expect(state.decided).toBe(true);
  });
});

describe("hostile values", () => {
  it.each([
    [`2.${REVISION}.${at}.-.__proto__`, "a prototype name is no service id"],
    [`2.${REVISION}.${at}.-.youtube~__proto__`, "one bad id spoils the field"],
    [`2.${REVISION}.${at}.-.`, "an empty services field"],
    [`2.${REVISION}.${at}.analytics.-`, "version 2 without a service is not ours"],
    [`2.${REVISION}.${at}.analytics`, "version 2 without its services field"],
    [`2.${REVISION}.${at}.-.youtube~`, "a trailing separator"],
    [`2.${REVISION}.${at}.-.YouTube`, "upper case"],
    [`2.${REVISION}.${at}.+-.-`, "a scoped grant of nothing"],
    [`2.${REVISION}.${at}.-.youtube.receipt.extra`, "a field too many"],
    [`2.${REVISION}.${at}.-.${"s".repeat(33)}`, "an id over 32 characters"],
    [`2.${REVISION}.${at}.-.${Array.from({ length: 1_000 }, (_, i) => `s${i}`).join("~")}`, "1,000 services"],
    [`3.${REVISION}.${at}.-.youtube`, "an unknown version"],
  ])("%j is unparseable (%s), and resolves to nothing granted", (value) => {
    expect(parseConsentCookie(value)).toEqual({ ok: false, reason: "unparseable" });
    const state = resolve([value]);
    expect([...state.granted]).toEqual(["necessary"]);
    expect([...state.granted.services]).toEqual([]);
    expect(state.decided).toBe(false);
  });

  it.each(["constructor", "hasownproperty", "tostring", "hotjar-not-here"])(
    "a well-formed id the site does not name (%s) grants nothing",
    (id) => {
      const state = resolve([`2.${REVISION}.${at}.-.${id}`]);
      expect([...state.granted.services]).toEqual([]);
      expect(state.decided).toBe(true);
    },
  );

  it("as many services as fit grant only the site's, each once", () => {
    const ids = [...Array.from({ length: 150 }, (_, i) => `x${i}`), "youtube", "youtube"];
    const value = `2.${REVISION}.${at}.-.${ids.join("~")}`;
    expect(value.length).toBeLessThanOrEqual(1_024);
    expect([...resolve([value]).granted.services]).toEqual(["youtube"]);
  });

  it("GPC refuses a marketing service granted alone, not an analytics one", () => {
    const state = resolve([`2.${REVISION}.${at}.-.youtube~hotjar`], { "Sec-GPC": "1" });
    expect([...state.granted.services]).toEqual(["hotjar"]);
  });
});

describe("several copies", () => {
  it.each([
    [[`2.${REVISION}.${at}.analytics.youtube`, `1.${REVISION}.${at}.analytics`], ["analytics"], []],
    [[`1.${REVISION}.${at}.analytics`, `2.${REVISION}.${at}.analytics.youtube`], ["analytics"], []],
    [
      [`2.${REVISION}.${at}.-.youtube~hotjar`, `2.${REVISION}.${at - 5}.-.hotjar~youtube`],
      [],
      ["youtube", "hotjar"],
    ],
    [[`2.${REVISION}.${at}.-.youtube`, `2.${REVISION}.${at}.-.hotjar`], [], []],
    // Beside a copy that is no current choice, the merge grants nothing: services neither.
    [[`2.${REVISION}.${at}.analytics.youtube`, "garbage"], [], []],
  ])("%j grant only what every copy grants: %j and services %j", (values, categories, services) => {
    const state = resolve(values);
    expect([...state.granted]).toEqual(["necessary", ...categories]);
    expect([...state.granted.services]).toEqual(services);
  });
});
