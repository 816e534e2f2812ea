/**
 * Property tests of the HTML stage (issue 7, "Then make it hard to break"): random pages from
 * test/fuzz/html-arbitraries.ts go through the real stage (enforceHtml: HTMLRewriter in workerd,
 * the look-ahead and the fallbacks) in random chunkings, and the output is judged by parse5 parsing
 * it as a browser would: what would load or run, not what a regex sees in our own output.
 */
import fc from "fast-check";
import { parse, parseFragment, type DefaultTreeAdapterMap } from "parse5";
import { describe, expect, it } from "vitest";
import type { Site } from "../../src/config/compile";
import { FALLBACK_CSP } from "../../src/html/csp";
import { enforceHtml } from "../../src/html/rewrite-html";
import { RUNTIME_SOURCE, runtimeConfig, runtimeElement, runtimeText } from "../../src/html/runtime";
import { compileConfig } from "../../src/config/compile";
import { appFor, consent, send, testSite } from "../helpers";
import { emptyReport, htmlSite } from "../html-helpers";
import {
  ambiguousDocumentArbitrary,
  cutsArbitrary,
  documentArbitrary,
  grantedArbitrary,
  type HostileClass,
  hostileDocumentArbitrary,
  PAGE_URL,
} from "./html-arbitraries";
import { fuzzParameters } from "./settings";

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];
type ParentNode = DefaultTreeAdapterMap["parentNode"];

const HTML_NS = "http://www.w3.org/1999/xhtml";
const SVG_NS = "http://www.w3.org/2000/svg";
const ALL_GRANTED = ["functional", "analytics", "marketing"];

const site = htmlSite();

describe("pages lol-html's strict parser refuses (property)", () => {
  const pages = ambiguousDocumentArbitrary().chain((html) =>
    fc.tuple(fc.constant(html), grantedArbitrary, cutsArbitrary(new TextEncoder().encode(html).length)),
  );
  it(
    "fall back to the original page under the strict CSP, however chunked",
    async () => {
      await fc.assert(
        fc.asyncProperty(pages, async ([html, granted, cuts]) => {
          const whole = await runStage(html, granted, []);
          const chunked = await runStage(html, granted, cuts);
          expect(chunked.html).toBe(whole.html);
          expect(chunked.text).toBe(whole.text);
          if (whole.html?.startsWith("fallback")) expect(whole.text).toBe(html);
          else expect(refusedLoads(whole.text, granted)).toEqual([]);
        }),
        fuzzParameters({ scale: 0.25 }),
      );
    },
    TIMEOUT,
  );
});

describe("the whole worker in front of the fixture origin, on random pages (property)", () => {
  const siteInput = testSite({ banner: { enabled: true } });
  const app = appFor(siteInput);
  const compiled = compileConfig({ sites: [siteInput] });
  if (!compiled.ok) throw new Error("invalid test site");
  const [appSite] = compiled.config.sites;
  if (!appSite) throw new Error("no site");
  const toBase64 = (bytes: Uint8Array) =>
    btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(""));

  it(
    "answers 200 for any page, consent and coding, with no refused tracker live",
    async () => {
      const cases = documentArbitrary().chain((html) =>
        fc.tuple(
          fc.constant(html),
          grantedArbitrary,
          fc.integer({ min: 0, max: 512 }),
          fc.constantFrom(undefined, "gzip", "deflate"),
        ),
      );
      let planted = 0;
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(cases, async ([html, granted, chunk, encoding]) => {
          runs++;
          if (refusedLoads(html, granted, { site: appSite }).length > 0) planted++;
          const response = await send(app, "https://www.example.com/page", {
            headers: {
              Cookie: consent(granted),
              "X-Fixture-Body": toBase64(new TextEncoder().encode(html)),
              "X-Fixture-Header": JSON.stringify({ "Content-Type": "text/html; charset=utf-8" }),
              ...(chunk > 0 ? { "X-Fixture-Chunk": String(chunk) } : {}),
              ...(encoding ? { "X-Fixture-Encoding": encoding } : {}),
            },
          });
          const text = await response.text();
          expect(response.status).toBe(200);
          expect(refusedLoads(text, granted, { site: appSite })).toEqual([]);
        }),
        fuzzParameters({ scale: 0.25 }),
      );
      expect(planted).toBeGreaterThan(runs / 2);
    },
    TIMEOUT,
  );
});

