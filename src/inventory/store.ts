/**
 * The inventory in D1 (the INVENTORY_DB binding, migrations/inventory/): the only module that
 * writes or reads it. The recorder (./recorder.ts) hands it a whole buffer at a time; the admin
 * endpoint and the CLI read a site's entries back.
 *
 * A flush is ONE `db.batch()`, which D1 runs as a single transaction (Cloudflare, D1 "Query D1":
 * "Batched statements are SQL transactions. If a statement in the sequence fails, then an error is
 * returned for that specific statement, and it aborts or rolls back the entire sequence."). Its
 * first statement inserts the flush's random id into `inventory_flushes`, whose primary key makes
 * a second commit of the same id impossible: a retry of a flush that did commit (its answer was
 * lost) fails as a whole and is reported as `already-written`, so no count is ever added twice.
 *
 * Caps: a site holds at most MAX_ENTRIES_PER_SITE named rows, half for what the origin says
 * (Set-Cookie, page hosts) and half for what visitors say (Cookie headers, browser reports): a
 * visitor can make up any number of names, and with one budget three requests of junk would push
 * every cookie the origin really sets into the overflow row for good. A new key past its side's
 * budget is counted in the site's overflow row for its kind, source and action (name
 * OVERFLOW_NAME), so totals stay right while the table cannot grow with hostile names. The overflow rows are at most one per valid
 * (kind, source, action): 10 per site. Each entry is two statements: RESERVE takes a slot in
 * `inventory_sites.entries` of its side when the key is new (or marks it full, cap + 1), then UPSERT adds
 * the counts under the key's name if it exists or got its slot, else under OVERFLOW_NAME. The cap
 * thus reads one row, never counts the site's rows, and needs no trigger. Both run inside the one
 * transaction, so concurrent flushes of many isolates cannot overshoot it (D1 runs one at a time).
 */
import { type InventoryEntry, MAX_SAMPLE_PATHS, OVERFLOW_NAME, sideOf } from "./types";

export { OVERFLOW_NAME };

/** Rows of named entries one site may hold, half per side; beyond, new names count as OVERFLOW_NAME. */
export const MAX_ENTRIES_PER_SITE = 1_000;

/** Flush ids are kept a day: a retry is minutes late at most (the recorder drops older ones). */
export const FLUSH_ID_RETENTION_SECONDS = 24 * 60 * 60;

export type FlushOutcome = "written" | "already-written";

export interface FlushOptions {
  /** Unix seconds: when the flush is made (its id's `flushed_at`). */
  now: number;
  /** Also delete flush ids older than FLUSH_ID_RETENTION_SECONDS, in the same transaction. */
  purgeFlushIds?: boolean;
  /** Per-site row cap, half of it per side (tests use small ones). */
  maxEntriesPerSite?: number;
}

const KEY = "site = ?1 AND kind = ?2 AND name = ?3 AND source = ?4 AND action = ?5";

/** A new key's slot: one more named row for the site, or, past the cap, the site marked full. */
const RESERVE = `INSERT INTO inventory_sites (site, side, entries)
SELECT ?1, ?7, 1 WHERE NOT EXISTS (SELECT 1 FROM inventory_entries WHERE ${KEY})
ON CONFLICT (site, side) DO UPDATE SET entries = CASE WHEN entries < ?6 THEN entries + 1 ELSE ?6 + 1 END`;

const UPSERT = `INSERT INTO inventory_entries
  (site, kind, name, source, action, rule, category, count, first_seen, last_seen, sample_paths)
SELECT ?1, ?2, CASE WHEN fits THEN ?3 ELSE '${OVERFLOW_NAME}' END, ?4, ?5,
  CASE WHEN fits THEN ?6 END, CASE WHEN fits THEN ?7 END, ?8, ?9, ?10, ?11
FROM (SELECT
  EXISTS (SELECT 1 FROM inventory_entries WHERE ${KEY})
  OR coalesce((SELECT entries FROM inventory_sites WHERE site = ?1 AND side = ?14), 0) <= ?12 AS fits)
WHERE true
ON CONFLICT (site, kind, name, source, action) DO UPDATE SET
  count = count + excluded.count,
  first_seen = min(first_seen, excluded.first_seen),
  last_seen = max(last_seen, excluded.last_seen),
  rule = excluded.rule,
  category = excluded.category,
  sample_paths = CASE WHEN json_array_length(sample_paths) >= ?13 THEN sample_paths ELSE (
    SELECT json_group_array(value) FROM (
      SELECT value FROM (
        SELECT value, 0 AS side, key FROM json_each(sample_paths)
        UNION ALL SELECT value, 1, key FROM json_each(excluded.sample_paths))
      GROUP BY value ORDER BY min(side * 1000 + key) LIMIT ?13)) END`;

