/**
 * The inventory from real traffic (src/inventory/recorder.ts, store.ts): requests through the real
 * worker (createProxy, the fixture origin) into a recorder of the test's own, flushed to miniflare's
 * real D1 (INVENTORY_DB). Exact counts under concurrency, a flush counted once whatever is retried,
 * a dead isolate losing only what it had not flushed, paths without query strings, the caps against
 * 10,000 random names, and nothing personal in any column.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { compileConfig, type Site } from "../src/config/compile";
import {
  createRecorder,
  flushSecondsOf,
  type IsolateRecorder,
  isCookieName,
  isHostName,
  MAX_BUFFERED,
  observesResponse,
  type RecorderOptions,
  responseWeight,
  samplePath,
} from "../src/inventory/recorder";
import { MAX_ENTRIES_PER_SITE, OVERFLOW_NAME, purgeInventory, readInventory } from "../src/inventory/store";
import type { InventoryContext } from "../src/inventory/recording";
import type { InventoryEntry } from "../src/inventory/types";
import { setLogSink } from "../src/log";
import { createProxy } from "../src/worker";
import { FIXED_NOW, FIXED_NOW_MS, testSite } from "./helpers";
import { emptyReport } from "./html-helpers";

const db = (env as unknown as { INVENTORY_DB: D1Database }).INVENTORY_DB;
const SITE_ID = "inventory-test";

/** A recorder that never flushes by itself (the test flushes), unless told otherwise. */
function recorder(options: RecorderOptions = {}): IsolateRecorder {
  return createRecorder({ flushIntervalSeconds: 3_600, ...options });
}

function compiledSite(overrides: Record<string, unknown> = {}) {
  const compiled = compileConfig({
    sites: [testSite({ id: SITE_ID, inventory: { enabled: true }, ...overrides })],
  });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  return compiled.config;
}

function appWith(inventory: IsolateRecorder, overrides: Record<string, unknown> = {}) {
  return createProxy(compiledSite(overrides), { clock: () => FIXED_NOW_MS, inventory });
}

interface Visit {
  path?: string;
  sets?: string[];
  cookie?: string;
  headers?: Record<string, string>;
}

async function visit(app: ReturnType<typeof appWith>, { path = "/", sets, cookie, headers }: Visit = {}) {
  const request = new Request(`https://www.example.com${path}`, {
    headers: {
      ...(sets ? { "X-Fixture-Set-Cookie": JSON.stringify(sets) } : {}),
      ...(cookie ? { Cookie: cookie } : {}),
      ...headers,
    },
  });
  const ctx = createExecutionContext();
  const response = await app.fetch(request, env, ctx);
  await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return response;
}

function flushContext(database: D1Database = db, now = FIXED_NOW): InventoryContext {
  return { env: { INVENTORY_DB: database }, waitUntil: () => {}, now };
}

function countOf(
  entries: InventoryEntry[],
  name: string,
  source: string,
  action: string,
): number | undefined {
  return entries.find((entry) => entry.name === name && entry.source === source && entry.action === action)
    ?.count;
}

beforeEach(async () => {
  await purgeInventory(db, SITE_ID);
  await db.prepare("DELETE FROM inventory_flushes").run();
});

describe("names and paths", () => {
  it("accepts RFC 6265 tokens of up to 64 characters as cookie names, nothing else", () => {
    expect(["_ga", "ph_x_posthog", "__Host-ad", "a!#$%&'*+-.^_`|~"].every(isCookieName)).toBe(true);
    expect(["", "a b", "a;b", "a=b", "(other)", "é", "a".repeat(65), "a\u0000"].some(isCookieName)).toBe(
      false,
    );
    expect(isCookieName("a".repeat(64))).toBe(true);
  });

  it("accepts lowercase LDH hostnames of up to 253 characters, nothing else", () => {
    expect(
      ["www.google-analytics.com", "xn--bcher-kva.example", "a.b.c", "localhost"].every(isHostName),
    ).toBe(true);
    const bad = ["", "Google.com", "a..b", "-a.com", "a-.com", "a_b.com", "a.com.", "a.com:443", "(other)"];
    expect(bad.filter(isHostName)).toEqual([]);
    expect(isHostName(`${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`)).toBe(true);
    expect(isHostName(`${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(62)}`)).toBe(false);
    expect(isHostName(`${"a".repeat(64)}.com`)).toBe(false);
  });

  it("stores a path without its query string or fragment, control characters, or more than 200 characters", () => {
    expect(samplePath("/checkout?email=a@b.example#x")).toBe("/checkout");
    expect(samplePath("/a\u0000b\u001f\u007fc\u0085")).toBe("/abc");
    expect(samplePath("x")).toBe("/x");
    expect(samplePath(`/${"a".repeat(500)}`)).toHaveLength(200);
  });
});

