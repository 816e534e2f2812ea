/**
 * Tracker detection that cannot be sidestepped (issue 7, item 4): every element that fetches or
 * navigates by an attribute, every way of writing its URL that a browser reads the same, and
 * <base href>. The judge is parse5 (test/html-helpers.ts `liveUrls`): the output, parsed as a
 * browser parses it, may hold no live URL attribute that resolves to a refused tracker; moving
 * every data-ce- twin back (what the runtime does on grant) gives the page's URLs back.
 */
import { parse, type DefaultTreeAdapterMap } from "parse5";
import { describe, expect, it } from "vitest";
import { embeddedText, pingUrls, refreshUrl, srcsetUrls } from "../src/html/classify-resource";
import { decodeAttribute } from "../src/html/inert";
import { compileConfig } from "../src/config/compile";
import { MATOMO_NOSCRIPT } from "../demo/origin/trackers";
import aktok from "../examples/aktok.json";
import { htmlSite, liveScripts, liveUrls, page, refusedTracker, rewrite } from "./html-helpers";

const GTM = "www.googletagmanager.com";

type ParentNode = DefaultTreeAdapterMap["parentNode"];
type Element = DefaultTreeAdapterMap["element"];
/** Every element parse5 builds, template contents aside. */
function elementsOf(node: ParentNode): Element[] {
  return node.childNodes.flatMap((child) => ("tagName" in child ? [child, ...elementsOf(child)] : []));
}
const CHUNKS = [1, 7, 64, 0];

/** Rewrites `html` with nothing granted in every chunking, and judges the result. */
async function judge(html: string, options: { doNotTrack?: boolean; granted?: string[] } = {}) {
  const granted = options.granted ?? [];
  const whole = await rewrite(html, granted, { doNotTrack: options.doNotTrack ?? false });
  for (const chunk of CHUNKS) {
    const split = await rewrite(html, granted, { chunk, doNotTrack: options.doNotTrack ?? false });
    expect(split.text, `chunk size ${chunk}`).toBe(whole.text);
  }
  return whole;
}

async function expectNeutralised(fragment: string, element: string, category: string) {
  const html = page(fragment);
  // The input does load a tracker, as the browser reads it: the row tests something.
  expect(liveUrls(html, refusedTracker), "the input loads a tracker").not.toEqual([]);
  const { text, report } = await judge(html);
  expect(liveUrls(text, refusedTracker)).toEqual([]);
  expect(report.neutralised).toContainEqual(expect.objectContaining({ element, category }));
  // Restoring every twin gives back exactly what the page loaded.
  expect(liveUrls(text, refusedTracker, { restore: true })).toEqual(liveUrls(html, refusedTracker));
  return text;
}

describe("what HTMLRewriter hands over", () => {
  it("getAttribute returns the raw value, character references undecoded (lol-html issue 131)", async () => {
    const seen: Array<string | null> = [];
    await new HTMLRewriter()
      .on("img", {
        element(element) {
          seen.push(element.getAttribute("src"));
        },
      })
      .transform(new Response('<img src="https&#58;//x.test/&amp;&Tab;">'))
      .text();
    expect(seen).toEqual(["https&#58;//x.test/&amp;&Tab;"]);
  });

  it("selectors match the raw value too", async () => {
    const seen: string[] = [];
    await new HTMLRewriter()
      .on('img[src*=":"]', { element: () => void seen.push("colon") })
      .on('img[src*="&"]', { element: () => void seen.push("ampersand") })
      .transform(new Response('<img src="https&#58;//x.test/">'))
      .text();
    expect(seen).toEqual(["ampersand"]);
  });
});

describe("attribute values are decoded as the HTML standard decodes them", () => {
  it.each([
    ["https&#58;//x.test/", "https://x.test/"],
    ["https:&#x2F;&#x2F;x.test/", "https://x.test/"],
    ["https:&#X2F;&#47;x.test/", "https://x.test/"],
    ["https&colon;//x.test/", "https://x.test/"],
    ["ht&Tab;tps://x.test/", "ht\ttps://x.test/"],
    ["https:/&NewLine;/x.test/", "https:/\n/x.test/"],
    ["https&#58//x.test/", "https://x.test/"],
    ["https:&#x2f&#x2fx.test/", "https://x.test/"],
    ["/a?x=1&amp;y=2", "/a?x=1&y=2"],
    // A legacy reference without `;` followed by `=` or an alphanumeric stays literal in an attribute.
    ["/a?x=1&copy=2", "/a?x=1&copy=2"],
    ["/a?x=1&copyx", "/a?x=1&copyx"],
    ["/a?&copy", "/a?©"],
    ["https://www.&#xFF47;oogletagmanager.com/", "https://www.ｇoogletagmanager.com/"],
  ])("%j reads as %j", (raw, decoded) => {
    expect(decodeAttribute(raw)).toBe(decoded);
  });
});

