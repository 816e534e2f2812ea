/**
 * An attacker's review of the page guard (issue 9) in Debian's Chromium, through the real worker in
 * front of the demo origin: paths by which first-party script, user content written into the page,
 * or a granted third-party script could reach a tracker host of a refused category, or make the
 * runtime grant, and the page's own code the guard could break.
 *
 *   - `it(...)`: a path verified to be defended;
 *   - `it.fails(...)`: a real gap, named in its comment. The test asserts what should hold, so it
 *     fails today; once the gap is closed it passes, `it.fails` fails the suite, and the mark comes off.
 *
 * Every request to a host other than the demo's is answered and recorded (./routed-browser.ts); each
 * case gets a marker of its own in its URLs and a fresh visitor (an empty jar, its own throttle client).
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { recordingAnswer, routedBrowser } from "./routed-browser";
import { chromiumPath, launchChromium, startRecordingTrackers } from "./servers";

const executablePath = chromiumPath();
if (!executablePath && process.env.CI)
  throw new Error("CI must install Debian's chromium for the browser test");

/** The URLs a case's code gets, each carrying its marker `M`. */
const urls = (m: string) => ({
  M: m,
  // marketing (facebook.com): a pixel.
  PIXEL: `https://www.facebook.com/tr?id=1&ev=PageView&m=${m}`,
  // analytics (googletagmanager.com): a script, which pushes its URL to window.__ran when it runs.
  GA: `https://www.googletagmanager.com/gtag/js?id=G-${m}`,
  // marketing (youtube.com): an embed.
  VIDEO: `https://www.youtube.com/embed/${m}`,
});

/** What page.evaluate callbacks see (this project's Node tests have no DOM types). */
interface Globals {
  consentEdge: { grant(categories: string[]): Promise<boolean>; granted(): string[] };
  __ran: string[];
}

interface Attack {
  name: string;
  /**
   * Browser code (the body of a function of M, PIXEL, GA and VIDEO) that tries to reach a tracker
   * with no consent. Nothing of its marker may be requested, and no script of it may run.
   */
  code: string;
  /** Set for a real gap: what it is (the case then runs as `it.fails`). */
  gap?: string;
}

/**
 * Element paths. Each `gap` names why the guard misses it, read from src/runtime/guard/elements.ts.
 */
