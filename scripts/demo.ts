/**
 * `npm start`: consent-edge in front of the demo origin, served the way production serves it.
 *
 * Both workers are bundled with esbuild (as wrangler would bundle them) and run in workerd through
 * Miniflare's own HTTP server, with the bindings wrangler.toml's [env.demo] gives them: the
 * `DEMO_ORIGIN` service binding, the `CONSENT_DB` D1 database (migrated from migrations/ on every
 * start, kept in memory) and `CONSENT_DEBUG_SECRET=demo-secret`.
 *
 * Not `wrangler dev`: its dev proxy (wrangler's templates/startDevWorker/ProxyWorker.ts, still so
 * in wrangler 4.125) passes every `text/html` response through an HTMLRewriter of its own to add
 * its live-reload script. A page lol-html cannot parse (a `<noscript>` inside `<select>`, a UTF-16
 * page) then arrives empty or never, even through a bare pass-through worker, so the demo would show
 * a failure production does not have. test/e2e/demo.e2e.test.ts shows both.
 *
 *   npm start                        http://127.0.0.1:8787, and the demo origin alone on :8790
 *   DEMO_PORT=8788 npm start         another port (DEMO_ORIGIN_PORT for the origin's, DEMO_HOST for
 *                                    another address)
 */
import { readFileSync, watch } from "node:fs";
import { Log, LogLevel, Miniflare, type MiniflareOptions, type WorkerOptions } from "miniflare";
import { bundleWorker } from "./bundle-worker.ts";
import { applyMigrations } from "./migrations.ts";

export const DEMO_DEBUG_SECRET = "demo-secret";
const ORIGIN_WORKER = "consent-edge-demo-origin";

export interface DemoOptions {
  host?: string;
  port?: number;
  /** The demo origin on its own, for comparison (default 8790; 0: any free port). */
  originPort?: number;
  /** Miniflare's log (the workers' console output goes there); default: INFO on stdout. */
  log?: Log;
}

export interface Demo {
  url: URL;
  /** The demo origin alone, without consent-edge in front. */
  originUrl: URL;
  mf: Miniflare;
  /** Bundle both workers again and swap them in (the D1 database is kept). */
  reload: () => Promise<void>;
  stop: () => Promise<void>;
}

/** The compatibility date wrangler.toml states, so the demo runs what `wrangler deploy` would. */
export function compatibilityDate(wranglerToml: string): string {
  const date = /^compatibility_date\s*=\s*"(\d{4}-\d{2}-\d{2})"/m.exec(wranglerToml)?.[1];
  if (!date) throw new Error("demo: wrangler.toml has no compatibility_date");
  return date;
}

async function workerOptions(date: string, host: string, originPort: number): Promise<WorkerOptions[]> {
  const [edge, origin] = await Promise.all([
    bundleWorker("src/index.ts"),
    bundleWorker("demo/origin/index.ts"),
  ]);
  return [
    {
      name: "consent-edge",
      modules: true,
      script: edge,
      compatibilityDate: date,
      bindings: { CONSENT_DEBUG_SECRET: DEMO_DEBUG_SECRET },
      serviceBindings: { DEMO_ORIGIN: ORIGIN_WORKER },
      d1Databases: { CONSENT_DB: "consent-receipts-demo" },
    },
    {
      name: ORIGIN_WORKER,
      modules: true,
      script: origin,
      compatibilityDate: date,
      unsafeDirectSockets: [{ host, port: originPort }],
    },
  ];
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const date = compatibilityDate(readFileSync("wrangler.toml", "utf8"));
  const base = {
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 8787,
    log: options.log ?? new Log(LogLevel.INFO),
    // No request.cf fetched from Cloudflare (no network needed): Miniflare's placeholder, US-TX.
    // The demo site's regions default to opt-in, so every demo visitor is asked first.
    cf: false,
  } satisfies Partial<MiniflareOptions>;
  const originPort = options.originPort ?? 8790;
  const mf = new Miniflare({ ...base, workers: await workerOptions(date, base.host, originPort) });
  const url = await mf.ready;
  const originUrl = await mf.unsafeGetDirectURL(ORIGIN_WORKER);
  await applyMigrations(mf, "consent-edge");
  return {
    url,
    originUrl,
    mf,
    reload: async () => {
      await mf.setOptions({ ...base, workers: await workerOptions(date, base.host, originPort) });
    },
    stop: () => mf.dispose(),
  };
}

async function main(): Promise<void> {
  const port = process.env.DEMO_PORT ? Number(process.env.DEMO_PORT) : 8787;
  const originPort = process.env.DEMO_ORIGIN_PORT ? Number(process.env.DEMO_ORIGIN_PORT) : 8790;
  const demo = await startDemo({ host: process.env.DEMO_HOST ?? "127.0.0.1", port, originPort });
  const base = demo.url.href.replace(/\/$/, "");
  console.log(`consent-edge demo on ${base}/ (workerd via Miniflare, no dev proxy; Ctrl-C stops it)`);
  console.log(`  the demo origin alone, for comparison: ${demo.originUrl.href}`);
  console.log(`  debug secret: X-Consent-Debug: ${DEMO_DEBUG_SECRET}`);
  console.log(`  fallbacks: ${base}/fallback/select-noscript  ${base}/fallback/utf-16`);

  // Rebuild on change, as wrangler dev would: src/, demo/ and the config.
  let pending: NodeJS.Timeout | undefined;
  const onChange = (): void => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      demo.reload().then(
        () => {
          console.log("consent-edge demo: rebuilt");
        },
        (error: unknown) => {
          console.error(`consent-edge demo: rebuild failed: ${String(error)}`);
        },
      );
    }, 200);
  };
  const watchers = [
    watch("src", { recursive: true }, onChange),
    watch("demo", { recursive: true }, onChange),
    watch("consent-edge.config.json", onChange),
  ];

  const shutdown = (): void => {
    for (const watcher of watchers) watcher.close();
    demo.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

if (process.argv[1] && /scripts[/\\]demo\.ts$/.test(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(
      `consent-edge demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  });
}