/** A site whose Matomo, Hotjar and Clarity rules are marked `doNotTrack`, as aktok's Matomo is. */
const dntSite = htmlSite({
  trackers: {
    rules: [
      { host: "matomo.cloud", category: "analytics", vendor: "Matomo", doNotTrack: true },
      { inline: "_paq.push", category: "analytics", vendor: "Matomo", doNotTrack: true },
      { host: "hotjar.com", category: "analytics", vendor: "Hotjar", doNotTrack: true },
      { host: "clarity.ms", category: "analytics", vendor: "Microsoft Clarity", doNotTrack: true },
    ],
  },
});

interface StageResult {
  text: string;
  html: string | undefined;
  csp: string | null;
  /** The runtime element the stage injects for this consent. */
  runtime: string;
}

/** The page cut at byte offsets `cuts` (UTF-8 sequences may be split), through the real HTML stage. */
interface StageOptions {
  site?: Site;
  /** The visitor sent DNT: 1. */
  doNotTrack?: boolean;
  /** The origin pauses this long before each chunk after the first (a slow origin). */
  pauseMs?: number;
}

async function runStage(html: string, granted: string[], cuts: number[], options: StageOptions = {}) {
  const stageSite = options.site ?? site;
  const bytes = new TextEncoder().encode(html);
  const bounds = [0, ...cuts.filter((cut) => cut < bytes.length), bytes.length];
  const pauseMs = options.pauseMs ?? 0;
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (pauseMs > 0) return;
      for (let i = 0; i + 1 < bounds.length; i++) controller.enqueue(bytes.slice(bounds[i], bounds[i + 1]));
      controller.close();
    },
    async pull(controller) {
      if (pauseMs === 0) return;
      if (next > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      if (next + 1 < bounds.length) controller.enqueue(bytes.slice(bounds[next], bounds[next + 1]));
      next += 1;
      if (next + 1 >= bounds.length) controller.close();
    },
  });
  const origin = new Response(stream, { headers: { "Content-Type": "text/html; charset=utf-8" } });
  const headers = new Headers(origin.headers);
  const report = emptyReport(stageSite);
  const grantedSet = new Set(["necessary", ...granted]);
  const body = await enforceHtml(
    origin,
    headers,
    {
      site: stageSite,
      granted: grantedSet,
      doNotTrack: options.doNotTrack ?? false,
      page: PAGE_URL,
      method: "GET",
      buffer: false,
      // As production does for a GET: the fallback asks the origin again.
      refetch: () =>
        Promise.resolve(new Response(bytes, { headers: { "Content-Type": "text/html; charset=utf-8" } })),
    },
    report,
  );
  const text = await new Response(body).text();
  const runtime = runtimeElement(runtimeText(runtimeConfig(stageSite, grantedSet)), undefined);
  return {
    text,
    html: report.html,
    csp: headers.get("Content-Security-Policy"),
    runtime,
  } satisfies StageResult;
}

// HTML §4.12.1.1 and MIME Sniffing §4.6: the script types a browser executes.
const JAVASCRIPT_MIME_TYPES = new Set([
  "application/ecmascript",
  "application/javascript",
  "application/x-ecmascript",
  "application/x-javascript",
  "text/ecmascript",
  "text/javascript",
  "text/javascript1.0",
  "text/javascript1.1",
  "text/javascript1.2",
  "text/javascript1.3",
  "text/javascript1.4",
  "text/javascript1.5",
  "text/jscript",
  "text/livescript",
  "text/x-ecmascript",
  "text/x-javascript",
]);

function attribute(element: Element, name: string): string | null {
  return element.attrs.find((attr) => attr.name === name && !attr.prefix)?.value ?? null;
}

/** HTML §4.12.1.1 "prepare the script element", steps 8 to 11: will this script run? */
function isExecutable(element: Element): boolean {
  const type = attribute(element, "type");
  const language = attribute(element, "language");
  let typeString: string;
  if (type === null)
    typeString = language === null || language === "" ? "text/javascript" : `text/${language}`;
  else typeString = type === "" ? "text/javascript" : type;
  const essence = typeString.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "").toLowerCase();
  return JAVASCRIPT_MIME_TYPES.has(essence) || essence === "module";
}

