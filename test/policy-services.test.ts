/**
 * The generated policy names the services a visitor can allow on their own (issue 12 item 3): under
 * each category, its services with what each loads and stores, and the sentence saying they can be
 * allowed one by one. The page served by the worker is judged by parse5, the JSON by JSON.parse,
 * the Markdown table by its GFM cells (split at unescaped pipes).
 */
import { parse } from "parse5";
import { describe, expect, it } from "vitest";
import type { SiteInput } from "../src/config/types";
import { declarationFor } from "../src/policy/declaration";
import { policyJson, POLICY_JSON_VERSION } from "../src/policy/render-json";
import { renderPolicyMarkdown } from "../src/policy/render-markdown";
import { GERMAN_TEXTS } from "../src/texts/languages/de";
import { ENGLISH_TEXTS } from "../src/texts/languages/en";
import { attributeOf, elementsNamed, textOf, type Element } from "./dom";
import { appFor, compiledSite, send, testSite } from "./helpers";

const HOSTILE = '<img src=x onerror="alert(1)">|`*x*';

const input = (overrides: Partial<SiteInput> = {}): SiteInput =>
  testSite({
    policy: { path: "/cookie-policy" },
    trackers: {
      rules: [{ host: "static.hotjar.com", category: "analytics", vendor: "Hotjar", service: "hotjar" }],
    },
    cookies: [
      ...(testSite().cookies ?? []),
      { name: "_hj*", category: "analytics", service: "hotjar", provider: "Hotjar" },
      { name: "YSC", category: "marketing", service: "youtube", provider: "YouTube" },
      { name: "VISITOR_*", category: "marketing", service: "youtube", provider: "YouTube" },
    ],
    ...overrides,
  });
const site = compiledSite({ sites: [input()] });

const servicesOf = (id: string, declaration = declarationFor(site)) =>
  declaration.categories.find((category) => category.id === id)?.services;

describe("the declaration", () => {
  it("lists each category's services, the site's own first, then the built-in ones it keeps", () => {
    expect(servicesOf("necessary")).toEqual([]);
    expect(servicesOf("functional")).toEqual([]);
    expect(servicesOf("analytics")).toEqual([
      { id: "hotjar", label: "Hotjar", hosts: ["static.hotjar.com"], cookies: ["_hj*"] },
      { id: "vimeo", label: "Vimeo", hosts: ["player.vimeo.com"], cookies: [] },
    ]);
    expect(servicesOf("marketing")).toEqual([
      {
        id: "youtube",
        label: "YouTube",
        hosts: ["youtube.com", "youtube-nocookie.com"],
        cookies: ["YSC", "VISITOR_*"],
      },
    ]);
  });

  it("without the built-in rules, only the services the site names", () => {
    const own = declarationFor(compiledSite({ sites: [input({ trackers: { builtin: false } })] }));
    expect(servicesOf("analytics", own)?.map((service) => service.id)).toEqual(["hotjar"]);
    // YouTube is still a service through its cookie rules: it loads from nothing the config names.
    expect(servicesOf("marketing", own)).toEqual([
      { id: "youtube", label: "YouTube", hosts: [], cookies: ["YSC", "VISITOR_*"] },
    ]);
  });

  it("a site of categories without services lists none", () => {
    const plain = declarationFor(compiledSite({ sites: [testSite({ trackers: { builtin: false } })] }));
    expect(plain.categories.every((category) => category.services.length === 0)).toBe(true);
  });
});

/** The table of a section whose caption is `caption`. */
function tableCaptioned(root: Element, caption: string): Element | undefined {
  return elementsNamed(root, "table").find((table) =>
    elementsNamed(table, "caption").some((node) => textOf(node) === caption),
  );
}

const rowsOf = (table: Element) =>
  elementsNamed(table, "tr").map((row) =>
    row.childNodes
      .filter((node): node is Element => "tagName" in node)
      .map((cell) => [cell.tagName, textOf(cell)]),
  );