const WAYS_TO_WRITE = [
  ["plain", `https://${GTM}/gtag/js?id=G-1`],
  ["uppercase scheme and host", `HTTPS://WWW.GOOGLETAGMANAGER.COM/gtag/js?id=G-1`],
  ["space-padded", `  https://${GTM}/gtag/js?id=G-1  `],
  ["tab and newline padded", `\t\nhttps://${GTM}/gtag/js?id=G-1\n`],
  ["a C0 control before the scheme", `\u0001https://${GTM}/gtag/js?id=G-1`],
  ["a tab inside the scheme", `ht\ttps://${GTM}/gtag/js?id=G-1`],
  ["protocol-relative", `//${GTM}/gtag/js?id=G-1`],
  ["backslashes", `\\\\${GTM}\\gtag/js?id=G-1`],
  ["slash backslash", `/\\${GTM}/gtag/js?id=G-1`],
  ["slash tab slash", `/\t/${GTM}/gtag/js?id=G-1`],
  ["slash newline slash", `/\n/${GTM}/gtag/js?id=G-1`],
  ["&#58;", `https&#58;//${GTM}/gtag/js?id=G-1`],
  ["&#x2F;", `https:&#x2F;&#x2F;${GTM}/gtag/js?id=G-1`],
  ["&colon;", `https&colon;//${GTM}/gtag/js?id=G-1`],
  ["&Tab; in the scheme", `ht&Tab;tps://${GTM}/gtag/js?id=G-1`],
  ["&NewLine; between the slashes", `https:/&NewLine;/${GTM}/gtag/js?id=G-1`],
  ["no-semicolon numeric references", `https&#58&#47&#47${GTM}/gtag/js?id=G-1`],
  ["the scheme as references", `&#104;&#116;&#116;&#112;&#115;://${GTM}/gtag/js?id=G-1`],
  ["&sol; for the slashes", `&sol;&sol;${GTM}/gtag/js?id=G-1`],
  ["fullwidth letters IDNA maps to ASCII", `https://www.&#xFF47;oogletagmanager.&#xFF43;om/gtag/js?id=G-1`],
  ["a fullwidth full stop", `https://www&#xFF0E;googletagmanager&#x3002;com/gtag/js?id=G-1`],
  ["the root label's dot (the same host to DNS)", `https://${GTM}./gtag/js?id=G-1`],
  ["two root dots", `https://${GTM}../gtag/js?id=G-1`],
] as const;

describe.each([
  ["script src", (url: string) => `<script async src="${url}"></script>`, "script"],
  ["img src", (url: string) => `<img src="${url}" alt="">`, "img"],
  ["iframe src", (url: string) => `<iframe src="${url}"></iframe>`, "iframe"],
  ["link rel=preconnect", (url: string) => `<link rel="preconnect" href="${url}">`, "link"],
  ["video poster", (url: string) => `<video poster="${url}"></video>`, "video"],
])("%s, however the URL is written", (_, tag, element) => {
  it.each(WAYS_TO_WRITE)("%s", async (_way, url) => {
    await expectNeutralised(tag(url), element, "analytics");
  });
});

