/**
 * The generated cookie policy: the declaration model, its three renderings and the endpoint. The
 * page is judged by parse5 (a real HTML parser), the JSON by JSON.parse, durations by workerd's
 * own Intl.
 */
import { parse } from "parse5";
import { describe, expect, it } from "vitest";
import aktok from "../examples/aktok.json";
import type { SiteInput } from "../src/config/types";
import { declarationFor } from "../src/policy/declaration";
import { formatDuration, largestWholeUnit } from "../src/policy/format-duration";
import { renderPolicyHtml } from "../src/policy/render-html";
import { policyJson } from "../src/policy/render-json";
import { renderPolicyMarkdown } from "../src/policy/render-markdown";
import { ENGLISH_TEXTS } from "../src/texts/languages/en";
import { Hono } from "hono";
import { consentEdge } from "../src/middleware/consent-edge";
import { elementsNamed as elements, textOf, type Element, type Node } from "./dom";
import { appFor, compiledSite, send, testSite } from "./helpers";
import { send as sendToApp } from "./hono-helpers";

const compiled = compiledSite;

const AKTOK = compiled(aktok);
const HOSTILE = '<script>alert(1)</script>&"|`*x*';
const hostileSite = compiled({
  sites: [
    testSite({
      categories: ["necessary", "analytics"],
      policy: { path: "/cookie-policy", contact: "javascript:alert(1)" },
      cookies: [
        {
          name: "sid",
          category: "necessary",
          session: true,
          httpOnly: true,
          provider: HOSTILE,
          purpose: `a\nb | c ${HOSTILE}`,
        },
        { name: "_x", category: "analytics", provider: "Tracker", thirdParty: "tracker.example" },
      ],
      trackers: {
        rules: [
          {
            host: "t.example",
            category: "analytics",
            vendor: HOSTILE,
            privacyPolicy: 'https://t.example/p"><x',
          },
        ],
      },
    }),
  ],
});

const attr = (element: Element, name: string) => element.attrs.find((a) => a.name === name)?.value;

describe("durations in the visitor's language (workerd's Intl)", () => {
  it.each([
    [31_536_000, "en", "1 year"],
    [13 * 2_592_000, "en", "13 months"],
    [30 * 86_400, "en", "30 days"],
    [86_400, "en", "24 hours"],
    [1_800, "en", "30 minutes"],
    [400 * 86_400, "en", "400 days"],
    [7 * 86_400, "de", "7 Tage"],
    [31_536_000, "de", "1 Jahr"],
    [2 * 2_592_000, "fr", "2\u00a0mois"],
    [61, "en", "61 seconds"],
  ])("%i s in %s is %s", (seconds, lang, text) => {
    expect(formatDuration({ kind: "seconds", seconds }, lang, ENGLISH_TEXTS)).toBe(text);
  });
  it("a tag Intl cannot read falls back to English instead of throwing", () => {
    expect(formatDuration({ kind: "seconds", seconds: 3_600 }, "not a tag!", ENGLISH_TEXTS)).toBe("1 hour");
  });
  it("a month or a day alone is said in the next unit down, a year stays a year", () => {
    expect(largestWholeUnit(2_592_000)).toEqual({ amount: 30, unit: "day" });
    expect(largestWholeUnit(31_536_000)).toEqual({ amount: 1, unit: "year" });
  });
});

describe("declarationFor", () => {
  it("states the party, who sets it and the duration from the rule", () => {
    const [necessary, analytics] = declarationFor(hostileSite).categories;
    expect(necessary?.cookies[0]).toMatchObject({
      name: "sid",
      duration: { kind: "session" },
      setBy: "http",
      party: { kind: "first" },
    });
    expect(analytics?.cookies[0]).toMatchObject({
      duration: { kind: "unknown" },
      party: { kind: "third", domain: "tracker.example" },
    });
    expect(analytics?.cookies[0]?.setBy).toBeUndefined();
  });
  it("lists the site's own tracker vendors, then cookie providers that are not the site", () => {
    expect(declarationFor(hostileSite).thirdParties.map((party) => party.name)).toEqual([HOSTILE, "Tracker"]);
    // aktok's own cookies ("Aktok") are not a third party; Stripe's are.
    expect(declarationFor(AKTOK).thirdParties.map((party) => party.name)).not.toContain("Aktok");
  });
  it("does not list the built-in tracker rules the site may not use", () => {
    const site = compiled({ sites: [testSite({ cookies: [], trackers: { rules: [] } })] });
    expect(declarationFor(site).thirdParties).toEqual([]);
  });
});

