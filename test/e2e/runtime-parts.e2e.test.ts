/**
 * Each part of the page runtime (src/runtime/), bundled on its own by esbuild as the build bundles
 * it (same tsconfig, same target) and run in a blank page of Debian's Chromium. Every request of the
 * page is answered by the test (Playwright's routing), so the page has a real origin (cookies work)
 * and the test sees what it fetched. The whole runtime, as the edge injects it, is tested through the
 * worker in browser.e2e.test.ts and csp.e2e.test.ts.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundlePart } from "../../scripts/build-runtime.ts";
import { chromiumPath, launchChromium } from "./servers";
import type { RuntimeConfig } from "../../src/runtime/config";

const ORIGIN = "http://runtime.test";

/** The config the edge would hand the runtime. */
type Config = RuntimeConfig;

const CONFIG: Config = {
  n: "ce_consent",
  r: "rev1",
  m: 3600,
  k: ["necessary", "analytics", "marketing"],
  x: [],
  g: [],
  v: [],
  p: "/.consent-edge/consent",
  gcm: true,
  guard: false,
  t: false,
  s: false,
};

/**
 * What page.evaluate callbacks see. They run in the browser, as their text: each names
 * `globalThis` itself (this project's Node tests have no DOM types).
 */
interface Element_ {
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  nonce?: string;
  localName: string;
}
interface Window_ {
  part: Record<string, (...args: never[]) => unknown>;
  document: {
    cookie: string;
    querySelector(selector: string): Element_ | null;
    querySelectorAll(selector: string): ArrayLike<Element_>;
  };
  dataLayer?: ArrayLike<unknown>[];
  __order: string[];
  __granted: string[];
  consentEdge: {
    granted(): string[];
    grant(categories: string[]): Promise<boolean>;
    onChange(listener: (granted: string[], scoped: boolean) => void): void;
  };
  __changes: Array<[string[], boolean]>;
}

const executablePath = chromiumPath();
if (!executablePath && process.env.CI)
  throw new Error("CI must install Debian's chromium for the browser test");

