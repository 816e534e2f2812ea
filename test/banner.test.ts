/** The consent banner fragment: the form contract with the consent API, compliance, escaping, size. */
import { describe, expect, it } from "vitest";
import {
  BANNER_SCRIPT,
  BANNER_STYLE,
  renderBanner,
  safeReturnPath,
  type BannerOptions,
} from "../src/banner/render-banner";
import { ENGLISH_TEXTS, pickLanguage, type BannerTexts } from "../src/banner/texts";

const CATEGORIES = ["necessary", "functional", "analytics", "marketing"];

function render(overrides: Partial<BannerOptions> = {}): string {
  return renderBanner({
    texts: ENGLISH_TEXTS,
    categories: CATEGORIES,
    granted: ["necessary"],
    open: true,
    returnTo: "/",
    lang: "en",
    ...overrides,
  });
}

interface Element {
  tag: string;
  attrs: Record<string, string>;
}

/** Every element of the fragment, in document order, with its raw (still escaped) attribute values. */
async function elements(html: string): Promise<Element[]> {
  const found: Element[] = [];
  const response = new HTMLRewriter()
    .on("*", {
      element(element) {
        found.push({
          tag: element.tagName,
          attrs: Object.fromEntries(element.attributes as Iterable<[string, string]>),
        });
      },
    })
    .transform(new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } }));
  await response.text();
  return found;
}

const checkboxes = (all: Element[]) => all.filter((e) => e.tag === "input" && e.attrs.type === "checkbox");
const submitButtons = (all: Element[]) => all.filter((e) => e.tag === "button" && e.attrs.type === "submit");

async function gzippedSize(text: string): Promise<number> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

describe("the form is the contract with the consent API", () => {
  it("posts to /.consent-edge/consent", async () => {
    const forms = (await elements(render())).filter((e) => e.tag === "form");
    expect(forms).toEqual([{ tag: "form", attrs: { method: "post", action: "/.consent-edge/consent" } }]);
  });

  it("submits choice = accept-all | reject-all | save, from buttons, and nothing else submits", async () => {
    const all = await elements(render());
    expect(submitButtons(all).map((b) => [b.attrs.name, b.attrs.value])).toEqual([
      ["choice", "accept-all"],
      ["choice", "reject-all"],
      ["choice", "save"],
    ]);
    expect(all.filter((e) => e.tag === "button").map((b) => b.attrs.type)).toEqual([
      "button", // Close: never submits
      "submit",
      "submit",
      "submit",
    ]);
  });

  it("has one checkbox named category per optional category, valued by its name", async () => {
    const named = checkboxes(await elements(render())).filter((e) => e.attrs.name !== undefined);
    expect(named.map((e) => [e.attrs.name, e.attrs.value])).toEqual([
      ["category", "functional"],
      ["category", "analytics"],
      ["category", "marketing"],
    ]);
  });

  it("returns to the page it was shown on", async () => {
    const hidden = (await elements(render({ returnTo: "/shop/cart?step=2&x=y" }))).filter(
      (e) => e.tag === "input" && e.attrs.type === "hidden",
    );
    expect(hidden).toEqual([
      { tag: "input", attrs: { type: "hidden", name: "return", value: "/shop/cart?step=2&amp;x=y" } },
    ]);
  });

  it("offers the site's own categories, with their name when no text is given", async () => {
    const html = render({ categories: ["necessary", "analytics", "personalisation"] });
    expect(checkboxes(await elements(html)).map((e) => e.attrs.value ?? "necessary")).toEqual([
      "necessary",
      "analytics",
      "personalisation",
    ]);
    expect(html).toContain('<label for="ce-banner-c2">personalisation</label>');
    expect(html).not.toContain("Marketing");
  });

  it("puts necessary first, once, even when the list does not", async () => {
    const html = render({ categories: ["analytics", "necessary", "analytics"] });
    const boxes = checkboxes(await elements(html));
    expect(boxes.map((e) => e.attrs.value ?? "(necessary)")).toEqual(["(necessary)", "analytics"]);
  });
});

