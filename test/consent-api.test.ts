/** The consent API and its receipts in D1 (miniflare's local D1: a real SQLite database). */
import { env } from "cloudflare:workers";
import { Cookie, CookieJar } from "tough-cookie";
import { describe, expect, it } from "vitest";
import { createProxy } from "../src/worker";
import { safeReturnPath } from "../src/banner/render-banner";
import { compileConfig } from "../src/config/compile";
import { parseConsentCookie } from "../src/consent/consent-cookie";
import type { ThrottleLimits } from "../src/endpoints/throttle";
import { type App, appFor, consent, FIXED_NOW, send, testSite } from "./helpers";

const app = appFor(testSite({ consent: { receipts: true } }));
const noReceipts = appFor(testSite());
const API = "https://www.example.com/.consent-edge/consent";
const db = (env as unknown as { CONSENT_DB: D1Database }).CONSENT_DB;

function form(fields: Array<[string, string]>, headers: Record<string, string> = {}) {
  return {
    method: "POST",
    body: new URLSearchParams(fields).toString(),
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "Sec-Fetch-Site": "same-origin",
      ...headers,
    },
  };
}

function jsonPost(body: unknown, headers: Record<string, string> = {}) {
  return {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", Origin: "https://www.example.com", ...headers },
  };
}

/** The real app with its own receipt-write budgets and a clock the test moves. */
function appForLimits(id: string, clock: { now: number }, throttle: ThrottleLimits): App {
  const compiled = compileConfig({ sites: [testSite({ id, consent: { receipts: true } })] });
  if (!compiled.ok) throw new Error(`test config invalid: ${JSON.stringify(compiled.problems)}`);
  return createProxy(compiled.config, { clock: () => clock.now, throttle });
}

function consentCookieOf(res: Response) {
  const line = res.headers.getSetCookie().find((l) => l.startsWith("ce_consent=")) ?? "";
  const value = line.slice("ce_consent=".length, line.indexOf(";"));
  const parsed = parseConsentCookie(value);
  if (!parsed.ok) throw new Error(`no consent cookie in ${line}`);
  return { line, choice: parsed.choice };
}