describe("the HTML page", () => {
  const html = renderPolicyHtml(declarationFor(AKTOK), { lang: "en", texts: ENGLISH_TEXTS });
  const doc = parse(html);

  it("is one document with lang and dir, one h1, an h2 per category and real tables", () => {
    const [root] = elements(doc, "html");
    expect(root && attr(root, "lang")).toBe("en");
    expect(root && attr(root, "dir")).toBe("ltr");
    expect(elements(doc, "h1").map(textOf)).toEqual(["Cookie policy"]);
    expect(elements(doc, "h2").map(textOf)).toEqual([
      "Necessary",
      "Functional",
      "Analytics",
      "Marketing",
      "Third parties",
      "Your choices",
    ]);
    const tables = elements(doc, "table");
    for (const table of tables) {
      expect(elements(table, "caption")).toHaveLength(1);
      for (const th of elements(table, "th")) expect(["col", "row"]).toContain(attr(th, "scope"));
    }
    // The analytics cookie table: one row per declared cookie, the name as the row header.
    const analytics = tables.find((table) =>
      textOf(elements(table, "caption")[0] as Node).startsWith("Analytics"),
    );
    const rows = elements(analytics as Node, "tbody").flatMap((body) => elements(body, "tr"));
    expect(rows.map((row) => textOf(elements(row, "th")[0] as Node))).toEqual(
      declarationFor(AKTOK).categories[2]?.cookies.map((cookie) => cookie.name),
    );
    const ga = rows.find((row) => textOf(row).startsWith("_ga"));
    expect(elements(ga as Node, "td").map(textOf)).toEqual([
      "Google Analytics",
      expect.stringContaining("Google Analytics 4") as unknown as string,
      "400 days",
      "Set by a script",
      "This site (first party)",
    ]);
  });

  it("loads nothing and runs nothing: no script, no external resource, no inline handler", () => {
    expect(elements(doc, "script")).toEqual([]);
    expect(elements(doc, "link")).toEqual([]);
    expect(elements(doc, "img")).toEqual([]);
    const everything = [...html.matchAll(/<([a-z0-9]+)/g)].map(([, tag]) => tag);
    for (const tag of new Set(everything))
      for (const element of elements(doc, tag ?? "")) {
        for (const { name } of element.attrs) expect(name.startsWith("on"), `${tag} ${name}`).toBe(false);
      }
  });

  it("links the settings page, which works with and without JavaScript", () => {
    const links = elements(doc, "a").map((a) => ({ href: attr(a, "href"), text: textOf(a) }));
    expect(links).toContainEqual({
      href: "/.consent-edge/settings?return=%2Fcookies",
      text: "Open the cookie settings",
    });
  });

  it("escapes every text, and links only https and mailto", () => {
    const hostile = renderPolicyHtml(declarationFor(hostileSite), { lang: "en", texts: ENGLISH_TEXTS });
    const parsed = parse(hostile);
    expect(elements(parsed, "script")).toEqual([]);
    expect(elements(parsed, "x")).toEqual([]);
    expect(textOf(parsed)).toContain(HOSTILE);
    const hrefs = elements(parsed, "a").map((a) => attr(a, "href"));
    expect(hrefs).toContain('https://t.example/p"><x');
    expect(hrefs.some((href) => href?.startsWith("javascript:"))).toBe(false);
    expect(textOf(elements(parsed, "address")[0] as Node)).toBe("javascript:alert(1)");
  });

  it("a necessary-only site says there is nothing to accept or refuse, and links no settings", () => {
    const site = compiled({
      sites: [testSite({ categories: ["necessary"], cookies: [{ name: "sid", category: "necessary" }] })],
    });
    const page = parse(renderPolicyHtml(declarationFor(site), { lang: "en", texts: ENGLISH_TEXTS }));
    expect(textOf(page)).toContain(ENGLISH_TEXTS.nothingOptional);
    expect(elements(page, "a")).toEqual([]);
  });
});

describe("the JSON", () => {
  it("is language-independent: ids, enums and seconds", () => {
    const json = policyJson(declarationFor(AKTOK));
    expect(json.version).toBe(1);
    expect(json.categories.map((category) => category.id)).toEqual([
      "necessary",
      "functional",
      "analytics",
      "marketing",
    ]);
    const marketing = json.categories[3];
    expect(marketing?.cookies.find((cookie) => cookie.name === "fr")).toEqual({
      name: "fr",
      provider: "Meta (Facebook)",
      purpose: "Meta: ad delivery and measurement",
      duration: { kind: "seconds", seconds: 90 * 86_400 },
      setBy: "http",
      party: "third",
      thirdPartyDomain: "facebook.com",
    });
    expect(json.categories[0]?.cookies[0]?.duration).toEqual({ kind: "session" });
    expect(JSON.stringify(json)).not.toContain("Necessary");
  });
});