const PIXEL = "https://www.facebook.com/tr?id=1&amp;ev=PageView";
/** A YouTube URL: the built-in service `youtube`, so what it needs is `marketing:youtube`. */
const VIDEO = "https://www.youtube.com/v/clip.mp4";
const ELEMENTS: Array<[string, string, string, string]> = [
  ["img with only srcset", `<img srcset="${PIXEL} 1x" alt="">`, "img", "marketing"],
  [
    "img srcset, the tracker second",
    `<img src="/a.png" srcset="/a.png 1x, ${PIXEL}&amp;x=1,2 2x" alt="">`,
    "img",
    "marketing",
  ],
  [
    "img srcset with width descriptors",
    `<img srcset="/a.png 100w,${PIXEL} 2000w" sizes="50vw">`,
    "img",
    "marketing",
  ],
  [
    "picture > source srcset",
    `<picture><source srcset="${PIXEL}" type="image/gif"><img src="/a.png" alt=""></picture>`,
    "source",
    "marketing",
  ],
  ["SVG image href", `<svg><image href="${PIXEL}" width="1" height="1"/></svg>`, "image", "marketing"],
  [
    "SVG image xlink:href",
    `<svg><image xlink:href="${PIXEL}" width="1" height="1"/></svg>`,
    "image",
    "marketing",
  ],
  [
    "SVG image with both href and xlink:href",
    `<svg><image href="${PIXEL}" xlink:href="${PIXEL}&amp;y=2"/></svg>`,
    "image",
    "marketing",
  ],
  ["SVG feImage", `<svg><filter><feImage href="${PIXEL}"/></filter></svg>`, "feimage", "marketing"],
  ["HTML <image src> (the parser makes it an img)", `<image src="${PIXEL}">`, "image", "marketing"],
  [
    "SVG script href",
    `<svg><script href="https://${GTM}/gtag/js?id=G-1"></script></svg>`,
    "script",
    "analytics",
  ],
  [
    "SVG script xlink:href",
    `<svg><script xlink:href="https://${GTM}/gtag/js?id=G-1"></script></svg>`,
    "script",
    "analytics",
  ],
  ["video src", `<video src="${VIDEO}" autoplay muted></video>`, "video", "marketing:youtube"],
  [
    "video > source src",
    `<video autoplay muted><source src="${VIDEO}" type="video/mp4"></video>`,
    "source",
    "marketing:youtube",
  ],
  ["audio src", `<audio src="${VIDEO}" autoplay></audio>`, "audio", "marketing:youtube"],
  [
    "track src",
    `<video src="/v.mp4"><track default src="${VIDEO}.vtt"></video>`,
    "track",
    "marketing:youtube",
  ],
  ["input type=image", `<form><input type="image" src="${PIXEL}" alt="go"></form>`, "input", "marketing"],
  ["input TYPE=IMAGE", `<form><input TYPE="IMAGE" src="${PIXEL}" alt="go"></form>`, "input", "marketing"],
  ["object data", `<object data="https://www.youtube.com/embed/x"></object>`, "object", "marketing:youtube"],
  ["embed src", `<embed src="https://www.youtube.com/embed/x">`, "embed", "marketing:youtube"],
  ["link rel=stylesheet", `<link rel="stylesheet" href="https://${GTM}/x.css">`, "link", "analytics"],
  ["link rel=icon", `<link rel="shortcut icon" href="${PIXEL}">`, "link", "marketing"],
  [
    "link rel=preload imagesrcset",
    `<link rel="preload" as="image" imagesrcset="${PIXEL} 1x">`,
    "link",
    "marketing",
  ],
  ["a ping", `<a href="/next" ping="/count ${PIXEL}">next</a>`, "a", "marketing"],
  [
    "area ping",
    `<map name="m"><area shape="rect" coords="0,0,1,1" href="/x" ping="${PIXEL}"></map>`,
    "area",
    "marketing",
  ],
  [
    "meta refresh, url=",
    `<meta http-equiv="refresh" content="0; url=https://${GTM}/x">`,
    "meta",
    "analytics",
  ],
  [
    "meta refresh, URL='...', uppercase http-equiv",
    `<meta http-equiv="REFRESH" content="3;URL='https://${GTM}/x'">`,
    "meta",
    "analytics",
  ],
  [
    "meta refresh, a bare URL",
    `<meta http-equiv="refresh" content="1, https://${GTM}/x">`,
    "meta",
    "analytics",
  ],
  [
    "iframe srcdoc carrying a tracker script",
    `<iframe srcdoc="<script src=&quot;https://${GTM}/gtag/js?id=G-1&quot;></script>"></iframe>`,
    "iframe",
    "analytics",
  ],
  [
    "iframe srcdoc with its tracker URL entity-encoded twice",
    `<iframe srcdoc="<img src=&quot;https&amp;#58;//${GTM}/p&quot;>"></iframe>`,
    "iframe",
    "analytics",
  ],
];

const enc = encodeURIComponent;
ELEMENTS.push(
  [
    "iframe src as a data: document",
    `<iframe src="data:text/html,${enc(`<script src="https://${GTM}/gtag/js?id=G-1"></script>`)}"></iframe>`,
    "iframe",
    "analytics",
  ],
  [
    "iframe src as a base64 data: document",
    `<iframe src="data:text/html;base64,${btoa(`<img src="https://${GTM}/p">`)}"></iframe>`,
    "iframe",
    "analytics",
  ],
  [
    "iframe src as a javascript: URL",
    `<iframe src="javascript:'<script src=https://${GTM}/gtag/js></script>'"></iframe>`,
    "iframe",
    "analytics",
  ],
  [
    "iframe src as a percent-encoded javascript: URL",
    `<iframe src="JavaScript:${enc(`'<img src=//${GTM}/p>'`)}"></iframe>`,
    "iframe",
    "analytics",
  ],
  [
    "object data as a data: document",
    `<object data="data:text/html,${enc(`<img src="https://${GTM}/p">`)}"></object>`,
    "object",
    "analytics",
  ],
  [
    "embed src as a data: SVG document",
    `<embed src="data:image/svg+xml,${enc(`<svg xmlns="http://www.w3.org/2000/svg"><image href="https://${GTM}/p"/></svg>`)}">`,
    "embed",
    "analytics",
  ],
);

describe("elements that load", () => {
  it.each(ELEMENTS)("%s", async (_, fragment, element, category) => {
    await expectNeutralised(fragment, element, category);
  });

  it("a frame in a frameset", async () => {
    const html = `<!doctype html><html><head><meta charset="utf-8"></head><frameset><frame src="https://${GTM}/x"></frameset></html>`;
    expect(liveUrls(html, refusedTracker)).not.toEqual([]);
    const { text, report } = await judge(html);
    expect(liveUrls(text, refusedTracker)).toEqual([]);
    expect(report.neutralised).toContainEqual(expect.objectContaining({ element: "frame" }));
  });

  it.each([
    ["a first-party image", '<img src="/a.png" srcset="/a.png 1x, /b.png 2x" alt="">'],
    ["a CDN image", '<img src="https://cdn.example.net/a.png" alt="">'],
    ["a first-party video", '<video src="/v.mp4" poster="/v.jpg"><track src="/v.vtt"></video>'],
    ["a link with a first-party ping", '<a href="/x" ping="/count">x</a>'],
    ["a first-party stylesheet", '<link rel="stylesheet" href="https://cdn.example.net/site.css">'],
    ["a refresh to the page itself", '<meta http-equiv="refresh" content="30">'],
    ["an iframe srcdoc without trackers", '<iframe srcdoc="<p>hello &amp; welcome</p>"></iframe>'],
    ["an SVG sprite", '<svg><use href="#icon"/><image href="/i.png"/></svg>'],
    [
      "a data: document without trackers",
      `<iframe src="data:text/html,${encodeURIComponent("<p>hi</p>")}"></iframe>`,
    ],
  ])("%s passes byte for byte", async (_, fragment) => {
    const html = page(fragment);
    const { text, report } = await judge(html);
    expect(text).toContain(fragment);
    expect(report.neutralised).toEqual([]);
  });

  it("granted, every element kind passes byte for byte", async () => {
    const fragment = ELEMENTS.map(([, markup]) => markup).join("\n");
    const { text } = await rewrite(page(fragment), ["functional", "analytics", "marketing"]);
    expect(text).toContain(fragment);
  });
});