describe("Accept and Reject have equal prominence", () => {
  it("are the same element with the same attributes but the value, side by side in the same container", async () => {
    const html = render();
    const [accept, reject] = submitButtons(await elements(html));
    expect(accept?.tag).toBe(reject?.tag);
    expect({ ...accept?.attrs, value: "" }).toEqual({ ...reject?.attrs, value: "" });
    expect(accept?.attrs.class).toBe("ce-banner__button");
    expect(html).toMatch(
      /<div class="ce-banner__actions"><button [^>]*value="accept-all"[^>]*>Accept all<\/button><button [^>]*value="reject-all"[^>]*>Reject all<\/button><\/div>/,
    );
  });

  it("no style singles one of them out", () => {
    expect(BANNER_STYLE).not.toMatch(/accept|reject|value=|:(?:first|last|nth)-(?:child|of-type)/i);
  });

  it("are both on the first layer, outside the Customise section", () => {
    const html = render();
    const details = html.indexOf("<details");
    expect(html.indexOf('value="accept-all"')).toBeLessThan(details);
    expect(html.indexOf('value="reject-all"')).toBeLessThan(details);
    expect(html.indexOf('value="save"')).toBeGreaterThan(details);
  });
});

describe("nothing is pre-ticked for an undecided visitor", () => {
  it("first layer: no optional box ticked, even when a default grants categories", async () => {
    const all = await elements(render({ open: true, granted: ["necessary", "analytics", "marketing"] }));
    const ticked = checkboxes(all).filter((e) => "checked" in e.attrs && e.attrs.name === "category");
    expect(ticked).toEqual([]);
  });

  it("first layer: what the visitor granted on an embed (a scoped grant) is ticked, and only that", async () => {
    const all = await elements(
      render({ open: true, granted: ["necessary", "analytics", "marketing"], scoped: ["marketing"] }),
    );
    const optional = checkboxes(all).filter((e) => e.attrs.name === "category");
    expect(optional.map((e) => [e.attrs.value, "checked" in e.attrs])).toEqual([
      ["functional", false],
      ["analytics", false],
      ["marketing", true],
    ]);
    expect(all.find((e) => e.attrs.id === "ce-banner")?.attrs).not.toHaveProperty("hidden");
  });

  it("first layer: shown, categories folded away", async () => {
    const all = await elements(render({ open: true }));
    expect(all.find((e) => e.attrs.id === "ce-banner")?.attrs).not.toHaveProperty("hidden");
    expect(all.find((e) => e.tag === "details")?.attrs).not.toHaveProperty("open");
  });

  it("settings view: what is granted is ticked, the rest is not; hidden until opened, categories unfolded", async () => {
    const all = await elements(render({ open: false, granted: ["necessary", "analytics"] }));
    const optional = checkboxes(all).filter((e) => e.attrs.name === "category");
    expect(optional.map((e) => [e.attrs.value, "checked" in e.attrs])).toEqual([
      ["functional", false],
      ["analytics", true],
      ["marketing", false],
    ]);
    expect(all.find((e) => e.attrs.id === "ce-banner")?.attrs).toHaveProperty("hidden");
    expect(all.find((e) => e.tag === "details")?.attrs).toHaveProperty("open");
  });

  it("necessary is checked, disabled, explained, and never submitted", async () => {
    for (const open of [true, false]) {
      const html = render({ open });
      const [necessary] = checkboxes(await elements(html));
      expect(necessary?.attrs).toEqual({
        type: "checkbox",
        id: "ce-banner-c0",
        checked: "",
        disabled: "",
        "aria-describedby": "ce-banner-d0",
      });
      expect(html).toContain(
        `<label for="ce-banner-c0">Necessary</label><p id="ce-banner-d0">${ENGLISH_TEXTS.categories.necessary.description}</p>`,
      );
    }
  });
});

