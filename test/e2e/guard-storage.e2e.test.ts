/**
 * The page guard's storage rules (issue 9, item 4) in Debian's Chromium, through the real worker
 * (src/index.ts bundled with this file's config, in Miniflare over HTTP) in front of an origin whose
 * page writes localStorage and sessionStorage keys from its own inline script, as first-party code
 * and the SDKs it bundles do. Three states: no consent (refused keys are not kept, by setItem nor by
 * a property write; undeclared and necessary keys are), a grant (kept from then on, without a
 * reload), and a withdrawal (after the reload, the declared keys of the withdrawn category are gone
 * from the areas their rules name, every other key is kept). posthog-js and mixpanel-browser, bundled
 * unmodified into a first-party script, show what SDKs make of a refused write.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { bundleWorker } from "../../scripts/bundle-worker.ts";
import { chromiumPath, launchChromium } from "./servers";

const root = fileURLToPath(new URL("../..", import.meta.url));

const CONFIG = {
  sites: [
    {
      id: "storage",
      hosts: ["localhost"],
      origin: "service:ORIGIN",
      policyRevision: "1",
      storage: [
        { key: "ph_*_posthog", category: "analytics", area: "local" },
        { key: "_ga_*", category: "analytics" },
        { key: "ad_id", category: "marketing", area: "session" },
        { key: "theme", category: "functional", area: "local" },
        { key: "cart", category: "necessary" },
        { key: "mp_*_mixpanel", category: "analytics", area: "local" },
      ],
    },
  ],
};

/**
 * What the page's own script writes while it loads, every form a page or an SDK uses, and what it
 * then reads back. `window.write()` writes the same keys again, later.
 */
const PAGE_SCRIPT = `
window.write = function () {
  localStorage.setItem("ph_phc_e2e_posthog", "id");
  localStorage._ga_prop = "1";
  localStorage["_ga_bracket"] = "1";
  Object.defineProperty(localStorage, "_ga_defined", { value: "1" });
  Storage.prototype.setItem.call(localStorage, "_ga_proto", "1");
  sessionStorage.setItem("_ga_session", "1");
  sessionStorage.ad_id = "s";
  sessionStorage.setItem("ph_phc_e2e_posthog", "session copy");
  localStorage.setItem("ad_id", "local copy");
  localStorage.theme = "dark";
  localStorage.setItem("cart", "3 items");
  sessionStorage.cart = "3 items";
  localStorage.setItem("other", "undeclared");
};
// "#quiet": the test writes itself (so that what a reload leaves is only what the guard kept).
if (location.hash != "#quiet") window.write();
window.atLoad = {
  local: Object.keys(localStorage).sort(),
  session: Object.keys(sessionStorage).sort(),
};
`;

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>storage</title></head><body><p>storage</p><script>${PAGE_SCRIPT}</script></body></html>`;

/**
 * posthog-js and mixpanel-browser from the npm registry, unmodified, bundled into one first-party
 * script (as a site's build would) that starts both with localStorage persistence.
 */
async function sdkScript(): Promise<string> {
  const result = await build({
    stdin: {
      contents: `
        import posthog from "posthog-js";
        import mixpanel from "mixpanel-browser";
        posthog.init("phc_e2e", {
          api_host: "https://us.i.posthog.com",
          persistence: "localStorage",
          autocapture: false,
          capture_pageview: false,
          disable_session_recording: true,
        });
        mixpanel.init("e2etoken", { persistence: "localStorage", track_pageview: false });
        window.sdks = { posthog, mixpanel };
      `,
      resolveDir: root,
      loader: "js",
    },
    bundle: true,
    format: "iife",
    target: "es2020",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}

const SDK_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>sdks</title></head><body><p>sdks</p><script src="/sdk.js"></script></body></html>`;

