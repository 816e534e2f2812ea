/**
 * Config without a deploy (src/config/remote-config.ts through createWorker's `remoteConfig`): the
 * worker reads the config uploaded to miniflare's real local Workers KV (CONFIG_KV, key "config"),
 * swaps it in after a refresh, keeps the last good config when an upload is bad or KV fails, and
 * falls back to the bundled one. The refresh clock is the test's; waitOnExecutionContext waits for
 * the refresh a request started in its waitUntil. Where KV has to misbehave (hang, throw), the
 * binding is the real one behind a gate: fault injection of the binding, nothing of the runtime.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CompiledConfig } from "../src/config/compile";
import {
  CONFIG_KEY,
  type ConfigStore,
  createConfigSource,
  MAX_CONFIG_BYTES,
  REFRESH_SECONDS,
  type RemoteConfigOptions,
} from "../src/config/remote-config";
import type { SiteInput } from "../src/config/types";
import { setLogSink } from "../src/log";
import { CONFIG_HEADER, type ConsentEdgeWorker, createWorker } from "../src/worker";
import { DEBUG_SECRET, FIXED_NOW_MS, setCookieNames, testSite } from "./helpers";

const kv = (env as unknown as { CONFIG_KV: KVNamespace }).CONFIG_KV;
const PAGE = "https://www.example.com/";

/** The bundled config keeps `promo` (a necessary cookie); the uploaded one calls it marketing. */
function config(promo: "necessary" | "marketing", overrides: Partial<SiteInput> = {}) {
  const site = testSite(overrides);
  return { sites: [{ ...site, cookies: [...(site.cookies ?? []), { name: "promo", category: promo }] }] };
}
const BUNDLED = config("necessary");
const UPLOADED = JSON.stringify(config("marketing"), null, 2);

interface Clock {
  now: number;
}

function worker(clock: Clock, remote: RemoteConfigOptions = {}): ConsentEdgeWorker {
  return createWorker(BUNDLED, {
    clock: () => FIXED_NOW_MS,
    remoteConfig: { now: () => clock.now, ...remote },
  });
}

interface Sent {
  response: Response;
  /** Settles when the request's waitUntil work (a refresh it started) has. */
  settled: Promise<void>;
}

/** A page through the worker, with the debug secret; the origin sets `promo`. */
async function start(app: ConsentEdgeWorker, bindings: object = env): Promise<Sent> {
  const ctx = createExecutionContext();
  const request = new Request(PAGE, {
    headers: { "X-Consent-Debug": DEBUG_SECRET, "X-Fixture-Set-Cookie": JSON.stringify(["promo=1; Path=/"]) },
  });
  const response = await app.fetch(request, bindings, ctx);
  return { response, settled: waitOnExecutionContext(ctx) };
}

async function page(app: ConsentEdgeWorker, bindings: object = env): Promise<Response> {
  const { response, settled } = await start(app, bindings);
  await settled;
  await response.arrayBuffer();
  return response;
}

/** Which config answered, and whether it kept the `promo` cookie. */
async function answer(app: ConsentEdgeWorker, bindings: object = env) {
  const response = await page(app, bindings);
  return { config: response.headers.get(CONFIG_HEADER), promo: setCookieNames(response).includes("promo") };
}

async function revisionOf(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const hex = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `kv ${hex.slice(0, 8)}`;
}

let events: Array<Record<string, unknown>> = [];
beforeEach(async () => {
  events = [];
  setLogSink((_level, line) => {
    events.push(JSON.parse(line) as Record<string, unknown>);
  });
  await kv.delete(CONFIG_KEY);
});
afterEach(() => {
  setLogSink(undefined);
});

const named = (name: string) => events.filter(({ event }) => event === name);
/** Failures and fallbacks: what the log must not say when all went well (an accepted config is info). */
const problems = () => events.filter(({ level }) => level !== "info");

/** A gate: `open()` lets everything waiting on `passed` through. */
function gate() {
  let open = () => {};
  const passed = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { passed, open };
}

