/**
 * The generated cookie policy over real HTTP, through the built worker (src/index.ts bundled as
 * wrangler would, in workerd through Miniflare) in front of a real Node origin that records every
 * request: the page and the JSON are served without asking it. The HTML is parsed with parse5 and
 * shown in Debian's Chromium with a German locale. And `consent-edge policy` as a process.
 */
import { attributeOf as attr, elementsNamed as elements, textOf } from "../dom.ts";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "parse5";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGLISH_TEXTS } from "../../src/texts/languages/en.ts";
import { GERMAN_TEXTS } from "../../src/texts/languages/de.ts";
import { type BuiltEdge, request, startBuiltEdge, startOrigin, type TestOrigin } from "./edge-http.ts";
import { chromiumPath, launchChromium } from "./servers.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const aktok = JSON.parse(readFileSync(join(root, "examples/aktok.json"), "utf8")) as {
  sites: Array<Record<string, unknown>>;
};

let origin: TestOrigin | undefined;
let edge: BuiltEdge | undefined;
let config: unknown;

beforeAll(async () => {
  origin = await startOrigin((_req, res) => {
    res.setHeader("Content-Type", "text/html");
    res.end(
      "<!doctype html><html><head><title>origin</title></head><body><p>the origin's own page</p></body></html>",
    );
  });
  config = { sites: [{ ...aktok.sites[0], hosts: ["localhost"], origin: origin.url }] };
  edge = await startBuiltEdge(config);
}, 90_000);

afterAll(async () => {
  await edge?.stop();
  await origin?.stop();
});

function edgeUrl(): string {
  if (!edge) throw new Error("the worker did not start");
  return edge.url;
}

describe("the policy over HTTP", () => {
  it("GET /cookies: the page, parsed by parse5, the origin not asked", async () => {
    const before = origin?.requests.length ?? 0;
    const res = await request(edgeUrl(), {
      path: "/cookies",
      headers: { Cookie: "aktok_session=1; _ga=GA1" },
    });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=UTF-8");
    expect(res.headers["vary"]).toBe("Accept-Language");
    expect(res.headers["cache-control"]).toBe("public, max-age=300");
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(origin?.requests.length).toBe(before);
    const doc = parse(res.body.toString("utf8"));
    const [html] = elements(doc, "html");
    expect(html && attr(html, "lang")).toBe("en");
    expect(elements(doc, "h1").map(textOf)).toEqual(["Cookie policy"]);
    expect(elements(doc, "h2").map(textOf).slice(0, 4)).toEqual([
      "Necessary",
      "Functional",
      "Analytics",
      "Marketing",
    ]);
    const rowHeaders = elements(doc, "tbody")
      .flatMap((body) => elements(body, "th"))
      .map(textOf);
    for (const name of ["aktok_session", "_pk_id*", "_ga", "fr", "IDE", "Firebase (Google)"])
      expect(rowHeaders).toContain(name);
    expect(elements(doc, "script")).toEqual([]);
  });

  it("GET /cookies.json: the JSON, the origin not asked", async () => {
    const before = origin?.requests.length ?? 0;
    const res = await request(edgeUrl(), { path: "/cookies.json" });
    expect(res.status).toBe(200);
    const json = JSON.parse(res.body.toString("utf8")) as {
      site: string;
      revision: string;
      categories: Array<{ id: string }>;
    };
    expect(json.site).toBe("aktok");
    expect(json.revision).toBe("2026-04-03");
    expect(json.categories.map((category) => category.id)).toEqual([
      "necessary",
      "functional",
      "analytics",
      "marketing",
    ]);
    expect(origin?.requests.length).toBe(before);
  });

  it("HEAD: headers and no body; POST: 405; other paths still reach the origin", async () => {
    const head = await request(edgeUrl(), { path: "/cookies", method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers["content-type"]).toBe("text/html; charset=UTF-8");
    expect(head.body.length).toBe(0);
    const post = await fetch(`${edgeUrl()}/cookies`, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    const before = origin?.requests.length ?? 0;
    const page = await request(edgeUrl(), { path: "/cookies/more" });
    expect(page.status).toBe(200);
    expect(origin?.requests.length).toBe(before + 1);
  });
});

describe.skipIf(!chromiumPath())("the policy page in Chromium", () => {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium([]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("Accept-Language: de (locale de-DE): the banner, the policy page and the settings page in German", async () => {
    const context = await (browser as Browser).newContext({ locale: "de-DE" });
    const page = await context.newPage();
    // A page of the site: the banner, in German, Accept and Reject as equal buttons.
    const home = await page.goto(`${edgeUrl()}/`);
    expect(await home?.request().headerValue("accept-language")).toMatch(/^de-DE/);
    expect(home?.headers()["vary"]).toMatch(/Accept-Language/);
    const banner = page.getByRole("region", { name: GERMAN_TEXTS.title });
    await expect(banner.getAttribute("lang")).resolves.toBe("de");
    expect(await banner.getByRole("heading", { name: GERMAN_TEXTS.title }).isVisible()).toBe(true);
    expect(await banner.getByRole("button", { name: GERMAN_TEXTS.acceptAll, exact: true }).isVisible()).toBe(
      true,
    );
    expect(await banner.getByRole("button", { name: GERMAN_TEXTS.rejectAll, exact: true }).isVisible()).toBe(
      true,
    );
    expect(GERMAN_TEXTS.acceptAll).not.toBe(ENGLISH_TEXTS.acceptAll);
    // The policy page.
    const response = await page.goto(`${edgeUrl()}/cookies`);
    expect(response?.headers()["content-language"]).toBe("de");
    expect(await page.getAttribute("html", "lang")).toBe("de");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(GERMAN_TEXTS.policyTitle);
    expect(GERMAN_TEXTS.policyTitle).not.toBe(ENGLISH_TEXTS.policyTitle);
    expect(
      await page.getByRole("heading", { level: 2, name: GERMAN_TEXTS.categories.analytics.label }).count(),
    ).toBe(1);
    // No CSP violation: the page's one style applies (the hash matches), nothing else is loaded.
    expect(await page.evaluate<string>("getComputedStyle(document.body).maxWidth")).toBe("1024px");
    // The settings link: the no-JavaScript settings page, in German, which leads back here.
    await page.click(`a[href^="/.consent-edge/settings"]`);
    expect(new URL(page.url()).pathname).toBe("/.consent-edge/settings");
    expect(new URL(page.url()).searchParams.get("return")).toBe("/cookies");
    expect(await page.getAttribute("html", "lang")).toBe("de");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(GERMAN_TEXTS.settingsPageTitle);
    expect(await page.locator("#ce-banner form").count()).toBe(1);
    await page.getByRole("link", { name: GERMAN_TEXTS.backToSite }).click();
    expect(new URL(page.url()).pathname).toBe("/cookies");
    await context.close();
  });
});

describe("consent-edge policy as a process", () => {
  it("prints aktok's Markdown, exit 0", async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        join(root, "node_modules/.bin/tsx"),
        [join(root, "scripts/cli-bin.ts"), "policy", "--config", "examples/aktok.json"],
        { cwd: root },
        (error, out) => {
          resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout: out });
        },
      );
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^# Cookie policy\n/);
    expect(stdout).toContain("| `fr` | Meta (Facebook) |");
  });
});