describe("an HTML <script href> (href only loads in SVG)", () => {
  it.each([
    ["a first-party href", `<script href="/x.js">fbq('init', '123');</script>`],
    ["no URL at all", `<script href="">fbq('init', '123');</script>`],
  ])("with %s: its inline text is still judged", async (_, fragment) => {
    const { text, report } = await judge(page(fragment));
    expect(report.neutralised).toContainEqual(
      expect.objectContaining({ element: "inline-script", category: "marketing" }),
    );
    const scripts = liveScripts(text).filter((script) => script.includes("fbq("));
    expect(scripts).toEqual([]);
  });
});

describe("the inert form is the edge's alone", () => {
  /** Every data-ce- attribute in the page as parse5 reads it: `tag name=value`. */
  const inertAttributes = (html: string) => {
    const found: string[] = [];
    const walk = (node: { childNodes?: unknown[] }) => {
      for (const child of (node.childNodes ?? []) as Array<{
        tagName?: string;
        attrs?: Array<{ name: string; value: string }>;
        childNodes?: unknown[];
      }>) {
        for (const a of child.attrs ?? [])
          if (a.name.startsWith("data-ce-")) found.push(`${child.tagName ?? ""} ${a.name}=${a.value}`);
        walk(child);
      }
    };
    walk(parse(html));
    return found;
  };

  it.each([
    [
      "an iframe srcdoc",
      `<iframe data-ce-category="analytics" data-ce-srcdoc="<script>alert(1)</script>"></iframe>`,
    ],
    [
      "a javascript: iframe src",
      `<iframe data-ce-category="analytics" data-ce-src="javascript:alert(1)"></iframe>`,
    ],
    ["a javascript: link", `<a data-ce-category="analytics" data-ce-href="javascript:alert(1)">x</a>`],
    ["a base", `<base data-ce-category="analytics" data-ce-href="https://evil.test/">`],
    ["a script", `<script data-ce-category="analytics" data-ce-src="https://evil.test/x.js"></script>`],
    ["a div", `<div data-ce-category="analytics" data-ce-srcdoc="x" data-ce-unhide></div>`],
    ["a grant button", `<button data-ce-grant="marketing">See the cat</button>`],
    ["an uppercase attribute", `<p DATA-CE-CATEGORY="analytics" Data-Ce-Src="javascript:alert(1)">x</p>`],
  ])("planted by the page on %s, it is removed", async (_, fragment) => {
    expect(inertAttributes(page(fragment))).not.toEqual([]);
    const { text } = await judge(page(fragment));
    expect(inertAttributes(text)).toEqual([]);
  });

  it("an element the edge makes inert carries only what the edge wrote", async () => {
    const fragment = `<img src="https://${GTM}/p" data-ce-category="necessary" data-ce-srcset="javascript:alert(1)">`;
    const { text } = await judge(page(fragment));
    expect(inertAttributes(text)).toEqual([
      `img data-ce-src=https://${GTM}/p`,
      "img data-ce-category=analytics",
    ]);
  });
});

