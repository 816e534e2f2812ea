/**
 * The page guard classifies with the site's own compiled rules (src/html/guard-rules.ts writes them,
 * src/runtime/guard/rules.ts reads them in the page): for every URL and script text, the page in
 * Debian's Chromium must give the edge's answer (src/html/classify-resource.ts, run here in Node),
 * so nothing the edge would neutralise in the HTML loads when script writes it instead. Built-in
 * rules, site hosts that override them (a subdomain made necessary), URL globs and DNT.
 */
import { needOf } from "../../src/consent/grants";
import fc from "fast-check";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundlePart } from "../../scripts/build-runtime.ts";
import { compileConfig } from "../../src/config/compile";
import { guardRules } from "../../src/html/guard-rules";
import { DO_NOT_TRACK } from "../../src/html/inert";
import { chromiumPath, launchChromium } from "./servers";

const ORIGIN = "http://www.shop.test";
const PAGE = new URL(`${ORIGIN}/products/list.html`);

const compiled = compileConfig({
  sites: [
    {
      id: "shop",
      hosts: ["www.shop.test"],
      origin: "http://origin.shop.test",
      policyRevision: "r1",
      trackers: {
        rules: [
          { host: "cdn.tracker.example", category: "analytics", doNotTrack: true },
          { host: "tracker.example", category: "marketing" },
          // A subdomain of a built-in rule's host, made necessary by the site: it must load.
          { host: "consent.youtube.com", category: "necessary" },
          { url: "https://api.shop.test/collect*", category: "analytics" },
          { url: "//pixels.example/p/*.gif", category: "marketing", doNotTrack: true },
          { inline: "shopTrack(", category: "analytics" },
        ],
      },
    },
  ],
});
if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
const site = compiled.config.sites[0];
if (!site) throw new Error("no site");

/** The edge's answer: the categories a refused URL needs (nothing granted), as the page reports them. */
function edgeUrl(raw: string, doNotTrack: boolean): string | null {
  const match = site?.classifyResource.classifyUrl(raw, PAGE);
  if (!match || match.category === "necessary") return null;
  // What the edge writes: the need (`marketing:youtube` for a rule of a service).
  return doNotTrack && match.doNotTrack ? `${needOf(match)} ${DO_NOT_TRACK}` : needOf(match);
}
function edgeText(text: string, doNotTrack: boolean): string[] {
  const matches = site?.classifyResource.classifyInline(text, PAGE) ?? [];
  const categories = new Set(matches.map((match) => needOf(match)));
  if (doNotTrack && matches.some((match) => match.doNotTrack)) categories.add(DO_NOT_TRACK);
  // Refused when one is not necessary; then every category it needs is written, as the edge writes it.
  return [...categories].some((category) => category !== "necessary") ? [...categories].sort() : [];
}

const HOSTS = [
  "www.googletagmanager.com",
  "googletagmanager.com",
  "WWW.GoogleTagManager.COM",
  "www.googletagmanager.com.",
  "evilgoogletagmanager.com",
  "googletagmanager.com.evil.test",
  "www.youtube.com",
  "consent.youtube.com",
  "a.consent.youtube.com",
  "cdn.tracker.example",
  "x.cdn.tracker.example",
  "tracker.example",
  "api.shop.test",
  "www.shop.test",
  "pixels.example",
  "www.facebook.com",
  "connect.facebook.net",
  "127.0.0.1",
  "[::1]",
  "xn--googletagmanager-.com",
];
const PATHS = [
  "/",
  "/gtag/js?id=G-1",
  "/gtag/js?id=AW-9",
  "/collect?v=2",
  "/p/1.gif",
  "/tr?id=1",
  "/p/x/y.gif",
];
const PREFIXES = [
  "https://",
  "http://",
  "//",
  "HTTPS://",
  " https://",
  "https:\\\\",
  "\t//",
  "https://user:pw@",
];

interface Window_ {
  part: { compileRules(rules: unknown, has: (c: string) => boolean): Rules };
  rules: Rules;
}
interface Rules {
  url(raw: string): string | undefined;
  text(text: string): string | undefined;
}