const ELEMENTS: Attack[] = [
  {
    name: "setAttributeNS('', 'src', ...) on a detached image",
    // Was a gap, closed by the guard: the hook checks only a null namespace (`args[0] == null`); DOM §4.9 turns '' into null, so this is the same attribute
    code: `const i = new Image(); i.setAttributeNS("", "src", PIXEL); window.__kept = i;`,
  },
  {
    name: "an Attr node (setAttributeNode) on a detached image",
    // Was a gap, closed by the guard: no hook on setAttributeNode, and the MutationObserver only sees the document: a detached image fetches at once
    code: `const i = new Image(); const a = document.createAttribute("src"); a.value = PIXEL; i.setAttributeNode(a); window.__kept = i;`,
  },
  {
    name: "attributes.setNamedItem on a detached image",
    // Was a gap, closed by the guard: NamedNodeMap.setNamedItem is not hooked (as setAttributeNode)
    code: `const i = document.createElement("img"); const a = document.createAttribute("src"); a.value = PIXEL; i.attributes.setNamedItem(a); window.__kept = i;`,
  },
  {
    name: "Attr.value written on a connected image's src",
    code: `const i = document.createElement("img"); i.src = "/favicon.ico?" + M; document.body.append(i); i.getAttributeNode("src").value = PIXEL;`,
  },
  {
    name: "the URL property given an object whose toString answers twice (detached image)",
    // Was a gap, closed by the guard: attribute() converts the value with String() to judge it, then hands the native setter the object, which converts it again (requests.ts converts once and passes the string on)
    code: `let n = 0; const i = new Image(); i.src = { toString: () => (n++ ? PIXEL : "/first-party.png") }; window.__kept = i;`,
  },
  {
    name: "setAttribute given a name whose toString answers twice",
    // Was a gap, closed by the guard: the name is converted to judge it and again by the native setAttribute
    code: `let n = 0; const i = new Image(); i.setAttribute({ toString: () => (n++ ? "src" : "alt") }, PIXEL); window.__kept = i;`,
  },
  {
    name: "new Audio(url): the constructor sets src itself",
    // Was a gap, closed by the guard: the Audio() named constructor sets the attribute without the src setter, and a detached media element with preload=auto fetches
    code: `window.__kept = new Audio(PIXEL);`,
  },
  {
    name: "an SVG <image href> written as HTML",
    // Was a gap, closed by the guard: loads() only knows HTML-namespace elements: SVG image (and feImage) load from href
    code: `document.body.insertAdjacentHTML("beforeend", '<svg width="1" height="1"><image href="' + PIXEL + '" width="1" height="1"/></svg>');`,
  },
  {
    name: "an SVG <script href> made by createElementNS runs",
    // Was a gap, closed by the guard: loads() only knows HTML-namespace elements; an SVG script loads and runs its href (restore.ts even restores the edge's inert SVG scripts)
    code: `const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg"); const s = document.createElementNS("http://www.w3.org/2000/svg", "script"); s.setAttribute("href", GA); svg.append(s); document.body.append(svg);`,
  },
  {
    name: "<input type=image src> written as HTML",
    // Was a gap, closed by the guard: input is not one of LOADS; an image button loads its src
    code: `document.body.insertAdjacentHTML("beforeend", '<form><input type="image" alt="go" src="' + PIXEL + '"></form>');`,
  },
  {
    name: "<input type=image>.src set by script",
    // Was a gap, closed by the guard: HTMLInputElement's src setter is not hooked
    code: `const i = document.createElement("input"); i.type = "image"; i.src = PIXEL; document.body.append(i);`,
  },
  {
    name: "a <base href> and a relative script in a contextual fragment, appended (the script runs)",
    // Was a gap, closed by the guard: the fragment is scanned before insertion, against the document's base; its own <base> is inserted first and the script resolves against it
    code: `const f = document.createRange().createContextualFragment('<base href="https://www.googletagmanager.com/"><script src="gtag/js?id=G-' + M + '"></scr' + 'ipt>'); document.head.append(f);`,
  },
  {
    name: "a srcdoc whose own <base href> makes a relative image a tracker's",
    // Was a gap, closed by the guard: the srcdoc is judged against the parent's base URL, not the <base> it carries
    code: `const f = document.createElement("iframe"); f.srcdoc = '<base href="https://www.facebook.com/"><img src="tr?id=1&m=' + M + '">'; document.body.append(f);`,
  },
  {
    name: "srcset with U+FEFF inside the host",
    // Was a gap, closed by the guard: srcset candidates are split with JavaScript's \\s (which includes U+FEFF); HTML splits on ASCII whitespace only, and the URL parser's IDNA mapping drops U+FEFF: the browser fetches www.facebook.com
    code: `const i = new Image(); i.srcset = "https://www.face\\ufeffbook.com/tr?id=1&m=" + M + " 1x"; window.__kept = i;`,
  },
  {
    name: "innerHTML given an array (a map() result assigned without join) on a detached element",
    // Was a gap, closed by the guard: clean() inspects strings only: any other value (an array, a String object, an object with toString) goes to the native setter unread
    code: `const d = document.createElement("div"); d.innerHTML = ['<img alt="" src="' + PIXEL + '">']; window.__kept = d;`,
  },
  {
    name: "innerHTML given a TrustedHTML (the only value a Trusted Types page may pass)",
    // Was a gap, closed by the guard: clean() inspects strings only: on a site that enforces Trusted Types every HTML string is a TrustedHTML, so no HTML sink is guarded there
    code: `const p = trustedTypes.createPolicy("app-" + M, { createHTML: (s) => s }); const d = document.createElement("div"); d.innerHTML = p.createHTML('<img alt="" src="' + PIXEL + '">'); window.__kept = d;`,
  },
  {
    name: "a script given its src by an Attr node, inserted with Range.insertNode (it runs)",
    // Was a gap, closed by the guard: Range.insertNode (and surroundContents) are not hooked insertion methods; a script runs during insertion, before the MutationObserver
    code: `const s = document.createElement("script"); const a = document.createAttribute("src"); a.value = GA; s.setAttributeNode(a); const r = document.createRange(); r.selectNodeContents(document.head); r.insertNode(s);`,
  },
  {
    name: "an inline script whose text is set after it was inserted empty (it runs)",
    // Was a gap, closed by the guard: an empty script inserted is not started; text given later (textContent, text, innerText) prepares and runs it, and no hook judges that text
    code: `const s = document.createElement("script"); document.body.append(s); s.textContent = "window.__ran.push(" + JSON.stringify(M) + "); /* https://www.googletagmanager.com/gtag/js */";`,
  },
  {
    name: "a data-consent-category marking in user content written as HTML (an allowed YouTube embed)",
    gap: "the author's marking wins over the rules, and an HTML string keeps it: a commenter's data-consent-category=\"necessary\" (sanitisers keep data-*) loads the embed",
    code: `document.body.insertAdjacentHTML("beforeend", '<div class="comment"><iframe data-consent-category="necessary" src="' + VIDEO + '"></iframe></div>');`,
  },
  {
    // Not the guard's doing (it skips scripts that do not run): this Chromium makes no cross-site
    // prefetch from a speculation rules list here. Kept so that a browser that does fails the suite.
    name: "a speculation rules script prefetching a tracker URL",
    code: `const s = document.createElement("script"); s.type = "speculationrules"; s.textContent = JSON.stringify({ prefetch: [{ source: "list", urls: [PIXEL] }] }); document.head.append(s);`,
  },
  {
    // Chromium runs no script whose type has parameters (HTML: a JavaScript MIME type essence
    // match), which is also what the guard's RUNS assumes.
    name: "a script whose type carries a parameter (text/javascript; charset=utf-8), through a contextual fragment",
    code: `document.head.append(document.createRange().createContextualFragment('<script type="text/javascript; charset=utf-8" src="' + GA + '"></scr' + 'ipt>'));`,
  },
  {
    name: "setHTML (the Sanitizer API, meant for user content) on a detached element",
    // Was a gap, closed by the guard: Element.prototype.setHTML (and ShadowRoot's) is not one of the hooked HTML sinks; a sanitiser config that allows images (a comment system's) keeps <img src>
    code: `const d = document.createElement("div"); d.setHTML('<img alt="" src="' + PIXEL + '">', { sanitizer: { elements: ["img"], attributes: ["src", "alt"] } }); window.__kept = d;`,
  },
  {
    name: "Document.parseHTMLUnsafe, then append",
    code: `document.body.append(Document.parseHTMLUnsafe('<img alt="" src="' + PIXEL + '"><script src="' + GA + '"></scr' + 'ipt>').body);`,
  },
  {
    name: "the Meta pixel's endpoint spelled so that its URL glob does not match",
    gap: "URL globs (https://www.facebook.com/tr*) are matched against the URL as spelled, at the edge too: a percent-encoded path (/%74r, which servers decode to /tr) and the bare facebook.com host (which redirects to www) reach the same endpoint",
    code: `for (const u of ["https://www.facebook.com/%74r?id=1&m=" + M + "a", "https://facebook.com/tr?id=1&m=" + M + "c"]) { const i = new Image(); i.src = u; (window.__keep = window.__keep || []).push(i); }`,
  },
  // What the guard already defends.
  {
    name: "cloneNode(true) of an inert script, appended",
    code: `const s = document.createElement("script"); s.src = GA; document.head.append(s); document.head.append(s.cloneNode(true));`,
  },
  {
    name: "a template's content, cloned and appended",
    code: `const t = document.createElement("template"); t.innerHTML = '<img alt="" src="' + PIXEL + '"><script src="' + GA + '"></scr' + 'ipt>'; document.body.append(t.content.cloneNode(true));`,
  },
  {
    name: "link rel=modulepreload and rel=prefetch",
    code: `for (const rel of ["modulepreload", "prefetch"]) { const l = document.createElement("link"); l.rel = rel; l.href = GA + rel; document.head.append(l); }`,
  },
  {
    name: "URL spellings the in-page URL parser reads as the browser does",
    code: `for (const u of [" HTTPS://WWW.FaceBook.COM./tr?m=" + M, "https:\\\\\\\\www.facebook.com\\\\tr?m=" + M, "//www.facebook.com/tr?m=" + M, "https://www.face\\tbook.com/tr?m=" + M, "https://www.facebook.com:443/tr?m=" + M, "https://%77ww.facebook.com/tr?m=" + M]) { const i = new Image(); i.src = u; (window.__keep = window.__keep || []).push(i); }`,
  },
  {
    name: "DOMParser, then adoptNode and append",
    code: `const doc = new DOMParser().parseFromString('<img alt="" src="' + PIXEL + '"><script src="' + GA + '"></scr' + 'ipt>', "text/html"); document.body.append(document.adoptNode(doc.body));`,
  },
  {
    name: "a cross-origin new Worker(url) and serviceWorker.register(url) are refused by the platform",
    code: `try { new Worker(GA); } catch (e) {} navigator.serviceWorker.register(GA + "sw").catch(() => {});`,
  },
];