describe("<base href>", () => {
  it.each([
    [
      "a tracker host, relative script src",
      `<base href="https://${GTM}/"><script src="gtag/js?id=G-1"></script>`,
    ],
    ["a tracker host, relative img src", `<base href="https://${GTM}/"><img src="p.gif" alt="">`],
    [
      "a tracker host, relative stylesheet",
      `<base href="https://${GTM}/"><link rel="stylesheet" href="x.css">`,
    ],
    ["a tracker host, written with references", `<base href="https&#58;//${GTM}/"><img src="p.gif" alt="">`],
    ["a tracker host, protocol-relative", `<base href="//${GTM}/"><img src="p.gif" alt="">`],
    [
      "a host with only a URL rule: img under it",
      `<base href="https://www.facebook.com/"><img src="tr?id=1" alt="">`,
    ],
    [
      "a host with only a URL rule: script under it",
      `<base href="https://www.facebook.com/"><script src="tr/x.js"></script>`,
    ],
  ])("on %s: no relative URL after it reaches the tracker", async (_, fragment) => {
    const html = page(fragment);
    expect(liveUrls(html, refusedTracker)).not.toEqual([]);
    const { text, report } = await judge(html);
    expect(liveUrls(text, refusedTracker)).toEqual([]);
    expect(report.neutralised).toContainEqual(expect.objectContaining({ element: "base" }));
    expect(liveUrls(text, refusedTracker, { restore: true })).toEqual(liveUrls(html, refusedTracker));
  });

  it("only the first base with an href counts (HTML §4.2.3)", async () => {
    const html = page(
      `<base target="_top"><base href="https://cdn.example.net/"><base href="https://${GTM}/"><img src="p.gif">`,
    );
    const { text, report } = await judge(html);
    expect(report.neutralised).toEqual([]);
    expect(text).toContain('<img src="p.gif">');
  });

  it("a cross-origin base without rules is left alone, and absolute trackers after it are still found", async () => {
    const html = page(`<base href="https://cdn.example.net/"><img src="a.png"><img src="https://${GTM}/p">`);
    const { text } = await judge(html);
    expect(text).toContain('<base href="https://cdn.example.net/"><img src="a.png">');
    expect(liveUrls(text, refusedTracker)).toEqual([]);
  });

  it("granted, the base passes byte for byte", async () => {
    const fragment = `<base href="https://${GTM}/"><script src="gtag/js?id=G-1"></script>`;
    const { text } = await rewrite(page(fragment), ["analytics", "marketing"]);
    expect(text).toContain(fragment);
  });

  it("a base needs every category a URL on its host could need (Tag Manager also serves Google Ads)", async () => {
    const fragment = `<base href="https://${GTM}/"><script src="gtag/js?id=AW-1"></script>`;
    const { text, report } = await rewrite(page(fragment), ["analytics"]);
    expect(report.neutralised).toContainEqual(
      expect.objectContaining({ element: "base", category: "marketing" }),
    );
    expect(report.neutralised).toContainEqual(
      expect.objectContaining({ element: "script", category: "marketing" }),
    );
    expect(liveUrls(text, refusedTracker)).toEqual([]);
  });
});

describe("the URLs an attribute holds", () => {
  it.each([
    ["a.png", ["a.png"]],
    ["a.png 1x, b.png 2x", ["a.png", "b.png"]],
    ["a.png,b.png", ["a.png,b.png"]],
    ["a.png, b.png", ["a.png", "b.png"]],
    ["a.png 1x,b.png 2x", ["a.png", "b.png"]],
    ["data:image/png;base64,AAAA 1x, b.png 2x", ["data:image/png;base64,AAAA", "b.png"]],
    ["a.png (x, y) 1x, b.png", ["a.png", "b.png"]],
    [" ,, a.png,, ", ["a.png"]],
    ["", []],
  ])("srcset %j", (srcset, urls) => {
    expect(srcsetUrls(srcset)).toEqual(urls);
  });

  it.each([
    ["0; url=https://x.test/", "https://x.test/"],
    ["0;URL='https://x.test/'", "https://x.test/"],
    ['5, "https://x.test/" tail', "https://x.test/"],
    ["3 https://x.test/", "https://x.test/"],
    ["  .5 ; url = /next", "/next"],
    ["30", undefined],
    ["url=https://x.test/", undefined],
    ["", undefined],
  ])("refresh %j", (content, url) => {
    expect(refreshUrl(content)).toBe(url);
  });

  it.each([
    ["data:text/html,%3Cp%3Ehi%3C/p%3E", "<p>hi</p>"],
    ["  DATA:text/html;charset=utf-8;base64,PHA+aGk8L3A+", "<p>hi</p>"],
    ["data:text/html;base64,PHA+a\nGk8L3A+", "<p>hi</p>"],
    ["da\tta:,x%2", "x%2"],
    ["javascript:alert(%27x%27)", "alert('x')"],
    ["\u0001JAVASCRIPT:1", "1"],
    ["data:text/html;base64,!!!", undefined],
    ["data:text/html", undefined],
    ["https://x.test/", undefined],
    ["/data:x,y", undefined],
  ])("the document in %j", (url, text) => {
    expect(embeddedText(url)).toBe(text);
  });

  it("ping", () => {
    expect(pingUrls(" /a\thttps://x.test/b\n")).toEqual(["/a", "https://x.test/b"]);
  });
});

