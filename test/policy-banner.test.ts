/** "Customise" lists each category's cookies from the declaration: parsed by parse5, escaped. */
import { parse } from "parse5";
import { describe, expect, it } from "vitest";
import aktok from "../examples/aktok.json";
import { bannerFor } from "../src/banner/banner-for";
import type { Site } from "../src/config/compile";
import type { ConsentState } from "../src/consent/types";
import { declarationFor } from "../src/policy/declaration";
import { elementsNamed as descendants, textOf, type Element, type Node } from "./dom";
import { compiledSite, testSite } from "./helpers";

const compiled = compiledSite;
function children(node: Node, tag: string): Element[] {
  return ("childNodes" in node ? node.childNodes : []).filter(
    (child): child is Element => "tagName" in child && child.tagName === tag,
  );
}

const UNDECIDED = {
  granted: new Set(["necessary"]),
  decided: false,
  region: { model: "opt-in" },
} as unknown as ConsentState;

function categoryRows(site: Site): Element[] {
  const html = bannerFor(site, UNDECIDED, { acceptLanguage: "en", returnTo: "/" }, undefined) ?? "";
  const doc = parse(html);
  const details = descendants(doc, "details")[0];
  const list = details && children(details, "ul")[0];
  return list ? children(list, "li") : [];
}

describe("the banner's Customise: each category's cookies", () => {
  it("aktok: under each category row, its cookies as the declaration lists them", () => {
    const site = compiled(aktok);
    const rows = categoryRows(site);
    const declared = declarationFor(site).categories;
    expect(rows).toHaveLength(declared.length);
    rows.forEach((row, i) => {
      const list = children(row, "details")[0];
      expect(list && textOf(children(list, "summary")[0] as Node)).toBe("Cookies in this category");
      const items = (list ? descendants(list, "li") : []).map(textOf);
      expect(items.map((item) => item.slice(0, item.indexOf(":")))).toEqual(
        declared[i]?.cookies.map((c) => c.name),
      );
    });
    const analytics = rows[2] ? descendants(rows[2], "li").map(textOf) : [];
    expect(analytics).toContain("_ga: Google Analytics, 400 days");
    const necessary = rows[0] ? descendants(rows[0], "li").map(textOf) : [];
    expect(necessary).toContain("aktok_session: Aktok, Until you close the browser");
  });

  it("a category without cookies has no list; a hostile provider stays text", () => {
    const site = compiled({
      sites: [
        testSite({
          banner: { enabled: true },
          cookies: [{ name: "_x", category: "analytics", provider: "<img src=x onerror=alert(1)>" }],
        }),
      ],
    });
    const rows = categoryRows(site);
    expect(children(rows[0] as Node, "details")).toEqual([]);
    const analytics = rows.find((row) => textOf(row).startsWith("Analytics"));
    expect(descendants(analytics as Node, "img")).toEqual([]);
    expect(textOf(analytics as Node)).toContain("_x: <img src=x onerror=alert(1)>, Not stated");
  });
});
