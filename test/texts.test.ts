import { describe, expect, it } from "vitest";
import { compileConfig } from "../src/config/compile";
import { validateConfig } from "../src/config/validate";
import { BUILT_IN_TEXTS } from "../src/texts/languages";
import { ENGLISH_TEXTS } from "../src/texts/languages/en";
import { GERMAN_TEXTS } from "../src/texts/languages/de";
import { textsFor } from "../src/texts/texts-for";
import { testSite } from "./helpers";

/** Every `{name}` a template asks `fill` for, sorted. */
const placeholdersOf = (text: string) => [...text.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1]).sort();

describe.each(Object.entries(BUILT_IN_TEXTS))("built-in texts: %s", (_tag, texts) => {
  const english: Record<string, unknown> = ENGLISH_TEXTS;
  const translated = texts as unknown as Record<string, unknown>;
  it.each(Object.keys(english).filter((key) => typeof english[key] === "string"))("%s", (key) => {
    const text = translated[key];
    expect(typeof text).toBe("string");
    expect((text as string).trim()).not.toBe("");
    expect(placeholdersOf(text as string)).toEqual(placeholdersOf(english[key] as string));
  });
  it("has a label and a description for each default category, and a sane dir", () => {
    for (const category of Object.keys(ENGLISH_TEXTS.categories)) {
      expect(texts.categories[category]?.label.trim()).toBeTruthy();
      expect(texts.categories[category]?.description.trim()).toBeTruthy();
    }
    expect([undefined, "ltr"]).toContain(texts.dir);
  });
});

function siteWith(banner: unknown) {
  const result = validateConfig({ sites: [testSite(banner ? { banner } : {})] });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const site = result.config.sites[0];
  if (!site) throw new Error("no site");
  return site;
}

describe("textsFor", () => {
  it.each([
    ["de-AT", "de"],
    ["pt-BR", "pt"],
    ["fr;q=0.5, nl;q=0.9", "nl"],
    ["ja, *;q=0.1", "en"],
    ["ja", "en"],
    [null, "en"],
  ])("Accept-Language %s gives %s, with or without a banner", (header, lang) => {
    expect(textsFor(siteWith(undefined), header).lang).toBe(lang);
    expect(textsFor(siteWith({ enabled: true }), header).lang).toBe(lang);
  });

  it("a site's override of one German key keeps the rest German", () => {
    const site = siteWith({ languages: { en: {}, de: { title: "Kekse bei uns" } }, defaultLanguage: "en" });
    const { lang, texts } = textsFor(site, "de-DE");
    expect(lang).toBe("de");
    expect(texts.title).toBe("Kekse bei uns");
    expect(texts.acceptAll).toBe(GERMAN_TEXTS.acceptAll);
    expect(texts.categories.analytics.label).toBe(GERMAN_TEXTS.categories.analytics.label);
    expect(textsFor(site, "en").texts.title).toBe(ENGLISH_TEXTS.title);
  });
});

describe("every text key can be overridden in config", () => {
  it("the banner.languages schema accepts each key of the English texts, and the override is served", () => {
    const keys = Object.keys(ENGLISH_TEXTS).filter((key) => key !== "categories");
    const written = Object.fromEntries(keys.map((key) => [key, key === "dir" ? "ltr" : `site's ${key}`]));
    const compiled = compileConfig({ sites: [testSite({ banner: { languages: { de: written } } })] });
    expect(compiled.ok ? [] : compiled.problems).toEqual([]);
    if (!compiled.ok) return;
    const site = compiled.config.sites[0];
    if (!site) throw new Error("no site");
    const { texts } = textsFor(site, "de");
    for (const key of keys) if (key !== "dir") expect(texts[key as "title"]).toBe(`site's ${key}`);
  });

  it("a banner default language may be a built-in one the site did not write", () => {
    const compiled = compileConfig({
      sites: [testSite({ banner: { languages: { de: {} }, defaultLanguage: "fr" } })],
    });
    expect(compiled.ok ? [] : compiled.problems).toEqual([]);
    if (!compiled.ok) return;
    const site = compiled.config.sites[0];
    if (!site) throw new Error("no site");
    expect(textsFor(site, "ja").lang).toBe("fr");
    expect(textsFor(site, "ja").texts.acceptAll).toBe(BUILT_IN_TEXTS.fr?.acceptAll);
  });
});
