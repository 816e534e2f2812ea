/**
 * The runtime runs under the page's CSP, judged by Chromium itself (issue 7, item 5): the built
 * worker in workerd over real HTTP, in front of a Node origin that sends each CSP variant (several
 * headers, directive orders, report-only policies, 'strict-dynamic', 'unsafe-inline' beside a nonce
 * or hash). The page's own inline script must keep running wherever its own policy let it.
 */
import type { ServerResponse } from "node:http";
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowTrustedTypesPolicy } from "../../src/html/csp";
import { type BuiltEdge, site, startBuiltEdge, startOrigin, type TestOrigin } from "./edge-http";
import { chromiumPath, launchChromium } from "./servers";

interface Variant {
  name: string;
  /** One `Content-Security-Policy` header line each. */
  policies: string[];
  reportOnly?: string[];
  /** The nonce on the page's own inline script, if any. */
  pageNonce?: string;
  /** Whether the page's own script runs under its own policy (without consent-edge). */
  pageRuns: boolean;
  /** A `<meta http-equiv="Content-Security-Policy">` at the start of the head. */
  meta?: string;
}

const VARIANTS: Variant[] = [
  {
    name: "style nonce before the script nonce",
    policies: ["style-src 'nonce-A'; script-src 'nonce-B'"],
    pageNonce: "B",
    pageRuns: true,
  },
  {
    name: "script nonce before the style nonce",
    policies: ["script-src 'nonce-B'; style-src 'nonce-A'"],
    pageNonce: "B",
    pageRuns: true,
  },
  {
    name: "default-src and script-src nonces",
    policies: ["default-src 'self' 'nonce-D'; script-src 'nonce-B'"],
    pageNonce: "B",
    pageRuns: true,
  },
  {
    name: "script-src-elem over script-src",
    policies: ["script-src 'nonce-B'; script-src-elem 'nonce-E'"],
    pageNonce: "E",
    pageRuns: true,
  },
  { name: "keywords in capitals", policies: ["SCRIPT-SRC 'NONCE-B'"], pageNonce: "B", pageRuns: true },
  {
    name: "two headers sharing a nonce",
    policies: ["script-src 'nonce-A' 'nonce-B'", "script-src 'nonce-B'"],
    pageNonce: "B",
    pageRuns: true,
  },
  {
    name: "two headers, different nonces",
    policies: ["script-src 'nonce-A'", "script-src 'nonce-B'"],
    pageNonce: "A",
    pageRuns: false,
  },
  {
    name: "a nonce policy and a hash policy",
    policies: ["script-src 'nonce-A'", "default-src 'self'"],
    pageNonce: "A",
    pageRuns: false,
  },
  {
    name: "one header line, two policies",
    policies: ["img-src *, script-src 'nonce-B'"],
    pageNonce: "B",
    pageRuns: true,
  },
  {
    name: "a report-only policy with another nonce",
    policies: ["script-src 'nonce-B'"],
    reportOnly: ["script-src 'nonce-R'"],
    pageNonce: "B",
    pageRuns: true,
  },
  {
    name: "'strict-dynamic' with 'unsafe-inline' and a nonce",
    policies: ["script-src 'unsafe-inline' 'strict-dynamic' 'nonce-A'"],
    pageNonce: "A",
    pageRuns: true,
  },
  {
    name: "'unsafe-inline' beside a hash",
    policies: ["script-src 'unsafe-inline' 'sha256-AAAA'"],
    pageRuns: false,
  },
  {
    name: "'unsafe-inline' with 'strict-dynamic', no nonce",
    policies: ["script-src 'unsafe-inline' 'strict-dynamic'"],
    pageRuns: false,
  },
  { name: "'unsafe-hashes'", policies: ["script-src 'self' 'unsafe-hashes'"], pageRuns: false },
  { name: "a hash-based default-src", policies: ["default-src 'self'; img-src *"], pageRuns: false },
  { name: "'unsafe-inline' alone", policies: ["script-src 'unsafe-inline'"], pageRuns: true },
  {
    name: "'unsafe-inline' in one policy, a nonce in another",
    policies: ["script-src 'unsafe-inline'", "script-src 'nonce-B'"],
    pageNonce: "B",
    pageRuns: true,
  },
];

const PAGE = (nonce: string | undefined, meta = "") =>
  `<!doctype html><html><head>${meta}<meta charset="utf-8"><title>CSP</title>` +
  `<script async src="https://www.googletagmanager.com/gtag/js?id=G-CSP"></script></head>` +
  `<body><p>CSP test</p><script${nonce ? ` nonce="${nonce}"` : ""}>window.__page = true;</script></body></html>`;