const executablePath = chromiumPath();
if (!executablePath && process.env.CI)
  throw new Error("CI must install Debian's chromium for the browser test");

describe.skipIf(!executablePath)("the page's rules give the edge's answers (Chromium)", () => {
  let browser: Browser | undefined;
  const pages: Page[] = [];

  beforeAll(async () => {
    browser = await launchChromium(["--host-resolver-rules=MAP * ~NOTFOUND"]);
    const part = await bundlePart("guard/rules.ts");
    for (const doNotTrack of [false, true]) {
      const page = await (await browser.newContext()).newPage();
      await page.route("**/*", (route) =>
        route.fulfill({ contentType: "text/html", body: "<!doctype html>" }),
      );
      await page.goto(PAGE.href);
      await page.addScriptTag({ content: part });
      await page.evaluate(
        (rules) => {
          const w = globalThis as unknown as Window_;
          w.rules = w.part.compileRules(rules, (category) => category === "necessary");
        },
        guardRules(site.classifyResource, doNotTrack),
      );
      pages.push(page);
    }
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  const pageUrls = (page: Page, urls: string[]) =>
    page.evaluate(
      (urls) => urls.map((url) => (globalThis as unknown as Window_).rules.url(url) ?? null),
      urls,
    );
  const pageTexts = (page: Page, texts: string[]) =>
    page.evaluate(
      (texts) => texts.map((text) => (globalThis as unknown as Window_).rules.text(text) ?? null),
      texts,
    );

  it.each([false, true])("every prefix x host x path (DNT %s)", async (doNotTrack) => {
    const urls = PREFIXES.flatMap((prefix) =>
      HOSTS.flatMap((host) => PATHS.map((path) => `${prefix}${host}${path}`)),
    );
    urls.push(
      "/collect?v=1",
      "collect",
      "../gtag/js",
      "javascript:alert(1)",
      "data:,x",
      "",
      "https://",
      "http://[",
    );
    const page = pages[doNotTrack ? 1 : 0] as Page;
    const answers = await pageUrls(page, urls);
    const expected = urls.map((url) => edgeUrl(url, doNotTrack));
    // The rows exercise both answers.
    expect(expected.filter((answer) => answer !== null).length).toBeGreaterThan(100);
    expect(expected.filter((answer) => answer === null).length).toBeGreaterThan(100);
    expect(Object.fromEntries(urls.map((url, i) => [url, answers[i]]))).toEqual(
      Object.fromEntries(urls.map((url, i) => [url, expected[i]])),
    );
  });

  it("random URLs built from the same parts (property, 2,000 runs)", async () => {
    const page = pages[0] as Page;
    const urls = fc.sample(
      fc
        .tuple(
          fc.constantFrom(...PREFIXES, "", "/"),
          fc.constantFrom(...HOSTS, "shop.test", "a.b.tracker.example", "tracker.example.test"),
          fc.constantFrom("", ":443", ":8080", "."),
          fc.constantFrom(...PATHS, "", "#x", "?a=b"),
        )
        .map((parts) => parts.join("")),
      { numRuns: 2_000, seed: 9 },
    );
    const answers = await pageUrls(page, urls);
    urls.forEach((url, i) => {
      expect(answers[i], url).toBe(edgeUrl(url, false));
    });
  });

  it.each([false, true])("inline script texts (DNT %s)", async (doNotTrack) => {
    const texts = [
      "gtag('config', 'G-1')",
      "shopTrack('view')",
      "var u='//cdn.tracker.example/t.js'",
      "fetch('https://api.shop.test/collect?x=1')",
      "load('https://consent.youtube.com/x')",
      "nothing here; https://www.shop.test/app.js",
      "fbq('init', '1'); gtag('config', 'G-2'); //cdn.tracker.example/",
      "",
    ];
    const answers = await pageTexts(pages[doNotTrack ? 1 : 0] as Page, texts);
    texts.forEach((text, i) => {
      const expected = edgeText(text, doNotTrack);
      const answer = answers[i];
      expect(answer == null ? [] : answer.split(" ").sort(), text).toEqual(expected);
    });
  });
});
