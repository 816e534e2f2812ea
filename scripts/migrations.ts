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

/** Migrates the CONSENT_DB of `worker` (the first worker when not named). */
export async function applyMigrations(mf: Miniflare, worker?: string): Promise<void> {
  const db = await mf.getD1Database("CONSENT_DB", worker);
  const statements = migrationStatements();
  if (statements.length > 0) await db.batch(statements.map((statement) => db.prepare(statement)));
}