/** Request paths the guard does not hook (navigations, module loads, fonts, deferred fetches). */
const REQUESTS: Attack[] = [
  {
    name: "import() of a tracker module",
    gap: "dynamic import() is syntax, not a function the guard can replace: the module request leaves (not in README's limitations)",
    code: `import(GA).catch(() => {});`,
  },
  {
    name: "a form submitted into a hidden iframe",
    gap: "form action and submit() are not guarded: a POST to the tracker leaves through a frame navigation",
    code: `const f = document.createElement("iframe"); f.name = "sink" + M; f.hidden = true; document.body.append(f); const form = document.createElement("form"); form.action = PIXEL; form.method = "POST"; form.target = f.name; document.body.append(form); form.submit();`,
  },
  {
    name: "window.open of a tracker URL",
    // Was a gap, closed by the guard: window.open is not guarded
    code: `window.open(PIXEL, "_blank");`,
  },
  {
    name: "a <meta http-equiv=refresh> made by script",
    gap: "meta is not one of LOADS (the edge makes a refresh to a tracker inert in HTML, restore.ts restores it)",
    code: `const m = document.createElement("meta"); m.httpEquiv = "refresh"; m.content = "0;url=" + PIXEL; document.head.append(m);`,
  },
  {
    name: "new FontFace(url()).load()",
    gap: "FontFace's source is CSS url() given to a JavaScript constructor (README limitations name CSS url() only)",
    code: `new FontFace("f" + M, "url(" + PIXEL + ")").load().catch(() => {});`,
  },
  {
    name: "CSSStyleSheet.insertRule with url() (documented: CSS is not inspected)",
    gap: "documented limitation (README: CSS url()/@import); the remedy is an img-src/style-src CSP",
    code: `const s = document.createElement("style"); document.head.append(s); s.sheet.insertRule("body { background-image: url(" + PIXEL + ") }");`,
  },
  {
    name: "a same-origin iframe's own document (documented: another window is not guarded)",
    gap: "documented limitation (README: a same-origin iframe's own window); the remedy is a CSP, which about:blank inherits",
    code: `const f = document.createElement("iframe"); document.body.append(f); f.contentDocument.body.innerHTML = '<img alt="" src="' + PIXEL + '">';`,
  },
  {
    name: "a srcdoc whose script builds the tracker URL at run time (its window has no guard)",
    gap: "a srcdoc document is a window of its own without the runtime; its script's text names no host literally, so the parent's srcdoc check passes it (the same limitation as above)",
    code: `const f = document.createElement("iframe"); f.srcdoc = '<script>new Image().src = "https://www.face" + "book.com/tr?m=' + M + '"</scr' + 'ipt>'; document.body.append(f);`,
  },
];

