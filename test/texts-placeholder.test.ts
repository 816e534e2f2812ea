/**
 * The placeholder after a blocked embed, through the real HTML stage (HTMLRewriter) and read by a
 * real parser (parse5): in the visitor's language, each category by its label there, the grant
 * button still carrying the needs (category ids, `category:service`) the runtime grants.
 * test/placeholder-services.test.ts has the buttons of an embed of a service.
 */
import { parse } from "parse5";
import { describe, expect, it } from "vitest";
import { BUILT_IN_TEXTS } from "../src/texts/languages";
import { ENGLISH_TEXTS } from "../src/texts/languages/en";
import { textsFor } from "../src/texts/texts-for";
import { textOf, type Element, type Node } from "./dom";
import { htmlSite, page, rewrite } from "./html-helpers";

const EMBED = page(`<iframe src="https://www.youtube.com/embed/x"></iframe>`);
/** An embed of a rule without a service: its category's button. */
const MAPS = { host: "maps.example", category: "analytics", vendor: "Example Maps" };

function placeholderOf(html: string): {
  label: string;
  text: string;
  button: string;
  grant: string;
  once: string;
  buttons: number;
} {
  const found: Element[] = [];
  const walk = (node: Node) => {
    if ("tagName" in node && node.attrs.some((attr) => attr.name === "data-ce-placeholder")) found.push(node);
    if ("childNodes" in node) for (const child of node.childNodes) walk(child);
  };
  walk(parse(html));
  expect(found).toHaveLength(1);
  const region = found[0] as Element;
  const child = (tag: string) => region.childNodes.find((node) => node.nodeName === tag) as Element;
  const buttons = region.childNodes.filter((node): node is Element => node.nodeName === "button");
  const having = (name: string) =>
    buttons.find((button) => button.attrs.some((attr) => attr.name === name)) as Element;
  const button = having("data-ce-grant");
  return {
    label: region.attrs.find((attr) => attr.name === "aria-label")?.value ?? "",
    text: textOf(child("p")),
    button: textOf(button),
    grant: button.attrs.find((attr) => attr.name === "data-ce-grant")?.value ?? "",
    once: textOf(having("data-ce-once")),
    buttons: buttons.length,
  };
}

describe("the placeholder in the visitor's language", () => {
  const site = htmlSite();

  it("is German for Accept-Language: de, with the German label of the category, not its id", async () => {
    const { lang, texts } = textsFor(site, "de-DE,de;q=0.9,en;q=0.5");
    expect(lang).toBe("de");
    // Vimeo's player needs analytics, whose German label differs from the English one and the id.
    const { text } = await rewrite(page(`<iframe src="https://player.vimeo.com/video/1"></iframe>`), [], {
      site,
      texts,
    });
    const shown = placeholderOf(text);
    const label = texts.categories.analytics.label;
    expect(label).not.toBe(ENGLISH_TEXTS.categories.analytics.label);
    expect(shown.text).toContain("Vimeo");
    expect(shown.text).toContain(label);
    expect(shown.text).not.toContain("analytics");
    // Vimeo is a service: its button allows Vimeo alone, in German.
    expect(shown.button).toBe("Vimeo immer erlauben");
    expect(shown.once).toBe(texts.placeholderOnce);
    expect(shown.label).toBe(`Vimeo ist blockiert`);
    // The runtime grants ids, whatever the language.
    expect(shown.grant).toBe("analytics:vimeo");
    expect(shown.text).not.toMatch(/[{}]/);
  });

  it("is German for an embed without a service, its button naming the German label", async () => {
    const { texts } = textsFor(site, "de");
    const maps = htmlSite({ trackers: { rules: [MAPS] } });
    const { text } = await rewrite(page(`<iframe src="https://maps.example/embed"></iframe>`), [], {
      site: maps,
      texts,
    });
    const shown = placeholderOf(text);
    expect(shown.button).toContain(texts.categories.analytics.label);
    expect(shown.grant).toBe("analytics");
    expect(shown.once).toBe("Nur dieses Mal anzeigen");
  });

  it("is English without texts, with the English label", async () => {
    const { text } = await rewrite(EMBED, [], { site });
    const shown = placeholderOf(text);
    expect(shown.text).toBe(
      "YouTube is not shown because it uses Marketing cookies, which you have not accepted.",
    );
    expect(shown.button).toBe("Always allow YouTube");
    expect(shown.once).toBe("Show it just this once");
  });

  it.each(Object.keys(BUILT_IN_TEXTS))("fills every placeholder in %s", async (language) => {
    const { texts } = textsFor(site, language);
    const { text } = await rewrite(EMBED, [], { site, texts });
    const shown = placeholderOf(text);
    for (const part of [shown.text, shown.button, shown.label, shown.once]) expect(part).not.toMatch(/[{}]/);
    expect(shown.text).toContain(texts.categories.marketing.label);
    expect(shown.button).toContain("YouTube");
    expect(shown.once.trim()).not.toBe("");
  });

  it("escapes a vendor name and a site's own label", async () => {
    const hostile = htmlSite({
      trackers: {
        rules: [{ host: "evil.example", category: "marketing", vendor: `<img src=x onerror=alert(1)>"` }],
      },
    });
    const { text } = await rewrite(page(`<iframe src="https://evil.example/"></iframe>`), [], {
      site: hostile,
    });
    const shown = placeholderOf(text);
    expect(shown.text).toContain(`<img src=x onerror=alert(1)>"`);
    expect(text).not.toContain("<img src=x");
  });
});