describe("the bundled config is the fallback", () => {
  it("without a CONFIG_KV binding, whatever KV holds", async () => {
    await kv.put(CONFIG_KEY, UPLOADED);
    const app = worker({ now: FIXED_NOW_MS });
    const unbound = { ...env, CONFIG_KV: undefined };
    expect(await answer(app, unbound)).toEqual({ config: "bundled", promo: true });
    expect(await answer(app, unbound)).toEqual({ config: "bundled", promo: true });
  });

  it("with the binding but no key", async () => {
    const app = worker({ now: FIXED_NOW_MS });
    expect(await answer(app)).toEqual({ config: "bundled", promo: true });
    expect(problems()).toEqual([]);
  });

  it("createWorker without remoteConfig never reads KV and answers as before", async () => {
    await kv.put(CONFIG_KEY, UPLOADED);
    const app = createWorker(BUNDLED, { clock: () => FIXED_NOW_MS });
    const response = await page(app);
    expect(setCookieNames(response)).toContain("promo");
    expect(response.headers.get(CONFIG_HEADER)).toBeNull();
  });
});

describe("an uploaded config", () => {
  it("is in force from the isolate's first request, and the swap changes enforcement", async () => {
    await kv.put(CONFIG_KEY, UPLOADED);
    const app = worker({ now: FIXED_NOW_MS });
    const first = await page(app);
    expect(first.headers.get(CONFIG_HEADER)).toBe(await revisionOf(UPLOADED));
    // The uploaded rule calls promo marketing: dropped without consent, where the bundled kept it.
    expect(setCookieNames(first)).not.toContain("promo");
    expect(first.headers.get("X-Consent-Cookies-Dropped")).toBe("promo (marketing: promo)");
  });

  it("a change is read after REFRESH_SECONDS, by a request that is itself served the old one", async () => {
    const clock = { now: FIXED_NOW_MS };
    const app = worker(clock);
    expect(await answer(app)).toEqual({ config: "bundled", promo: true });

    await kv.put(CONFIG_KEY, UPLOADED);
    clock.now += (REFRESH_SECONDS - 1) * 1_000;
    expect(await answer(app), "not due yet").toEqual({ config: "bundled", promo: true });
    clock.now += 1_000;
    expect(await answer(app), "due: this one starts the refresh").toEqual({ config: "bundled", promo: true });
    expect(await answer(app)).toEqual({ config: await revisionOf(UPLOADED), promo: false });
    expect(problems()).toEqual([]);
    // The log says once which config came into force, and what it replaced.
    expect(named("config-accepted")).toEqual([
      expect.objectContaining({
        level: "info",
        count: 1,
        reason: `${await revisionOf(UPLOADED)} in force in this isolate, replacing bundled`,
      }),
    ]);
    await answer(app);
    expect(named("config-accepted")).toHaveLength(1);
  });

  it("the worker's CONSENT_CONFIG_REFRESH_SECONDS sets the interval; a value that is not whole seconds is ignored", async () => {
    for (const [value, seconds] of [
      ["5", 5],
      ["0", REFRESH_SECONDS],
      ["1.5", REFRESH_SECONDS],
      ["999999", REFRESH_SECONDS],
    ] as const) {
      await kv.delete(CONFIG_KEY);
      const clock = { now: FIXED_NOW_MS };
      const app = createWorker(BUNDLED, {
        clock: () => FIXED_NOW_MS,
        remoteConfig: { now: () => clock.now },
      });
      const bindings = { ...env, CONSENT_CONFIG_REFRESH_SECONDS: value };
      expect(await answer(app, bindings)).toEqual({ config: "bundled", promo: true });
      await kv.put(CONFIG_KEY, UPLOADED);
      clock.now += (seconds - 1) * 1_000;
      await answer(app, bindings);
      expect((await answer(app, bindings)).config, `${value}: not due yet`).toBe("bundled");
      clock.now += 1_000;
      await answer(app, bindings);
      expect((await answer(app, bindings)).config, `${value}: due`).toBe(await revisionOf(UPLOADED));
    }
  });

  it("deleting the key reverts to the bundled config", async () => {
    const clock = { now: FIXED_NOW_MS };
    await kv.put(CONFIG_KEY, UPLOADED);
    const app = worker(clock, { refreshSeconds: 0 });
    expect(await answer(app)).toEqual({ config: await revisionOf(UPLOADED), promo: false });
    await kv.delete(CONFIG_KEY);
    await answer(app);
    expect(await answer(app)).toEqual({ config: "bundled", promo: true });
    expect(named("config-reverted")).toEqual([
      expect.objectContaining({
        level: "info",
        reason: expect.stringContaining("the bundled config") as unknown,
      }),
    ]);
  });

  it("requests in flight during a swap finish under the config they started with", async () => {
    const held = gate();
    const fixture = (env as unknown as { FIXTURE_ORIGIN: Fetcher }).FIXTURE_ORIGIN;
    // The fixture origin behind a gate, as a service binding of its own: the held request's origin.
    const bindings = {
      ...env,
      HELD_ORIGIN: {
        fetch: async (request: Request) => {
          if (new URL(request.url).pathname === "/held") await held.passed;
          return fixture.fetch(request);
        },
      },
    };
    const heldConfig = (promo: "necessary" | "marketing") => config(promo, { origin: "service:HELD_ORIGIN" });
    const clock = { now: FIXED_NOW_MS };
    const app = createWorker(heldConfig("necessary"), {
      clock: () => FIXED_NOW_MS,
      remoteConfig: { now: () => clock.now },
    });
    expect(await answer(app, bindings)).toEqual({ config: "bundled", promo: true });

    const ctx = createExecutionContext();
    const inFlight = app.fetch(
      new Request(`${PAGE}held`, {
        headers: { "X-Consent-Debug": DEBUG_SECRET, "X-Fixture-Set-Cookie": JSON.stringify(["promo=1"]) },
      }),
      bindings,
      ctx,
    );
    const uploaded = JSON.stringify(heldConfig("marketing"));
    await kv.put(CONFIG_KEY, uploaded);
    clock.now += REFRESH_SECONDS * 1_000;
    await answer(app, bindings);
    expect(await answer(app, bindings)).toEqual({ config: await revisionOf(uploaded), promo: false });

    held.open();
    const finished = await inFlight;
    await waitOnExecutionContext(ctx);
    expect(finished.headers.get(CONFIG_HEADER)).toBe("bundled");
    expect(setCookieNames(finished)).toContain("promo");
  });

  it("the consent API's isolate throttle outlives a swap", async () => {
    const receipts = (promo: "necessary" | "marketing") => config(promo, { consent: { receipts: true } });
    const clock = { now: FIXED_NOW_MS };
    const app = createWorker(receipts("necessary"), {
      clock: () => FIXED_NOW_MS,
      remoteConfig: { now: () => clock.now },
    });
    // Without the Rate Limiting binding (it counts across apps anyway): the isolate's own budgets.
    const bindings = { ...env, CONSENT_RATE_LIMIT: undefined };
    const grant = async () => {
      const ctx = createExecutionContext();
      const response = await app.fetch(
        new Request(`${PAGE}.consent-edge/consent`, {
          method: "POST",
          body: JSON.stringify({ granted: ["analytics"] }),
          headers: {
            "Content-Type": "application/json",
            Origin: "https://www.example.com",
            "CF-Connecting-IP": "198.51.100.201",
          },
        }),
        bindings,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      await response.arrayBuffer();
      return response.status;
    };
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push(await grant());
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(statuses.at(-1)).toBe(429);

    const uploaded = JSON.stringify(receipts("marketing"));
    await kv.put(CONFIG_KEY, uploaded);
    clock.now += REFRESH_SECONDS * 1_000;
    await answer(app, bindings);
    expect((await answer(app, bindings)).config).toBe(await revisionOf(uploaded));
    expect(await grant(), "the same client, the same minute, a new config").toBe(429);
  });
});

describe("a bad upload never replaces the config in force", () => {
  const bad: Array<[string, string, RegExp]> = [
    [
      "invalid JSON",
      '{ "sites": [ { "id": "x", } ] }',
      /^kv [0-9a-f]{8} rejected.*CONFIG_KV:config:1:\d+: not valid JSON/,
    ],
    [
      "a schema problem",
      JSON.stringify(
        config("marketing", { cookies: [{ name: "_ga", category: "analytics", maxAge: "forever" }] }),
      ),
      /sites\[0\]\.cookies\[0\]\.maxAge/,
    ],
    [
      "a site without an origin",
      JSON.stringify({ sites: [{ ...testSite(), origin: undefined }] }),
      /sites\[0\]\.origin: site "test" has no origin/,
    ],
    [
      "a service binding the worker does not have",
      JSON.stringify(config("marketing", { origin: "service:NOT_BOUND" })),
      /sites\[0\]\.origin: site "test" is served by service binding NOT_BOUND, which this worker does not have/,
    ],
    ["too big", UPLOADED.replace("{", `{${" ".repeat(MAX_CONFIG_BYTES)}`), /larger than 8388608 bytes/],
  ];

  it.each(bad)(
    "%s: the last good upload stays, and one config-rejected event for it",
    async (_, text, reason) => {
      const clock = { now: FIXED_NOW_MS };
      await kv.put(CONFIG_KEY, UPLOADED);
      const app = worker(clock, { refreshSeconds: 0 });
      const good = await revisionOf(UPLOADED);
      expect(await answer(app)).toEqual({ config: good, promo: false });

      await kv.put(CONFIG_KEY, text);
      for (let i = 0; i < 4; i++) expect(await answer(app)).toEqual({ config: good, promo: false });
      const rejected = named("config-rejected");
      expect(rejected).toHaveLength(1);
      expect(rejected[0]?.["reason"]).toMatch(reason);
      expect(rejected[0]?.["reason"]).toContain(`${good} stays in force`);
    },
  );

  it("over the bundled config too: the bundled one stays", async () => {
    await kv.put(CONFIG_KEY, JSON.stringify({ sites: [{ id: "x" }] }));
    const app = worker({ now: FIXED_NOW_MS }, { refreshSeconds: 0 });
    expect(await answer(app)).toEqual({ config: "bundled", promo: true });
    expect(await answer(app)).toEqual({ config: "bundled", promo: true });
    expect(named("config-rejected")).toHaveLength(1);
    expect(named("config-rejected")[0]?.["reason"]).toContain("bundled stays in force");
  });

  it("one event per distinct bad document, however they alternate", async () => {
    const app = worker({ now: FIXED_NOW_MS }, { refreshSeconds: 0 });
    const first = '{ "sites": ';
    const second = "[]";
    for (const text of [first, second, first, second, first]) {
      await kv.put(CONFIG_KEY, text);
      await answer(app);
      await answer(app);
    }
    expect(named("config-rejected").map(({ reason }) => String(reason).slice(0, 11))).toEqual([
      await revisionOf(first),
      await revisionOf(second),
    ]);
    // A good one after the bad ones is taken.
    await kv.put(CONFIG_KEY, UPLOADED);
    await answer(app);
    expect(await answer(app)).toEqual({ config: await revisionOf(UPLOADED), promo: false });
  });
});

describe("KV failing keeps the config in force", () => {
  it("a read KV refuses (miniflare's own error: a cacheTtl under its 30 s minimum) is config-unavailable", async () => {
    await kv.put(CONFIG_KEY, UPLOADED);
    const app = worker({ now: FIXED_NOW_MS }, { cacheTtlSeconds: 1 });
    expect(await answer(app)).toEqual({ config: "bundled", promo: true });
    const [unavailable] = named("config-unavailable");
    expect(unavailable?.["reason"]).toMatch(/cache_ttl.*at least 30.*bundled config stays in force/i);
  });

  it("a KV binding that throws after a good upload: the upload stays", async () => {
    await kv.put(CONFIG_KEY, UPLOADED);
    let failing = false;
    const store: ConfigStore = {
      get: (key, options) =>
        failing ? Promise.reject(new Error("KV GET failed: 503")) : kv.get(key, options),
    };
    const app = worker({ now: FIXED_NOW_MS }, { refreshSeconds: 0 });
    const bindings = { ...env, CONFIG_KV: store };
    const good = await revisionOf(UPLOADED);
    expect(await answer(app, bindings)).toEqual({ config: good, promo: false });
    failing = true;
    expect(await answer(app, bindings)).toEqual({ config: good, promo: false });
    expect(await answer(app, bindings)).toEqual({ config: good, promo: false });
    expect(named("config-unavailable").map(({ reason }) => reason)).toEqual([
      `Error: KV GET failed: 503; the ${good} config stays in force`,
      `Error: KV GET failed: 503; the ${good} config stays in force`,
    ]);
  });

  it("a first read slower than its bound: the bundled config answers, the upload follows when KV does", async () => {
    await kv.put(CONFIG_KEY, UPLOADED);
    const slow = gate();
    const store: ConfigStore = {
      get: async (key, options) => {
        await slow.passed;
        return kv.get(key, options);
      },
    };
    const bindings = { ...env, CONFIG_KV: store };
    const app = worker({ now: FIXED_NOW_MS }, { firstReadTimeoutMs: 50 });
    const started = Date.now();
    const first = await start(app, bindings);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(first.response.headers.get(CONFIG_HEADER)).toBe("bundled");
    expect(setCookieNames(first.response)).toContain("promo");
    // Concurrent first requests wait no longer than the first one's bound.
    expect(await answer(app, bindings)).toEqual({ config: "bundled", promo: true });

    slow.open();
    await first.settled;
    expect(await answer(app, bindings)).toEqual({ config: await revisionOf(UPLOADED), promo: false });
    expect(problems()).toEqual([]);
  });
});

describe("the config source", () => {
  /** The real KV, counting reads. */
  function counted() {
    const store = {
      reads: 0,
      get: (key: string, options: { type: "stream"; cacheTtl?: number }) => {
        store.reads++;
        return kv.get(key, options);
      },
    };
    return store;
  }

  it("reads KV at most once per refresh interval, and compiles an unchanged document once", async () => {
    const clock = { now: FIXED_NOW_MS };
    const store = counted();
    const built: CompiledConfig[] = [];
    const source = createConfigSource<string>({
      bundled: "bundled app",
      build: (compiled) => {
        built.push(compiled);
        return `app ${built.length}`;
      },
      check: () => [],
      options: { now: () => clock.now },
    });
    await kv.put(CONFIG_KEY, UPLOADED);
    const pending: Array<Promise<unknown>> = [];
    const waitUntil = (work: Promise<unknown>) => pending.push(work);
    const current = async () => {
      const inForce = await source.current({ CONFIG_KV: store }, waitUntil);
      await Promise.all(pending);
      return inForce;
    };

    expect(await current()).toEqual({ value: "app 1", revision: await revisionOf(UPLOADED) });
    for (let i = 0; i < 50; i++) await current();
    expect(store.reads).toBe(1);
    for (let i = 1; i <= 3; i++) {
      clock.now += REFRESH_SECONDS * 1_000;
      await current();
      await current();
    }
    expect(store.reads).toBe(4);
    expect(built).toHaveLength(1);

    // The same text written again is the same document; a changed one is built once.
    await kv.put(CONFIG_KEY, UPLOADED);
    clock.now += REFRESH_SECONDS * 1_000;
    await current();
    expect(built).toHaveLength(1);
    const changed = JSON.stringify(config("marketing", { id: "changed" }));
    await kv.put(CONFIG_KEY, changed);
    clock.now += REFRESH_SECONDS * 1_000;
    await current();
    expect(await current()).toEqual({ value: "app 2", revision: await revisionOf(changed) });
    expect(built.map(({ sites }) => sites[0]?.id)).toEqual(["test", "changed"]);
  });
});