describe("setting consent", () => {
  it.each([
    ["accept-all", [], ["functional", "analytics", "marketing"]],
    ["reject-all", [], []],
    ["save", ["analytics"], ["analytics"]],
    ["save", [], []],
  ])(
    "a form post choosing %s %j works without JavaScript: cookie, receipt, 303 back",
    async (choice, categories, granted) => {
      const res = await send(
        app,
        API,
        form([
          ["choice", choice],
          ...categories.map((c): [string, string] => ["category", c]),
          ["return", "/pricing?x=1"],
        ]),
      );
      expect(res.status).toBe(303);
      expect(res.headers.get("Location")).toBe("/pricing?x=1");
      const { line, choice: stored } = consentCookieOf(res);
      expect(stored.granted).toEqual(granted);
      expect(stored.revision).toBe("2026-04-03");
      expect(line).toMatch(/; Path=\/; Max-Age=15552000; SameSite=Lax; Secure$/);
      expect(stored.receiptId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const row = await db
        .prepare("SELECT * FROM consent_receipts WHERE id = ?")
        .bind(stored.receiptId)
        .first();
      expect(row).toMatchObject({
        site: "test",
        policy_revision: "2026-04-03",
        action: granted.length ? "grant" : "withdraw",
        granted: ["necessary", ...granted].join(" "),
        method: "form",
        region: "unknown (opt-in)",
      });
    },
  );

  it("JSON works too, and the receipt can be looked up by its id", async () => {
    const res = await send(app, API, jsonPost({ granted: ["marketing", "analytics"] }));
    expect(res.status).toBe(200);
    const body = await res.json<{ granted: string[]; receiptId: string }>();
    expect(body.granted).toEqual(["necessary", "analytics", "marketing"]);
    const lookup = await send(app, `https://www.example.com/.consent-edge/receipts/${body.receiptId}`);
    const receipt = await lookup.json<Record<string, unknown>>();
    expect(receipt).toMatchObject({
      id: body.receiptId,
      site: "test",
      action: "grant",
      granted: ["necessary", "analytics", "marketing"],
      method: "json",
      previousId: null,
    });
    expect(typeof receipt.createdAt).toBe("number");
  });

  it("stores no IP address or other identifier: only the columns of the receipt", async () => {
    await send(
      app,
      API,
      jsonPost({ granted: ["analytics"] }, { "CF-Connecting-IP": "203.0.113.7", "User-Agent": "Secret/1.0" }),
    );
    const columns = await db.prepare("PRAGMA table_info(consent_receipts)").all<{ name: string }>();
    expect(columns.results.map((c) => c.name)).toEqual([
      "id",
      "site",
      "created_at",
      "policy_revision",
      "action",
      "granted",
      "method",
      "region",
      "previous_id",
      // migrations/0002_receipt_services.sql: services granted on their own, never an identifier.
      "services",
    ]);
    const dump = JSON.stringify((await db.prepare("SELECT * FROM consent_receipts").all()).results);
    expect(dump).not.toContain("203.0.113.7");
    expect(dump).not.toContain("Secret/1.0");
  });

  it("withdrawal is recorded, linked to the receipt it replaces", async () => {
    const first = await send(app, API, jsonPost({ granted: ["analytics"] }));
    const { receiptId } = await first.json<{ receiptId: string }>();
    const cookie = `ce_consent=1.2026-04-03.${FIXED_NOW}.analytics.${receiptId}`;
    const res = await send(
      app,
      "https://www.example.com/.consent-edge/withdraw",
      form([["return", "/"]], { Cookie: cookie }),
    );
    expect(res.status).toBe(303);
    const { choice } = consentCookieOf(res);
    expect(choice.granted).toEqual([]);
    const row = await db
      .prepare("SELECT action, previous_id FROM consent_receipts WHERE id = ?")
      .bind(choice.receiptId)
      .first();
    expect(row).toEqual({ action: "withdraw", previous_id: receiptId });
  });

  it("without receipts configured, sets the cookie and writes nothing", async () => {
    const before = await db.prepare("SELECT COUNT(*) AS n FROM consent_receipts").first<{ n: number }>();
    const res = await send(noReceipts, API, jsonPost({ choice: "accept-all" }));
    expect(await res.json()).toEqual({
      granted: ["necessary", "functional", "analytics", "marketing"],
      services: [],
      receiptId: null,
    });
    const after = await db.prepare("SELECT COUNT(*) AS n FROM consent_receipts").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });

  it("GET describes the visitor's consent", async () => {
    const res = await send(app, API, { headers: { Cookie: consent(["analytics"]) } });
    expect(await res.json()).toMatchObject({
      site: "test",
      granted: ["necessary", "analytics"],
      decided: true,
      source: "consent-cookie",
    });
  });
});

describe("refusing bad requests", () => {
  it.each([
    ["Sec-Fetch-Site: cross-site", { "Sec-Fetch-Site": "cross-site" }],
    ["Sec-Fetch-Site: same-site (a sibling subdomain)", { "Sec-Fetch-Site": "same-site" }],
    ["a foreign Origin", { "Sec-Fetch-Site": "", Origin: "https://evil.example" }],
  ])("%s: 403, no cookie, no receipt", async (_, headers) => {
    const init = form([["choice", "accept-all"]], headers);
    if (headers["Sec-Fetch-Site"] === "") delete (init.headers as Record<string, string>)["Sec-Fetch-Site"];
    const res = await send(app, API, init);
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it.each([
    ["an unknown category", jsonPost({ granted: ["analytics", "telepathy"] }), 400],
    ["a wrong type", jsonPost({ granted: "analytics" }), 400],
    ["an unknown choice", jsonPost({ choice: "accept-some" }), 400],
    ["broken JSON", { ...jsonPost({}), body: "{nope" }, 400],
    ["a JSON array", jsonPost(["analytics"]), 400],
    ["plain text", { method: "POST", body: "x", headers: { "Content-Type": "text/plain" } }, 415],
    ["a huge body", jsonPost({ granted: ["analytics"], pad: "x".repeat(10_000) }), 413],
  ])("%s: %i and no cookie", async (_, init, status) => {
    const res = await send(app, API, init);
    expect(res.status).toBe(status);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it.each(["//evil.example/", "https://evil.example/", "javascript:alert(1)", "/\\evil.example"])(
    "never redirects off-site (return=%s)",
    async (target) => {
      const res = await send(
        app,
        API,
        form([
          ["choice", "reject-all"],
          ["return", target],
        ]),
      );
      expect(res.headers.get("Location")).toBe("/");
    },
  );

  it("a grant is not applied when its receipt cannot be written; a refusal is", async () => {
    const broken = appFor(testSite({ consent: { receipts: true }, debugSecret: "CONSENT_DEBUG_SECRET" }));
    const grant = await broken.fetch(new Request(API, jsonPost({ granted: ["analytics"] })), {
      CONSENT_DEBUG_SECRET: "x",
    });
    expect(grant.status).toBe(503);
    expect(grant.headers.getSetCookie()).toEqual([]);
    const refuse = await broken.fetch(new Request(API, jsonPost({ choice: "reject-all" })), {
      CONSENT_DEBUG_SECRET: "x",
    });
    expect(refuse.status).toBe(200);
    expect(consentCookieOf(refuse).choice.granted).toEqual([]);
  });
});

describe("body limits: read as a stream, capped whatever the headers say", () => {
  const CAP = 8 * 1024;

  /** A body of `total` bytes that counts how much of it was ever pulled. */
  function countingBody(total: number, chunk: number, fill: string) {
    const state = { pulled: 0 };
    const bytes = new TextEncoder().encode(fill.repeat(Math.ceil(chunk / fill.length)).slice(0, chunk));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (state.pulled >= total) {
          controller.close();
          return;
        }
        state.pulled += bytes.byteLength;
        controller.enqueue(bytes);
      },
    });
    return { stream, state };
  }

  it.each([
    ["a form", "application/x-www-form-urlencoded", "choice=accept-all&pad="],
    ["JSON", "application/json", '{"granted":["analytics"],"pad":"'],
    [
      "multipart",
      "multipart/form-data; boundary=b",
      '--b\r\nContent-Disposition: form-data; name="choice"\r\n\r\n',
    ],
  ])(
    "a streamed 20 MB %s without Content-Length: 413, no cookie, no receipt, not read on",
    async (_, type) => {
      const before = await db.prepare("SELECT COUNT(*) AS n FROM consent_receipts").first<{ n: number }>();
      const { stream, state } = countingBody(20 * 1024 * 1024, 16 * 1024, "a");
      const res = await send(app, API, {
        method: "POST",
        body: stream,
        headers: { "Content-Type": type, "Sec-Fetch-Site": "same-origin" },
      });
      expect(res.status).toBe(413);
      expect(res.headers.getSetCookie()).toEqual([]);
      // The cap was 8 KiB: the stream was abandoned long before its 20 MB.
      expect(state.pulled).toBeLessThan(1024 * 1024);
      const after = await db.prepare("SELECT COUNT(*) AS n FROM consent_receipts").first<{ n: number }>();
      expect(after?.n).toBe(before?.n);
    },
  );

  it.each([
    ["exactly the cap", CAP, 303],
    ["one byte over", CAP + 1, 413],
  ])("a streamed form of %s: %i", async (_, size, status) => {
    const head = "choice=reject-all&pad=";
    const body = head + "x".repeat(size - head.length);
    const { stream } = countingBody(body.length, body.length, body);
    const res = await send(app, API, {
      method: "POST",
      body: stream,
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" },
    });
    expect(res.status).toBe(status);
  });

  it("a declared Content-Length over the cap is refused before reading", async () => {
    const res = await send(app, API, {
      ...jsonPost({ granted: ["analytics"] }),
      headers: { "Content-Type": "application/json", "Content-Length": "999999" },
    });
    expect(res.status).toBe(413);
  });

  it("a small multipart form is read like the urlencoded one", async () => {
    const body = new FormData();
    body.append("choice", "save");
    body.append("category", "analytics");
    body.append("return", "/after");
    const res = await send(app, API, { method: "POST", body, headers: { "Sec-Fetch-Site": "same-origin" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/after");
    expect(consentCookieOf(res).choice.granted).toEqual(["analytics"]);
  });

  it.each([
    [
      "a file as the choice",
      () => {
        const body = new FormData();
        body.append("choice", new File(["accept-all"], "c.txt"));
        return body;
      },
      400,
    ],
    [
      "a file as a category",
      () => {
        const body = new FormData();
        body.append("choice", "save");
        body.append("category", new File(["analytics"], "c.txt"));
        return body;
      },
      400,
    ],
  ])("%s: %i, no cookie", async (_, make, status) => {
    const res = await send(app, API, {
      method: "POST",
      body: make(),
      headers: { "Sec-Fetch-Site": "same-origin" },
    });
    expect(res.status).toBe(status);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("JSON that is not UTF-8 is unreadable: 400", async () => {
    const res = await send(app, API, {
      method: "POST",
      body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(400);
  });
});

describe("throttling receipt writes", () => {
  const limits = { perClient: 3, perSite: 5, windowSeconds: 60, maxKeys: 100 };
  const count = async (site: string) =>
    (
      await db
        .prepare("SELECT COUNT(*) AS n FROM consent_receipts WHERE site = ?")
        .bind(site)
        .first<{ n: number }>()
    )?.n ?? 0;

  it("a client gets its budget of grants; then 429 with Retry-After, no cookie and no row", async () => {
    const clock = { now: FIXED_NOW * 1000 };
    const compiled = appForLimits("throttle-client", clock, limits);
    const ip = { "CF-Connecting-IP": "198.51.100.10" };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await send(compiled, API, jsonPost({ granted: ["analytics"] }, ip));
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get("Retry-After")).toBe("60");
        expect(res.headers.getSetCookie()).toEqual([]);
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    expect(await count("throttle-client")).toBe(3);

    // A refusal is never blocked: applied, without a receipt.
    const refusal = await send(compiled, API, jsonPost({ choice: "reject-all" }, ip));
    expect(refusal.status).toBe(200);
    expect(consentCookieOf(refusal).choice.granted).toEqual([]);
    expect(await refusal.json()).toMatchObject({ receiptId: null });
    const withdraw = await send(compiled, "https://www.example.com/.consent-edge/withdraw", form([], ip));
    expect(withdraw.status).toBe(303);
    expect(consentCookieOf(withdraw).choice.granted).toEqual([]);
    expect(await count("throttle-client")).toBe(3);

    // Another client still has its own budget; the window's end restores this one's.
    const other = await send(
      compiled,
      API,
      jsonPost({ granted: ["analytics"] }, { "CF-Connecting-IP": "198.51.100.11" }),
    );
    expect(other.status).toBe(200);
    // Retry-After counts down to the end of the window, and then the budget is back.
    clock.now += 45_000;
    const waiting = await send(compiled, API, jsonPost({ granted: ["analytics"] }, ip));
    expect(waiting.status).toBe(429);
    expect(waiting.headers.get("Retry-After")).toBe("15");
    clock.now += 15_000;
    const later = await send(compiled, API, jsonPost({ granted: ["analytics"] }, ip));
    expect(later.status).toBe(200);
  });

  it("a site's budget holds however many clients share it", async () => {
    const clock = { now: FIXED_NOW * 1000 };
    const compiled = appForLimits("throttle-site", clock, limits);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await send(
        compiled,
        API,
        jsonPost({ granted: ["marketing"] }, { "CF-Connecting-IP": `203.0.113.${i}` }),
      );
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(await count("throttle-site")).toBe(5);
    // Without an address (never on Cloudflare) only the site budget applies, and it is spent.
    expect((await send(compiled, API, jsonPost({ granted: ["marketing"] }))).status).toBe(429);
  });

  it("the Workers Rate Limiting binding (wrangler.toml) throttles a client across apps", async () => {
    const clock = { now: FIXED_NOW * 1000 };
    const roomy = { perClient: 1_000, perSite: 1_000, windowSeconds: 60, maxKeys: 100 };
    const ip = { "CF-Connecting-IP": "192.0.2.77" };
    const statuses: number[] = [];
    // Two apps: two isolates' worth of in-memory budgets; the binding's counter is shared.
    const apps = [
      appForLimits("throttle-binding", clock, roomy),
      appForLimits("throttle-binding", clock, roomy),
    ];
    for (let i = 0; i < 24; i++) {
      const res = await send(apps[i % 2] as App, API, jsonPost({ granted: ["analytics"] }, ip));
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429]);
  });

  it("remembers a bounded number of clients: the oldest is forgotten first", async () => {
    const clock = { now: FIXED_NOW * 1000 };
    const tiny = { perClient: 1, perSite: 1_000, windowSeconds: 60, maxKeys: 2 };
    const compiled = appForLimits("throttle-bounded", clock, tiny);
    const grant = (ip: string) =>
      send(compiled, API, jsonPost({ granted: ["analytics"] }, { "CF-Connecting-IP": ip }));
    expect((await grant("10.0.0.1")).status).toBe(200);
    expect((await grant("10.0.0.1")).status).toBe(429);
    expect((await grant("10.0.0.2")).status).toBe(200);
    expect((await grant("10.0.0.3")).status).toBe(200); // 10.0.0.1's window is forgotten
    expect((await grant("10.0.0.1")).status).toBe(200);
  });

  it("stores nothing that identifies the client", async () => {
    const dump = JSON.stringify((await db.prepare("SELECT * FROM consent_receipts").all()).results);
    for (const ip of ["198.51.100.10", "203.0.113.1", "192.0.2.77"]) expect(dump).not.toContain(ip);
  });
});

describe("D1 failing", () => {
  /** The real database, whose every statement fails the way D1 does when it is unreachable. */
  function failingD1(): D1Database {
    return new Proxy(db, {
      get(target, property, receiver) {
        if (property === "prepare" || property === "batch" || property === "exec") {
          return () => {
            throw new Error("D1_ERROR: Network connection lost.");
          };
        }
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
  }
  const downEnv = () => ({ ...(env as unknown as Record<string, unknown>), CONSENT_DB: failingD1() });

  it("a receipt lookup is a 503 JSON answer with Retry-After, not an unhandled error", async () => {
    const res = await app.fetch(new Request("https://www.example.com/.consent-edge/receipts/abc"), downEnv());
    expect(res.status).toBe(503);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("Retry-After")).toBe("30");
    expect(await res.json()).toEqual({ error: "receipts are unavailable; try again later" });
  });

  it("a grant is 503 with no cookie; a refusal is applied", async () => {
    const grant = await app.fetch(new Request(API, jsonPost({ granted: ["analytics"] })), downEnv());
    expect(grant.status).toBe(503);
    expect(grant.headers.getSetCookie()).toEqual([]);
    const refusal = await app.fetch(new Request(API, jsonPost({ choice: "reject-all" })), downEnv());
    expect(refusal.status).toBe(200);
    expect(consentCookieOf(refusal).choice.granted).toEqual([]);
  });
});

describe("previous_id names only a receipt this site has", () => {
  const other = appFor(testSite({ id: "other-site", consent: { receipts: true } }));

  async function withdrawWith(receiptClaim: string) {
    const cookie = `ce_consent=1.2026-04-03.${FIXED_NOW}.analytics.${receiptClaim}`;
    const res = await send(
      app,
      "https://www.example.com/.consent-edge/withdraw",
      form([], { Cookie: cookie }),
    );
    const { choice } = consentCookieOf(res);
    return db.prepare("SELECT previous_id FROM consent_receipts WHERE id = ?").bind(choice.receiptId).first();
  }

  it("a made-up id: null", async () => {
    expect(await withdrawWith("madeUpReceiptId0000001")).toEqual({ previous_id: null });
  });

  it("another site's receipt: null", async () => {
    const res = await send(other, API, jsonPost({ granted: ["analytics"] }));
    const { receiptId } = await res.json<{ receiptId: string }>();
    expect(await withdrawWith(receiptId)).toEqual({ previous_id: null });
  });

  it("this site's receipt: kept", async () => {
    const res = await send(app, API, jsonPost({ granted: ["analytics"] }));
    const { receiptId } = await res.json<{ receiptId: string }>();
    expect(await withdrawWith(receiptId)).toEqual({ previous_id: receiptId });
  });

  it("two copies naming different receipts: none is chosen", async () => {
    const first = await (
      await send(app, API, jsonPost({ granted: ["analytics"] }))
    ).json<{ receiptId: string }>();
    const second = await (
      await send(app, API, jsonPost({ granted: ["analytics"] }))
    ).json<{ receiptId: string }>();
    const cookie = [first, second]
      .map((r) => `ce_consent=1.2026-04-03.${FIXED_NOW}.analytics.${r.receiptId}`)
      .join("; ");
    const res = await send(
      app,
      "https://www.example.com/.consent-edge/withdraw",
      form([], { Cookie: cookie }),
    );
    const row = await db
      .prepare("SELECT previous_id FROM consent_receipts WHERE id = ?")
      .bind(consentCookieOf(res).choice.receiptId)
      .first();
    expect(row).toEqual({ previous_id: null });
  });
});

describe("the return path resolves on the site's origin, as a browser resolves it", () => {
  /** Each would take a browser off the site if it were used as the Location. */
  const HOSTILE = [
    "//evil.example",
    "//evil.example/path",
    "///evil.example",
    "/\\evil.example",
    "/\\\\evil.example",
    "\\/evil.example",
    "/..//evil.example",
    "/../..//evil.example/x",
    "/.//evil.example",
    "/a/../..//evil.example",
    "/%2e%2e//evil.example",
    "/.%2e//evil.example",
    "/..\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\t\\evil.example",
    " //evil.example",
    "\t//evil.example",
    "https://evil.example/",
    "HTTPS://evil.example/",
    "javascript:alert(1)",
    "data:text/html,x",
    "//user@evil.example",
    "//www.example.com@evil.example",
    "",
    "shop",
    "./shop",
    "?x=1",
    `/${"a".repeat(2048)}`,
  ];

  it.each(HOSTILE)("%j becomes /", (input) => {
    expect(safeReturnPath(input)).toBe("/");
  });

  it.each([
    ["/", "/"],
    ["/shop?q=1&r=2", "/shop?q=1&r=2"],
    ["/a/./b/../c", "/a/c"],
    ["/a\\b", "/a/b"],
    ["/caf\u00e9", "/caf%C3%A9"],
    ["/x?q=a b", "/x?q=a%20b"],
    ['/x?"><script>', "/x?%22%3E%3Cscript%3E"],
    ["/x#top", "/x#top"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
  ])("%j becomes %j", (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
    // The result is a fixed point: it stays on the page's origin however often it is resolved.
    expect(safeReturnPath(expected)).toBe(expected);
    expect(new URL(expected, "https://www.example.com/.consent-edge/consent").origin).toBe(
      "https://www.example.com",
    );
  });

  it.each(HOSTILE)("the form's Location for %j stays on the site", async (target) => {
    const res = await send(
      app,
      API,
      form([
        ["choice", "reject-all"],
        ["return", target],
      ]),
    );
    expect(res.status).toBe(303);
    const location = res.headers.get("Location") ?? "";
    expect(new URL(location, API).origin).toBe("https://www.example.com");
    expect(location).toBe("/");
  });

  it("the settings page's form carries the normalised path", async () => {
    const res = await send(
      appFor(testSite({ banner: { enabled: true } })),
      "https://www.example.com/.consent-edge/settings?return=%2F..%2F%2Fevil.example%3Fa%3D%22",
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('name="return" value="/"');
    expect(html).not.toContain("evil.example");
  });
});

describe("a __Host- consent cookie", () => {
  const hostApp = appFor(
    testSite({ consentCookie: { name: "__Host-ce_consent" }, consent: { receipts: true } }),
  );

  it.each(["https://www.example.com", "http://www.example.com"])(
    "is set Secure, host-only, Path=/ on %s, and a real jar stores it",
    async (base) => {
      const res = await send(
        hostApp,
        `${base}/.consent-edge/consent`,
        jsonPost({ granted: ["analytics"] }, { Origin: base }),
      );
      expect(res.status).toBe(200);
      const [line] = res.headers.getSetCookie();
      expect(line).toMatch(
        /^__Host-ce_consent=1\.2026-04-03\.\d+\.analytics\.[A-Za-z0-9_-]+; Path=\/; Max-Age=\d+; SameSite=Lax; Secure$/,
      );
      const jar = new CookieJar();
      await jar.setCookie(line ?? "", "https://www.example.com/");
      expect((await jar.getCookies("https://www.example.com/")).map((c) => c.key)).toEqual([
        "__Host-ce_consent",
      ]);
    },
  );

  it("a sibling subdomain cannot plant a copy: the jar refuses Domain= on a __Host- name", async () => {
    const jar = new CookieJar();
    const planted = `__Host-ce_consent=1.2026-04-03.${FIXED_NOW}.analytics~marketing; Domain=example.com; Path=/; Secure`;
    await jar.setCookie(planted, "https://evil.example.com/", { ignoreError: true });
    expect(await jar.getCookies("https://www.example.com/")).toEqual([]);
    expect(Cookie.parse(planted)?.domain).toBe("example.com");
  });

  it("is read back as the consent source", async () => {
    const res = await send(hostApp, API, {
      headers: { Cookie: consent(["marketing"], { name: "__Host-ce_consent" }) },
    });
    expect(await res.json()).toMatchObject({ granted: ["necessary", "marketing"], decided: true });
  });
});