describe("Do Not Track and <noscript> (issue 7, item 8)", () => {
  const site = htmlSite({
    trackers: {
      rules: [{ host: "analytics.aktok.com", category: "analytics", vendor: "Matomo", doNotTrack: true }],
    },
  });
  const MATOMO = `<noscript><p><img src="//analytics.aktok.com/matomo.php?idsite=1&amp;rec=1" alt=""></p></noscript>`;
  const GA_PIXEL = `<noscript><img src="https://www.google-analytics.com/collect?v=1" alt=""></noscript>`;
  const matomo = (url: URL) => url.hostname === "analytics.aktok.com";
  const ga = (url: URL) => url.hostname === "www.google-analytics.com";
  const run = (fragment: string, granted: string[], doNotTrack: boolean) =>
    rewrite(page(fragment), granted, { site, doNotTrack });

  it.each([1, 7, 0])(
    "a doNotTrack rule's pixel is removed for DNT: 1 though analytics is granted (chunk %i)",
    async (chunk) => {
      const { text, report } = await rewrite(page(MATOMO), ["analytics"], { site, doNotTrack: true, chunk });
      expect(liveUrls(page(MATOMO), matomo, { scripting: false })).not.toEqual([]);
      expect(liveUrls(text, matomo, { scripting: false })).toEqual([]);
      expect(report.neutralised).toContainEqual({
        element: "noscript",
        rule: "host:analytics.aktok.com",
        category: "do-not-track",
      });
    },
  );

  it("the aktok example as configured: its Matomo noscript pixel is removed for DNT: 1 with analytics granted", async () => {
    const compiled = compileConfig(aktok);
    const aktokSite = compiled.ok ? compiled.config.sites[0] : undefined;
    if (!aktokSite) throw new Error("examples/aktok.json does not compile");
    const html = page(MATOMO_NOSCRIPT);
    expect(liveUrls(html, matomo, { scripting: false })).not.toEqual([]);
    const withDnt = await rewrite(html, ["analytics"], { site: aktokSite, doNotTrack: true });
    expect(liveUrls(withDnt.text, matomo, { scripting: false })).toEqual([]);
    const withoutDnt = await rewrite(html, ["analytics"], { site: aktokSite, doNotTrack: false });
    expect(liveUrls(withoutDnt.text, matomo, { scripting: false })).not.toEqual([]);
  });

  it("without DNT the granted pixel stays", async () => {
    const { text } = await run(MATOMO, ["analytics"], false);
    expect(liveUrls(text, matomo, { scripting: false })).not.toEqual([]);
  });

  it("DNT leaves a granted pixel of a rule without doNotTrack alone", async () => {
    const { text } = await run(GA_PIXEL, ["analytics"], true);
    expect(liveUrls(text, ga, { scripting: false })).not.toEqual([]);
  });

  it.each([
    ["srcset", `<noscript><img srcset="https://www.google-analytics.com/collect 1x"></noscript>`],
    ["entity-encoded src", `<noscript><img src="https&#58;//www.google-analytics.com/collect"></noscript>`],
    [
      "a stylesheet",
      `<noscript><link rel="stylesheet" href="https://www.google-analytics.com/x.css"></noscript>`,
    ],
    [
      "a video poster",
      `<noscript><video poster="https://www.google-analytics.com/p.gif"></video></noscript>`,
    ],
  ])("a refused %s in <noscript> is removed", async (_, fragment) => {
    expect(liveUrls(page(fragment), ga, { scripting: false })).not.toEqual([]);
    const { text } = await run(fragment, [], false);
    expect(liveUrls(text, ga, { scripting: false })).toEqual([]);
  });
});

