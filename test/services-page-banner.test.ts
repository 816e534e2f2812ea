/**
 * The banner's services (issue 12 item 3), read by parse5: "Customise" lists each category's
 * services under its row, each with a switch of its own (`service` fields), ticked from the
 * services granted on their own; the settings page served without JavaScript has the same; and the
 * form's `service` fields are what the consent API records (a version 2 cookie). What the script
 * sends in a browser: test/e2e/services.e2e.test.ts.
 */
import { parse } from "parse5";
import { describe, expect, it } from "vitest";
import { bannerFor } from "../src/banner/banner-for";
import type { Site } from "../src/config/compile";
import { parseConsentCookie, serializeConsentCookie } from "../src/consent/consent-cookie";
import { grantsOf } from "../src/consent/grants";
import type { ConsentState } from "../src/consent/types";
import { GERMAN_TEXTS } from "../src/texts/languages/de";
import { ENGLISH_TEXTS } from "../src/texts/languages/en";
import { attributeOf, elementsNamed, textOf, type Element, type Node } from "./dom";
import { appFor, compiledSite, FIXED_NOW, REVISION, send, testSite } from "./helpers";

const children = (node: Node, tag: string): Element[] =>
  ("childNodes" in node ? node.childNodes : []).filter(
    (child): child is Element => "tagName" in child && child.tagName === tag,
  );

/** Each category row of "Customise": its category, and its services as [id, label, ticked]. */
function serviceRows(html: string): Array<[string, Array<[string, string, boolean]>]> {
  const details = elementsNamed(parse(html), "details")[0];
  const list = details && children(details, "ul")[0];
  return (list ? children(list, "li") : []).map((row) => {
    const category = children(row, "input")[0];
    const services = children(row, "ul").flatMap((ul) =>
      children(ul, "li").map((item): [string, string, boolean] => {
        const box = children(item, "input")[0] as Element;
        const label = children(item, "label")[0] as Element;
        expect(attributeOf(box, "name")).toBe("service");
        expect(attributeOf(label, "for")).toBe(attributeOf(box, "id"));
        return [attributeOf(box, "value") ?? "", textOf(label), attributeOf(box, "checked") !== undefined];
      }),
    );
    return [(category && attributeOf(category, "value")) ?? "necessary", services];
  });
}

function consentOf(decided: boolean, services: string[], categories: string[] = []): ConsentState {
  return {
    granted: grantsOf(["necessary", ...categories], services),
    decided,
    region: { area: undefined, model: "opt-in" },
  } as unknown as ConsentState;
}

const banner = (site: Site, consent: ConsentState, acceptLanguage = "en") =>
  bannerFor(site, consent, { acceptLanguage, returnTo: "/" }, undefined) ?? "";

describe("the banner's services", () => {
  const site = compiledSite({ sites: [testSite({ banner: { enabled: true } })] });

  it("lists YouTube under Marketing and Vimeo under Analytics, each with its own switch, none ticked", () => {
    expect(serviceRows(banner(site, consentOf(false, [])))).toEqual([
      ["necessary", []],
      ["functional", []],
      ["analytics", [["vimeo", "Vimeo", false]]],
      ["marketing", [["youtube", "YouTube", false]]],
    ]);
  });

  it("ticks the services granted on their own, in the settings view and in the first layer", () => {
    const decided = serviceRows(banner(site, consentOf(true, ["youtube"], ["analytics"])));
    expect(decided[2]).toEqual(["analytics", [["vimeo", "Vimeo", false]]]);
    expect(decided[3]).toEqual(["marketing", [["youtube", "YouTube", true]]]);
    // An undecided visitor ticked it themselves ("Always allow YouTube"): no pre-ticked box.
    expect(serviceRows(banner(site, consentOf(false, ["youtube"])))[3]).toEqual([
      "marketing",
      [["youtube", "YouTube", true]],
    ]);
  });

  it("names the list in the visitor's language", () => {
    const html = banner(site, consentOf(false, []), "de");
    const headings = elementsNamed(parse(html), "p").filter((p) =>
      attributeOf(p, "id")?.startsWith("ce-banner-s"),
    );
    expect(headings.map(textOf)).toEqual([GERMAN_TEXTS.servicesInCategory, GERMAN_TEXTS.servicesInCategory]);
    const lists = elementsNamed(parse(html), "ul").filter((ul) => attributeOf(ul, "aria-labelledby"));
    expect(lists.map((ul) => attributeOf(ul, "aria-labelledby"))).toEqual(
      headings.map((p) => attributeOf(p, "id")),
    );
  });

  it("a site without built-in trackers and without services lists none", () => {
    const plain = compiledSite({
      sites: [testSite({ banner: { enabled: true }, trackers: { builtin: false } })],
    });
    const html = banner(plain, consentOf(false, []));
    expect(serviceRows(html).every(([, services]) => services.length === 0)).toBe(true);
    expect(html).not.toContain(ENGLISH_TEXTS.servicesInCategory);
  });

  it("a hostile service label stays text", () => {
    const hostile = `<img src=x onerror=alert(1)>"`;
    const own = compiledSite({
      sites: [
        testSite({
          banner: { enabled: true },
          trackers: {
            rules: [{ host: "player.example", category: "functional", vendor: hostile, service: "player" }],
          },
        }),
      ],
    });
    const html = banner(own, consentOf(false, []));
    expect(serviceRows(html)[1]).toEqual(["functional", [["player", hostile, false]]]);
    expect(elementsNamed(parse(html), "img")).toEqual([]);
  });

  it("with English texts and both built-in services, stays within 6 KB gzipped", async () => {
    const html = banner(site, consentOf(true, ["youtube"]));
    const stream = new Blob([html]).stream().pipeThrough(new CompressionStream("gzip"));
    const size = (await new Response(stream).arrayBuffer()).byteLength;
    console.info(`banner with services: ${html.length} bytes, ${size} bytes gzipped`);
    expect(size).toBeLessThanOrEqual(6 * 1024);
  });
});

describe("the settings page and the form, without JavaScript", () => {
  const app = appFor(testSite({ banner: { enabled: true } }));
  const v2 = `ce_consent=${serializeConsentCookie({
    revision: REVISION,
    givenAt: FIXED_NOW - 60,
    granted: ["analytics"],
    services: ["youtube"],
  })}`;

  it("the settings page ticks YouTube for a visitor who allowed it on its own, and Marketing not", async () => {
    const res = await send(app, "https://www.example.com/.consent-edge/settings?return=/", {
      headers: { Cookie: v2 },
    });
    expect(res.status).toBe(200);
    const rows = serviceRows(await res.text());
    expect(rows[3]).toEqual(["marketing", [["youtube", "YouTube", true]]]);
    expect(rows[2]).toEqual(["analytics", [["vimeo", "Vimeo", false]]]);
  });

  it("Save with YouTube ticked records it on its own: a version 2 cookie", async () => {
    const res = await send(app, "https://www.example.com/.consent-edge/consent", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "https://www.example.com",
        "CF-Connecting-IP": "192.0.2.77",
      },
      body: new URLSearchParams([
        ["return", "/"],
        ["category", "analytics"],
        ["service", "youtube"],
        ["choice", "save"],
      ]).toString(),
    });
    expect(res.status).toBe(303);
    const line = res.headers.getSetCookie().find((cookie) => cookie.startsWith("ce_consent="));
    const parsed = parseConsentCookie((line ?? "").slice("ce_consent=".length).split(";")[0] ?? "");
    expect(parsed.ok && [parsed.choice.granted, parsed.choice.services]).toEqual([
      ["analytics"],
      ["youtube"],
    ]);
  });
});
