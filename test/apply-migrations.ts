// Apply the D1 migrations (migrations/*.sql, the same files `wrangler d1 migrations apply` runs)
// to the test database before the tests of each file.
import { applyD1Migrations, type D1Migration } from "cloudflare:test";
import { env } from "cloudflare:workers";

const bindings = env as unknown as {
  CONSENT_DB: D1Database;
  TEST_MIGRATIONS: D1Migration[];
  INVENTORY_DB: D1Database;
  TEST_INVENTORY_MIGRATIONS: D1Migration[];
};
await applyD1Migrations(bindings.CONSENT_DB, bindings.TEST_MIGRATIONS);
await applyD1Migrations(bindings.INVENTORY_DB, bindings.TEST_INVENTORY_MIGRATIONS);