describe("the Markdown", () => {
  it("has a table per category and keeps a | or a line break in a text inside its cell", () => {
    const markdown = renderPolicyMarkdown(declarationFor(hostileSite), { lang: "en", texts: ENGLISH_TEXTS });
    const row = markdown.split("\n").find((line) => line.startsWith("| `sid`"));
    // Cells split on unescaped pipes only: six columns, as the header has.
    expect(row?.split(/(?<!\\)\|/).slice(1, -1)).toHaveLength(6);
    expect(markdown).not.toContain("<script>");
  });
});

describe("served by the worker", () => {
  const site: SiteInput = testSite({ policy: { path: "/cookie-policy" } });
  const app = appFor(site);

  it("GET: the page, in the visitor's language, cacheable, the origin not asked", async () => {
    const res = await send(app, "https://www.example.com/cookie-policy", {
      headers: { "Accept-Language": "de-DE,de;q=0.9", Cookie: "session=1" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=UTF-8");
    expect(res.headers.get("Vary")).toBe("Accept-Language");
    expect(res.headers.get("Content-Language")).toBeTruthy();
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(res.headers.getSetCookie()).toEqual([]);
    // The fixture origin stamps every answer it gives.
    expect(res.headers.get("X-Fixture-Received-Cookie")).toBeNull();
    const doc = parse(await res.text());
    expect(elements(doc, "h1")).toHaveLength(1);
  });

  it("the CSP allows the page's one style by its hash and nothing else", async () => {
    const res = await send(app, "https://www.example.com/cookie-policy");
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*';/);
    const style = /<style>([^<]*)<\/style>/.exec(await res.text())?.[1] ?? "";
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(style));
    expect(csp).toContain(`'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`);
  });

  it("JSON at the path plus .json", async () => {
    const res = await send(app, "https://www.example.com/cookie-policy.json");
    expect(res.headers.get("Content-Type")).toBe("application/json; charset=UTF-8");
    const body = await res.json<{ site: string; version: number }>();
    expect(body).toMatchObject({ site: "test", version: 1 });
  });

  it("HEAD: the headers, no body", async () => {
    const res = await send(app, "https://www.example.com/cookie-policy", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it.each(["POST", "PUT", "DELETE"])("%s: 405 with Allow, the origin not asked", async (method) => {
    const res = await send(app, "https://www.example.com/cookie-policy", {
      method,
      body: method === "DELETE" ? null : "x",
    });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
    expect(res.headers.get("X-Fixture-Received-Cookie")).toBeNull();
  });

  it("a site under a pathPrefix: served below it, and its settings link too", async () => {
    const shop = appFor(
      testSite({ pathPrefix: "/shop", banner: { enabled: true }, policy: { path: "/cookie-policy" } }),
    );
    const res = await send(shop, "https://www.example.com/shop/cookie-policy");
    expect(res.status).toBe(200);
    const hrefs = elements(parse(await res.text()), "a").map((a) => attr(a, "href"));
    expect(hrefs).toContain("/shop/.consent-edge/settings?return=%2Fshop%2Fcookie-policy");
    const settings = await send(
      shop,
      "https://www.example.com/shop/.consent-edge/settings?return=%2Fshop%2Fcookie-policy",
    );
    expect(settings.status).toBe(200);
  });

  it("a site without policy passes the path to the origin", async () => {
    const res = await send(appFor(testSite()), "https://www.example.com/cookie-policy");
    expect(res.headers.get("X-Fixture-Received-Cookie")).not.toBeNull();
  });
});

describe("served by the Hono middleware", () => {
  it("answers the policy paths itself: the app's routes are not asked", async () => {
    const asked: string[] = [];
    const app = new Hono();
    app.use(consentEdge({ sites: [testSite({ policy: { path: "/cookie-policy" } })] }));
    app.get("*", (c) => {
      asked.push(c.req.path);
      return c.html("<p>the app's own page</p>");
    });
    const page = await sendToApp(app, "/cookie-policy");
    expect(page.status).toBe(200);
    expect(elements(parse(await page.text()), "h1").map(textOf)).toEqual(["Cookie policy"]);
    const json = await sendToApp(app, "/cookie-policy.json");
    expect(await json.json()).toMatchObject({ version: 1, site: "test" });
    expect(asked).toEqual([]);
    await sendToApp(app, "/other");
    expect(asked).toEqual(["/other"]);
  });
});
