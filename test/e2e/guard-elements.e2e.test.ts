/**
 * The page guard (src/runtime/guard/elements.ts) in Debian's Chromium, through the real worker in
 * front of the demo origin: elements first-party script creates, gives a URL or inserts by every
 * API of issue 9 item 2, each in three states:
 *   - no consent: no request leaves for the tracker, and the element is in the edge's inert form;
 *   - granted: `consentEdge.grant(...)` loads it, without a reload, through the one restore path;
 *   - granted first: an element made after the grant loads at once, untouched by the guard.
 * Every request to a host other than the demo's is answered here (Playwright routing) and recorded,
 * so nothing leaves the machine and the test sees exactly what the browser fetched.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { recordingAnswer, routedBrowser } from "./routed-browser";
import { chromiumPath } from "./servers";

/** What page.evaluate callbacks see (they run in the browser; this project's Node tests have no DOM types). */
interface Globals {
  consentEdge: { grant(categories: string[]): unknown; granted(): string[] };
  __ran: string[];
}

const executablePath = chromiumPath();
if (!executablePath && process.env.CI)
  throw new Error("CI must install Debian's chromium for the browser test");

/** A tracker URL carrying a marker, so that each case finds its own requests among the page's. */
const GA = (marker: string) => `https://www.googletagmanager.com/gtag/js?id=G-${marker}`;
const PIXEL = (marker: string) => `https://www.facebook.com/tr?id=1&ev=PageView&m=${marker}`;
/** YouTube is a service of marketing (issue 12): its elements need `marketing:youtube`. */
const VIDEO = (marker: string) => `https://www.youtube.com/embed/${marker}`;

interface Case {
  name: string;
  category: "analytics" | "marketing";
  /** Browser code that makes the element for `url`, given as `URL`; it marks it with id `ce-case`. */
  code: string;
  url: (marker: string) => string;
  /** The edge's inert form of the element (its attributes), with `URL` for the tracker URL. */
  inert: Record<string, string | null>;
  /** The element ran (a script) rather than only fetched. */
  runs?: boolean;
  /** An inline script fetches nothing: only whether it ran tells. */
  inline?: boolean;
}

const SCRIPT_INERT = { type: "text/plain", src: null, "data-ce-src": "URL", "data-ce-category": "analytics" };
const IMG_INERT = { src: null, "data-ce-src": "URL", "data-ce-category": "marketing" };

