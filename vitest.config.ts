import { existsSync, readFileSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { brotliCompressSync } from "node:zlib";
import { defineConfig } from "vitest/config";
import { bundleWorker } from "./scripts/bundle-worker.ts";

const COMPATIBILITY_DATE = "2026-04-20";

/** The page the br-encoding test serves: workerd has no brotli compressor, so Node encodes it here. */
const BROTLI_PAGE =
  '<!doctype html><html><head><meta charset="utf-8"></head><body><script async src="https://www.googletagmanager.com/gtag/js?id=G-BR"></script><p>br</p></body></html>';

/**
 * Test data others wrote lives beside the project in ../shared (never copied in). Tests run in
 * workerd, which cannot read the disk, so it is read here and handed over with `provide`;
 * a test skips, saying so, when the folder is absent.
 */
function sharedTestData(path: string): string | null {
  const full = `../shared/testdata/${path}`;
  return existsSync(full) ? readFileSync(full, "utf8") : null;
}

export default defineConfig(async () => {
  const [fixtureOrigin, demoOrigin, migrations, inventoryMigrations] = await Promise.all([
    bundleWorker("test/fixtures/origin/index.ts"),
    bundleWorker("demo/origin/index.ts"),
    readD1Migrations("migrations"),
    readD1Migrations("migrations/inventory"),
  ]);
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            CONSENT_DEBUG_SECRET: "test-debug-secret",
            TEST_MIGRATIONS: migrations,
            TEST_INVENTORY_MIGRATIONS: inventoryMigrations,
          },
          // Real SQLite databases (miniflare's local D1), migrated by test/apply-migrations.ts.
          d1Databases: ["CONSENT_DB", "INVENTORY_DB"],
          // Miniflare's local Workers KV: the uploaded config (src/config/remote-config.ts).
          kvNamespaces: ["CONFIG_KV"],
          serviceBindings: { FIXTURE_ORIGIN: "fixture-origin", DEMO_ORIGIN: "demo-origin" },
          // URL origins (https://origin.example.com) reach the fixture origin: real fetches, no network.
          outboundService: "fixture-origin",
          workers: [
            {
              name: "fixture-origin",
              modules: true,
              script: fixtureOrigin,
              compatibilityDate: COMPATIBILITY_DATE,
            },
            { name: "demo-origin", modules: true, script: demoOrigin, compatibilityDate: COMPATIBILITY_DATE },
          ],
        },
      }),
    ],
    // The examples import the package by its name (test/package-examples.test.ts); here that name is the
    // source. An alias, not vi.mock: vitest 5's mock factories call AsyncLocalStorage.disable(), which
    // workerd does not implement.
    resolve: {
      alias: {
        "consent-edge/hono": new URL("./src/lib/hono.ts", import.meta.url).pathname,
        "consent-edge/worker": new URL("./src/lib/worker.ts", import.meta.url).pathname,
      },
    },
    test: {
      include: ["test/**/*.test.ts"],
      exclude: ["test/e2e/**"],
      setupFiles: ["test/apply-migrations.ts"],
      provide: {
        publicSuffixTests: sharedTestData("public-suffix/tests.txt"),
        topSetCookie: sharedTestData("top-set-cookie/top-set-cookie.json"),
        httpStateParser: sharedTestData("http-state/parser.json"),
        // workerd has no brotli compressor: the br-encoded origin body is made here.
        brotliPage: brotliCompressSync(Buffer.from(BROTLI_PAGE)).toString("base64"),
        brotliPagePlain: BROTLI_PAGE,
        // Property tests (test/fuzz/settings.ts): a fixed seed in CI; `npm run fuzz` raises the runs and picks a seed.
        fuzz: {
          seed: Number(process.env.FUZZ_SEED ?? 20261201),
          numRuns: Number(process.env.FUZZ_RUNS ?? 200),
        },
      },
    },
  };
});
