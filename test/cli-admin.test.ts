/**
 * The operator endpoints (src/endpoints/admin.ts) in the real app with miniflare's D1, and
 * `consent-edge receipts` through main() against them: 404 without the secret, receipts by id and
 * by date range a page at a time, the purge's retention floor and its JSON-only door, 503 (never
 * 500) when a binding is missing.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main";
import { COMPLAINT_PERIOD_SECONDS } from "../src/endpoints/admin";
import { type Receipt, writeReceipt } from "../src/endpoints/receipts";
import { setLogSink } from "../src/log";
import { appFor, DEBUG_SECRET, FIXED_NOW, send, testSite } from "./helpers";

/** The URL a fetch was asked for. */
function hrefOf(input: RequestInfo | URL): string {
  return typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
}

const db = (env as unknown as { CONSENT_DB: D1Database }).CONSENT_DB;
const DAY = 86_400;
const MAX_AGE = 180 * DAY;

function receipt(site: string, id: string, createdAt: number): Receipt {
  return {
    id,
    site,
    createdAt,
    policyRevision: "2026-04-03",
    action: "grant",
    granted: ["necessary", "analytics"],
    method: "json",
    region: "DE (opt-in)",
    previousId: null,
  };
}

/** A site of its own per test, so that receipts written by one never show in another. */
function siteApp(id: string, overrides: Record<string, unknown> = {}) {
  return appFor(testSite({ id, hosts: [`${id}.example.com`], consent: { receipts: true }, ...overrides }));
}

function ioFor(app: ReturnType<typeof appFor>) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    io: {
      readFile: (path: string): string => {
        throw new Error(`ENOENT: ${path}`);
      },
      stdout: (line: string) => stdout.push(line),
      stderr: (line: string) => stderr.push(line),
      fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
        send(app, hrefOf(input), init)) as typeof fetch,
      env: { CONSENT_EDGE_DEBUG_SECRET: DEBUG_SECRET },
    },
  };
}

describe("the admin endpoints' gate", () => {
  it.each(["inventory", "receipts", "receipts/abc", "receipts/purge"])(
    "admin/%s is a bare 404 without the secret, and with a wrong one",
    async (path) => {
      const app = siteApp("gate");
      for (const headers of [{}, { "X-Consent-Debug": "wrong" }]) {
        const res = await send(app, `https://gate.example.com/.consent-edge/admin/${path}`, { headers });
        expect(res.status).toBe(404);
        expect(await res.text()).toBe("Not Found\n");
      }
    },
  );
});