describe.skipIf(!executablePath)("the runtime's parts in Chromium (skipped: no /usr/bin/chromium)", () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    // Nothing leaves the machine: every request the page makes is answered by the route below.
    browser = await launchChromium(["--host-resolver-rules=MAP * ~NOTFOUND"]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  /**
   * A fresh context (its own cookies) on a page whose `/` is `body`, with `module`'s bundle loaded.
   * `/slow.js` answers after 300 ms; every path requested is recorded in `requests`. The consent
   * API's stand-in answers a scoped grant as the edge does (the real one: grant-proof.e2e.test.ts),
   * setting the `+` cookie; `posted` records what it was sent.
   */
  async function open(
    module: string,
    body = "",
  ): Promise<{ page: Page; requests: string[]; posted: unknown[] }> {
    if (!browser) throw new Error("no browser");
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests: string[] = [];
    const posted: unknown[] = [];
    await page.route("**/*", async (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== ORIGIN) return route.abort();
      requests.push(url.pathname);
      if (url.pathname === CONFIG.p && route.request().method() === "POST") {
        const sent = route.request().postDataJSON() as { grant: string[]; services: string[] };
        posted.push(sent);
        const value = `1.${CONFIG.r}.${String(Math.floor(Date.now() / 1000))}.+${sent.grant.join("~")}`;
        return route.fulfill({
          contentType: "application/json",
          headers: { "Set-Cookie": `${CONFIG.n}=${value}; Path=/` },
          body: "{}",
        });
      }
      if (url.pathname === "/") {
        const html = `<!doctype html><html><head><script>window.__order=[]</script></head><body>${body}</body></html>`;
        return route.fulfill({ contentType: "text/html", body: html });
      }
      if (url.pathname.endsWith(".js")) {
        if (url.pathname === "/slow.js") await new Promise((resolve) => setTimeout(resolve, 300));
        const name = url.pathname.slice(1, -3);
        return route.fulfill({
          contentType: "text/javascript",
          body: `__order.push(${JSON.stringify(name)})`,
        });
      }
      return route.fulfill({ contentType: "text/html", body: "" });
    });
    await page.goto(`${ORIGIN}/`);
    await page.addScriptTag({ content: await bundlePart(module) });
    return { page, requests, posted };
  }

  describe("consent cookie (consent-cookie.ts)", () => {
    const now = Math.floor(Date.now() / 1000);
    it.each([
      ["no copy", "other=1", null],
      // [granted, whether that is only a scoped grant, services granted on their own]
      ["one copy", `ce_consent=1.rev1.${now}.analytics`, [["analytics"], false, []]],
      ["a refusal", `ce_consent=1.rev1.${now}.-`, [[], false, []]],
      [
        "categories the site does not have are dropped",
        `ce_consent=1.rev1.${now}.analytics~video`,
        [["analytics"], false, []],
      ],
      ["a scoped grant", `ce_consent=1.rev1.${now}.+marketing`, [["marketing"], true, []]],
      ["a scoped grant names what it grants", `ce_consent=1.rev1.${now}.+-`, null],
      [
        "two scoped copies: what both grant, still scoped",
        `ce_consent=1.rev1.${now}.+analytics~marketing; ce_consent=1.rev1.${now}.+marketing`,
        [["marketing"], true, []],
      ],
      [
        "a scoped copy beside a whole one: a whole choice",
        `ce_consent=1.rev1.${now}.+marketing; ce_consent=1.rev1.${now}.analytics~marketing`,
        [["marketing"], false, []],
      ],
      [
        "a scoped copy beside an unreadable one: a refusal",
        `ce_consent=1.rev1.${now}.+marketing; ce_consent=1.rev1.${now}.Analytics`,
        [[], false, []],
      ],
      ["a cookie whose name only ends like it", `xce_consent=1.rev1.${now}.marketing`, null],
      ["a lone copy of another revision is no choice", `ce_consent=1.rev0.${now}.analytics`, null],
      [
        "two copies grant what both grant",
        `ce_consent=1.rev1.${now}.analytics~marketing; ce_consent=1.rev1.${now}.marketing`,
        [["marketing"], false, []],
      ],
      [
        "beside another copy, one of another revision grants nothing",
        `ce_consent=1.rev1.${now}.analytics; ce_consent=1.rev0.${now}.analytics`,
        [[], false, []],
      ],
      [
        "beside another copy, one dated an hour ahead grants nothing",
        `ce_consent=1.rev1.${now}.analytics; ce_consent=1.rev1.${now + 3600}.analytics`,
        [[], false, []],
      ],
      [
        "beside another copy, an unreadable one grants nothing",
        `ce_consent=1.rev1.${now}.analytics; ce_consent=1.rev1.${now}.Analytics`,
        [[], false, []],
      ],
      [
        "version 2: services granted on their own",
        `ce_consent=2.rev1.${now}.analytics.youtube~vimeo`,
        [["analytics"], false, ["youtube", "vimeo"]],
      ],
      [
        "version 2: a scoped grant of a service only",
        `ce_consent=2.rev1.${now}.+-.youtube`,
        [[], true, ["youtube"]],
      ],
      ["version 2 without a service is not ours", `ce_consent=2.rev1.${now}.analytics.-`, null],
      ["version 1 with +- is no choice", `ce_consent=1.rev1.${now}.+-.youtube`, null],
      [
        "version 2: copies grant the services both grant",
        `ce_consent=2.rev1.${now}.-.youtube~vimeo; ce_consent=2.rev1.${now}.-.vimeo`,
        [[], false, ["vimeo"]],
      ],
      [
        "a version 1 copy beside a version 2 one grants no service",
        `ce_consent=2.rev1.${now}.analytics.youtube; ce_consent=1.rev1.${now}.analytics`,
        [["analytics"], false, []],
      ],
      ["version 2: a service that is not a name", `ce_consent=2.rev1.${now}.-.You_Tube`, null],
    ])("reads %s", async (_name, cookies, expected) => {
      const { page } = await open("consent-cookie.ts");
      const read = await page.evaluate(
        ([config, value]) =>
          (globalThis as unknown as Window_).part.readConsent?.(config as never, value as never),
        [CONFIG, cookies] as const,
      );
      expect(read).toEqual(expected);
    });

    it("writes the cookie the edge reads (path /, Lax, the site's lifetime), and reads it back", async () => {
      const { page } = await open("consent-cookie.ts");
      const before = Math.floor(Date.now() / 1000);
      const read = await page.evaluate((config) => {
        (globalThis as unknown as Window_).part.writeConsent?.(
          config as never,
          ["analytics", "marketing"] as never,
        );
        return (globalThis as unknown as Window_).part.readConsent?.(
          config as never,
          (globalThis as unknown as Window_).document.cookie as never,
        );
      }, CONFIG);
      expect(read).toEqual([["analytics", "marketing"], false, []]);
      const [cookie, ...others] = await page.context().cookies();
      expect(others).toEqual([]);
      const [version, revision, at, list] = (cookie?.value ?? "").split(".");
      expect([cookie?.name, version, revision, list]).toEqual([
        "ce_consent",
        "1",
        "rev1",
        "analytics~marketing",
      ]);
      expect(Number(at)).toBeGreaterThanOrEqual(before);
      expect(Number(at)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
      expect([cookie?.path, cookie?.sameSite, cookie?.secure, cookie?.httpOnly]).toEqual([
        "/",
        "Lax",
        false,
        false,
      ]);
      expect((cookie?.expires ?? 0) - before).toBeGreaterThan(3600 - 5);
      expect((cookie?.expires ?? 0) - before).toBeLessThanOrEqual(3600 + 5);
    });

    it("writes services granted on their own as version 2, and reads them back", async () => {
      const { page } = await open("consent-cookie.ts");
      const read = await page.evaluate((config) => {
        (globalThis as unknown as Window_).part.writeConsent?.(
          config as never,
          [] as never,
          ["youtube"] as never,
        );
        return (globalThis as unknown as Window_).part.readConsent?.(
          config as never,
          (globalThis as unknown as Window_).document.cookie as never,
        );
      }, CONFIG);
      expect(read).toEqual([[], false, ["youtube"]]);
      const [cookie] = await page.context().cookies();
      const [version, revision, , list, services] = (cookie?.value ?? "").split(".");
      expect([version, revision, list, services]).toEqual(["2", "rev1", "-", "youtube"]);
    });

    it("writes a refusal as -", async () => {
      const { page } = await open("consent-cookie.ts");
      await page.evaluate(
        (config) => (globalThis as unknown as Window_).part.writeConsent?.(config as never, [] as never),
        CONFIG,
      );
      const [cookie] = await page.context().cookies();
      expect(cookie?.value.split(".")[3]).toBe("-");
    });
  });

  describe("Google Consent Mode (consent-mode.ts)", () => {
    it("pushes the command to dataLayer as gtag does (an arguments object), after what is there", async () => {
      const { page } = await open("consent-mode.ts");
      const pushed = await page.evaluate(() => {
        (globalThis as unknown as Window_).dataLayer = [["earlier"]];
        (globalThis as unknown as Window_).part.consentMode?.(
          "update" as never,
          ((c: string) => c === "analytics") as never,
        );
        const layer = (globalThis as unknown as Window_).dataLayer ?? [];
        return {
          length: layer.length,
          kind: Object.prototype.toString.call(layer[1]),
          command: Array.from(layer[1] ?? []),
        };
      });
      expect(pushed.length).toBe(2);
      expect(pushed.kind).toBe("[object Arguments]");
      expect(pushed.command).toEqual([
        "consent",
        "update",
        {
          ad_storage: "denied",
          ad_user_data: "denied",
          ad_personalization: "denied",
          analytics_storage: "granted",
          functionality_storage: "denied",
          personalization_storage: "denied",
          security_storage: "granted",
        },
      ]);
    });
  });

  describe("restore (restore.ts)", () => {
    // Inert elements as src/html/neutralise.ts writes them.
    const BODY = [
      `<script id="slow" nonce="n0nce" referrerpolicy="no-referrer" type="text/plain" data-ce-category="analytics" data-ce-src="/slow.js"></script>`,
      `<script type="text/plain" data-ce-category="analytics">__order.push("inline")</script>`,
      `<script type="text/plain" data-ce-category="analytics" data-ce-src="/fast.js"></script>`,
      `<script type="text/plain" data-ce-category="analytics marketing" data-ce-src="/both.js"></script>`,
      `<script type="text/plain" data-ce-category="marketing" data-ce-src="/marketing.js"></script>`,
      `<img id="pixel" alt="" data-ce-category="analytics" data-ce-src="/pixel.gif">`,
      `<iframe id="ours" hidden data-ce-unhide data-ce-category="analytics" data-ce-src="/frame"></iframe>`,
      `<iframe id="theirs" hidden data-ce-category="analytics" data-ce-src="/hidden-frame"></iframe>`,
      `<div id="p1" data-ce-placeholder="analytics">load the video</div>`,
      `<div id="p2" data-ce-placeholder="marketing">load the ad</div>`,
    ].join("");
    const GRANTED = ["necessary", "analytics"];

    it("re-activates what is granted in document order, external scripts one after another", async () => {
      const { page, requests } = await open("restore.ts", BODY);
      expect(requests).toEqual(["/"]);
      await page.evaluate((granted) => {
        const all = (categories: string) => categories.split(" ").every((c) => granted.includes(c));
        (globalThis as unknown as Window_).part.restore?.(all as never);
      }, GRANTED);
      await page.waitForFunction(() => (globalThis as unknown as Window_).__order.length >= 3);
      await page.waitForTimeout(200);
      expect(await page.evaluate(() => (globalThis as unknown as Window_).__order)).toEqual([
        "slow",
        "inline",
        "fast",
      ]);
      expect(requests).not.toContain("/marketing.js");
      expect(requests).not.toContain("/both.js");
      expect(requests).toEqual(expect.arrayContaining(["/pixel.gif", "/frame", "/hidden-frame"]));

      const state = await page.evaluate(() => {
        const d = (globalThis as unknown as Window_).document;
        const slow = d.querySelector("#slow");
        return {
          slow: slow && {
            src: slow.getAttribute("src"),
            type: slow.getAttribute("type"),
            nonce: slow.nonce,
            referrer: slow.getAttribute("referrerpolicy"),
            inert: slow.hasAttribute("data-ce-category") || slow.hasAttribute("data-ce-src"),
          },
          pixel: d.querySelector("#pixel")?.getAttribute("src"),
          ours: d.querySelector("#ours")?.hasAttribute("hidden"),
          theirs: d.querySelector("#theirs")?.hasAttribute("hidden"),
          placeholders: Array.from(d.querySelectorAll("[data-ce-placeholder]")).map((p) =>
            p.getAttribute("data-ce-placeholder"),
          ),
          stillInert: Array.from(d.querySelectorAll("[data-ce-category]")).map((e) =>
            e.getAttribute("data-ce-src"),
          ),
        };
      });
      expect(state).toEqual({
        slow: { src: "/slow.js", type: null, nonce: "n0nce", referrer: "no-referrer", inert: false },
        pixel: "/pixel.gif",
        ours: false,
        theirs: true,
        placeholders: ["marketing"],
        stillInert: ["/both.js", "/marketing.js"],
      });
    });

    it("restores the original script type", async () => {
      const { page } = await open(
        "restore.ts",
        `<script id="m" type="text/plain" data-ce-type="module" data-ce-category="analytics">__order.push(typeof import.meta)</script>`,
      );
      await page.evaluate(() => (globalThis as unknown as Window_).part.restore?.((() => true) as never));
      await page.waitForFunction(() => (globalThis as unknown as Window_).__order.length >= 1);
      expect(await page.evaluate(() => (globalThis as unknown as Window_).__order)).toEqual(["object"]);
      expect(
        await page.evaluate(() =>
          (globalThis as unknown as Window_).document.querySelector("#m")?.getAttribute("type"),
        ),
      ).toBe("module");
    });
  });

  describe("document.cookie guard (cookie-guard.ts)", () => {
    async function guarded(): Promise<{
      page: Page;
      write: (line: string) => Promise<void>;
      names: () => Promise<string[]>;
    }> {
      const { page } = await open("cookie-guard.ts");
      await page.evaluate(() => {
        (globalThis as unknown as Window_).__granted = ["necessary"];
        (globalThis as unknown as Window_).part.default?.(
          {
            guard: [
              ["^_ga$", "analytics"],
              ["^_ga_.*$", "analytics"],
            ],
          } as never,
          ((c: string) => (globalThis as unknown as Window_).__granted.includes(c)) as never,
        );
      });
      return {
        page,
        write: (line) =>
          page.evaluate((value) => {
            (globalThis as unknown as Window_).document.cookie = value;
          }, line),
        names: async () => (await page.context().cookies()).map((cookie) => cookie.name).sort(),
      };
    }

    it("refuses a cookie of a refused category, lets the others through", async () => {
      const { write, names } = await guarded();
      await write("_ga=GA1.1.1; Path=/; Max-Age=600");
      await write("_ga_ABC=GS1; Path=/");
      await write("=_ga=1");
      await write("session=1; Path=/");
      expect(await names()).toEqual(["session"]);
    });

    it("lets the cookie through once its category is granted", async () => {
      const { page, write, names } = await guarded();
      await page.evaluate(() => (globalThis as unknown as Window_).__granted.push("analytics"));
      await write("_ga=GA1.1.1; Path=/");
      expect(await names()).toEqual(["_ga"]);
    });

    it("lets a deletion of a refused cookie through (Max-Age=0, or an Expires in the past)", async () => {
      const { page, write, names } = await guarded();
      await page
        .context()
        .addCookies(
          ["_ga", "_ga_ABC"].map((name) => ({ name, value: "old", url: `${ORIGIN}/`, expires: -1 })),
        );
      expect(await names()).toEqual(["_ga", "_ga_ABC"]);
      await write("_ga=; Path=/; Max-Age=0");
      await write("_ga_ABC=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
      expect(await names()).toEqual([]);
    });

    it("does not read Max-Age=+0 or a date without a time as a deletion", async () => {
      const { write, names } = await guarded();
      await write("_ga=x; Path=/; Max-Age=+0");
      await write("_ga=x; Path=/; Expires=1 Jan 1970");
      expect(await names()).toEqual([]);
    });
  });

  describe("the entry (index.ts)", () => {
    it("starts with what the edge rendered, grants through the consent API without a reload, and tells the page", async () => {
      const { page, requests, posted } = await open(
        "index.ts",
        `<script type="text/plain" data-ce-category="analytics" data-ce-src="/analytics.js"></script>` +
          `<button id="grant" data-ce-grant="analytics">load</button>`,
      );
      const first = await page.evaluate((config) => {
        (globalThis as unknown as Window_).__changes = [];
        (globalThis as unknown as Window_).part.default?.(config as never);
        (globalThis as unknown as Window_).consentEdge.onChange((granted, scoped) =>
          (globalThis as unknown as Window_).__changes.push([granted, scoped]),
        );
        return {
          granted: (globalThis as unknown as Window_).consentEdge.granted(),
          gcm: Array.from((globalThis as unknown as Window_).dataLayer?.[0] ?? []),
        };
      }, CONFIG);
      expect(first.granted).toEqual(["necessary"]);
      expect(first.gcm.slice(0, 2)).toEqual(["consent", "default"]);
      expect(requests).not.toContain("/analytics.js");

      await page.click("#grant");
      await page.waitForFunction(() => (globalThis as unknown as Window_).__order.includes("analytics"));
      const after = await page.evaluate(() => ({
        granted: (globalThis as unknown as Window_).consentEdge.granted(),
        changes: (globalThis as unknown as Window_).__changes,
        update: Array.from((globalThis as unknown as Window_).dataLayer?.[1] ?? []),
      }));
      expect(after.granted).toEqual(["necessary", "analytics"]);
      // The placeholder's button is a scoped grant: the page told the API so, and never wrote the cookie.
      expect(posted).toEqual([{ grant: ["analytics"], services: [], method: "placeholder" }]);
      expect(after.changes).toEqual([[["necessary", "analytics"], true]]);
      expect(after.update.slice(0, 2)).toEqual(["consent", "update"]);
      expect((after.update[2] as Record<string, string>).analytics_storage).toBe("granted");
      const [cookie] = await page.context().cookies();
      expect([cookie?.name, cookie?.value.split(".")[3]]).toEqual(["ce_consent", "+analytics"]);
    });
  });
});