const origin = (sdk: string) => `
const PAGES = ${JSON.stringify({ "/": PAGE, "/sdk": SDK_PAGE })};
const SDK = ${JSON.stringify(sdk)};
export default {
  fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/sdk.js") return new Response(SDK, { headers: { "content-type": "text/javascript" } });
    return PAGES[path]
      ? new Response(PAGES[path], { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } })
      : new Response("not found", { status: 404 });
  },
};
`;

/** What page.evaluate callbacks see: they run in the browser, as their text. */
interface PageGlobals {
  /** Each answers once the choice is in effect (a promise when it goes through the consent API). */
  consentEdge: { grant: (categories: string[]) => unknown; withdraw: (categories?: string[]) => unknown };
  write: () => void;
  atLoad: Areas;
  localStorage: Storage_;
  sessionStorage: Storage_;
  Storage: { prototype: object };
  marker?: number;
  sdks: {
    posthog: { get_distinct_id(): string; register(properties: object): void };
    mixpanel: { get_distinct_id(): string; register(properties: object): void };
  };
}
interface Storage_ {
  length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  [key: string]: unknown;
}
interface Areas {
  local: string[];
  session: string[];
}

/** Every key of both areas, sorted, read in the page. */
const areas = (page: Page): Promise<Areas> =>
  page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    return { local: Object.keys(w.localStorage).sort(), session: Object.keys(w.sessionStorage).sort() };
  });

const REFUSED_NOW: Areas = { local: ["ad_id", "cart", "other"], session: ["cart", "ph_phc_e2e_posthog"] };

const executablePath = chromiumPath();
if (!executablePath && process.env.CI)
  throw new Error("CI must install Debian's chromium for the browser test");

