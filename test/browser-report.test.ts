/**
 * The page runtime's report endpoint (`POST /.consent-edge/report`, src/endpoints/browser-report.ts)
 * through the real worker, its counts flushed to miniflare's real D1: what a report adds (browser
 * host entries, nothing else), and every hostile report refused with a 4xx while other clients'
 * reports and every page keep working.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { compileConfig } from "../src/config/compile";
import { MAX_HOSTS, MAX_REPORT_BYTES, REPORT_THROTTLE } from "../src/endpoints/browser-report";
import { createRecorder, type IsolateRecorder } from "../src/inventory/recorder";
import { readInventory } from "../src/inventory/store";
import { setLogSink } from "../src/log";
import { createProxy } from "../src/worker";
import { FIXED_NOW, FIXED_NOW_MS, testSite } from "./helpers";

const db = (env as unknown as { INVENTORY_DB: D1Database }).INVENTORY_DB;
const URL_ = "https://www.example.com/.consent-edge/report";

let sites = 0;

/** A fresh site id per test: the report throttle is the isolate's, keyed by site. */
function setup(inventory: Record<string, unknown> = { enabled: true }) {
  const id = `report-${++sites}-${crypto.randomUUID().slice(0, 8)}`;
  const compiled = compileConfig({ sites: [testSite({ id, inventory })] });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  const recorder = createRecorder({ flushIntervalSeconds: 3_600 });
  const app = createProxy(compiled.config, { clock: () => FIXED_NOW_MS, inventory: recorder });
  return { id, app, recorder };
}

type App = ReturnType<typeof setup>["app"];

async function fetchApp(app: App, request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(request, env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

interface ReportOptions {
  body?: BodyInit;
  client?: string;
  type?: string;
  headers?: Record<string, string>;
  method?: string;
}

function report(app: App, options: ReportOptions = {}): Promise<Response> {
  const {
    body = JSON.stringify(VALID),
    client = "198.51.100.1",
    type = "text/plain;charset=UTF-8",
  } = options;
  return fetchApp(
    app,
    new Request(URL_, {
      method: options.method ?? "POST",
      headers: {
        "Content-Type": type,
        "CF-Connecting-IP": client,
        "Sec-Fetch-Site": "same-origin",
        ...options.headers,
      },
      ...(options.method === "GET" ? {} : { body }),
    }),
  );
}

const VALID = {
  v: 1,
  page: "/checkout?email=someone%40example.com",
  contacted: ["cdn.jsdelivr.net", "static.example.com"],
  refused: ["www.google-analytics.com", "connect.facebook.net"],
};

async function flushed(id: string, recorder: IsolateRecorder) {
  await recorder.flush({ env: { INVENTORY_DB: db }, waitUntil: () => {}, now: FIXED_NOW });
  return readInventory(db, id);
}

/** A body sent as a stream: no Content-Length, chunked on the wire. */
function streamed(text: string, chunk = 512): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += chunk) controller.enqueue(bytes.slice(i, i + chunk));
      controller.close();
    },
  });
}

describe("a valid report", () => {
  it("is counted as browser host entries with the rule each matches, the page's own domain left out", async () => {
    const { id, app, recorder } = setup();
    const response = await report(app);
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie()).toEqual([]);
    const entries = await flushed(id, recorder);
    expect(
      entries.map((entry) => [entry.kind, entry.name, entry.source, entry.action, entry.category]).sort(),
    ).toEqual([
      ["host", "cdn.jsdelivr.net", "browser", "contacted", null],
      ["host", "connect.facebook.net", "browser", "refused", "marketing"],
      ["host", "www.google-analytics.com", "browser", "refused", "analytics"],
    ]);
    expect(entries.every((entry) => entry.samplePaths.join() === "/checkout")).toBe(true);
  });

  it("is taken as application/json too, and with its body streamed (chunked, no Content-Length)", async () => {
    const { app } = setup();
    expect((await report(app, { type: "application/json" })).status).toBe(204);
    expect(
      (await report(app, { body: streamed(JSON.stringify(VALID), 7), client: "198.51.100.2" })).status,
    ).toBe(204);
  });
});

