/**
 * The inventory's D1 store (src/inventory/store.ts) against miniflare's real D1: upserts add up,
 * a flush id commits once, the per-site cap sends new names to the overflow row, and a site's
 * entries read back undeclared first.
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { flush, OVERFLOW_NAME, purgeInventory, readInventory } from "../src/inventory/store";
import type { InventoryEntry } from "../src/inventory/types";

const db = (env as unknown as { INVENTORY_DB: D1Database }).INVENTORY_DB;

function entry(overrides: Partial<InventoryEntry> = {}): InventoryEntry {
  return {
    site: "store-test",
    kind: "cookie",
    name: "_ga",
    source: "set-cookie",
    action: "dropped",
    rule: "_ga",
    category: "analytics",
    count: 1,
    firstSeen: 1_000,
    lastSeen: 1_000,
    samplePaths: ["/"],
    ...overrides,
  };
}

beforeEach(async () => {
  await purgeInventory(db, "store-test");
  await db.prepare("DELETE FROM inventory_flushes").run();
});

describe("flush", () => {
  it("adds counts, widens first and last seen, merges sample paths up to the limit", async () => {
    await flush(db, [entry({ count: 2, samplePaths: ["/a"] })], "f1", { now: 1_000 });
    await flush(db, [entry({ count: 3, firstSeen: 900, lastSeen: 1_200, samplePaths: ["/b", "/a"] })], "f2", {
      now: 1_200,
    });
    await flush(db, [entry({ samplePaths: ["/c", "/d"] })], "f3", { now: 1_300 });
    const [row] = await readInventory(db, "store-test");
    expect(row).toMatchObject({ count: 6, firstSeen: 900, lastSeen: 1_200, samplePaths: ["/a", "/b", "/c"] });
  });

  it("commits one flush id once: the same id again is already-written and adds nothing", async () => {
    expect(await flush(db, [entry({ count: 5 })], "same", { now: 1_000 })).toBe("written");
    expect(await flush(db, [entry({ count: 5 })], "same", { now: 1_001 })).toBe("already-written");
    expect((await readInventory(db, "store-test"))[0]?.count).toBe(5);
  });

  it("counts new names past the per-site cap (half of it per side) in the overflow row", async () => {
    const names = ["a", "b", "c", "d", "e"].map((name) => entry({ name, rule: null, category: null }));
    // 6 rows for the site: 3 for what the origin says (this entry's Set-Cookie), 3 for visitors.
    await flush(db, names, "cap", { now: 1_000, maxEntriesPerSite: 6 });
    await flush(db, [entry({ name: "a", rule: null, category: null })], "cap2", {
      now: 1_000,
      maxEntriesPerSite: 6,
    });
    const rows = await readInventory(db, "store-test");
    expect(rows.map((row) => [row.name, row.count])).toEqual([
      [OVERFLOW_NAME, 2],
      ["a", 2],
      ["b", 1],
      ["c", 1],
    ]);
  });

  it("keeps what the origin says when visitors have filled their half", async () => {
    const junk = ["j1", "j2", "j3", "j4"].map((name) =>
      entry({ name, source: "request-cookie", action: "withheld", rule: null, category: null }),
    );
    await flush(db, junk, "junk", { now: 1_000, maxEntriesPerSite: 6 });
    await flush(db, [entry({ name: "_hjSessionUser_1", rule: null, category: null })], "real", {
      now: 1_001,
      maxEntriesPerSite: 6,
    });
    const rows = await readInventory(db, "store-test");
    expect(
      rows
        .filter((row) => row.source === "request-cookie")
        .map((row) => row.name)
        .sort(),
    ).toEqual([OVERFLOW_NAME, "j1", "j2", "j3"]);
    expect(rows.find((row) => row.source === "set-cookie")?.name).toBe("_hjSessionUser_1");
  });

  it("reads undeclared entries first, then by count", async () => {
    await flush(
      db,
      [entry({ name: "_ga", count: 50 }), entry({ name: "mystery", rule: null, category: null, count: 2 })],
      "order",
      { now: 1_000 },
    );
    expect((await readInventory(db, "store-test")).map((row) => row.name)).toEqual(["mystery", "_ga"]);
  });

  it("purges flush ids older than a day when asked", async () => {
    await flush(db, [], "old", { now: 1_000 });
    await flush(db, [], "new", { now: 1_000 + 86_400 + 1, purgeFlushIds: true });
    const { results } = await db.prepare("SELECT id FROM inventory_flushes").all<{ id: string }>();
    expect(results.map((row) => row.id)).toEqual(["new"]);
  });
});