describe("accessibility", () => {
  it("every label, description and region name points at an element that exists, and ids are unique", async () => {
    const all = await elements(render({ open: false, granted: ["necessary", "functional"] }));
    const ids = all.flatMap((e) => (e.attrs.id === undefined ? [] : [e.attrs.id]));
    expect(new Set(ids).size).toBe(ids.length);
    const inputIds = checkboxes(all).map((e) => e.attrs.id);
    const labelFors = all.filter((e) => e.tag === "label").map((e) => e.attrs.for);
    expect(labelFors).toEqual(inputIds);
    expect(inputIds).toHaveLength(4);
    for (const e of all) {
      for (const reference of ["for", "aria-describedby", "aria-labelledby"]) {
        const target = e.attrs[reference];
        if (target !== undefined) expect(ids, `${e.tag} ${reference}="${target}"`).toContain(target);
      }
    }
  });

  it("is a named, non-modal region in the visitor's language", async () => {
    const html = render({ lang: "de-CH" });
    const region = (await elements(html)).find((e) => e.attrs.id === "ce-banner");
    expect(region?.attrs).toMatchObject({
      role: "region",
      "aria-labelledby": "ce-banner-title",
      lang: "de-CH",
    });
    expect(html).toContain('<h2 id="ce-banner-title" tabindex="-1">Cookies on this site</h2>');
    expect(html).not.toMatch(/aria-modal|\binert\b|<dialog/);
  });

  it("carries dir for a right-to-left language", async () => {
    const texts: BannerTexts = { ...ENGLISH_TEXTS, dir: "rtl" };
    const all = await elements(render({ texts, lang: "ar" }));
    expect(all.find((e) => e.attrs.id === "ce-banner")?.attrs.dir).toBe("rtl");
    expect(all.find((e) => e.attrs.id === "ce-banner-settings")?.attrs.dir).toBe("rtl");
  });

  it("has a visible focus style and no motion", () => {
    expect(BANNER_STYLE).toContain(
      "#ce-banner :focus-visible,#ce-banner-settings:focus-visible{outline:3px solid",
    );
    expect(BANNER_STYLE).not.toMatch(/animation|transition/);
  });

  it("the Close button starts hidden (the first layer has none; the script shows it when re-opened)", async () => {
    const close = (await elements(render({ open: false }))).find((e) => e.attrs.id === "ce-banner-close");
    expect(close?.attrs).toHaveProperty("hidden");
  });
});