describe("foreign content: nothing the edge inserts changes how the rest of an <svg> or <math> parses", () => {
  const YT = "https://www.youtube.com/embed/x";
  const SNIPPET = "<script><!--\ngtag('config', 'G-1234');\n--></script>";
  const gtagScripts = (html: string) => liveScripts(html).filter((script) => script.includes("gtag("));

  it.each([
    ["an iframe in svg", `<svg><iframe src="${YT}"></iframe>${SNIPPET}</svg>`],
    ["an iframe deeper in svg", `<svg><g><a><iframe src="${YT}"></iframe></a></g>${SNIPPET}</svg>`],
    ["an iframe in math", `<math><iframe src="${YT}"></iframe><mi>x</mi></math><svg>${SNIPPET}</svg>`],
    ["an unclosed iframe in svg", `<svg><iframe src="${YT}">${SNIPPET}</svg>`],
    [
      "an iframe lol-html calls HTML in svg",
      `<svg><math><annotation-xml encoding="text/html"><iframe src="${YT}"></iframe></annotation-xml></math>${SNIPPET}</svg>`,
    ],
    ["an iframe after a self-closed svg", `<svg/><svg><iframe src="${YT}"></iframe>${SNIPPET}</svg>`],
    ["an iframe with srcdoc in svg", `<svg><iframe srcdoc="<img src=${YT}>"></iframe>${SNIPPET}</svg>`],
  ])("%s gets no placeholder, and what follows stays SVG", async (_, fragment) => {
    const html = page(fragment);
    // As the origin wrote it the SVG script holds a comment: the row tests something.
    expect(gtagScripts(html)).toEqual([]);
    const { text } = await judge(html);
    expect(gtagScripts(text)).toEqual([]);
    expect(text).not.toContain("data-ce-placeholder");
    // The script after the iframe is still inside the <svg> (its commented snippet is held to the end
    // tag and made inert too: lol-html may be wrong about an SVG script, see neutralise.ts).
    expect(text).toContain("</script></svg>");
    const svgScripts = elementsOf(parse(text)).filter(
      (element) =>
        element.tagName === "script" && (element.namespaceURI as string) === "http://www.w3.org/2000/svg",
    );
    expect(svgScripts.length).toBeGreaterThan(0);
  });

  it.each([
    [
      "svg foreignObject",
      `<svg><foreignObject><iframe src="${YT}"></iframe></foreignObject>${SNIPPET}</svg>`,
    ],
    ["an HTML iframe after a self-closed svg", `<svg/><iframe src="${YT}"></iframe><svg>${SNIPPET}</svg>`],
    [
      "svg foreignObject, after an HTML title (lol-html calls this iframe SVG)",
      `<svg><foreignObject><title><img src="/a.png"></title><IFRAME SRC="${YT}"></IFRAME></foreignObject>${SNIPPET}</svg>`,
    ],
    ["svg desc", `<svg><desc><iframe src="${YT}"></iframe></desc>${SNIPPET}</svg>`],
    ["math mi", `<math><mi><iframe src="${YT}"></iframe></mi></math><svg>${SNIPPET}</svg>`],
  ])(
    "an HTML iframe in an integration point (%s) is made inert, and the SVG after it stays SVG",
    async (_, fragment) => {
      const html = page(fragment);
      expect(liveUrls(html, refusedTracker)).not.toEqual([]);
      const { text, report } = await judge(html);
      expect(liveUrls(text, refusedTracker)).toEqual([]);
      expect(gtagScripts(text)).toEqual([]);
      expect(report.neutralised).toContainEqual(
        expect.objectContaining({ element: "iframe", category: "marketing:youtube" }),
      );
    },
  );

  /** The namespace of every script parse5 finds holding the runtime. */
  const runtimeNamespaces = (html: string, runtime: string) =>
    elementsOf(parse(html))
      .filter((element) => element.tagName === "script")
      .filter((script) => script.childNodes.some((node) => "value" in node && node.value.includes(runtime)))
      .map((script) => script.namespaceURI as string);
  const PIXEL_IMAGE = `<image href="https://www.facebook.com/tr?id=1" width="1" height="1"/>`;
  it.each([
    ["an SVG image first", `<!doctype html><svg>${PIXEL_IMAGE}</svg><p>x</p>`],
    ["an SVG script first", `<!doctype html><svg><script>fbq('init', '1');</script></svg>`],
    [
      "an img breaking out of svg first",
      `<!doctype html><svg><img src="https://www.facebook.com/tr?id=1"></svg>`,
    ],
    [
      "an iframe in math first",
      `<!doctype html><math><iframe src="${YT}"></iframe></math><script src="/a.js"></script>`,
    ],
    [
      "an img in a template first",
      `<!doctype html><template><img src="https://www.facebook.com/tr?id=1"></template><script src="/a.js"></script>`,
    ],
    ["svg in head", `<!doctype html><html><head><svg>${PIXEL_IMAGE}</svg></head><body></body></html>`],
  ])(
    "the runtime is an HTML script when %s (never inside foreign content or a template)",
    async (_, html) => {
      const { text } = await rewrite(html, [], { keepRuntime: true });
      const probe = await rewrite("<!doctype html><head></head>", [], { keepRuntime: true });
      // The runtime's text, as the empty page carries it between its <script> tags.
      const runtime = /<script[^>]*>([\s\S]*?)<\/script>/.exec(probe.text)?.[1] ?? "";
      expect(runtime).not.toBe("");
      expect(runtimeNamespaces(text, runtime)).toEqual(["http://www.w3.org/1999/xhtml"]);
      for (const chunk of CHUNKS) {
        expect((await rewrite(html, [], { chunk, keepRuntime: true })).text, `chunk size ${chunk}`).toBe(
          text,
        );
      }
    },
  );
});