describe("hostile reports", () => {
  it("too large: refused with 413 by Content-Length, and by the bytes read when there is none", async () => {
    const { id, app, recorder } = setup();
    const big = JSON.stringify({
      ...VALID,
      contacted: Array.from({ length: 10_000 }, (_, i) => `h${i}.example`),
    });
    expect(big.length).toBeGreaterThan(MAX_REPORT_BYTES);
    expect((await report(app, { body: big, client: "198.51.100.10" })).status).toBe(413);
    expect((await report(app, { body: streamed(big), client: "198.51.100.11" })).status).toBe(413);
    // A stream that never ends is abandoned past the cap, not read to its end.
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1_024).fill(32));
      },
    });
    expect((await report(app, { body: endless, client: "198.51.100.12" })).status).toBe(413);
    expect(pulled).toBeLessThan(10);
    expect(await flushed(id, recorder)).toEqual([]);
  });

  it("malformed or mistyped: refused with 400, nothing counted", async () => {
    const { id, app, recorder } = setup();
    const bodies = [
      "{",
      "null",
      "[]",
      '"a"',
      "\u00ff\u00fe",
      JSON.stringify({ ...VALID, v: 2 }),
      JSON.stringify({ ...VALID, v: "1" }),
      JSON.stringify({ ...VALID, page: 42 }),
      JSON.stringify({ ...VALID, page: "https://evil.example/" }),
      JSON.stringify({ ...VALID, contacted: "cdn.example.net" }),
      JSON.stringify({ ...VALID, contacted: [1, 2] }),
      JSON.stringify({ ...VALID, refused: [{ host: "a.example" }] }),
      JSON.stringify({ ...VALID, contacted: Array.from({ length: MAX_HOSTS + 1 }, (_, i) => `h${i}.ex`) }),
    ];
    let client = 0;
    for (const body of bodies) {
      const response = await report(app, { body, client: `198.51.100.${++client}` });
      expect(response.status, body).toBe(400);
    }
    // Invalid bytes (not UTF-8).
    const raw = new Uint8Array([0x7b, 0xff, 0x7d]);
    expect((await report(app, { body: raw, client: "198.51.100.99" })).status).toBe(400);
    expect(await flushed(id, recorder)).toEqual([]);
  });

  it("hostnames that are not lowercase LDH names: refused with 400", async () => {
    const { app } = setup();
    const hosts = [
      "EVIL.example",
      "a b.example",
      "evil.example:443",
      "https://evil.example",
      "evil..example",
      "-evil.example",
      "évil.example",
      "",
      `${"a".repeat(64)}.example`,
      "cookie=value",
      "<script>",
    ];
    let client = 0;
    for (const host of hosts) {
      const body = JSON.stringify({ ...VALID, refused: [host] });
      expect((await report(app, { body, client: `198.51.100.${++client}` })).status, host).toBe(400);
    }
  });

  it("cross-site: refused with 403 (Fetch Metadata, or an Origin of another site)", async () => {
    const { app } = setup();
    expect((await report(app, { headers: { "Sec-Fetch-Site": "cross-site" } })).status).toBe(403);
    expect(
      (await report(app, { headers: { "Sec-Fetch-Site": "same-site" }, client: "198.51.100.2" })).status,
    ).toBe(403);
    const origin = new Request(URL_, {
      method: "POST",
      headers: { "Content-Type": "text/plain", Origin: "https://evil.example" },
      body: JSON.stringify(VALID),
    });
    expect((await fetchApp(app, origin)).status).toBe(403);
  });

  it("another method or content type: 405 or 415", async () => {
    const { app } = setup();
    const get = await report(app, { method: "GET" });
    expect(get.status).toBe(405);
    expect(get.headers.get("Allow")).toBe("POST");
    expect((await report(app, { type: "application/x-www-form-urlencoded" })).status).toBe(415);
    expect((await report(app, { type: "text/html" })).status).toBe(415);
  });

  it("a flood is throttled (429) per client and per site while other clients' reports and every page still work", async () => {
    const { id, app, recorder } = setup();
    const statuses: number[] = [];
    for (let i = 0; i < REPORT_THROTTLE.perClient + 5; i++) statuses.push((await report(app)).status);
    expect(statuses.filter((status) => status === 204)).toHaveLength(REPORT_THROTTLE.perClient);
    expect(statuses.slice(REPORT_THROTTLE.perClient).every((status) => status === 429)).toBe(true);
    const throttled = await report(app);
    expect(Number(throttled.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await report(app, { client: "192.0.2.7" })).status).toBe(204);
    // The page still works, and still enforces.
    const page = await fetchApp(
      app,
      new Request("https://www.example.com/", {
        headers: {
          "X-Fixture-Set-Cookie": JSON.stringify(["_ga=1; Path=/", "session=s; Path=/; Secure; HttpOnly"]),
        },
      }),
    );
    expect(page.status).toBe(200);
    expect(page.headers.getSetCookie().map((line) => line.split("=")[0])).toEqual(["session"]);
    // Counted: the reports that got 204, not the throttled ones.
    const entries = await flushed(id, recorder);
    expect(entries.find((entry) => entry.name === "cdn.jsdelivr.net")?.count).toBe(
      REPORT_THROTTLE.perClient + 1,
    );
  });

  it("the site's budget holds however many clients flood it", async () => {
    const { app } = setup();
    let accepted = 0;
    for (let i = 0; i < REPORT_THROTTLE.perSite + 20; i++) {
      const status = (await report(app, { client: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }))
        .status;
      if (status === 204) accepted++;
      else expect(status).toBe(429);
    }
    expect(accepted).toBe(REPORT_THROTTLE.perSite);
  });

  it("refusals are logged as report-refused at most once a minute per site", async () => {
    const { id, app } = setup();
    const lines: string[] = [];
    const previous = setLogSink((_, line) => lines.push(line));
    try {
      for (let i = 0; i < 100; i++) await report(app, { body: "{", client: `203.0.113.${i}` });
    } finally {
      setLogSink(previous);
    }
    const events = lines.map((line) => JSON.parse(line) as { event: string; site: string; status: number });
    expect(events).toEqual([expect.objectContaining({ event: "report-refused", site: id, status: 400 })]);
  });

  it("a site whose inventory is off answers 404 to every report", async () => {
    const { app } = setup({ enabled: false });
    expect((await report(app)).status).toBe(404);
    expect((await report(app, { method: "GET" })).status).toBe(404);
  });
});