describe("no cookie wall, and styles that stay inside the banner", () => {
  it("every selector is scoped to the banner or its settings link", () => {
    const selectors = [...BANNER_STYLE.matchAll(/(?:^|[{}])([^{}@]+)\{/g)].flatMap((m) =>
      (m[1] ?? "").split(","),
    );
    expect(selectors.length).toBeGreaterThan(15);
    for (const selector of selectors) expect(selector.trim()).toMatch(/^#ce-banner(?:-settings)?(?![\w-])/);
  });

  it("blocks, blurs and locks nothing on the page", () => {
    expect(BANNER_STYLE).not.toMatch(/blur|backdrop|pointer-events|overflow:hidden|100vh|inset:0/);
    expect(BANNER_STYLE).toContain("#ce-banner{position:fixed;");
    expect(BANNER_STYLE).toMatch(/#ce-banner\{[^}]*bottom:0;max-height:80vh;overflow:auto/);
  });

  it("loads no fonts, images or anything else", () => {
    expect(render()).not.toMatch(/url\(|@import|@font-face|<img|src=/);
  });
});

describe("the settings link", () => {
  it.each([true, false])("is present when open is %s, with the page to return to", async (open) => {
    const link = (await elements(render({ open, returnTo: "/p?c=1&d=2" }))).find(
      (e) => e.attrs.id === "ce-banner-settings",
    );
    expect(link).toEqual({
      tag: "a",
      attrs: {
        id: "ce-banner-settings",
        href: "/.consent-edge/settings?return=%2Fp%3Fc%3D1%26d%3D2",
        lang: "en",
      },
    });
  });

  it("is in the flow, never fixed over the page's own content", () => {
    expect(BANNER_STYLE).toMatch(/#ce-banner-settings\{display:block;[^}]*\}/);
    expect(BANNER_STYLE).not.toMatch(/#ce-banner-settings\{[^}]*position/);
  });

  it("is enhanced by the script, which finds any link to the settings page", () => {
    expect(BANNER_SCRIPT).toContain(`closest('a[href^="/.consent-edge/settings"]')`);
  });
});

describe("escaping", () => {
  const HOSTILE = `"><img src=x onerror=alert(1)><script>alert(2)</script>&`;
  const hostileTexts: BannerTexts = {
    // Every key hostile, including those added after this test was written.
    ...(Object.fromEntries(
      Object.keys(ENGLISH_TEXTS).map((key) => [key, HOSTILE]),
    ) as unknown as BannerTexts),
    title: HOSTILE,
    body: HOSTILE,
    acceptAll: HOSTILE,
    rejectAll: HOSTILE,
    customise: HOSTILE,
    save: HOSTILE,
    close: HOSTILE,
    settingsLink: HOSTILE,
    policyLinkText: HOSTILE,
    categories: {
      necessary: { label: HOSTILE, description: HOSTILE },
      functional: { label: HOSTILE, description: HOSTILE },
      analytics: { label: HOSTILE, description: HOSTILE },
      marketing: { label: HOSTILE, description: HOSTILE },
    },
  };

  it("escapes every text, category name and language", async () => {
    const html = render({
      texts: hostileTexts,
      categories: ["necessary", "functional", 'x"><img src=y>', "analytics", "marketing"],
      lang: 'en" onmouseover="alert(3)',
      policyUrl: "https://example.com/policy",
    });
    const all = await elements(html);
    expect(all.filter((e) => e.tag === "img")).toEqual([]);
    expect(all.filter((e) => e.tag === "script")).toHaveLength(1);
    expect(all.some((e) => "onerror" in e.attrs || "onmouseover" in e.attrs)).toBe(false);
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain(
      "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;&amp;",
    );
    expect(checkboxes(all)[2]?.attrs.value).toBe("x&quot;&gt;&lt;img src=y&gt;");
  });

  it.each([
    ["//evil.example", "/"],
    ["//evil.example/path", "/"],
    ["/\\evil.example", "/"],
    ["/\t/evil.example", "/"],
    ["/\n/evil.example", "/"],
    ["javascript:alert(1)", "/"],
    ["https://evil.example/", "/"],
    ["", "/"],
    ["shop", "/"],
    [`/${"a".repeat(2048)}`, "/"],
    ["/", "/"],
    ["/shop?q=1&r=2", "/shop?q=1&r=2"],
    ['/x?"><script>', "/x?%22%3E%3Cscript%3E"],
    ["/..//evil.example", "/"],
  ])("returnTo %j becomes %j", (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });

  it.each(["//evil.example", "javascript:alert(1)"])(
    "returnTo %s is replaced by / in the form and the settings link",
    async (returnTo) => {
      const all = await elements(render({ returnTo }));
      expect(all.find((e) => e.attrs.name === "return")?.attrs.value).toBe("/");
      expect(all.find((e) => e.attrs.id === "ce-banner-settings")?.attrs.href).toBe(
        "/.consent-edge/settings?return=%2F",
      );
    },
  );

  it("escapes a valid returnTo in attributes", async () => {
    const all = await elements(render({ returnTo: "/x?a=1&b='" }));
    expect(all.find((e) => e.attrs.name === "return")?.attrs.value).toBe("/x?a=1&amp;b=%27");
    expect(all.filter((e) => e.tag === "script")).toHaveLength(1);
  });

  it.each([
    ["https://example.com/cookies", true],
    ["/legal/cookies", true],
    ["javascript:alert(1)", false],
    ["data:text/html,x", false],
    [" javascript:alert(1)", false],
  ])("policyUrl %s is linked: %s", (policyUrl, linked) => {
    const html = render({ policyUrl });
    expect(html.includes(`<a href="${policyUrl}">Cookie policy</a>`)).toBe(linked);
    expect(html.includes("Cookie policy")).toBe(linked);
  });
});

describe("CSP nonce", () => {
  it("is on the style and the script when given", async () => {
    const all = await elements(render({ nonce: "r4nd0m+/=_-" }));
    expect(all.filter((e) => e.tag === "style" || e.tag === "script")).toEqual([
      { tag: "style", attrs: { nonce: "r4nd0m+/=_-" } },
      { tag: "script", attrs: { nonce: "r4nd0m+/=_-" } },
    ]);
  });

  it("is absent when not given, and cannot break out of its attribute", async () => {
    expect(render()).toMatch(/^<style>/);
    expect(render()).toContain("<script>(function(d,w){");
    const all = await elements(render({ nonce: 'abc" onload="alert(1)' }));
    expect(all.find((e) => e.tag === "script")?.attrs).toEqual({ nonce: "abconload=alert1" });
  });

  it("style and script are static text (a hash-based CSP can list them)", () => {
    const a = render({ lang: "fr", returnTo: "/a", open: false, nonce: "n1" });
    const b = render({ lang: "en", returnTo: "/b", open: true });
    const blocks = (html: string) => [...html.matchAll(/<(style|script)[^>]*>([^<]*)</g)].map((m) => m[2]);
    expect(blocks(a)).toEqual([BANNER_STYLE, BANNER_SCRIPT]);
    expect(blocks(b)).toEqual(blocks(a));
  });
});

describe("the script", () => {
  // What the choice does in a page (receipt first, refusal applied when the API fails) is the
  // runtime's consentEdge.set, shown in Chromium by test/e2e/grant-proof.e2e.test.ts.
  it("hands the choice to the runtime once, and sends nothing of its own", () => {
    // Categories and services (granted on their own: only ticked ones, and only on Save).
    expect(BANNER_SCRIPT).toContain("tick(g,s);hide(1);ce.set(g,s)})");
    expect(BANNER_SCRIPT.match(/ce\.set\(/g)).toHaveLength(1);
    expect(BANNER_SCRIPT).not.toContain("fetch(");
  });

  it("closes the first layer on another's choice, never on a scoped grant (the visitor has not decided)", () => {
    expect(BANNER_SCRIPT).toContain(
      "ce.onChange(function(g,s){tick(g,ce.services());if(!s&&!from&&!R.hidden)hide()})",
    );
  });

  it("lets the form post when the runtime is absent", () => {
    expect(BANNER_SCRIPT).toMatch(/if\(!ce\|\|!b\|\|b\.name!=="choice"\)return;e\.preventDefault\(\)/);
  });
});

describe("size", () => {
  it("the whole fragment, English texts, is at most 6 KB gzipped", async () => {
    const html = render({
      open: false,
      granted: ["necessary", "analytics"],
      nonce: "abc",
      policyUrl: "/cookies",
    });
    const size = await gzippedSize(html);
    console.info(`banner: ${html.length} bytes, ${size} bytes gzipped`);
    expect(size).toBeLessThanOrEqual(6 * 1024);
    expect(size).toBeGreaterThan(1000);
  });
});

describe("pickLanguage", () => {
  const AVAILABLE = ["en", "de", "fr-CA", "pt-BR", "zh-Hant"];

  it.each<[string | null, string]>([
    [null, "en"],
    ["", "en"],
    ["garbage;;;,,", "en"],
    ["de", "de"],
    ["DE", "de"],
    ["de-CH", "de"],
    ["de-CH-1996", "de"],
    ["fr-CA", "fr-CA"],
    ["fr", "fr-CA"],
    ["fr-FR", "fr-CA"],
    ["pt", "pt-BR"],
    ["zh-Hant-TW", "zh-Hant"],
    ["zh-Hans", "zh-Hant"],
    ["it", "en"],
    ["it, de;q=0.5", "de"],
    ["en;q=0.5, de;q=0.8", "de"],
    ["de;q=0.8, en;q=0.8", "de"],
    ["en;q=0.8, de;q=0.8", "en"],
    ["de;q=0, en;q=0.1", "en"],
    ["de;q=0", "en"],
    ["de;q=0.000, fr;q=0.001", "fr-CA"],
    ["de;q=2, fr", "fr-CA"],
    ["de;q=abc, fr", "fr-CA"],
    ["de;q=0.5555, fr;q=0.1", "fr-CA"],
    ["it, *;q=0.5", "en"],
    ["*", "en"],
    ["en-GB,en-US;q=0.9,en;q=0.8", "en"],
    ["  de-AT ; q=0.9 , it ", "de"],
    ["x-klingon, de;q=0.1", "de"],
  ])("%j picks %s", (header, expected) => {
    expect(pickLanguage(header, AVAILABLE, "en")).toBe(expected);
  });

  it("answers with the tag as the site spells it", () => {
    expect(pickLanguage("PT-br", ["pt-BR"], "pt-BR")).toBe("pt-BR");
  });

  it("takes the first available for * when the fallback is not available", () => {
    expect(pickLanguage("*", ["de", "fr"], "en")).toBe("de");
  });

  it("returns the fallback when nothing is available", () => {
    expect(pickLanguage("de", [], "en")).toBe("en");
  });

  it("reads at most 32 ranges", () => {
    const header = [...Array.from({ length: 40 }, (_, i) => `x${"abcdefgh"[i % 8] ?? ""}`), "de"].join(", ");
    expect(pickLanguage(header, ["de"], "en")).toBe("en");
  });
});