describe("the policy page", () => {
  const app = appFor(input());

  it("shows each service under its category, with the sentence that it can be allowed alone", async () => {
    const res = await send(app, "https://www.example.com/cookie-policy");
    expect(res.status).toBe(200);
    const document = parse(await res.text()) as unknown as Element;
    const marketing = elementsNamed(document, "section").find((section) =>
      elementsNamed(section, "h2").some((h2) => textOf(h2) === "Marketing"),
    );
    if (!marketing) throw new Error("no Marketing section");
    const table = tableCaptioned(marketing, "Marketing: Services you can allow on their own");
    if (!table) throw new Error("no services table");
    expect(rowsOf(table)).toEqual([
      [
        ["th", "Service"],
        ["th", "Loaded from"],
        ["th", "Its cookies"],
      ],
      [
        ["th", "YouTube"],
        ["td", "youtube.com, youtube-nocookie.com"],
        ["td", "YSC, VISITOR_*"],
      ],
    ]);
    const [, row] = elementsNamed(table, "tr");
    expect(row && attributeOf(elementsNamed(row, "th")[0] as Element, "scope")).toBe("row");
    expect(elementsNamed(marketing, "p").map(textOf)).toContain(
      "You can allow each of these services on its own, without the rest of Marketing: in the cookie settings, or with the button on one of its embeds.",
    );
    // The Necessary section has no services to allow.
    const necessary = elementsNamed(document, "section")[0];
    expect(necessary && elementsNamed(necessary, "caption").map(textOf)).not.toContain(
      "Necessary: Services you can allow on their own",
    );
  });

  it("in German for a German visitor", async () => {
    const res = await send(app, "https://www.example.com/cookie-policy", {
      headers: { "Accept-Language": "de" },
    });
    const document = parse(await res.text()) as unknown as Element;
    const de = GERMAN_TEXTS;
    const captions = elementsNamed(document, "caption").map(textOf);
    expect(captions).toContain(`${de.categories.marketing.label}: ${de.policyServicesHeading}`);
    expect(captions.filter((caption) => caption.endsWith(de.policyServicesHeading))).toHaveLength(2);
  });

  it("a hostile service label stays text", async () => {
    const hostile = appFor(
      input({
        id: "hostile-services",
        cookies: [{ name: "x_*", category: "marketing", service: "evil", provider: HOSTILE }],
      }),
    );
    const res = await send(hostile, "https://www.example.com/cookie-policy");
    const document = parse(await res.text()) as unknown as Element;
    expect(elementsNamed(document, "img")).toEqual([]);
    expect(elementsNamed(document, "th").map(textOf)).toContain(HOSTILE);
  });

  it("JSON: each category's services, ids and the config's names, still version 1", async () => {
    const res = await send(app, "https://www.example.com/cookie-policy.json");
    const json = await res.json<ReturnType<typeof policyJson>>();
    expect(json.version).toBe(1);
    expect(POLICY_JSON_VERSION).toBe(1);
    const services = Object.fromEntries(json.categories.map((category) => [category.id, category.services]));
    expect(services).toEqual({
      necessary: [],
      functional: [],
      analytics: [
        { id: "hotjar", label: "Hotjar", hosts: ["static.hotjar.com"], cookies: ["_hj*"] },
        { id: "vimeo", label: "Vimeo", hosts: ["player.vimeo.com"], cookies: [] },
      ],
      marketing: [
        {
          id: "youtube",
          label: "YouTube",
          hosts: ["youtube.com", "youtube-nocookie.com"],
          cookies: ["YSC", "VISITOR_*"],
        },
      ],
    });
  });
});

/** A GFM table row's cells: split at pipes that are not escaped (GFM spec, tables extension). */
function cellsOf(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  for (let i = 0; i < line.length; i++) {
    const char = line.charAt(i);
    if (char === "\\" && i + 1 < line.length) {
      cell += line.charAt(++i);
    } else if (char === "|") {
      cells.push(cell.trim());
      cell = "";
    } else cell += char;
  }
  return cells.slice(1);
}

describe("the Markdown", () => {
  it("a services table under each category that has services", () => {
    const markdown = renderPolicyMarkdown(declarationFor(site), { lang: "en", texts: ENGLISH_TEXTS });
    const lines = markdown.split("\n");
    const marketing = lines.indexOf("## Marketing");
    const heading = lines.indexOf("### Services you can allow on their own", marketing);
    expect(marketing).toBeGreaterThan(0);
    expect(heading).toBeGreaterThan(marketing);
    const header = lines.findIndex((line, i) => i > heading && line.startsWith("|"));
    expect(cellsOf(lines[header] ?? "")).toEqual(["Service", "Loaded from", "Its cookies"]);
    expect(cellsOf(lines[header + 2] ?? "")).toEqual([
      "YouTube",
      "youtube.com, youtube-nocookie.com",
      "YSC, VISITOR_*",
    ]);
    // Three categories' worth: analytics' and marketing's, none for necessary or functional.
    expect(lines.filter((line) => line === "### Services you can allow on their own")).toHaveLength(2);
  });
});