function serve(response: ServerResponse, variant: Variant): void {
  response.statusCode = 200;
  response.setHeader("Content-Type", "text/html; charset=utf-8");
  if (variant.policies.length > 0) response.setHeader("Content-Security-Policy", variant.policies);
  if (variant.reportOnly) response.setHeader("Content-Security-Policy-Report-Only", variant.reportOnly);
  response.end(PAGE(variant.pageNonce, variant.meta));
}

const executablePath = chromiumPath();
if (!executablePath && process.env.CI) throw new Error("CI must install Debian's chromium for the CSP test");

describe.skipIf(!executablePath)("the runtime under the page's CSP, in Chromium", () => {
  let origin: TestOrigin | undefined;
  let edge: BuiltEdge | undefined;
  let bannerEdge: BuiltEdge | undefined;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    origin = await startOrigin((request, response) => {
      const index = Number(new URL(request.url ?? "/", "http://localhost").searchParams.get("v"));
      const variant = VARIANTS[index];
      if (!variant) {
        response.statusCode = 404;
        response.end();
        return;
      }
      serve(response, variant);
    });
    edge = await startBuiltEdge({ sites: [site({ origin: origin.url })] }, { d1: false });
    bannerEdge = await startBuiltEdge(
      { sites: [site({ origin: origin.url, banner: { enabled: true } })] },
      { d1: false },
    );
    browser = await launchChromium([
      // Nothing leaves the machine: every host but localhost resolves to a closed port.
      "--host-resolver-rules=MAP * 127.0.0.1:9, EXCLUDE localhost",
    ]);
    page = await (await browser.newContext()).newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await edge?.stop();
    await bannerEdge?.stop();
    await origin?.stop();
  });

  it.each(VARIANTS.map((variant, index) => [variant.name, index] as const))(
    "%s: window.consentEdge is defined",
    async (_, index) => {
      const variant = VARIANTS[index];
      if (!variant || !edge) throw new Error("no edge");
      const violations: string[] = [];
      const listen = (message: { text: () => string }) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      };
      page.on("console", listen);
      const response = await page.goto(`${edge.url}/?v=${index}`, { waitUntil: "load" });
      page.off("console", listen);
      expect(response?.status()).toBe(200);
      const state = await page.evaluate(() => {
        const w = globalThis as unknown as { consentEdge?: unknown; __page?: boolean };
        return { runtime: typeof w.consentEdge, page: w.__page === true };
      });
      expect(state.runtime, violations.join("\n")).toBe("object");
      // consent-edge never blocks the page's own script where its policy allowed it.
      if (variant.pageRuns) expect(state.page, violations.join("\n")).toBe(true);
    },
  );

  // The control: straight from the origin, Chromium enforces each policy as the table says, so a
  // runtime with the wrong nonce (or no hash) would have been blocked above.
  it.each(VARIANTS.map((variant, index) => [variant.name, index] as const))(
    "%s, without consent-edge: the page's own script runs only where its policy allows it",
    async (_, index) => {
      const variant = VARIANTS[index];
      if (!variant || !origin) throw new Error("no origin");
      await page.goto(`${origin.url}/?v=${index}`, { waitUntil: "load" });
      const ran = await page.evaluate(() => (globalThis as unknown as { __page?: boolean }).__page === true);
      expect(ran).toBe(variant.pageRuns);
    },
  );

  // The banner's <style> is governed by style-src-elem, style-src, default-src, not by the script
  // directives: it needs the style nonce, or its own hash. Known bug where marked (reported in
  // issue 7): enforce-request.ts hands the banner the script nonce for both, and no hash is added
  // for the style (the fix: cspNonce(headers, "style") and allowInlineStyle from src/html/csp.ts).
  const STYLE_NONCE_BUG = new Set([
    "style nonce before the script nonce",
    "script nonce before the style nonce",
    "default-src and script-src nonces",
    "a hash-based default-src",
    "a nonce policy and a hash policy",
  ]);
  describe.each(VARIANTS.map((variant, index) => [variant.name, index] as const))(
    "with the banner, %s",
    (name, index) => {
      const open = async () => {
        if (!bannerEdge) throw new Error("no edge");
        await page.goto(`${bannerEdge.url}/?v=${index}`, { waitUntil: "load" });
      };
      it("the banner's script runs (it moves the settings link to the end of the page)", async () => {
        await open();
        const last = await page.evaluate(
          () =>
            (globalThis as unknown as { document: { body: { lastElementChild: { id: string } | null } } })
              .document.body.lastElementChild?.id,
        );
        expect(last).toBe("ce-banner-settings");
      });
      (STYLE_NONCE_BUG.has(name) ? it.fails : it)(
        "the banner's style applies (it is fixed to the bottom)",
        async () => {
          await open();
          const position = await page.evaluate(() => {
            const g = globalThis as unknown as {
              document: { getElementById: (id: string) => unknown };
              getComputedStyle: (e: unknown) => { position: string };
            };
            return g.getComputedStyle(g.document.getElementById("ce-banner")).position;
          });
          expect(position).toBe("fixed");
        },
      );
    },
  );

  // Trusted Types (`require-trusted-types-for 'script'`): script URLs and texts must be trusted
  // values, so a restore that assigns plain strings throws. Known bug (runtime.ts, reported in
  // issue 7): the runtime needs a Trusted Types policy, and a `trusted-types` directive its name.
  const TRUSTED_TYPES = ["script-src 'nonce-B'; require-trusted-types-for 'script'"];
  it.fails.each(TRUSTED_TYPES)(
    "under %j, granting restores the refused script (known bug)",
    async (policy) => {
      if (!edge) throw new Error("no edge");
      VARIANTS.push({ name: policy, policies: [policy], pageNonce: "B", pageRuns: true });
      const index = VARIANTS.length - 1;
      type Doc = { document: { querySelector: (selector: string) => unknown } };
      const present = (selector: string) =>
        page.evaluate((s) => (globalThis as unknown as Doc).document.querySelector(s) !== null, selector);
      // No consent yet: the script arrives inert, whatever an earlier test granted.
      await page.context().clearCookies();
      await page.goto(`${edge.url}/?v=${index}`, { waitUntil: "load" });
      expect(await present('script[data-ce-src^="https://www.googletagmanager.com/"]')).toBe(true);
      const failure = await page
        .evaluate(() => {
          (globalThis as unknown as { consentEdge: { grant: (c: string[]) => void } }).consentEdge.grant([
            "analytics",
          ]);
        })
        .then(
          () => "",
          (error: unknown) => String(error),
        );
      await page.waitForTimeout(300);
      await page.context().clearCookies();
      expect(await present('script[src^="https://www.googletagmanager.com/"]'), failure).toBe(true);
    },
  );

  // What allowTrustedTypesPolicy writes, judged by Chromium: a page script (standing in for the
  // runtime) can then create the "consent-edge" policy; without it, createPolicy throws.
  it.each([
    ["trusted-types app; require-trusted-types-for 'script'", true],
    ["trusted-types 'none'; require-trusted-types-for 'script'", true],
    ["trusted-types app, trusted-types *", true],
    ["trusted-types *; require-trusted-types-for 'script'", false],
    ["require-trusted-types-for 'script'", false],
  ] as const)(
    "under %j, the runtime's Trusted Types policy can be created (added: %s)",
    async (policy, adds) => {
      if (!origin) throw new Error("no origin");
      const headers = new Headers({ "Content-Security-Policy": policy });
      allowTrustedTypesPolicy(headers, "consent-edge");
      const written = headers.get("Content-Security-Policy") ?? "";
      expect(written !== policy).toBe(adds);
      const create = `try{trustedTypes.createPolicy("consent-edge",{createScriptURL:function(u){return u}});window.__tt="ok"}catch(e){window.__tt=String(e)}`;
      const tt = await startOrigin((_, response) => {
        response.setHeader("Content-Type", "text/html; charset=utf-8");
        response.setHeader(
          "Content-Security-Policy",
          new URL(_.url ?? "/", "http://x").searchParams.has("raw") ? policy : written,
        );
        response.end(`<!doctype html><meta charset="utf-8"><script>${create}</script>`);
      });
      try {
        type Tt = { __tt?: string };
        await page.goto(`${tt.url}/`, { waitUntil: "load" });
        expect(await page.evaluate(() => (globalThis as unknown as Tt).__tt)).toBe("ok");
        // The control: as the origin wrote it, only the policies that needed the name refuse it.
        await page.goto(`${tt.url}/?raw`, { waitUntil: "load" });
        const raw = await page.evaluate(() => (globalThis as unknown as Tt).__tt);
        if (adds) expect(raw).not.toBe("ok");
        else expect(raw).toBe("ok");
      } finally {
        await tt.stop();
      }
    },
  );

  // A policy in a <meta> element governs only what follows it (CSP3 §3.3): the runtime must come
  // before it, or carry its nonce. Known bug (neutralise.ts injects after <meta charset>, which
  // may follow the policy; reported in issue 7).
  it.fails.each([
    [`<meta http-equiv="Content-Security-Policy" content="script-src 'nonce-M'">`],
    [`<meta http-equiv="content-security-policy" content="default-src 'self'">`],
  ])("under %s before <meta charset>, window.consentEdge is defined (known bug)", async (meta) => {
    if (!edge) throw new Error("no edge");
    VARIANTS.push({ name: meta, policies: [], meta, pageNonce: "M", pageRuns: true });
    await page.context().clearCookies();
    await page.goto(`${edge.url}/?v=${VARIANTS.length - 1}`, { waitUntil: "load" });
    expect(
      await page.evaluate(() => typeof (globalThis as unknown as { consentEdge?: unknown }).consentEdge),
    ).toBe("object");
  });
});