describe("counting real traffic", () => {
  it("counts 200 concurrent requests exactly, each cookie under what enforce did with it", async () => {
    const inventory = recorder();
    const app = appWith(inventory);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        visit(app, {
          path: `/page-${i % 4}`,
          sets: ["_ga=GA1.1.1; Path=/", "_fbp=fb.1; Path=/", "mystery=1; Path=/"],
          cookie: "session=s; _fbp=f; mystery=m; lang=en",
        }),
      ),
    );
    expect(await readInventory(db, SITE_ID)).toEqual([]);
    const result = await inventory.flush(flushContext());
    expect(result).toMatchObject({ outcome: "written", retry: false });
    const entries = await readInventory(db, SITE_ID);
    expect(countOf(entries, "_ga", "set-cookie", "dropped")).toBe(200);
    expect(countOf(entries, "_fbp", "set-cookie", "dropped")).toBe(200);
    expect(countOf(entries, "mystery", "set-cookie", "dropped")).toBe(200);
    expect(countOf(entries, "session", "request-cookie", "passed")).toBe(200);
    expect(countOf(entries, "_fbp", "request-cookie", "expired")).toBe(200);
    expect(countOf(entries, "lang", "request-cookie", "expired")).toBe(200);
    expect(countOf(entries, "mystery", "request-cookie", "withheld")).toBe(200);
    expect(entries.find((entry) => entry.name === "_fbp" && entry.source === "set-cookie")).toMatchObject({
      rule: "_fbp",
      category: "marketing",
      firstSeen: FIXED_NOW,
      lastSeen: FIXED_NOW,
    });
    // Undeclared first.
    expect(entries.slice(0, 2).map((entry) => [entry.name, entry.rule])).toEqual([
      ["mystery", null],
      ["mystery", null],
    ]);
    expect(entries.length).toBe(7);
  });

  it("records the Set-Cookie lines that pass unchanged, and the consent cookie as necessary", async () => {
    const inventory = recorder();
    const app = appWith(inventory);
    await visit(app, {
      sets: ["session=abc; Path=/; Secure; HttpOnly; SameSite=Lax"],
      cookie: `ce_consent=1.2026-04-03.${FIXED_NOW}.analytics`,
    });
    await inventory.flush(flushContext());
    const entries = await readInventory(db, SITE_ID);
    expect(entries.find((entry) => entry.name === "ce_consent")).toMatchObject({
      source: "request-cookie",
      action: "passed",
      rule: "ce_consent",
      category: "necessary",
    });
    // Needs report.kept (/tmp/patches/inventory-enforce-cookies.patch, src/response/enforce-cookies.ts).
    expect(entries.find((entry) => entry.name === "session" && entry.source === "set-cookie")).toMatchObject({
      action: "kept",
      rule: "session",
      category: "necessary",
    });
  });

  it("writes nothing per request: D1 sees one batch per flush interval, however many requests", async () => {
    const inventory = createRecorder({ flushIntervalSeconds: 30 });
    let now = FIXED_NOW_MS;
    const app = createProxy(compiledSite(), { clock: () => now, inventory });
    const before = await db.prepare("SELECT count(*) AS n FROM inventory_flushes").first<{ n: number }>();
    for (let i = 0; i < 50; i++) {
      now = FIXED_NOW_MS + i * 1_000; // 50 requests over 49 seconds
      await visit(app, { sets: ["_ga=1; Path=/"] });
    }
    const after = await db.prepare("SELECT count(*) AS n FROM inventory_flushes").first<{ n: number }>();
    // The first observation starts the interval: one flush at 30 s; the rest wait for 60 s.
    expect((after?.n ?? 0) - (before?.n ?? 0)).toBe(1);
    expect(countOf(await readInventory(db, SITE_ID), "_ga", "set-cookie", "dropped")).toBe(31);
    expect(inventory.buffered).toBe(1);
  });

  it("keeps up to three sample paths, never a query string", async () => {
    const inventory = recorder();
    const app = appWith(inventory);
    for (const path of ["/a?email=me%40example.com", "/b?token=abc", "/a", "/c#frag", "/d"]) {
      await visit(app, { path, sets: ["_ga=1; Path=/"] });
    }
    await inventory.flush(flushContext());
    const [entry] = await readInventory(db, SITE_ID);
    expect(entry?.samplePaths).toEqual(["/a", "/b", "/c"]);
    expect(entry?.count).toBe(5);
  });

  it("counts a page's hosts once the HTML stage has read the page (report.htmlDone)", async () => {
    const inventory = recorder();
    const site = compiledSite().sites[0] as Site;
    const report = emptyReport(site);
    let done!: () => void;
    report.htmlDone = new Promise<void>((resolve) => {
      done = resolve;
    });
    const waits: Promise<unknown>[] = [];
    inventory.observeResponse(site, "/", report, { ...flushContext(), waitUntil: (p) => waits.push(p) });
    report.hosts.push(
      {
        host: "www.googletagmanager.com",
        rule: "host:googletagmanager.com",
        category: "analytics",
        neutralised: true,
      },
      { host: "cdn.example.net", rule: null, category: null, neutralised: false },
      { host: "Not A Host", rule: null, category: null, neutralised: false },
    );
    expect(inventory.buffered).toBe(0);
    done();
    await Promise.all(waits);
    expect(inventory.buffered).toBe(2);
    await inventory.flush(flushContext());
    const entries = await readInventory(db, SITE_ID);
    expect(entries.map((entry) => [entry.name, entry.source, entry.action, entry.category])).toEqual([
      ["cdn.example.net", "page", "allowed", null],
      ["www.googletagmanager.com", "page", "neutralised", "analytics"],
    ]);
  });
});

