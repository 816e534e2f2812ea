/**
 * The D1 migrations (migrations/*.sql) applied to a Miniflare database, as `wrangler d1 migrations
 * apply` would: for `npm start` (scripts/demo.ts) and the HTTP and browser tests (test/e2e).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Miniflare } from "miniflare";

/** Every statement of every migration, in file order: what `wrangler d1 migrations apply` runs. */
export function migrationStatements(dir = "migrations"): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .flatMap((file) =>
      readFileSync(join(dir, file), "utf8")
        .replace(/--.*$/gm, "")
        .split(";")
        .map((statement) => statement.trim())
        .filter((statement) => statement !== ""),
    );
}

/** Each D1 database consent-edge binds, and the migrations wrangler.toml gives it (`migrations_dir`). */
export const DATABASES = [
  { binding: "CONSENT_DB", dir: "migrations" },
  { binding: "INVENTORY_DB", dir: "migrations/inventory" },
] as const;

/**
 * Migrates the D1 databases `worker` (the first worker when not named) binds: CONSENT_DB, and
 * INVENTORY_DB when it is bound.
 */
export async function applyMigrations(mf: Miniflare, worker?: string): Promise<void> {
  for (const { binding, dir } of DATABASES) {
    let db: Awaited<ReturnType<Miniflare["getD1Database"]>>;
    try {
      db = await mf.getD1Database(binding, worker);
    } catch {
      if (binding === "CONSENT_DB") throw new Error(`${worker ?? "the worker"} has no ${binding} binding`);
      continue;
    }
    const statements = migrationStatements(dir);
    if (statements.length > 0) await db.batch(statements.map((statement) => db.prepare(statement)));
  }
}
