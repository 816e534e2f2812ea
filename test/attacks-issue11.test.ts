/**
 * Issue 11's new surfaces as an attacker sees them, through the real worker (createProxy and the
 * fixture origin), parse5 and tough-cookie: the generated policy page and JSON, Accept-Language,
 * the curated defaults, `session: true`. A test written as `it.fails` is a hole found and not fixed
 * here (its fix is a patch in /tmp/patches for a file another engineer owns): it says what an
 * attacker or a careless origin gets, and turns red the day the patch lands (then make it an
 * `it`). Every other test pins a defence that holds. Chromium's view is in
 * e2e/attacks-issue11.e2e.test.ts.
 */
import { parse } from "parse5";
import type { DefaultTreeAdapterMap } from "parse5";
import { describe, expect, it } from "vitest";
import { compileConfig, type Site } from "../src/config/compile";
import type { SiteInput } from "../src/config/types";
import { DEFAULT_COOKIES } from "../src/defaults/cookies";
import { declarationFor } from "../src/policy/declaration";
import { renderPolicyMarkdown } from "../src/policy/render-markdown";
import { ENGLISH_TEXTS } from "../src/texts/languages/en";
import { runtimeConfig } from "../src/html/runtime";
import { BUILT_IN_LANGUAGES } from "../src/texts/languages";
import { expiryOf, storedFrom } from "./cookie-jar";
import { appFor, consent, FIXED_NOW_MS, send, testSite } from "./helpers";
import { liveUrls } from "./html-helpers";

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];

function compiled(overrides: Partial<SiteInput>): Site {
  const result = compileConfig({ sites: [testSite(overrides)] });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const [site] = result.config.sites;
  if (!site) throw new Error("no site");
  return site;
}

function elementsOf(node: Node): Element[] {
  const found: Element[] = [];
  const walk = (current: Node) => {
    if ("tagName" in current) found.push(current);
    for (const child of "childNodes" in current ? current.childNodes : []) walk(child);
    if ("content" in current) walk(current.content);
  };
  walk(node);
  return found;
}

const b64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));
/** Request headers that make the fixture origin answer with `html` as text/html. */
const htmlFromOrigin = (html: string): Record<string, string> => ({
  "X-Fixture-Body": b64(html),
  "X-Fixture-Header": JSON.stringify({ "Content-Type": "text/html; charset=utf-8" }),
});