describe("<noscript> content is parsed as markup, as a browser without JavaScript parses it", () => {
  const PIXEL_URL = "https://www.facebook.com/tr?id=1";
  const GTM_URL = `https://${GTM}/ns.html?id=GTM-1`;
  const off = { scripting: false };

  it.each([
    ["a > in a quoted attribute", `<noscript><img alt="a>b" src="${PIXEL_URL}"></noscript>`],
    ["a > in a single-quoted attribute", `<noscript><img alt='a>b' src="${PIXEL_URL}"></noscript>`],
    ["src= inside another attribute", `<noscript><img alt=" src=/a.png" src="${PIXEL_URL}"></noscript>`],
    ["a slash before src", `<noscript><img/src="${PIXEL_URL}"></noscript>`],
    ["an unquoted src", `<noscript><img src=${PIXEL_URL}></noscript>`],
    ["uppercase tag and attribute", `<noscript><IMG SRC="${PIXEL_URL}"></noscript>`],
    ["a newline before src", `<noscript><img\nsrc="${PIXEL_URL}"></noscript>`],
    ["an iframe without its end tag", `<noscript><iframe src="${GTM_URL}"></noscript>`],
    [
      "GTM's documented iframe",
      `<noscript><iframe src="${GTM_URL}" height="0" width="0" style="display:none;visibility:hidden"></iframe></noscript>`,
    ],
    ["a comment before the pixel", `<noscript><!-- <a title=" --><img src="${PIXEL_URL}"></noscript>`],
    [
      "a textarea ending inside a quote",
      `<noscript><textarea><a title="</textarea><img src=${PIXEL_URL}>"></noscript>`,
    ],
    [
      "an img breaking out of svg style",
      `<noscript><svg><style><img src="${PIXEL_URL}"></style></svg></noscript>`,
    ],
    ["a noscript inside", `<noscript><noscript><img src="${PIXEL_URL}"></noscript>`],
    [
      "a picture source",
      `<noscript><picture><source srcset="${PIXEL_URL} 1x"><img src="/a.png"></picture></noscript>`,
    ],
    ["an embed", `<noscript><embed src="${PIXEL_URL}"></noscript>`],
    ["an object", `<noscript><object data="${GTM_URL}"></object></noscript>`],
    ["an input type=image", `<noscript><input type="image" src="${PIXEL_URL}"></noscript>`],
    ["an audio", `<noscript><audio src="https://${GTM}/a.mp3"></audio></noscript>`],
    ["an image tag", `<noscript><image src="${PIXEL_URL}"></noscript>`],
    ["a meta refresh", `<noscript><meta http-equiv="refresh" content="0; url=${GTM_URL}"></noscript>`],
    [
      "an iframe srcdoc",
      `<noscript><iframe srcdoc="<img src=&quot;${PIXEL_URL}&quot;>"></iframe></noscript>`,
    ],
    ["a character reference", `<noscript><img src="https&#58;//www.facebook.com/tr?id=1"></noscript>`],
    [
      "markup the rewriter refuses (judged by every URL-like token)",
      `<noscript><select><title>t</title></select><img src="${PIXEL_URL}"></noscript>`,
    ],
  ])("with %s: the refused element is removed", async (_, fragment) => {
    const html = page(fragment);
    expect(liveUrls(html, refusedTracker, off), "the input loads a tracker without JavaScript").not.toEqual(
      [],
    );
    const { text, report } = await judge(html);
    expect(liveUrls(text, refusedTracker, off)).toEqual([]);
    expect(report.neutralised).toContainEqual(expect.objectContaining({ element: "noscript" }));
  });

  it("what does not load for a refused category stays, byte for byte", async () => {
    const fragment = `<noscript><p class="a>b">Enable JavaScript</p><img src="/a.png" alt="a>b"><img src="${PIXEL_URL}"></noscript>`;
    const { text } = await judge(page(fragment));
    expect(text).toContain(
      `<noscript><p class="a>b">Enable JavaScript</p><img src="/a.png" alt="a>b"></noscript>`,
    );
    const granted = await rewrite(page(fragment), ["functional", "analytics", "marketing"]);
    expect(granted.text).toContain(fragment);
  });

  /** Elements the author marked, as a browser without JavaScript builds them. */
  const marked = (html: string) =>
    elementsOf(parse(html, { scriptingEnabled: false }))
      .filter((element) => element.attrs.some((a) => a.name === "data-consent-category"))
      .map((element) => element.tagName);
  it.each([
    ["an iframe", `<noscript><iframe data-consent-category="functional" src="/map"></iframe></noscript>`],
    ["an img, unquoted", `<noscript><img data-consent-category=marketing src=/p.gif></noscript>`],
    [
      "a div around an image",
      `<noscript><div data-consent-category="analytics"><img src="/p.gif"></div></noscript>`,
    ],
  ])("%s the author marked with a refused category is removed", async (_, fragment) => {
    const html = page(fragment);
    expect(marked(html)).not.toEqual([]);
    const { text } = await judge(html);
    expect(marked(text)).toEqual([]);
    const granted = await rewrite(html, ["functional", "analytics", "marketing"]);
    expect(marked(granted.text)).not.toEqual([]);
  });
});

describe("an iframe srcdoc's URLs are classified like the page's own (URL rules too)", () => {
  const TR = "https://www.facebook.com/tr";
  it.each([
    ["a script a URL rule names", `<iframe srcdoc="<script src=&quot;${TR}/x.js&quot;></script>"></iframe>`],
    ["an unquoted img", `<iframe srcdoc="<img src=${TR}?id=1>"></iframe>`],
    ["a srcset candidate", `<iframe srcdoc="<img srcset=&quot;/a.png 1x, ${TR}?id=1 2x&quot;>"></iframe>`],
    [
      "a relative URL under a <base>",
      `<iframe srcdoc="<base href=https://www.facebook.com/><img src=tr?id=1>"></iframe>`,
    ],
    [
      "a reference-encoded URL",
      `<iframe srcdoc="<img src=&quot;https&amp;#58;//www.facebook.com/tr?id=1&quot;>"></iframe>`,
    ],
    ["a srcdoc in the srcdoc", `<iframe srcdoc="<iframe srcdoc='<img src=${TR}?id=1>'></iframe>"></iframe>`],
    ["a video poster", `<iframe srcdoc="<video poster=${TR}?id=1></video>"></iframe>`],
    [
      "a document the rewriter refuses (judged by every URL-like token)",
      `<iframe srcdoc="<select><noscript></noscript></select><img src=${TR}?id=1>"></iframe>`,
    ],

    [
      "a data: document",
      `<iframe src="data:text/html,${encodeURIComponent(`<img src="${TR}?id=1">`)}"></iframe>`,
    ],
  ])("%s", async (_, fragment) => {
    await expectNeutralised(fragment, "iframe", "marketing");
  });

  it.each([
    [
      "an image on the same host that no rule names",
      `<iframe srcdoc="<img src=https://www.facebook.com/about.png>"></iframe>`,
    ],
    ["the rule's path as text", `<iframe srcdoc="<p>www.facebook.com/tr is the pixel</p>"></iframe>`],
  ])("%s passes byte for byte", async (_, fragment) => {
    const { text, report } = await judge(page(fragment));
    expect(text).toContain(fragment);
    expect(report.neutralised).toEqual([]);
  });
});