const CASES: Case[] = [
  {
    name: "script: createElement, the src property, appendChild",
    category: "analytics",
    url: GA,
    runs: true,
    code: `const s = document.createElement("script"); s.id = "ce-case"; s.async = true; s.src = URL; document.head.appendChild(s);`,
    inert: SCRIPT_INERT,
  },
  {
    name: "script: the tag loader's insertBefore, src set before the type",
    category: "analytics",
    url: GA,
    runs: true,
    code: `const g = document.createElement("script"), f = document.getElementsByTagName("script")[0]; g.id = "ce-case"; g.src = URL; g.type = "text/javascript"; f.parentNode.insertBefore(g, f);`,
    inert: { ...SCRIPT_INERT, "data-ce-type": "text/javascript" },
  },
  {
    name: "script: src set after it was inserted",
    category: "analytics",
    url: GA,
    runs: true,
    code: `const s = document.createElement("script"); s.id = "ce-case"; document.body.append(s); s.src = URL;`,
    inert: SCRIPT_INERT,
  },
  {
    name: "script: setAttribute, then prepend",
    category: "analytics",
    url: GA,
    runs: true,
    code: `const s = document.createElement("script"); s.id = "ce-case"; s.setAttribute("SRC", URL); document.body.prepend(s);`,
    inert: SCRIPT_INERT,
  },
  {
    name: "script: setAttributeNS(null, ...), then after()",
    category: "analytics",
    url: GA,
    runs: true,
    code: `const s = document.createElement("script"); s.id = "ce-case"; s.setAttributeNS(null, "src", URL); document.body.firstElementChild.after(s);`,
    inert: SCRIPT_INERT,
  },
  {
    name: "script: an Attr node's value (no setter at all), caught at insertion",
    category: "analytics",
    url: GA,
    runs: true,
    code: `const s = document.createElement("script"); s.id = "ce-case"; const a = document.createAttribute("src"); a.value = URL; s.setAttributeNode(a); document.body.replaceChildren(...document.body.childNodes, s);`,
    inert: SCRIPT_INERT,
  },
  {
    name: "inline script: its text names a tracker, appended",
    category: "analytics",
    url: GA,
    runs: true,
    inline: true,
    code: `const s = document.createElement("script"); s.id = "ce-case"; s.textContent = "window.__ran.push(" + JSON.stringify(URL) + "); gtag('config', 'G-X')"; document.body.appendChild(s);`,
    inert: { type: "text/plain", "data-ce-category": "analytics" },
  },
  {
    name: "img: new Image().src, never inserted",
    category: "marketing",
    url: PIXEL,
    code: `const i = new Image(); i.id = "ce-case"; i.src = URL; window.__kept = i;`,
    inert: IMG_INERT,
  },
  {
    name: "img: srcset, insertAdjacentElement",
    category: "marketing",
    url: PIXEL,
    code: `const i = document.createElement("img"); i.id = "ce-case"; i.srcset = URL + " 1x"; document.body.insertAdjacentElement("beforeend", i);`,
    inert: { srcset: null, "data-ce-srcset": "URL 1x", "data-ce-category": "marketing" },
  },
  {
    name: "iframe: src property, replaceWith",
    category: "marketing",
    url: VIDEO,
    code: `const p = document.createElement("p"); document.body.append(p); const f = document.createElement("iframe"); f.id = "ce-case"; f.src = URL; p.replaceWith(f);`,
    inert: {
      src: null,
      "data-ce-src": "URL",
      hidden: "",
      "data-ce-unhide": "",
      "data-ce-category": "marketing:youtube",
    },
  },
  {
    name: "iframe: a srcdoc whose document loads a tracker",
    category: "marketing",
    url: PIXEL,
    code: `const f = document.createElement("iframe"); f.id = "ce-case"; f.srcdoc = '<img src="' + URL + '">'; document.body.append(f);`,
    inert: {
      srcdoc: null,
      "data-ce-srcdoc": '<img src="URL">',
      hidden: "",
      "data-ce-unhide": "",
      "data-ce-category": "marketing",
    },
  },
  {
    name: "link: a preload href, replaceChild",
    category: "analytics",
    url: GA,
    code: `const p = document.createElement("i"); document.head.append(p); const l = document.createElement("link"); l.id = "ce-case"; l.rel = "preload"; l.as = "script"; l.href = URL; document.head.replaceChild(l, p);`,
    inert: { href: null, "data-ce-href": "URL", "data-ce-category": "analytics" },
  },
  {
    name: "source in a video: src, append",
    category: "marketing",
    url: VIDEO,
    code: `const v = document.createElement("video"); v.preload = "auto"; const s = document.createElement("source"); s.id = "ce-case"; s.src = URL; v.append(s); document.body.append(v);`,
    inert: { src: null, "data-ce-src": "URL", "data-ce-category": "marketing:youtube" },
  },
  {
    name: "video: poster",
    category: "marketing",
    url: PIXEL,
    code: `const v = document.createElement("video"); v.id = "ce-case"; v.poster = URL; document.body.append(v);`,
    inert: { poster: null, "data-ce-poster": "URL", "data-ce-category": "marketing" },
  },
  {
    name: "audio: src",
    category: "marketing",
    url: PIXEL,
    code: `const a = document.createElement("audio"); a.id = "ce-case"; a.preload = "auto"; a.src = URL; document.body.append(a);`,
    inert: { src: null, "data-ce-src": "URL", "data-ce-category": "marketing" },
  },
  {
    name: "embed: src",
    category: "marketing",
    url: VIDEO,
    code: `const e = document.createElement("embed"); e.id = "ce-case"; e.src = URL; document.body.append(e);`,
    inert: { src: null, "data-ce-src": "URL", "data-ce-category": "marketing:youtube" },
  },
  {
    name: "object: data",
    category: "marketing",
    url: VIDEO,
    code: `const o = document.createElement("object"); o.id = "ce-case"; o.data = URL; document.body.append(o);`,
    inert: { data: null, "data-ce-data": "URL", "data-ce-category": "marketing:youtube" },
  },
  {
    name: "innerHTML of a detached element (an img loads at once)",
    category: "marketing",
    url: PIXEL,
    code: `const d = document.createElement("div"); d.innerHTML = '<img id="ce-case" alt="" src="' + URL + '">'; window.__kept = d;`,
    inert: IMG_INERT,
  },
  {
    name: "outerHTML",
    category: "marketing",
    url: VIDEO,
    code: `const d = document.createElement("div"); document.body.append(d); d.outerHTML = '<iframe id="ce-case" src="' + URL + '"></iframe>';`,
    inert: {
      src: null,
      "data-ce-src": "URL",
      hidden: "",
      "data-ce-unhide": "",
      "data-ce-category": "marketing:youtube",
    },
  },
  {
    name: "insertAdjacentHTML",
    category: "marketing",
    url: PIXEL,
    code: `document.body.insertAdjacentHTML("beforeend", '<p><img id="ce-case" src="' + URL + '"></p>');`,
    inert: IMG_INERT,
  },
  {
    name: "createContextualFragment (its scripts run when inserted)",
    category: "analytics",
    url: GA,
    runs: true,
    code: `const f = document.createRange().createContextualFragment('<script id="ce-case" src="' + URL + '"></scr' + 'ipt>'); document.body.append(f);`,
    inert: SCRIPT_INERT,
  },
  {
    name: "document.write, in a document of the same origin being parsed",
    category: "marketing",
    url: PIXEL,
    code: `document.open(); document.write('<!doctype html><title>w</title><img id="ce-case" src="' + URL + '">'); document.close();`,
    inert: IMG_INERT,
  },
  {
    name: "importNode of a parsed document's element",
    category: "marketing",
    url: PIXEL,
    code: `const doc = new DOMParser().parseFromString('<img id="ce-case" src="' + URL + '">', "text/html"); window.__kept = document.importNode(doc.body.firstChild, true);`,
    inert: IMG_INERT,
  },
];