describe("the policy page: what a visitor's request can change", () => {
  const app = appFor([
    testSite({ policy: { path: "/cookies" }, banner: { languages: { en: {}, de: {} } } }),
    testSite({ id: "shop", hosts: ["shop.example.net"], pathPrefix: "/shop", policy: { path: "/cookies" } }),
  ]);

  it.each([
    "https://www.example.com/cookies",
    "https://www.example.com/cookies?x=%3Cscript%3E",
    "https://www.example.com/cook%69es",
    "https://www.example.com/x/../cookies",
    "https://www.example.com/cookies.json",
    "https://shop.example.net/shop/cookies",
    "https://shop.example.net/shop/cookies.json",
  ])("%s is answered by the worker, the origin never asked", async (url) => {
    const res = await send(app, url);
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Fixture-Received-Url")).toBeNull();
    await res.arrayBuffer();
  });

  it.each([
    "https://www.example.com/cookies/",
    "https://www.example.com/COOKIES",
    "https://www.example.com/cookies%2F",
    "https://www.example.com//cookies",
    "https://www.example.com/cookies.json/",
    "https://shop.example.net/shop//cookies",
  ])("%s is the site's own page: it reaches the origin", async (url) => {
    const res = await send(app, url);
    expect(res.headers.get("X-Fixture-Received-Url")).not.toBeNull();
    await res.arrayBuffer();
  });

  it.each(["POST", "PUT", "DELETE", "OPTIONS", "PATCH"])(
    "%s is refused with 405 and never reaches the origin",
    async (method) => {
      const res = await send(app, "https://www.example.com/cookies", {
        method,
        ...(method === "POST" || method === "PUT" ? { body: "x" } : {}),
      });
      expect(res.status).toBe(405);
      expect(res.headers.get("Allow")).toBe("GET, HEAD");
      expect(res.headers.get("X-Fixture-Received-Url")).toBeNull();
      await res.arrayBuffer();
    },
  );

  it.each([
    ["__proto__", "__proto__"],
    ["constructor", "constructor"],
    ["prototype keys", "toString, hasOwnProperty;q=0.9, valueOf;q=0.8"],
    ["a weight that is no number", "de;q=__proto__"],
    ["one 8,000-character range", "x".repeat(8_000)],
    ["2,000 ranges", Array(2_000).fill("de-DE-x-a;q=0.5").join(",")],
    ["a non-ASCII tag", "de-\u00ff"],
    ["punctuation", ";;;,,,;q=1,=,-,--,*-*"],
  ])("Accept-Language with %s never gives a 5xx or text from Object.prototype", async (_, acceptLanguage) => {
    const res = await send(app, "https://www.example.com/cookies", {
      headers: { "Accept-Language": acceptLanguage },
    });
    expect(res.status).toBe(200);
    expect(["en", "de"]).toContain(res.headers.get("Content-Language"));
    const html = await res.text();
    const root = elementsOf(parse(html)).find((element) => element.tagName === "html");
    expect(root?.attrs.find((a) => a.name === "lang")?.value).toBe(res.headers.get("Content-Language"));
    expect(html).not.toMatch(/\[native code\]|\[object Object\]|undefined/);
  });

  it("holds no visitor state: the same bytes for a visitor with cookies and consent, no Set-Cookie", async () => {
    const anonymous = await send(app, "https://www.example.com/cookies");
    const known = await send(app, "https://www.example.com/cookies", {
      headers: { Cookie: `${consent(["analytics"])}; _fbp=fb.1.2.3; session=secret` },
      debug: true,
      originSets: ["_ga=1; Path=/"],
    });
    expect(known.headers.getSetCookie()).toEqual([]);
    expect([...known.headers.keys()].filter((name) => name.startsWith("x-consent"))).toEqual([]);
    expect(await known.text()).toBe(await anonymous.text());
    // Public, so the one shared copy must say what it varies by.
    expect(known.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(known.headers.get("Vary")).toBe("Accept-Language");
  });

  it("the page runs nothing: its CSP allows no script, only its own style", async () => {
    const res = await send(app, "https://www.example.com/cookies");
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(csp).not.toMatch(/script-src/);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    await res.arrayBuffer();
  });
});

describe("the policy page at a path written percent-encoded (fixed in policy-page.ts)", () => {
  // The config's path pattern allows only ASCII, so a French or German site writes its path encoded
  // ("/politique-de-confidentialit%C3%A9"); the worker matches the decoded path the router reads.
  // Compared as written, the page was never served and the banner's link reached the origin.
  const app = appFor(testSite({ policy: { path: "/confidentialit%C3%A9" } }));

  it.each([
    "https://www.example.com/confidentialit%C3%A9",
    "https://www.example.com/confidentialit%c3%a9",
    "https://www.example.com/confidentialit%C3%A9.json",
  ])("%s is the policy, the origin never asked", async (url) => {
    const res = await send(app, url);
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Fixture-Received-Url")).toBeNull();
    await res.arrayBuffer();
  });

  it("a double-encoded path is not it: it reaches the origin", async () => {
    const res = await send(app, "https://www.example.com/confidentialit%25C3%25A9");
    expect(res.headers.get("X-Fixture-Received-Url")).not.toBeNull();
    await res.arrayBuffer();
  });
});

describe("the policy page's settings link on a site without consent-edge's banner (fixed in src/policy)", () => {
  // A site with optional categories whose consent comes from a CMP, not the banner: the settings
  // page answers 404 JSON for it, so "Open the cookie settings" (how to withdraw) was a dead link.
  const app = appFor(testSite({ policy: { path: "/cookies" } }));

  it("links nowhere it cannot keep: every link on the page answers", async () => {
    const res = await send(app, "https://www.example.com/cookies");
    expect(res.status).toBe(200);
    const hrefs = elementsOf(parse(await res.text()))
      .filter((element) => element.tagName === "a")
      .map((a) => a.attrs.find((attr) => attr.name === "href")?.value ?? "")
      .filter((href) => href.startsWith("/"));
    for (const href of hrefs) {
      const target = await send(app, `https://www.example.com${href}`);
      expect(`${href} ${target.status}`).toBe(`${href} 200`);
      await target.arrayBuffer();
    }
  });

  it("the JSON says there is no settings page rather than naming one", async () => {
    const res = await send(app, "https://www.example.com/cookies.json");
    const json = await res.json<{ choices: { settingsUrl: string | null } }>();
    expect(json.choices.settingsUrl).toBeNull();
  });
});

describe("the policy page: what an operator's config text can do", () => {
  const HOSTILE = '"><script>alert(1)</script><a href="javascript:alert(2)">x</a>\u2028</code>';
  const app = appFor(
    testSite({
      categories: ["necessary", "analytics"],
      policy: { path: "/cookies", contact: "javascript:alert(3)//@x" },
      cookies: [
        { name: "sid", category: "necessary", provider: HOSTILE, purpose: HOSTILE, session: true },
        { name: "_x", category: "analytics", provider: HOSTILE, thirdParty: "t.example" },
      ],
      storage: [{ key: "k", category: "analytics", purpose: HOSTILE, provider: HOSTILE }],
      trackers: {
        rules: [
          {
            host: "t.example",
            category: "analytics",
            vendor: HOSTILE,
            purpose: HOSTILE,
            receives: HOSTILE,
            privacyPolicy: 'https://t.example/"onmouseover="alert(4)',
          },
        ],
      },
    }),
  );

  it("leaves no element, event handler or script link in the HTML parse5 reads", async () => {
    const res = await send(app, "https://www.example.com/cookies");
    expect(res.status).toBe(200);
    const elements = elementsOf(parse(await res.text()));
    expect(elements.filter((element) => element.tagName === "script")).toEqual([]);
    for (const element of elements) {
      for (const attr of element.attrs) {
        expect(attr.name).not.toMatch(/^on/);
        if (attr.name === "href") expect(attr.value).toMatch(/^(https:\/\/|mailto:|\/[^/\\])/);
      }
    }
    // The privacy policy link stays one https link whose quote is text, not a new attribute.
    const links = elements.filter((element) => element.tagName === "a");
    expect(links.map((a) => a.attrs.find((attr) => attr.name === "href")?.value)).toContain(
      'https://t.example/"onmouseover="alert(4)',
    );
  });

  it("the JSON is JSON.parse's: every hostile text round-trips as data", async () => {
    const res = await send(app, "https://www.example.com/cookies.json");
    expect(res.headers.get("Content-Type")).toBe("application/json; charset=UTF-8");
    const json = await res.json<{ categories: Array<{ cookies: Array<{ provider: string }> }> }>();
    expect(json.categories[0]?.cookies[0]?.provider).toBe(HOSTILE);
  });
});

describe("the Markdown policy (consent-edge policy) with config text that starts with a backtick (fixed in render-markdown.ts)", () => {
  // No Markdown parser is installed (micromark or markdown-it would be the judge): the property
  // checked is the one the escaping exists for. A row stays one line, and no `<` in a text cell is
  // left unescaped, so a renderer that passes HTML through (most do) meets no tag.
  const site = compiled({
    cookies: [{ name: "sid", category: "necessary", provider: "`x`\n<img src=x onerror=alert(1)>" }],
  });
  const markdown = renderPolicyMarkdown(declarationFor(site, ENGLISH_TEXTS), {
    lang: "en",
    texts: ENGLISH_TEXTS,
  });
  const row = markdown.split("\n").find((line) => line.includes("onerror"));

  it("keeps the provider in its table row, every Markdown character escaped", () => {
    expect(row?.startsWith("| `sid` | ")).toBe(true);
    // The provider's cell, as a Markdown reader splits the row on unescaped pipes.
    expect(row?.split(/(?<!\\)\|/)[2]?.trim()).toBe("\\`x\\` \\<img src=x onerror=alert(1)\\>");
  });
});

describe("the policy page for a site whose category is named like an Object.prototype key (fixed in declaration.ts)", () => {
  // "constructor" passes the category pattern; a site without the banner has only the English texts,
  // whose `categories` is a plain object: `categories.constructor` is Object, no text.
  const site: Partial<SiteInput> = {
    categories: ["necessary", "constructor"],
    cookies: [{ name: "x", category: "constructor" }],
    policy: { path: "/cookies" },
  };

  it("is served (no 5xx) and names the category by its id", async () => {
    const res = await send(appFor(testSite(site)), "https://www.example.com/cookies");
    expect(res.status).toBe(200);
    const headings = elementsOf(parse(await res.text())).filter((element) => element.tagName === "h2");
    const text = (element: Element): string =>
      element.childNodes.map((child) => ("value" in child ? child.value : "")).join("");
    expect(headings.map(text)).toContain("constructor");
  });
});

describe("built-in languages and the operator's own notice", () => {
  // The operator wrote its notice in English only: what it uses cookies for, naming Matomo. Since
  // c787cce every site also offers the nine other built-in languages, so a German visitor reads the
  // generic built-in German body instead, which names none of it: the operator's disclosure is
  // silently dropped for every visitor whose browser prefers another language. Patch: none (the
  // "lang" engineer's banner.ts is in progress: `banner.offer`, named in src/texts/languages/index.ts,
  // does not exist yet); the fix is to offer only the site's own languages where it overrides a text,
  // or a config problem naming `banner.languages.<tag>.<key>` for each offered language it lacks.
  const NOTICE = "We use cookies to run the shop and, with your consent, to count visits with Matomo.";
  const app = appFor(testSite({ banner: { languages: { en: { body: NOTICE } } } }));
  const PAGE = "<!doctype html><html><head></head><body><p>shop</p></body></html>";
  const textOf = (node: Node): string =>
    "value" in node && !("tagName" in node)
      ? node.value
      : "childNodes" in node
        ? node.childNodes.map(textOf).join("")
        : "";
  const bannerText = async (acceptLanguage: string) => {
    const res = await send(app, "https://www.example.com/", {
      headers: { ...htmlFromOrigin(PAGE), "Accept-Language": acceptLanguage },
    });
    const banner = elementsOf(parse(await res.text())).find((element) =>
      element.attrs.some((attr) => attr.name === "id" && attr.value === "ce-banner"),
    );
    return banner ? textOf(banner) : "";
  };

  it("an English visitor reads it (the test can fail)", async () => {
    expect(await bannerText("en-GB,en;q=0.9")).toContain("Matomo");
  });

  it("a German visitor is not given a notice that leaves it out", async () => {
    expect(await bannerText("de-DE,de;q=0.9")).toContain("Matomo");
  });
});

describe("the placeholder and the settings page in every built-in language", () => {
  const HOSTILE = '"><img src=x onerror=alert(1)><script>alert(2)</script>{categories}';
  const languages = Object.fromEntries(
    BUILT_IN_LANGUAGES.map((tag) => [
      tag,
      { categories: { analytics: { label: HOSTILE, description: HOSTILE } } },
    ]),
  );
  const app = appFor(
    testSite({
      banner: { languages },
      trackers: { rules: [{ host: "embed.example.net", category: "analytics", vendor: HOSTILE }] },
    }),
  );
  const PAGE =
    '<!doctype html><html><head></head><body><iframe src="https://embed.example.net/v/1"></iframe></body></html>';

  it.each(BUILT_IN_LANGUAGES)("%s: a hostile vendor and label stay text in the placeholder", async (tag) => {
    const res = await send(app, "https://www.example.com/", {
      headers: { ...htmlFromOrigin(PAGE), "Accept-Language": tag },
    });
    expect(res.headers.get("Vary")).toMatch(/Accept-Language/i);
    const elements = elementsOf(parse(await res.text()));
    const placeholder = elements.find((element) =>
      element.attrs.some((a) => a.name === "data-ce-placeholder"),
    );
    expect(placeholder).toBeDefined();
    const inside = placeholder ? elementsOf(placeholder).slice(1) : [];
    // The notice, "Show it just this once" (data-ce-once), and the grant.
    expect(inside.map((element) => element.tagName)).toEqual(["p", "button", "button"]);
    expect(placeholder?.attrs.map((a) => a.name).sort()).toEqual(
      ["aria-label", "data-ce-placeholder", "role", "style"].sort(),
    );
    expect(placeholder?.attrs.find((a) => a.name === "aria-label")?.value).toContain(HOSTILE);
    // The grant button grants the id, whatever the label says.
    const [once, button] = inside.filter((element) => element.tagName === "button");
    expect(once?.attrs.map((a) => a.name)).toEqual(["type", "data-ce-once"]);
    expect(button?.attrs.find((a) => a.name === "data-ce-grant")?.value).toBe("analytics");
  });

  it.each([
    "//evil.example/",
    "/\\evil.example/",
    "/\t/evil.example/",
    "/%2F/evil.example/",
    "javascript:alert(1)",
    "https://evil.example/",
    '/x?"><script>alert(1)</script>',
  ])("the settings page's way back for return=%j stays on the site", async (returnTo) => {
    const res = await send(
      app,
      `https://www.example.com/.consent-edge/settings?return=${encodeURIComponent(returnTo)}`,
      { headers: { "Accept-Language": "de" } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Language")).toBe("de");
    const elements = elementsOf(parse(await res.text()));
    // The banner's own script is there; nothing of the return path ran into one.
    const scripts = elements.filter((element) => element.tagName === "script");
    const scriptText = scripts.flatMap((script) =>
      script.childNodes.map((c) => ("value" in c ? c.value : "")),
    );
    expect(scriptText.join("")).not.toContain("alert(1)");
    const hrefs = elements
      .filter((element) => element.tagName === "a")
      .map((a) => a.attrs.find((attr) => attr.name === "href")?.value ?? "");
    expect(hrefs.length).toBeGreaterThan(0);
    // Resolved as the browser resolves it (the WHATWG URL parser): never another origin or scheme.
    for (const href of hrefs) {
      expect(new URL(href, "https://www.example.com/.consent-edge/settings").origin).toBe(
        "https://www.example.com",
      );
    }
  });
});

describe("curated defaults: the edge and the page guard agree", () => {
  const site = compiled({
    defaults: true,
    cookies: [{ name: "session", category: "necessary" }],
    trackers: { cookieGuard: true },
  });
  // The guard's rule for a name: any rule of a refused category whose pattern matches blocks the write.
  const guardRefuses = (name: string, granted: Set<string>) => {
    const rules = runtimeConfig(site, granted).guard || [];
    return rules.some(([pattern, category]) => !granted.has(category) && new RegExp(pattern).test(name));
  };
  const refusedByEdge = DEFAULT_COOKIES.filter(
    (cookie) =>
      cookie.thirdParty === undefined && cookie.category !== "necessary" && !cookie.name.includes("*"),
  ).map((cookie) => cookie.name);

  it("the edge refuses the default cookies (the premise: the defaults classify them)", () => {
    for (const name of refusedByEdge) {
      const found = site.classifyCookie(name);
      expect(found.kind === "rule" && found.rule.category !== "necessary").toBe(true);
    }
  });

  // Hole: runtime.ts builds the document.cookie guard from site.cookies only. A first-party script
  // (a bundled SDK: posthog-js, ga-gtag) writes `_ga` or `_fbp` in the page with no consent; the
  // edge drops the same name in Set-Cookie. Patch: /tmp/patches/review-cookie-guard-defaults.patch.
  it("the document.cookie guard refuses the same names without consent", () => {
    const none = new Set(["necessary"]);
    expect(refusedByEdge.filter((name) => !guardRefuses(name, none))).toEqual([]);
  });

  it("a site rule still wins in the page: its own `_ga` declared necessary is written", () => {
    const own = compiled({
      defaults: true,
      cookies: [{ name: "_ga", category: "necessary" }],
      trackers: { cookieGuard: true },
    });
    const rules = runtimeConfig(own, new Set(["necessary"])).guard || [];
    expect(
      rules.some(([pattern, category]) => category !== "necessary" && new RegExp(pattern).test("_ga")),
    ).toBe(false);
  });
});

describe("curated defaults: a site whose own host is in the dataset", () => {
  // intercom.io is a default host (functional). The site at www.intercom.io loads its own app.js.
  const PAGE =
    '<!doctype html><html><head><script src="/app.js"></script></head><body><img src="/logo.png"></body></html>';
  const page = new URL("https://www.intercom.io/");
  const own = (url: URL) => url.hostname === "www.intercom.io";
  const siteOn = (defaults: boolean) =>
    appFor(testSite({ hosts: ["www.intercom.io"], defaults, cookies: [], trackers: { rules: [] } }));

  it("without the defaults its own script and image load (the test can fail)", async () => {
    const res = await send(siteOn(false), "https://www.intercom.io/", { headers: htmlFromOrigin(PAGE) });
    expect(liveUrls(await res.text(), own, { page })).toHaveLength(2);
  });

  // Hole: the defaults neutralise every first-party script, image and fetch of a site whose
  // registrable domain the dataset lists (intercom.io, hubspot.com, wistia.com, vimeo.com, ...):
  // the site breaks until the visitor grants a category for its own files. Patch:
  // /tmp/patches/review-defaults-own-host.patch (compile.ts leaves out defaults covering a site host).
  it("with the defaults its own script and image still load", async () => {
    const res = await send(siteOn(true), "https://www.intercom.io/", { headers: htmlFromOrigin(PAGE) });
    expect(liveUrls(await res.text(), own, { page })).toHaveLength(2);
  });
});

describe("curated defaults: sign-in providers are not trackers", () => {
  const site = compiled({ defaults: true, trackers: { builtin: false, rules: [] } });
  const page = new URL("https://www.example.com/login");

  // Hole: third-party-web files Okta under analytics and LoginRadius under marketing; both are
  // sign-in services (the Okta Sign-In Widget calls https://<org>.okta.com/api/v1/authn from the
  // page). With the defaults on, the page guard refuses those calls and the edge neutralises the
  // widget: a visitor who refuses analytics cannot sign in. Patch: /tmp/patches/review-defaults-sign-in.patch.
  it.each([
    "https://acme.okta.com/api/v1/authn",
    "https://acme.hub.loginradius.com/auth.aspx",
    "https://auth.lrcontent.com/v2/LoginRadiusV2.js",
  ])("%s is not blocked by default", (url) => {
    expect(site.classifyResource.classifyUrl(url, page)).toBeUndefined();
  });
});

describe("session: true, as tough-cookie reads what the worker lets through", () => {
  const app = appFor(testSite({ cookies: [{ name: "sid", category: "necessary", session: true }] }));
  const sessionIn = async (line: string) => {
    const res = await send(app, "https://www.example.com/", { originSets: [line] });
    await res.arrayBuffer();
    const stored = storedFrom(res.headers.getSetCookie(), "https://www.example.com/", FIXED_NOW_MS);
    const sid = stored.find((cookie) => cookie.key === "sid");
    return sid && expiryOf(sid, FIXED_NOW_MS);
  };

  it.each([
    "sid=1; Max-Age=31536000",
    "sid=1; max-age=60; MAX-AGE=99",
    "sid=1; Max-Age =  99 ; Path=/",
    "sid=1; \tMax-Age\t=\t99",
    "sid=1; Max-Age=",
    "sid=1; Max-Age",
    "sid=1; Max-Age=+99",
    "sid=1; Max-Age=099",
    "sid=1; Expires=Wed, 01 Jan 2100 00:00:00 GMT",
    "sid=1; expires=Wed, 01-Jan-2100 00:00:00 GMT; Max-Age=5",
    "sid=1; Expires=2100; expires=Wed, 01 Jan 2100 00:00:00 GMT",
    "sid=1; Expires=Wed, 01 Jan 2100 00:00:00 GMT; Expires=",
  ])("%j stays a session cookie", async (line) => {
    expect(await sessionIn(line)).toBe(Infinity);
  });

  // Hole: tough-cookie (and any client that trims with String.prototype.trim) reads an attribute
  // name after a form feed, vertical tab, NBSP or BOM as Max-Age/Expires; our parser trims only SP
  // and HTAB (RFC 6265bis §5.6), so the attribute stays and the cookie persists for a year.
  // Chromium drops such lines (control characters) or ignores the name (NBSP). Patch:
  // /tmp/patches/review-session-trim.patch (remove any attribute a lenient trim reads as an expiry).
  it.each([
    "sid=1; \fMax-Age=31536000",
    "sid=1; \vMax-Age=31536000",
    "sid=1; \u00a0Max-Age=31536000",
    "sid=1; \u00a0Expires=Wed, 01 Jan 2100 00:00:00 GMT",
  ])("%j stays a session cookie", async (line) => {
    expect(await sessionIn(line)).toBe(Infinity);
  });

  // The same reading defeats a lifetime cap (`maxAge`), which predates issue 11: the line passes
  // unchanged and tough-cookie keeps `_x` for a year under a one-day cap. The same patch fixes it.
  it('a one-day cap holds for "\\fMax-Age=31536000"', async () => {
    const capped = appFor(testSite({ cookies: [{ name: "_x", category: "necessary", maxAge: "1d" }] }));
    const res = await send(capped, "https://www.example.com/", {
      originSets: ["_x=1; \fMax-Age=31536000"],
    });
    await res.arrayBuffer();
    const [stored] = storedFrom(res.headers.getSetCookie(), "https://www.example.com/", FIXED_NOW_MS);
    expect(stored?.key).toBe("_x");
    // Within the cap, or a session cookie (the RFC's reading of the line: no expiry it can read).
    const expiry = stored ? expiryOf(stored, FIXED_NOW_MS) : 0;
    expect(expiry === Infinity || expiry <= FIXED_NOW_MS + 86_400_000).toBe(true);
  });
});