describe("flushes count once", () => {
  it("a flush that committed but whose answer was lost is retried with its id and not counted again", async () => {
    const inventory = recorder();
    const app = appWith(inventory);
    for (let i = 0; i < 7; i++) await visit(app, { sets: ["_ga=1; Path=/"] });
    // The batch commits, then the connection drops: the recorder sees a failure.
    const lostAnswer = {
      prepare: (sql: string) => db.prepare(sql),
      batch: async (statements: D1PreparedStatement[]) => {
        await db.batch(statements);
        throw new Error("network connection lost");
      },
    } as unknown as D1Database;
    const first = await inventory.flush(flushContext(lostAnswer));
    // The store asks D1 whether the id committed: it did, so this one is already written.
    expect(first).toMatchObject({ outcome: "already-written", entries: 1 });
    expect(inventory.retrying).toBe(false);
    expect(countOf(await readInventory(db, SITE_ID), "_ga", "set-cookie", "dropped")).toBe(7);
  });

  it("a retry of a committed flush whose id check failed too is refused by the id and dropped", async () => {
    let ids = 0;
    const inventory = recorder({ newFlushId: () => `flush-${++ids}` });
    const app = appWith(inventory);
    for (let i = 0; i < 3; i++) await visit(app, { sets: ["_ga=1; Path=/"] });
    let reads = 0;
    const blind = {
      prepare: (sql: string) => {
        if (sql.startsWith("SELECT")) reads++;
        return sql.startsWith("SELECT") ? db.prepare("SELECT * FROM no_such_table") : db.prepare(sql);
      },
      batch: async (statements: D1PreparedStatement[]) => {
        await db.batch(statements);
        throw new Error("network connection lost");
      },
    } as unknown as D1Database;
    expect(await inventory.flush(flushContext(blind))).toMatchObject({ outcome: "failed" });
    expect(reads).toBe(1);
    expect(inventory.retrying).toBe(true);
    // New traffic meanwhile waits in a new buffer; the retry goes first, alone, with the same id.
    await visit(app, { sets: ["_ga=1; Path=/"] });
    expect(await inventory.flush(flushContext())).toMatchObject({
      outcome: "already-written",
      id: "flush-1",
      retry: true,
    });
    expect(countOf(await readInventory(db, SITE_ID), "_ga", "set-cookie", "dropped")).toBe(3);
    // Then the new buffer, under a new id.
    expect(await inventory.flush(flushContext())).toMatchObject({ outcome: "written", id: "flush-2" });
    expect(countOf(await readInventory(db, SITE_ID), "_ga", "set-cookie", "dropped")).toBe(4);
  });

  it("a flush D1 refused writes nothing (not even its id) and its counts go with the next flush", async () => {
    const inventory = recorder();
    const app = appWith(inventory);
    for (let i = 0; i < 4; i++) await visit(app, { sets: ["_ga=1; Path=/"] });
    await db.prepare("ALTER TABLE inventory_entries RENAME TO inventory_entries_away").run();
    const logged: string[] = [];
    const previous = setLogSink((_, line) => logged.push(line));
    let failed;
    try {
      failed = await inventory.flush(flushContext());
    } finally {
      setLogSink(previous);
      await db.prepare("ALTER TABLE inventory_entries_away RENAME TO inventory_entries").run();
    }
    expect(failed).toMatchObject({ outcome: "failed", entries: 1 });
    const events = logged.map((line) => JSON.parse(line) as { event: string; reason: string });
    expect(events.map((event) => event.event)).toEqual(["inventory-flush-failed"]);
    expect(events[0]?.reason).toContain("no such table");
    const ids = await db.prepare("SELECT count(*) AS n FROM inventory_flushes").first<{ n: number }>();
    expect(ids?.n).toBe(0);
    for (let i = 0; i < 2; i++) await visit(app, { sets: ["_ga=1; Path=/"] });
    expect(await inventory.flush(flushContext())).toMatchObject({ outcome: "written", retry: true });
    expect(await inventory.flush(flushContext())).toMatchObject({ outcome: "written", retry: false });
    expect(countOf(await readInventory(db, SITE_ID), "_ga", "set-cookie", "dropped")).toBe(6);
  });

  it("an isolate that dies loses only its unflushed counts; a new one counts on from D1", async () => {
    const first = recorder();
    const app = appWith(first);
    for (let i = 0; i < 10; i++) await visit(app, { sets: ["_ga=1; Path=/"] });
    await first.flush(flushContext());
    for (let i = 0; i < 5; i++) await visit(app, { sets: ["_ga=1; Path=/"] });
    // The isolate is evicted here: its 5 unflushed counts are gone. A new isolate, a new recorder.
    const second = recorder();
    const again = appWith(second);
    for (let i = 0; i < 3; i++) await visit(again, { sets: ["_ga=1; Path=/"] });
    await second.flush(flushContext());
    expect(countOf(await readInventory(db, SITE_ID), "_ga", "set-cookie", "dropped")).toBe(13);
  });

  it("flushes by itself through waitUntil once the interval has passed", async () => {
    const inventory = createRecorder({ flushIntervalSeconds: 0 });
    const app = appWith(inventory);
    await visit(app, { sets: ["_ga=1; Path=/"] });
    await visit(app, { sets: ["_ga=1; Path=/"] });
    expect(countOf(await readInventory(db, SITE_ID), "_ga", "set-cookie", "dropped")).toBe(2);
    expect(inventory.buffered).toBe(0);
  });
});