describe("receipts through the admin endpoints", () => {
  it("exports a date range a page at a time, oldest first, only the site's own", async () => {
    const app = siteApp("range");
    const base = Date.UTC(2026, 9, 1) / 1000;
    for (let i = 0; i < 5; i++) await writeReceipt(db, receipt("range", `r${i}`, base + i * DAY));
    await writeReceipt(db, receipt("other", "o1", base + DAY));
    const page = async (query: string) => {
      const res = await send(app, `https://range.example.com/.consent-edge/admin/receipts?${query}`, {
        debug: true,
      });
      return { status: res.status, body: await res.json<{ receipts: Receipt[]; next: string | null }>() };
    };
    const first = await page("from=2026-10-02&to=2026-10-05&limit=2");
    expect(first.status).toBe(200);
    expect(first.body.receipts.map((r) => r.id)).toEqual(["r1", "r2"]);
    expect(first.body.next).toBe(`${base + 2 * DAY}.r2`);
    const second = await page(`from=2026-10-02&to=2026-10-05&limit=2&after=${first.body.next ?? ""}`);
    expect(second.body.receipts.map((r) => r.id)).toEqual(["r3"]);
    expect(second.body.next).toBeNull();
    expect((await page("from=yesterday")).status).toBe(400);
    expect((await page("after=junk")).status).toBe(400);

    // The CLI follows the pages: JSON lines, one receipt each.
    const { io, stdout, stderr } = ioFor(app);
    expect(
      await main(
        [
          "receipts",
          "export",
          "https://range.example.com/",
          "--from",
          "2026-10-01",
          "--to",
          "2026-10-04",
          "--json",
        ],
        io,
      ),
    ).toBe(0);
    expect(stdout.map((line) => (JSON.parse(line) as Receipt).id)).toEqual(["r0", "r1", "r2"]);
    expect(stderr).toEqual(["✓ 3 receipts from 2026-10-01 00:00 UTC to 2026-10-04 00:00 UTC"]);
  });

  it("gets one receipt by id, and not another site's", async () => {
    const app = siteApp("byid");
    await writeReceipt(db, receipt("byid", "mine1", FIXED_NOW - DAY));
    await writeReceipt(db, receipt("notmine", "theirs1", FIXED_NOW - DAY));
    const { io, stdout } = ioFor(app);
    expect(await main(["receipts", "get", "mine1", "https://byid.example.com/"], io)).toBe(0);
    expect(stdout.join("\n")).toMatch(/^id +mine1$/m);
    expect(stdout.join("\n")).toMatch(/^granted +necessary analytics$/m);
    const other = ioFor(app);
    expect(await main(["receipts", "get", "theirs1", "https://byid.example.com/"], other.io)).toBe(1);
    expect(other.stderr).toEqual([
      "✗ https://byid.example.com/.consent-edge/admin/receipts/theirs1 answered 404: no such receipt",
    ]);
  });

  it("purges only what is older than the retention, by default the consent lifetime plus three years", async () => {
    const app = siteApp("purge");
    const retention = MAX_AGE + COMPLAINT_PERIOD_SECONDS;
    await writeReceipt(db, receipt("purge", "old1", FIXED_NOW - retention - DAY));
    await writeReceipt(db, receipt("purge", "old2", FIXED_NOW - retention - 2 * DAY));
    await writeReceipt(db, receipt("purge", "kept1", FIXED_NOW - retention + DAY));
    await writeReceipt(db, receipt("purge-other", "otherold", FIXED_NOW - retention - DAY));
    const { io, stdout } = ioFor(app);
    expect(await main(["receipts", "purge", "https://purge.example.com/", "--json"], io)).toBe(0);
    expect(JSON.parse(stdout.join(""))).toEqual({
      site: "purge",
      olderThan: retention,
      before: FIXED_NOW - retention,
      deleted: 2,
      more: false,
    });
    const left = await db
      .prepare("SELECT id FROM consent_receipts WHERE site LIKE 'purge%' ORDER BY id")
      .all<{ id: string }>();
    expect(left.results.map((row) => row.id)).toEqual(["kept1", "otherold"]);
  });

  it("refuses a purge shorter than the consent lifetime: it would destroy proof of consents in force", async () => {
    const app = siteApp("floor");
    await writeReceipt(db, receipt("floor", "recent1", FIXED_NOW - 10 * DAY));
    const { io, stderr } = ioFor(app);
    expect(await main(["receipts", "purge", "https://floor.example.com/", "--older-than", "30d"], io)).toBe(
      1,
    );
    expect(stderr[0]).toBe(
      `✗ https://floor.example.com/.consent-edge/admin/receipts/purge answered 400: olderThan ${30 * DAY} s is shorter than this site's consent lifetime (consent.maxAge, ${MAX_AGE} s): it would delete the proof of consents still in force`,
    );
    expect(
      await db.prepare("SELECT count(*) AS n FROM consent_receipts WHERE site = 'floor'").first("n"),
    ).toBe(1);
  });

  it.each([
    ["a form post", "application/x-www-form-urlencoded", "olderThan=0"],
    ["text/plain (a no-preflight fetch)", "text/plain", '{"olderThan": 99999999}'],
    ["no Content-Type", "", ""],
  ])("refuses a purge sent as %s: 415", async (_, type, body) => {
    const app = siteApp("door");
    const res = await send(app, "https://door.example.com/.consent-edge/admin/receipts/purge", {
      method: "POST",
      debug: true,
      body,
      headers: type ? { "Content-Type": type } : {},
    });
    expect(res.status).toBe(415);
  });

  it("a missing binding is a 503 with a log event, never a 500", async () => {
    const app = siteApp("nodb");
    const lines: string[] = [];
    const previous = setLogSink((_, line) => lines.push(line));
    try {
      const noDb = { ...env, CONSENT_DB: undefined, INVENTORY_DB: undefined };
      for (const path of ["receipts", "receipts/abc", "inventory"]) {
        const ctx = createExecutionContext();
        const res = await app.fetch(
          new Request(`https://nodb.example.com/.consent-edge/admin/${path}`, {
            headers: { "X-Consent-Debug": DEBUG_SECRET },
          }),
          noDb,
          ctx,
        );
        await waitOnExecutionContext(ctx);
        expect(res.status).toBe(503);
        expect(res.headers.get("Retry-After")).toBe("30");
      }
    } finally {
      setLogSink(previous);
    }
    expect(lines.map((line) => JSON.parse(line) as { event: string; reason: string })).toEqual([
      expect.objectContaining({
        event: "receipt-failed",
        reason: "admin range: Error: no D1 binding CONSENT_DB",
      }),
      expect.objectContaining({
        event: "receipt-failed",
        reason: "admin lookup: Error: no D1 binding CONSENT_DB",
      }),
      expect.objectContaining({
        event: "inventory-read-failed",
        reason: "Error: no D1 binding INVENTORY_DB",
      }),
    ]);
  });
});