describe("what a report cannot do", () => {
  it("change consent, enforcement or cookies: the page after a report is the page before it", async () => {
    const { id, app, recorder } = setup();
    const page = () =>
      fetchApp(
        app,
        new Request("https://www.example.com/", {
          headers: {
            Cookie: "_ga=GA1.1; session=s",
            "X-Fixture-Set-Cookie": JSON.stringify(["_ga=GA1.2; Path=/", "_fbp=fb; Path=/"]),
            "X-Consent-Debug": "test-debug-secret",
          },
        }),
      );
    const before = await page();
    const hostile = {
      ...VALID,
      granted: ["analytics", "marketing"],
      choice: "accept-all",
      cookies: ["_ga"],
      contacted: ["www.google-analytics.com"],
    };
    const response = await report(app, { body: JSON.stringify(hostile) });
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie()).toEqual([]);
    const after = await page();
    for (const name of ["X-Consent-Granted", "X-Consent-Cookies-Dropped", "X-Consent-Cookies-Withheld"]) {
      expect(after.headers.get(name), name).toBe(before.headers.get(name));
    }
    expect(after.headers.getSetCookie()).toEqual(before.headers.getSetCookie());
    expect(after.headers.get("X-Consent-Granted")).toBe("necessary");
    // What the report added: browser host entries only.
    const entries = (await flushed(id, recorder)).filter((entry) => entry.source === "browser");
    expect(entries.every((entry) => entry.kind === "host")).toBe(true);
    expect(entries.map((entry) => `${entry.action} ${entry.name}`).sort()).toEqual([
      "contacted www.google-analytics.com",
      "refused connect.facebook.net",
      "refused www.google-analytics.com",
    ]);
  });
});