describe("caps against hostile input", () => {
  const randomName = () => `n${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;

  it("10,000 random cookie names grow neither memory nor D1 past the caps; every sighting is counted", async () => {
    const inventory = createRecorder({ flushIntervalSeconds: 3_600 });
    const app = appWith(inventory);
    const maxBuffered: number[] = [];
    for (let request = 0; request < 20; request++) {
      const names = Array.from({ length: 500 }, randomName);
      await visit(app, { cookie: names.map((name) => `${name}=v`).join("; ") });
      maxBuffered.push(inventory.buffered);
    }
    await inventory.flush(flushContext());
    // Memory: at most MAX_BUFFERED keys plus the overflow key (a full buffer is flushed at once).
    expect(Math.max(...maxBuffered)).toBeLessThanOrEqual(MAX_BUFFERED + 1);
    const entries = await readInventory(db, SITE_ID);
    const named = entries.filter((entry) => entry.name !== OVERFLOW_NAME);
    expect(named.length).toBeLessThanOrEqual(MAX_ENTRIES_PER_SITE);
    expect(entries.length).toBeLessThanOrEqual(MAX_ENTRIES_PER_SITE + 10);
    const total = entries.reduce((sum, entry) => sum + entry.count, 0);
    expect(total).toBe(10_000);
    expect(countOf(entries, OVERFLOW_NAME, "request-cookie", "withheld")).toBe(10_000 - named.length);
    const rows = await db
      .prepare("SELECT count(*) AS n FROM inventory_entries WHERE site = ?")
      .bind(SITE_ID)
      .first<{ n: number }>();
    expect(rows?.n).toBe(entries.length);
  });

  it("names that are not cookie names are not recorded at all", () => {
    const inventory = recorder();
    const site = compiledSite().sites[0] as Site;
    inventory.observeBrowser(
      site,
      "/",
      [
        {
          kind: "cookie",
          name: "bad name",
          source: "request-cookie",
          action: "passed",
          rule: null,
          category: null,
        },
        {
          kind: "host",
          name: "EVIL.example",
          source: "browser",
          action: "contacted",
          rule: null,
          category: null,
        },
        {
          kind: "host",
          name: "ok.example",
          source: "browser",
          action: "contacted",
          rule: null,
          category: null,
        },
      ],
      flushContext(),
    );
    expect(inventory.buffered).toBe(1);
  });
});

describe("nothing personal is stored", () => {
  it("no cookie value, address, user agent or query string in any column of any inventory table", async () => {
    const inventory = recorder();
    const app = appWith(inventory);
    const markers = ["VALUEMARK", "203.0.113.77", "UAMARK", "QUERYMARK", "REFMARK"];
    await visit(app, {
      path: "/p?q=QUERYMARK",
      sets: ["_ga=VALUEMARK; Path=/", "mystery=VALUEMARK; Path=/", "session=VALUEMARK; Path=/; Secure"],
      cookie: "session=VALUEMARK; _fbp=VALUEMARK; other=VALUEMARK",
      headers: {
        "CF-Connecting-IP": "203.0.113.77",
        "User-Agent": "UAMARK/1.0",
        Referer: "https://r/REFMARK",
      },
    });
    await inventory.flush(flushContext());
    expect((await readInventory(db, SITE_ID)).length).toBeGreaterThan(3);
    for (const table of ["inventory_entries", "inventory_sites", "inventory_flushes"]) {
      const { results } = await db.prepare(`SELECT * FROM ${table}`).all();
      const text = JSON.stringify(results);
      for (const marker of markers) expect(text, `${table} holds ${marker}`).not.toContain(marker);
    }
  });
});

describe("the operator's inventory endpoint", () => {
  it("writes this isolate's counts before it reads, so what was just browsed is listed", async () => {
    await purgeInventory(db, SITE_ID);
    const inventory = recorder();
    const app = appWith(inventory);
    await visit(app, { sets: ["_ga=GA1.1.1", "ab_bucket=b"] });
    expect(inventory.buffered).toBeGreaterThan(0);
    const response = await visit(app, {
      path: "/.consent-edge/admin/inventory",
      headers: { "X-Consent-Debug": "test-debug-secret" },
    });
    expect(response.status).toBe(200);
    expect(inventory.buffered).toBe(0);
    const stored = await readInventory(db, SITE_ID);
    expect(countOf(stored, "_ga", "set-cookie", "dropped")).toBe(1);
    expect(countOf(stored, "ab_bucket", "set-cookie", "dropped")).toBe(1);
  });
});

describe("sampling responses (inventory.sample)", () => {
  it("observes a response with the site's probability, every one at 1", () => {
    const draws = [0.05, 0.5, 0.0999, 0.1];
    let next = 0;
    const random = () => draws[next++] ?? 1;
    expect(draws.map(() => observesResponse(0.1, random))).toEqual([true, false, true, false]);
    expect(observesResponse(1, () => 0.999_999)).toBe(true);
  });

  it("counts an observed response for the ones it stands for", async () => {
    expect([1, 0.5, 0.1, 0.003, 0.0001].map(responseWeight)).toEqual([1, 2, 10, 333, 10_000]);
    await purgeInventory(db, SITE_ID);
    const inventory = recorder();
    const app = createProxy(compiledSite({ inventory: { enabled: true, sample: 0.1 } }), {
      clock: () => FIXED_NOW_MS,
      inventory,
    });
    for (let i = 0; i < 200; i++) await visit(app, { sets: ["_ga=GA1.1.1"] });
    await inventory.flush(flushContext());
    const count = countOf(await readInventory(db, SITE_ID), "_ga", "set-cookie", "dropped") ?? 0;
    // About 20 of the 200 responses observed (binomial: fewer than 4 or more than 60 happens about once in a million runs),
    // each counting 10: an estimate of the 200, never the raw number of observations.
    expect(count % 10).toBe(0);
    expect(count).toBeGreaterThanOrEqual(40);
    expect(count).toBeLessThanOrEqual(600);
  });

  it("refuses a share below one response in 10,000, naming the path and the fix", () => {
    const compiled = compileConfig({ sites: [testSite({ inventory: { enabled: true, sample: 0 } })] });
    expect(compiled.ok).toBe(false);
    if (compiled.ok) return;
    expect(compiled.problems).toEqual([
      expect.objectContaining({
        path: "sites[0].inventory.sample",
        fix: expect.stringContaining('"enabled": false') as unknown,
      }),
    ]);
  });
});

describe("the flush interval", () => {
  it("is the worker's CONSENT_INVENTORY_FLUSH_SECONDS when it is whole seconds from 1 to 3,600", () => {
    expect(
      ["300", "1", "3600", "0", "3601", "30s", " 60", "", undefined].map((value) =>
        flushSecondsOf({ CONSENT_INVENTORY_FLUSH_SECONDS: value }),
      ),
    ).toEqual([300, 1, 3_600, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it("with the variable set, a recorder flushes by itself only once that much time has passed", async () => {
    await purgeInventory(db, SITE_ID);
    const inventory = createRecorder();
    const site = compiledSite().sites[0] as Site;
    const waited: Array<Promise<unknown>> = [];
    const context = (now: number): InventoryContext => ({
      env: { INVENTORY_DB: db, CONSENT_INVENTORY_FLUSH_SECONDS: "300" },
      waitUntil: (promise) => waited.push(promise),
      now,
    });
    const seen = {
      kind: "host",
      source: "browser",
      action: "contacted",
      rule: null,
      category: null,
    } as const;
    inventory.observeBrowser(site, "/", [{ ...seen, name: "a.example" }], context(FIXED_NOW));
    inventory.observeBrowser(site, "/", [{ ...seen, name: "b.example" }], context(FIXED_NOW + 60));
    expect(waited).toHaveLength(0);
    inventory.observeBrowser(site, "/", [{ ...seen, name: "c.example" }], context(FIXED_NOW + 300));
    expect(waited).toHaveLength(1);
    await Promise.all(waited);
    expect((await readInventory(db, SITE_ID)).map((entry) => entry.name).sort()).toEqual([
      "a.example",
      "b.example",
      "c.example",
    ]);
  });
});