/** `url(...)` and `@import "..."` in CSS, quoted or not. */
const CSS_URL = /(?:url\(\s*|@import\s+)['"]?([^'")\s]+)/gi;

function xlinkHref(element: Element): string | null {
  return element.attrs.find((attr) => attr.name === "href" && attr.prefix === "xlink")?.value ?? null;
}

function* elementsOf(node: ParentNode): Generator<Element> {
  for (const child of node.childNodes as Node[]) {
    if (!("tagName" in child)) continue;
    yield child;
    yield* elementsOf(child);
    // Template contents are inert until a page script clones them, which pages do: judge them as live.
    if (child.tagName === "template" && "content" in child) yield* elementsOf(child.content);
  }
}

function textOf(element: Element): string {
  return (element.childNodes as Node[]).map((child) => ("value" in child ? child.value : "")).join("");
}

interface Load {
  element: string;
  url?: string;
  inline?: string;
  author: string | null;
}

/** What a browser would fetch or run from this tree (with JavaScript on, unless `scripting` is false). */
function loadsOf(root: ParentNode, scripting: boolean): Load[] {
  const loads: Load[] = [];
  for (const element of elementsOf(root)) {
    const author = attribute(element, "data-consent-category");
    const add = (url: string | null) => {
      if (url !== null && url.trim() !== "") loads.push({ element: element.tagName, url, author });
    };
    const ns: string = element.namespaceURI;
    if (element.tagName === "script" && scripting && (ns === HTML_NS || ns === SVG_NS)) {
      if (!isExecutable(element)) continue;
      const src =
        ns === HTML_NS ? attribute(element, "src") : (attribute(element, "href") ?? xlinkHref(element));
      if (src !== null) add(src);
      // An empty script runs nothing (the neutraliser leaves the emptied original in place). The
      // injected runtime carries the site's snippet signatures and hosts as data for its page guard.
      else if (textOf(element).trim() !== "" && !textOf(element).startsWith(RUNTIME_SOURCE))
        loads.push({ element: "inline-script", inline: textOf(element), author });
      continue;
    }
    if (ns === SVG_NS && element.tagName === "image") add(attribute(element, "href") ?? xlinkHref(element));
    if (ns !== HTML_NS) continue;
    const tag = element.tagName;
    // Chromium still fetches the legacy background attribute (HTML §15.3.4 rendering), and CSS url()s.
    if (["body", "table", "td", "th"].includes(tag)) add(attribute(element, "background"));
    for (const [, url] of (attribute(element, "style") ?? "").matchAll(CSS_URL)) add(url ?? null);
    if (tag === "style") for (const [, url] of textOf(element).matchAll(CSS_URL)) add(url ?? null);
    if (tag === "iframe" || tag === "frame" || tag === "embed" || tag === "audio" || tag === "source") {
      add(attribute(element, "src"));
    }
    if (tag === "video") {
      add(attribute(element, "src"));
      add(attribute(element, "poster"));
    }
    if (tag === "object") add(attribute(element, "data"));
    if (tag === "input" && (attribute(element, "type") ?? "").toLowerCase() === "image")
      add(attribute(element, "src"));
    if (tag === "img" || tag === "source") {
      if (tag === "img") add(attribute(element, "src"));
      for (const candidate of (attribute(element, "srcset") ?? "").split(",")) {
        add(candidate.trim().split(/[\t\n\f\r ]+/)[0] ?? null);
      }
    }
    if (tag === "link") {
      const rels = (attribute(element, "rel") ?? "").toLowerCase().split(/[\t\n\f\r ]+/);
      const loading = [
        "preconnect",
        "dns-prefetch",
        "preload",
        "prefetch",
        "modulepreload",
        "stylesheet",
        "icon",
      ];
      if (rels.some((rel) => loading.includes(rel))) add(attribute(element, "href"));
    }
    if (tag === "meta" && (attribute(element, "http-equiv") ?? "").toLowerCase() === "refresh") {
      // HTML §4.2.5.3: "<seconds>; url=<url>" navigates there.
      add(/;\s*(?:url\s*=\s*)?['"]?([^'"]*)/i.exec(attribute(element, "content") ?? "")?.[1] ?? null);
    }
    if (tag === "iframe" && scripting) {
      const srcdoc = attribute(element, "srcdoc");
      if (srcdoc !== null) loads.push(...loadsOf(parse(srcdoc, { scriptingEnabled: true }), true));
    }
    if (tag === "noscript" && scripting) {
      // With JavaScript on its content is text; with it off, markup that loads (never scripts).
      loads.push(...loadsOf(parseFragment(textOf(element), { scriptingEnabled: false }), false));
    }
  }
  return loads;
}

/**
 * Loads the visitor refused, as the site's classifier defines them, in the page parse5 builds; with
 * DNT, every load a `doNotTrack` rule names too (README, "Consent in", 4).
 */
function refusedLoads(html: string, granted: string[], options: StageOptions = {}): string[] {
  const judgeSite = options.site ?? site;
  const grantedSet = new Set(["necessary", ...granted]);
  const document = parse(html, { scriptingEnabled: true });
  // HTML §4.2.3: the first base element with an href attribute sets the document base URL.
  const base = [...elementsOf(document)].find(
    (element) => element.tagName === "base" && attribute(element, "href") !== null,
  );
  const baseHref = base ? attribute(base, "href") : null;
  let pageUrl = PAGE_URL;
  try {
    if (baseHref !== null) pageUrl = new URL(baseHref, PAGE_URL);
  } catch {
    // An unparsable base URL is ignored (HTML §4.2.3).
  }
  const found: string[] = [];
  for (const load of loadsOf(document, true)) {
    const classifier = judgeSite.classifyResource;
    const matches =
      load.author !== null
        ? []
        : load.url !== undefined
          ? [classifier.classifyUrl(load.url, pageUrl)].filter((match) => match !== undefined)
          : classifier.classifyInline(load.inline ?? "", pageUrl);
    const categories =
      load.author !== null
        ? load.author.split(/\s+/).filter((category) => category !== "")
        : matches.map((match) => match.category);
    const refused = categories.filter((category) => !grantedSet.has(category));
    if (options.doNotTrack && matches.some((match) => match.doNotTrack)) refused.push("do-not-track");
    if (refused.length > 0)
      found.push(`${load.element} ${load.url ?? load.inline ?? ""} (${refused.join(" ")})`);
  }
  return found;
}

/** Each run costs a few milliseconds: `npm run fuzz` (thousands of runs) needs more than vitest's 5 s. */
const TIMEOUT = 10_000 + (fuzzParameters().numRuns ?? 200) * 20;

const pageAndChunkings = documentArbitrary().chain((html) => {
  const length = new TextEncoder().encode(html).length;
  return fc.tuple(fc.constant(html), grantedArbitrary, cutsArbitrary(length), cutsArbitrary(length));
});

describe("the HTML stage, on random pages in random chunkings (property)", () => {
  it("the judge sees the trackers the generator plants (no vacuous property)", () => {
    const html = `<!doctype html><head><script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script></head><body><noscript><img src="https://www.facebook.com/tr?id=1"></noscript><svg><script>fbq('init', '1')</script></svg><template><iframe src="//www.youtube.com/embed/x"></iframe></template><textarea><img src="https://www.facebook.com/tr?id=2"></textarea></body>`;
    expect(refusedLoads(html, [])).toEqual([
      "script https://www.googletagmanager.com/gtag/js?id=G-1 (analytics)",
      "img https://www.facebook.com/tr?id=1 (marketing)",
      "inline-script fbq('init', '1') (marketing)",
      "iframe //www.youtube.com/embed/x (marketing)",
    ]);
    expect(refusedLoads(html, ALL_GRANTED)).toEqual([]);
    const matomo = `<noscript><img src="https://x.matomo.cloud/matomo.php?idsite=1"></noscript>`;
    expect(refusedLoads(matomo, ALL_GRANTED, { site: dntSite, doNotTrack: true })).toEqual([
      "img https://x.matomo.cloud/matomo.php?idsite=1 (do-not-track)",
    ]);
    expect(refusedLoads(matomo, ALL_GRANTED, { site: dntSite })).toEqual([]);
  });

  it(
    "never throws, gives the same output for every chunking, and leaves no refused tracker live",
    async () => {
      let planted = 0;
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(pageAndChunkings, async ([html, granted, cutsA, cutsB]) => {
          runs++;
          if (refusedLoads(html, granted).length > 0) planted++;
          const whole = await runStage(html, granted, []);
          const a = await runStage(html, granted, cutsA);
          const b = await runStage(html, granted, cutsB);
          expect(a.text).toBe(whole.text);
          expect(b.text).toBe(whole.text);
          expect(a.html).toBe(whole.html);
          if (whole.html?.startsWith("fallback")) {
            // The original page, unrewritten: only the strict CSP keeps its trackers from loading.
            expect(whole.text).toBe(html);
            expect(whole.csp).toBe(FALLBACK_CSP);
            return;
          }
          expect(whole.html).toBe("rewritten");
          expect(whole.text.split(whole.runtime).length - 1).toBe(1);
          expect(refusedLoads(whole.text, granted)).toEqual([]);
        }),
        fuzzParameters({ scale: 0.5 }),
      );
      // Most pages held a live refused tracker before the stage: the property is not vacuous.
      expect(planted).toBeGreaterThan(runs / 2);
    },
    TIMEOUT,
  );

  it(
    "with every category granted, the page is the origin's byte for byte, plus the runtime",
    async () => {
      const page = documentArbitrary().chain((html) =>
        fc.tuple(fc.constant(html), cutsArbitrary(new TextEncoder().encode(html).length)),
      );
      await fc.assert(
        fc.asyncProperty(page, async ([html, cuts]) => {
          const result = await runStage(html, ALL_GRANTED, cuts);
          const parts = result.text.split(result.runtime);
          expect(parts.length - 1).toBe(result.html === "rewritten" ? 1 : 0);
          expect(parts.join("")).toBe(html);
        }),
        fuzzParameters({ scale: 0.5 }),
      );
    },
    TIMEOUT,
  );
});

describe("with DNT: 1, on random pages (property)", () => {
  it(
    "no tracker of a doNotTrack rule stays live, whatever the consent (issue 7, item 8)",
    async () => {
      const pages = documentArbitrary().chain((html) =>
        fc.tuple(fc.constant(html), grantedArbitrary, cutsArbitrary(new TextEncoder().encode(html).length)),
      );
      await fc.assert(
        fc.asyncProperty(pages, async ([html, granted, cuts]) => {
          const options = { site: dntSite, doNotTrack: true };
          const result = await runStage(html, granted, cuts, options);
          if (result.html?.startsWith("fallback")) return;
          expect(refusedLoads(result.text, granted, options)).toEqual([]);
        }),
        fuzzParameters({ scale: 0.25 }),
      );
    },
    TIMEOUT,
  );
});

// Diagnoses of the known bugs (src/html/neutralise.ts), as reported in issue 7.
const UNSEEN = "no handler looks at background attributes or CSS url()s";
const TRUNCATED =
  "output goes out when the origin pauses before a <select>, so an ambiguity error after it truncates the page (rewrite-html.ts)";

/**
 * Each way around detection, as its own property: a page with one such tracker among ordinary
 * markup. `knownBug` marks the classes the current code fails (it.fails: reported in issue 7,
 * owned by the code named beside them); the mark comes off with the fix.
 */
describe.each<[HostileClass | "base href", { knownBug?: string }]>([
  ["character references in a URL", {}],
  ["an uppercase, padded or split scheme", {}],
  ["an img with only srcset", {}],
  ["a picture source", {}],
  ["elements nobody looked at", {}],
  ["an iframe srcdoc", {}],
  ["markup in noscript that a regex misreads", {}],
  ["an image tag, which the parser makes an img", {}],
  ["a legacy background attribute", { knownBug: UNSEEN }],
  ["a CSS url() in a style attribute or element", { knownBug: UNSEEN }],
  ["an element the origin marked inert itself", {}],
  ["an inline snippet after a tracker iframe inside svg", {}],
  ["base href", {}],
])("a page with %s (property)", (hostile, { knownBug }) => {
  const pages = hostileDocumentArbitrary(hostile).chain((html) =>
    fc.tuple(fc.constant(html), grantedArbitrary, cutsArbitrary(new TextEncoder().encode(html).length)),
  );
  (knownBug ? it.fails : it)(
    `leaves no refused tracker live${knownBug ? ` (known bug: ${knownBug})` : ""}`,
    async () => {
      await fc.assert(
        fc.asyncProperty(pages, async ([html, granted, cuts]) => {
          const result = await runStage(html, granted, cuts);
          if (result.html?.startsWith("fallback")) {
            // The original page: the strict CSP keeps its trackers out, unless nothing was refused.
            expect(result.csp).toBe(granted.length === ALL_GRANTED.length ? null : FALLBACK_CSP);
            return;
          }
          expect(refusedLoads(result.text, granted)).toEqual([]);
        }),
        // A known bug fails at once: no time spent shrinking what is already diagnosed.
        { ...fuzzParameters({ scale: 0.25 }), endOnFailure: knownBug !== undefined },
      );
    },
    TIMEOUT,
  );
});

/**
 * Minimal pages the properties found (shrunk by hand), kept as named regressions. `it.fails` marks
 * the ones the current code fails, each reported in issue 7 with its diagnosis.
 */
describe("regressions the properties found", () => {
  const FB = "https://www.facebook.com/tr?id=1";
  const cases: Array<[string, string, string?]> = [
    ["noscript img with > in a quoted attribute", `<noscript><img alt="a>b" src="${FB}"></noscript>`],
    [
      "noscript img with src= inside another attribute",
      `<noscript><img alt=" src=/a.png" src="${FB}"></noscript>`,
    ],
    ["noscript img with a slash before src", `<noscript><img/src="${FB}"></noscript>`],
    ["noscript iframe without its end tag", `<noscript><iframe src="${FB}"></noscript>`],
    [
      "noscript src with a character reference",
      `<noscript><img src="https&#58;//www.facebook.com/tr?id=1"></noscript>`,
    ],
    ["noscript video poster", `<noscript><video poster="${FB}"></video></noscript>`],
    [
      "noscript iframe the page author marked",
      `<noscript><iframe data-consent-category="functional" src="/map"></iframe></noscript>`,
    ],
    [
      "iframe srcdoc with a script on a tracker host",
      `<iframe srcdoc="<script src=&quot;https://connect.facebook.net/x.js&quot;></script>"></iframe>`,
    ],
    [
      "iframe srcdoc with a script a URL rule names",
      `<iframe srcdoc="<script src=&quot;https://www.facebook.com/tr/x.js&quot;></script>"></iframe>`,
    ],
    [
      "script the origin marked with data-ce-category",
      `<script data-ce-category="necessary" src="https://connect.facebook.net/x.js"></script>`,
    ],
    ["img the origin marked with data-ce-category", `<img data-ce-category="necessary" src="${FB}">`],
    ["a table background", `<table background="${FB}"><tr><td>x</td></tr></table>`, UNSEEN],
    ["a CSS url() in a style attribute", `<div style="background:url(${FB})">x</div>`, UNSEEN],
    ["a CSS @import", `<style>@import "https://connect.facebook.net/x.css";</style>`, UNSEEN],
    ["an image tag", `<image src="${FB}">`],
    [
      "a commented snippet in a script lol-html reads as SVG (after a title in foreignObject)",
      `<svg><foreignObject><title>x</title><script><!--\ngtag('config', 'G-1234');\n//--></script></foreignObject></svg>`,
    ],
  ];
  const check = async (fragment: string) => {
    const html = `<!doctype html><html><head><meta charset="utf-8"></head><body>${fragment}</body></html>`;
    expect(refusedLoads(html, [])).not.toEqual([]);
    const result = await runStage(html, [], []);
    expect(result.html).toBe("rewritten");
    expect(refusedLoads(result.text, [])).toEqual([]);
  };
  it("an svg script after a YouTube iframe inside svg (an SVG iframe loads nothing and gets no HTML placeholder)", async () => {
    // Safe as the origin wrote it (an SVG iframe loads nothing; the SVG script holds a comment) ...
    const html = `<!doctype html><html><head><meta charset="utf-8"></head><body><svg><iframe src="https://www.youtube.com/embed/x"></iframe><script><!--\ngtag('config', 'G-1234');\n--></script></svg></body></html>`;
    expect(refusedLoads(html, [])).toEqual([]);
    // ... and must stay so: the placeholder must not turn the rest of the SVG into live HTML.
    const result = await runStage(html, [], []);
    expect(refusedLoads(result.text, [])).toEqual([]);
  });
  it("a select holding a style, in chunks that arrive at once", async () => {
    const html = `<!doctype html><html><head><meta charset="utf-8"></head><body><p>x</p><select><style>s</style></select><p>end</p></body></html>`;
    for (const cuts of [[], [html.indexOf("<select>")]]) {
      const result = await runStage(html, [], cuts);
      expect(result.html).toBe("fallback: ambiguous markup; strict CSP");
      expect(result.text).toBe(html);
    }
  });
  it.fails(`a select holding a style, after the origin paused (known bug: ${TRUNCATED})`, async () => {
    const html = `<!doctype html><html><head><meta charset="utf-8"></head><body><p>x</p><select><style>s</style></select><p>end</p></body></html>`;
    const result = await runStage(html, [], [html.indexOf("<select>")], { pauseMs: 50 });
    // The whole page: the original under the strict CSP, or rewritten to its end; never cut short.
    expect(result.text).toContain("<p>end</p></body></html>");
  });
  it.each(cases.filter(([, , bug]) => bug === undefined))("%s", (_, fragment) => check(fragment));
  // Known bugs: these pass once the neutraliser is fixed; then move them to the list above.
  const knownBugs = cases.flatMap(([name, fragment, bug]) =>
    bug === undefined ? [] : [[name, bug, fragment]],
  );
  it.fails.each(knownBugs)("%s (known bug: %s)", (_, __, fragment) => check(fragment));
});