describe.skipIf(!executablePath)("the page guard on elements, in Chromium (skipped: no chromium)", () => {
  const demo = routedBrowser();

  /** A fresh visitor (empty jar) on the demo home page, with the runtime and the guard in it. */
  async function visitor(): Promise<{ page: Page; requests: string[] }> {
    const { context, requests } = await demo.visitor({ answer: recordingAnswer });
    const page = await context.newPage();
    await page.goto(demo.url(), { waitUntil: "load" });
    await page.evaluate(() => {
      (globalThis as unknown as Globals).__ran = [];
    });
    return { page, requests };
  }

  const attributesOf = (page: Page) =>
    page.evaluate(() => {
      const doc = (globalThis as unknown as { document: Document_ }).document;
      const kept = (globalThis as unknown as { __kept?: Element_ }).__kept;
      const element =
        doc.getElementById("ce-case") ??
        kept?.querySelector?.("#ce-case") ??
        (kept?.id === "ce-case" ? kept : null);
      if (!element) return null;
      const attributes: Record<string, string> = {};
      for (const attribute of Array.from(element.attributes)) attributes[attribute.name] = attribute.value;
      return attributes;
    });
  const ran = (page: Page) => page.evaluate(() => (globalThis as unknown as Globals).__ran);
  /** Runs a case's code in the page, as page script (an expression string: no eval in this file). */
  const run = (page: Page, code: string, url: string) =>
    page.evaluate(`(function (URL) { ${code} })(${JSON.stringify(url)})`);
  /** Grants `category` and waits until the page has it (the grant may go through the consent API first). */
  const grant = async (page: Page, category: string) => {
    await page.evaluate(async (category) => {
      await (globalThis as unknown as Globals).consentEdge.grant([category]);
    }, category);
    await page.waitForFunction(
      (category) => (globalThis as unknown as Globals).consentEdge.granted().includes(category),
      category,
    );
  };

  for (const c of CASES) {
    describe(c.name, () => {
      it("no consent: nothing is fetched and the element is in the edge's inert form", async () => {
        const { page, requests } = await visitor();
        const url = c.url(`none${CASES.indexOf(c)}`);
        await run(page, c.code, url);
        await page.waitForTimeout(400);
        expect(requests.filter((request) => request.includes(url.slice(8, 60)))).toEqual([]);
        const attributes = await attributesOf(page);
        expect(attributes).not.toBeNull();
        for (const [name, value] of Object.entries(c.inert))
          expect(attributes?.[name] ?? null, name).toBe(value?.replace("URL", url) ?? null);
        if (c.runs) expect(await ran(page)).toEqual([]);
        await page.context().close();
      });

      it("granted after: the same element loads without a reload", async () => {
        const { page, requests } = await visitor();
        const url = c.url(`later${CASES.indexOf(c)}`);
        await run(page, c.code, url);
        await page.waitForTimeout(200);
        expect(requests.filter((request) => request.includes(url.slice(8, 60)))).toEqual([]);
        const before = await page.evaluate(() => performance.timeOrigin);
        await grant(page, c.category);
        // A detached element (new Image(), an innerHTML'd div never inserted) is not in the
        // document for restore to find: it stays inert, which is what the edge's own would do.
        const connected = await page.evaluate(
          () =>
            (globalThis as unknown as { document: Document_ }).document.getElementById("ce-case") !== null,
        );
        if (connected) {
          if (!c.inline)
            await expect
              .poll(() => requests.some((request) => request.includes(url.slice(8, 60))))
              .toBe(true);
          expect(await attributesOf(page)).not.toHaveProperty("data-ce-category");
          if (c.runs) await expect.poll(() => ran(page)).toContain(url);
        }
        expect(await page.evaluate(() => performance.timeOrigin)).toBe(before);
        await page.context().close();
      });

      it("granted first: an element made after the grant loads at once, untouched", async () => {
        const { page, requests } = await visitor();
        await grant(page, c.category);
        const url = c.url(`first${CASES.indexOf(c)}`);
        await run(page, c.code, url);
        const attributes = await attributesOf(page);
        for (const name of Object.keys(attributes ?? {})) expect(name).not.toMatch(/^data-ce-/);
        if (!c.inline)
          await expect.poll(() => requests.some((request) => request.includes(url.slice(8, 60)))).toBe(true);
        if (c.runs) await expect.poll(() => ran(page)).toContain(url);
        await page.context().close();
      });
    });
  }
});