describe.skipIf(!executablePath)("attacks on the page guard, in Chromium (skipped: no chromium)", () => {
  const browser = routedBrowser();

  /**
   * A fresh visitor on a demo page. A tracker script answered here pushes its URL to
   * window.__ran when it runs, so that a case can tell a script that ran from one only fetched.
   */
  async function visitor(path = "/"): Promise<{ page: Page; requests: string[] }> {
    const { context, requests } = await browser.visitor({ answer: recordingAnswer });
    const page = await context.newPage();
    await page.goto(new URL(path, browser.url()).href, { waitUntil: "load" });
    await page.evaluate(() => {
      (globalThis as unknown as Globals).__ran = [];
    });
    return { page, requests };
  }

  /** Runs `code` as page script with its case's URLs (an expression string: no eval in this file). */
  const run = (page: Page, code: string, m: string) => {
    const u = urls(m);
    return page.evaluate(
      `(function (M, PIXEL, GA, VIDEO) { ${code} })(${[u.M, u.PIXEL, u.GA, u.VIDEO].map((v) => JSON.stringify(v)).join()})`,
    );
  };
  /** The scripts that ran; none once the page has navigated away (to a tracker, in some cases). */
  const ran = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as Partial<Globals>).__ran ?? []).catch(() => [] as string[]);
  const granted = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as Globals).consentEdge.granted());

  /** No consent: nothing carrying the case's marker leaves, and no script of it runs. */
  const attempt = (attack: Attack, index: number) => async () => {
    const m = `atk${index}x`;
    const { page, requests } = await visitor();
    await run(page, attack.code, m);
    await page.waitForTimeout(700);
    const ranScripts = (await ran(page)).filter((r) => r.includes(m));
    const leaked = requests.filter((r) => r.includes(m));
    await page.context().close();
    expect({ leaked, ranScripts }).toEqual({ leaked: [], ranScripts: [] });
  };

  describe("elements", () => {
    ELEMENTS.forEach((attack, i) => {
      (attack.gap ? it.fails : it)(attack.name, attempt(attack, i));
    });
  });

  describe("requests and navigations", () => {
    REQUESTS.forEach((attack, i) => {
      (attack.gap ? it.fails : it)(attack.name, attempt(attack, 100 + i));
    });
  });

  describe("grants", () => {
    // Was a gap, closed: the inert form was stripped from HTML strings only (elements.ts html()); user content the
    // page inserts as nodes (DOMParser + adoptNode, a sanitiser's RETURN_DOM_FRAGMENT, a framework
    // spreading attributes) keeps data-ce-grant, and the runtime's click listener grants from any
    // element that carries it: a comment's "Nice post!" button grants marketing with a receipt that
    // says the visitor clicked a placeholder.
    it("user content inserted as nodes cannot plant a grant button", async () => {
      const { page } = await visitor();
      await run(
        page,
        `const doc = new DOMParser().parseFromString('<button id="planted" data-ce-grant="marketing">Nice post!</button>', "text/html"); document.body.append(document.adoptNode(doc.body.firstChild));`,
        "grant1",
      );
      expect(await page.evaluate(`document.getElementById("planted").hasAttribute("data-ce-grant")`)).toBe(
        false,
      );
      await page.locator("#planted").dispatchEvent("click");
      await page.waitForTimeout(700);
      const after = await granted(page);
      await page.context().close();
      expect(after).toEqual(["necessary"]);
    });

    // Was a gap, closed: the click listener did not check event.isTrusted: any script's element.click() on the
    // edge's own placeholder button is a scoped grant recorded as `method: "placeholder"`, as if the
    // visitor had clicked it (a script can call consentEdge.grant too, but that is recorded as `page`).
    it("a synthetic click on the edge's placeholder button grants nothing", async () => {
      const { page } = await visitor("/blog/hello");
      const clicked = await page.evaluate(`(() => {
        const b = document.querySelector("[data-ce-grant]");
        if (!b) return false;
        b.click();
        return true;
      })()`);
      expect(clicked).toBe(true);
      await page.waitForTimeout(700);
      const after = await granted(page);
      await page.context().close();
      expect(after).toEqual(["necessary"]);
    });

    // Defended: a granted script (threat: a granted third party) plants inert elements naming a
    // granted category but a refused tracker; restore puts their URLs back through the guarded
    // setters, which judge them by the rules: the marketing tracker stays inert.
    it("restore cannot be made to load a refused tracker by planting the inert form with another category", async () => {
      const { page, requests } = await visitor();
      const m = "plant2";
      await run(
        page,
        `const s = document.createElement("script"); s.setAttribute("type", "text/plain"); s.setAttribute("data-ce-category", "analytics"); s.setAttribute("data-ce-src", "https://connect.facebook.net/en_US/fbevents.js?m=" + M); document.head.append(s);
         const i = document.createElement("img"); i.setAttribute("data-ce-category", "analytics"); i.setAttribute("data-ce-src", PIXEL); document.body.append(i);`,
        m,
      );
      await page.evaluate(async () => {
        await (globalThis as unknown as Globals).consentEdge.grant(["analytics"]);
      });
      await page.waitForFunction(() =>
        (globalThis as unknown as Globals).consentEdge.granted().includes("analytics"),
      );
      await page.waitForTimeout(700);
      const ranScripts = (await ran(page)).filter((r) => r.includes(m));
      await page.context().close();
      expect({ leaked: requests.filter((r) => r.includes(m)), ranScripts }).toEqual({
        leaked: [],
        ranScripts: [],
      });
    });
  });

  describe("storage", () => {
    // Was a gap, closed: storage.ts judged String(key) and handed the native setItem the original key, which it
    // converts again (requests.ts converts once and passes the string on).
    it("setItem with a key whose toString answers twice keeps no refused key", async () => {
      const { page } = await visitor();
      const kept = await page.evaluate(`(() => {
        let n = 0;
        localStorage.setItem({ toString: () => (n++ ? "ph_phc_x_posthog" : "harmless") }, "id");
        return localStorage.getItem("ph_phc_x_posthog");
      })()`);
      await page.context().close();
      expect(kept).toBeNull();
    });

    it("setItem, a named write and defineProperty of a refused key keep nothing", async () => {
      const { page } = await visitor();
      const kept = await page.evaluate(`(() => {
        localStorage.setItem("ph_phc_a_posthog", "1");
        localStorage.ph_phc_b_posthog = "1";
        Object.defineProperty(localStorage, "ph_phc_c_posthog", { value: "1", configurable: true, enumerable: true, writable: true });
        Storage.prototype.setItem.call(localStorage, "ph_phc_d_posthog", "1");
        return ["a", "b", "c", "d"].map((k) => localStorage.getItem("ph_phc_" + k + "_posthog"));
      })()`);
      await page.context().close();
      expect(kept).toEqual([null, null, null, null]);
    });
  });

  describe("the page's own code", () => {
    // Was a gap, closed: html() parsed a document.write string in a <template>, where a doctype and
    // the html, head and body tags are dropped, so the document rendered in quirks mode; a whole
    // document is now parsed as one.
    it("document.write of a whole document keeps its doctype when a tracker in it is neutralised", async () => {
      const { page } = await visitor();
      const mode = await run(
        page,
        `document.open(); document.write('<!doctype html><html lang="fr"><title>w</title><img alt="" src="' + PIXEL + '">'); document.close(); return [document.compatMode, document.documentElement.lang];`,
        "quirks",
      );
      await page.context().close();
      expect(mode).toEqual(["CSS1Compat", "fr"]);
    });

    // Was a gap, closed: a textarea's (or title's, style's, script's) innerHTML is text, but clean() parses it as
    // markup in a <template>: text that looks like a tracker tag is rewritten into the inert form,
    // and what the visitor sees (an HTML snippet in an editor) changes.
    it("a textarea's innerHTML is text and stays as written", async () => {
      const { page, requests } = await visitor();
      const snippet = `Paste this: <img src="https://www.facebook.com/tr?id=1&m=text1">`;
      const value = await page.evaluate(
        `(() => { const t = document.createElement("textarea"); t.innerHTML = ${JSON.stringify(snippet)}; return t.value; })()`,
      );
      await page.context().close();
      expect(requests).toEqual([]);
      expect(value).toBe(snippet);
    });

    // Was a gap, closed: each hooked method was `function (...args)`, so its length was 0 where the platform's
    // is 1 or 2 (feature tests and polyfills that read fn.length see a different API).
    it("hooked methods keep the platform's length", async () => {
      const { page } = await visitor();
      const lengths = await page.evaluate(
        `[Node.prototype.appendChild.length, Element.prototype.setAttribute.length, Element.prototype.insertAdjacentHTML.length, Storage.prototype.setItem.length]`,
      );
      await page.context().close();
      expect(lengths).toEqual([1, 2, 2, 2]);
    });
  });

  describe("a deferred request, seen by a real tracker server", () => {
    // Was a gap, closed: fetchLater (Chromium's deferred fetch, made for analytics beacons) was not hooked: its
    // request leaves when the page goes away. The browser sends it itself after unload, where
    // Playwright's routing does not see it, so this case resolves the tracker host to a recording
    // server instead (on a port of its own, named in the URL).
    it("fetchLater to a tracker host sends nothing", async () => {
      const trackers = await startRecordingTrackers({ httpPort: 0, httpsPort: 0 });
      const mapped = await launchChromium([
        "--host-resolver-rules=MAP * 127.0.0.1, EXCLUDE localhost",
        "--ignore-certificate-errors",
      ]);
      try {
        const page = await mapped.newPage({ extraHTTPHeaders: { "CF-Connecting-IP": "10.78.0.1" } });
        await page.goto(browser.url(), { waitUntil: "load" });
        // A refused call may throw (as for a URL fetchLater cannot defer): only what leaves counts.
        const made = await page.evaluate(
          `(() => { try { fetchLater("https://www.google-analytics.com:${trackers.httpsPort}/g/collect?v=2&m=later1"); } catch (e) {} return typeof fetchLater; })()`,
        );
        expect(made).toBe("function");
        await page.goto(new URL("/pricing", browser.url()).href, { waitUntil: "load" });
        await page.waitForTimeout(1500);
        expect(trackers.hits.filter((hit) => hit.path.includes("later1"))).toEqual([]);
      } finally {
        await mapped.close();
        await trackers.stop();
      }
    });
  });
});