/**
 * Adds `entries` (aggregated counts, one per key) to the site rows, exactly once per `flushId`.
 * Throws when D1 fails (nothing was written: the caller keeps the buffer and retries with the same
 * id); `already-written` when that id had committed before.
 */
export async function flush(
  db: D1Database,
  entries: readonly InventoryEntry[],
  flushId: string,
  options: FlushOptions,
): Promise<FlushOutcome> {
  // Each side's budget: half the site's.
  const cap = Math.max(1, Math.floor((options.maxEntriesPerSite ?? MAX_ENTRIES_PER_SITE) / 2));
  const statements = [
    db.prepare("INSERT INTO inventory_flushes (id, flushed_at) VALUES (?, ?)").bind(flushId, options.now),
  ];
  if (options.purgeFlushIds) {
    statements.push(
      db
        .prepare("DELETE FROM inventory_flushes WHERE flushed_at < ?")
        .bind(options.now - FLUSH_ID_RETENTION_SECONDS),
    );
  }
  for (const entry of entries) {
    if (entry.name !== OVERFLOW_NAME) {
      statements.push(
        db
          .prepare(RESERVE)
          .bind(entry.site, entry.kind, entry.name, entry.source, entry.action, cap, sideOf(entry.source)),
      );
    }
    statements.push(
      db
        .prepare(UPSERT)
        .bind(
          entry.site,
          entry.kind,
          entry.name,
          entry.source,
          entry.action,
          entry.rule,
          entry.category,
          entry.count,
          entry.firstSeen,
          entry.lastSeen,
          JSON.stringify(entry.samplePaths.slice(0, MAX_SAMPLE_PATHS)),
          cap,
          MAX_SAMPLE_PATHS,
          sideOf(entry.source),
        ),
    );
  }
  try {
    await db.batch(statements);
    return "written";
  } catch (error) {
    // Either this id committed before (a retry whose first answer was lost: the primary key
    // refused it) or D1 failed and nothing of this batch was written. Ask which.
    const committed = await db
      .prepare("SELECT 1 AS found FROM inventory_flushes WHERE id = ?")
      .bind(flushId)
      .first<{ found: number }>()
      .catch(() => null);
    if (committed) return "already-written";
    throw error;
  }
}

interface EntryRow {
  site: string;
  kind: InventoryEntry["kind"];
  name: string;
  source: InventoryEntry["source"];
  action: InventoryEntry["action"];
  rule: string | null;
  category: string | null;
  count: number;
  first_seen: number;
  last_seen: number;
  sample_paths: string;
}

/** A site's entries: undeclared ones (no rule) first, then the most seen; at most the caps' rows. */
export async function readInventory(db: D1Database, siteId: string): Promise<InventoryEntry[]> {
  const { results } = await db
    .prepare(
      `SELECT * FROM inventory_entries WHERE site = ?
       ORDER BY rule IS NOT NULL, count DESC, kind, name, source, action`,
    )
    .bind(siteId)
    .all<EntryRow>();
  return results.map(fromRow);
}

/** Forgets a site's inventory (its rows and its row count); returns the rows deleted. */
export async function purgeInventory(db: D1Database, siteId: string): Promise<number> {
  const [deleted] = await db.batch([
    db.prepare("DELETE FROM inventory_entries WHERE site = ?").bind(siteId),
    db.prepare("DELETE FROM inventory_sites WHERE site = ?").bind(siteId),
  ]);
  return deleted?.meta.changes ?? 0;
}

function fromRow(row: EntryRow): InventoryEntry {
  return {
    site: row.site,
    kind: row.kind,
    name: row.name,
    source: row.source,
    action: row.action,
    rule: row.rule,
    category: row.category,
    count: row.count,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    samplePaths: parsePaths(row.sample_paths),
  };
}

function parsePaths(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((path): path is string => typeof path === "string") : [];
  } catch {
    return [];
  }
}