describe.skipIf(!executablePath)("what the page guard leaves alone, in Chromium", () => {
  const demo = routedBrowser();

  it("first-party and unmatched elements, by every API, are exactly what the page made, and load", async () => {
    const { context, requests } = await demo.visitor();
    const page = await context.newPage();
    await page.goto(demo.url(), { waitUntil: "load" });
    const made = await page.evaluate(`(() => {
      const out = [];
      const i = new Image(); i.src = "https://cdn.unlisted.example/a.png"; out.push(i.outerHTML);
      const s = document.createElement("script"); s.src = "/app.js?again"; s.type = "module"; document.head.append(s); out.push(s.outerHTML);
      const f = document.createElement("iframe"); f.setAttribute("src", "https://maps.unlisted.example/embed"); document.body.appendChild(f); out.push(f.outerHTML);
      const d = document.createElement("div"); d.innerHTML = '<img src="https://cdn.unlisted.example/b.png" alt="b"><a href="https://www.googletagmanager.com/">a link loads nothing</a>'; document.body.append(d); out.push(d.innerHTML);
      document.body.insertAdjacentHTML("beforeend", '<video poster="/poster.png"></video>'); out.push(document.body.lastElementChild.outerHTML);
      const t = document.createElement("script"); t.textContent = "window.__firstParty = 1"; document.body.append(t);
      for (const name of ["constructor", "toString", "__proto__"]) { const x = document.createElement(name); x.setAttribute("src", "x"); document.body.append(x); }
      return out;
    })()`);
    expect(made).toEqual([
      '<img src="https://cdn.unlisted.example/a.png">',
      '<script src="/app.js?again" type="module"></script>',
      '<iframe src="https://maps.unlisted.example/embed"></iframe>',
      '<img src="https://cdn.unlisted.example/b.png" alt="b"><a href="https://www.googletagmanager.com/">a link loads nothing</a>',
      '<video poster="/poster.png"></video>',
    ]);
    expect(await page.evaluate(() => (globalThis as unknown as { __firstParty?: number }).__firstParty)).toBe(
      1,
    );
    await expect
      .poll(() => requests.filter((url) => url.includes("unlisted.example")).sort())
      .toEqual([
        "https://cdn.unlisted.example/a.png",
        "https://cdn.unlisted.example/b.png",
        "https://maps.unlisted.example/embed",
      ]);
    expect(requests.filter((url) => url.includes("googletagmanager"))).toEqual([]);
    await context.close();
  });
  it("user content written as HTML cannot plant the inert form or a grant button", async () => {
    const { context, requests } = await demo.visitor();
    const page = await context.newPage();
    await page.goto(demo.url(), { waitUntil: "load" });
    const comment = await page.evaluate(`(() => {
      const d = document.createElement("div");
      d.id = "comment";
      d.innerHTML = '<button id="planted" data-ce-grant="marketing">Nice post!</button>' +
        '<iframe data-ce-category="functional" data-ce-src="https://www.youtube.com/embed/x" hidden data-ce-unhide></iframe>';
      document.body.append(d);
      return d.innerHTML;
    })()`);
    expect(comment).toBe('<button id="planted">Nice post!</button><iframe hidden=""></iframe>');
    // (The banner covers the end of the page: the click is dispatched on the button itself.)
    await page.locator("#planted").dispatchEvent("click");
    await page.waitForTimeout(500);
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as { consentEdge: { granted(): string[] } }).consentEdge.granted(),
      ),
    ).toEqual(["necessary"]);
    expect(requests.filter((url) => url.includes("youtube"))).toEqual([]);
    await context.close();
  });
});

interface Element_ {
  id: string;
  attributes: ArrayLike<{ name: string; value: string }>;
  querySelector?(selector: string): Element_ | null;
}
interface Document_ {
  getElementById(id: string): Element_ | null;
}