describe.skipIf(!executablePath)("storage rules in Chromium (skipped: no /usr/bin/chromium)", () => {
  let mf: Miniflare | undefined;
  let browser: Browser | undefined;
  let home = "http://localhost/";

  beforeAll(async () => {
    mf = new Miniflare({
      host: "127.0.0.1",
      port: 0,
      workers: [
        {
          name: "consent-edge",
          modules: true,
          script: await bundleWorker("src/index.ts", { config: CONFIG }),
          compatibilityDate: "2026-04-20",
          serviceBindings: { ORIGIN: "origin" },
        },
        { name: "origin", modules: true, script: origin(await sdkScript()), compatibilityDate: "2026-04-20" },
      ],
    });
    home = (await mf.ready).href.replace("127.0.0.1", "localhost");
    browser = await launchChromium([]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await mf?.dispose();
  });

  /** A fresh visitor: own cookies and storage. */
  async function visit(hash = ""): Promise<{ context: BrowserContext; page: Page }> {
    const context = await (browser as Browser).newContext();
    const page = await context.newPage();
    await page.goto(`${home}${hash}`, { waitUntil: "load" });
    return { context, page };
  }

  it("with no consent, refused keys are never kept, by setItem, property writes or defineProperty", async () => {
    const { context, page } = await visit();
    try {
      // Guarded from the first script of the page on, and still after it.
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).atLoad)).toEqual(REFUSED_NOW);
      await page.evaluate(() => {
        (globalThis as unknown as PageGlobals).write();
      });
      expect(await areas(page)).toEqual(REFUSED_NOW);
      // A refused write reads back as absent, as for a fresh visitor; nothing threw above.
      expect(
        await page.evaluate(() => {
          const w = globalThis as unknown as PageGlobals;
          return [
            w.localStorage.getItem("ph_phc_e2e_posthog"),
            w.localStorage._ga_prop,
            w.sessionStorage.ad_id,
          ];
        }),
      ).toEqual([null, undefined, undefined]);
    } finally {
      await context.close();
    }
  });

  it("Storage still works as the platform's: methods, length, key(), `in`, delete, its errors", async () => {
    const { context, page } = await visit();
    try {
      const seen = await page.evaluate(() => {
        const w = globalThis as unknown as PageGlobals;
        const s = w.localStorage;
        const threw = (f: () => void) => {
          try {
            f();
            return "none";
          } catch (error) {
            return (error as Error).name;
          }
        };
        const before = s.length;
        s.setItem("k", "v");
        const keys = Array.from({ length: s.length }, (_, i) => s.key(i)).sort();
        const result = {
          grew: s.length - before,
          keys,
          value: s.getItem("k"),
          has: "k" in s,
          json: JSON.parse(JSON.stringify(s)) as Record<string, string>,
          isStorage: s instanceof (w.Storage as unknown as new () => object),
          tag: Object.prototype.toString.call(s),
          sameObject: w.localStorage === s,
          // The platform's own TypeErrors: too few arguments, a method called on something else.
          tooFew: threw(() => {
            (s.setItem as unknown as (key: string) => void)("only-a-key");
          }),
          illegal: threw(() => {
            (w.Storage.prototype as Storage_).getItem.call({}, "k");
          }),
          // The prototype's methods, called on the object `localStorage` gives, as libraries call them.
          viaPrototype: (w.Storage.prototype as Storage_).getItem.call(s, "k"),
          sameMethod: s.getItem === w.localStorage.getItem,
          symbolKey: threw(() => {
            s.setItem(Symbol("k") as unknown as string, "v");
          }),
          deleted: delete s.k && s.getItem("k"),
        };
        s.removeItem("other");
        return { ...result, removed: s.getItem("other") };
      });
      expect(seen).toEqual({
        grew: 1,
        keys: ["ad_id", "cart", "k", "other"],
        value: "v",
        has: true,
        json: { ad_id: "local copy", cart: "3 items", k: "v", other: "undeclared" },
        isStorage: true,
        tag: "[object Storage]",
        sameObject: true,
        tooFew: "TypeError",
        illegal: "TypeError",
        viaPrototype: "v",
        sameMethod: true,
        symbolKey: "TypeError",
        deleted: null,
        removed: null,
      });
    } finally {
      await context.close();
    }
  });

  it("a storage event from another tab names the Storage the page knows (posthog-js compares them)", async () => {
    const { context, page } = await visit("#quiet");
    try {
      await page.evaluate(() => {
        const w = globalThis as unknown as PageGlobals & {
          addEventListener(type: string, f: (event: { key: string; storageArea: unknown }) => void): void;
          events: Array<[string, boolean]>;
        };
        w.events = [];
        w.addEventListener("storage", (event) => {
          w.events.push([event.key, event.storageArea === w.localStorage]);
        });
      });
      const other = await context.newPage();
      await other.goto(`${home}#quiet`, { waitUntil: "load" });
      await other.evaluate(() => {
        (globalThis as unknown as PageGlobals).localStorage.setItem("from-the-other-tab", "1");
      });
      await page.waitForFunction(() => (globalThis as unknown as { events: unknown[] }).events.length > 0);
      expect(await page.evaluate(() => (globalThis as unknown as { events: unknown[] }).events)).toEqual([
        ["from-the-other-tab", true],
      ]);
    } finally {
      await context.close();
    }
  });

  it("after a grant, that category's keys are kept at once, without a reload; others still refused", async () => {
    const { context, page } = await visit();
    try {
      await page.evaluate(async () => {
        const w = globalThis as unknown as PageGlobals;
        w.marker = 1;
        await w.consentEdge.grant(["analytics"]);
        w.write();
      });
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).marker)).toBe(1);
      expect(await areas(page)).toEqual({
        local: [
          "_ga_bracket",
          "_ga_defined",
          "_ga_prop",
          "_ga_proto",
          "ad_id",
          "cart",
          "other",
          "ph_phc_e2e_posthog",
        ],
        session: ["_ga_session", "cart", "ph_phc_e2e_posthog"],
      });
      // And on the next page of the visit, from its first script on.
      await page.reload({ waitUntil: "load" });
      expect((await page.evaluate(() => (globalThis as unknown as PageGlobals).atLoad)).local).toContain(
        "ph_phc_e2e_posthog",
      );
    } finally {
      await context.close();
    }
  });

  it("a withdrawal reloads, and then the withdrawn category's declared keys are gone; every other key stays", async () => {
    const { context, page } = await visit("#quiet");
    try {
      await page.evaluate(async () => {
        const w = globalThis as unknown as PageGlobals;
        await w.consentEdge.grant(["analytics", "functional", "marketing"]);
        w.write();
      });
      expect(await areas(page)).toEqual({
        local: [
          "_ga_bracket",
          "_ga_defined",
          "_ga_prop",
          "_ga_proto",
          "ad_id",
          "cart",
          "other",
          "ph_phc_e2e_posthog",
          "theme",
        ],
        session: ["_ga_session", "ad_id", "cart", "ph_phc_e2e_posthog"],
      });
      // "#quiet" survives the reload: the page writes nothing of its own after it.
      await Promise.all([
        page.waitForEvent("load"),
        page.evaluate(() => {
          void (globalThis as unknown as PageGlobals).consentEdge.withdraw(["analytics"]);
        }),
      ]);
      expect(await areas(page)).toEqual({
        // ph_*_posthog is a localStorage rule: its sessionStorage copy is not the rule's to remove.
        local: ["ad_id", "cart", "other", "theme"],
        session: ["ad_id", "cart", "ph_phc_e2e_posthog"],
      });
    } finally {
      await context.close();
    }
  });

  it("keys stored before the page (another tab's grant, before consent-edge) are removed at page start when refused", async () => {
    const context = await (browser as Browser).newContext();
    try {
      // Runs before any script of the page, the runtime included: storage as a visitor brings it.
      await context.addInitScript(() => {
        const w = globalThis as unknown as PageGlobals;
        w.localStorage.setItem("_ga_old", "1");
        w.localStorage.setItem("theme", "light");
        w.localStorage.setItem("ph_old_posthog", "1");
        w.localStorage.setItem("mine", "1");
        w.sessionStorage.setItem("_ga_old", "1");
      });
      const page = await context.newPage();
      await page.goto(home, { waitUntil: "load" });
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).atLoad)).toEqual({
        local: ["ad_id", "cart", "mine", "other"],
        session: ["cart", "ph_phc_e2e_posthog"],
      });
    } finally {
      await context.close();
    }
  });
  it("posthog-js and mixpanel-browser run unmodified: no key of theirs without consent, no error; kept after a grant", async () => {
    const context = await (browser as Browser).newContext();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("console", (message) => {
        if (/storage/i.test(message.text())) errors.push(message.text());
      });
      await page.goto(`${home}sdk`, { waitUntil: "load" });
      const sdkKeys = (areas: Areas) =>
        areas.local.filter((key) => /^(ph_.*_posthog|mp_.*_mixpanel)$/.test(key));
      // Both still work (an id each, properties registered), only nothing of theirs is stored.
      const ids = await page.evaluate(() => {
        const { posthog, mixpanel } = (globalThis as unknown as PageGlobals).sdks;
        posthog.register({ plan: "free" });
        mixpanel.register({ plan: "free" });
        return [typeof posthog.get_distinct_id(), typeof mixpanel.get_distinct_id()];
      });
      expect(ids).toEqual(["string", "string"]);
      expect(sdkKeys(await areas(page))).toEqual([]);
      await page.evaluate(async () => {
        const { consentEdge, sdks } = globalThis as unknown as PageGlobals;
        await consentEdge.grant(["analytics"]);
        // Each SDK saves its state on its next change.
        sdks.posthog.register({ plan: "paid" });
        sdks.mixpanel.register({ plan: "paid" });
      });
      expect(sdkKeys(await areas(page))).toEqual(["mp_e2etoken_mixpanel", "ph_phc_e2e_posthog"]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
