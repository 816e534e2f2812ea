/**
 * `npm start`: consent-edge in front of the demo origin, served the way production serves it.
 *
 * Both workers are bundled with esbuild (as wrangler would bundle them) and run in workerd through
 * Miniflare's own HTTP server. The demo's bindings are set here, not in wrangler.toml (which is the
 * production worker's alone, so `wrangler deploy` has one environment to deploy): the `DEMO_ORIGIN`
 * service binding, the `CONSENT_DB` D1 database (migrated from migrations/ on every start, kept in
 * memory), a `CONSENT_RATE_LIMIT` like production's, and the local secrets of `.dev.vars` (as
 * `wrangler dev` reads them), or of the committed `.dev.vars.example` when there is no `.dev.vars`.
 *
 * Not `wrangler dev`: its dev proxy (wrangler's templates/startDevWorker/ProxyWorker.ts, still so
 * in wrangler 4.164) passes every `text/html` response through an HTMLRewriter of its own to add
 * its live-reload script. A page lol-html cannot parse (a `<noscript>` inside `<select>`, a UTF-16
 * page) then arrives empty or never, even through a bare pass-through worker, so the demo would show
 * a failure production does not have. test/e2e/demo.e2e.test.ts shows both.
 *
 *   npm start                        http://127.0.0.1:8787, and the demo origin alone on :8790
 *   DEMO_PORT=8788 npm start         another port (DEMO_ORIGIN_PORT for the origin's, DEMO_HOST for
 *                                    another address)
 *   DEMO_CONFIG=my.json npm start    my.json uploaded to the demo's CONFIG_KV, as `consent-edge push`
 *                                    uploads to production's, and again whenever the file changes: the
 *                                    worker takes it within 2 s if it is valid, and keeps the one in
 *                                    force (demo/consent-edge.config.json at first) if it is not
 */
import { existsSync, readFileSync, watch } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { Log, LogLevel, Miniflare, type MiniflareOptions, PeriodType, type WorkerOptions } from "miniflare";
import { bundleFirstPartyScripts, bundleWorker } from "./bundle-worker.ts";
import { applyMigrations } from "./migrations.ts";
import { CONFIG_BINDING, CONFIG_KEY, REFRESH_VARIABLE } from "../src/config/remote-config-names.ts";

const ORIGIN_WORKER = "consent-edge-demo-origin";
/** Where the demo's local secrets come from: the developer's own file first, else the committed example. */
const DEV_VARS_FILES = [".dev.vars", ".dev.vars.example"] as const;

export interface DemoOptions {
  host?: string;
  port?: number;
  /** The demo origin on its own, for comparison (default 8790; 0: any free port). */
  originPort?: number;
  /** Miniflare's log (the workers' console output goes there); default: INFO on stdout. */
  log?: Log;
  /** The directory whose `.dev.vars` (else `.dev.vars.example`) holds the secrets; default: the working directory. */
  devVarsDir?: string;
  /**
   * A config file to upload to the demo's CONFIG_KV (key "config"), as `consent-edge push` does in
   * production; the worker then re-reads KV every UPLOAD_REFRESH_SECONDS instead of 30.
   */
  uploadedConfig?: string;
}

/** How often the demo's isolate re-reads an uploaded config (production: 30 s). */
export const UPLOAD_REFRESH_SECONDS = 2;

export interface DevVars {
  /** The file the values came from, as named in `dir` (`.dev.vars` or `.dev.vars.example`). */
  file: string;
  vars: Record<string, string>;
}

export interface Demo {
  url: URL;
  /** The demo origin alone, without consent-edge in front. */
  originUrl: URL;
  /** The local secrets consent-edge was given, and where they came from. */
  devVars: DevVars;
  mf: Miniflare;
  /** Bundle both workers again and swap them in (the D1 database is kept). */
  reload: () => Promise<void>;
  /** Upload `uploadedConfig` again (after it changed); resolves with its size in bytes. */
  upload: () => Promise<number>;
  stop: () => Promise<void>;
}

/** The compatibility date wrangler.toml states, so the demo runs what `wrangler deploy` would. */
export function compatibilityDate(wranglerToml: string): string {
  const date = /^compatibility_date\s*=\s*"(\d{4}-\d{2}-\d{2})"/m.exec(wranglerToml)?.[1];
  if (!date) throw new Error("demo: wrangler.toml has no compatibility_date");
  return date;
}

/**
 * Reads a `.dev.vars` file the way wrangler does (dotenv): `NAME=value` lines, `#` comments and blank
 * lines ignored, a value optionally in matching single or double quotes. Any other line is an
 * operator mistake, reported with its file and line.
 */
export function parseDevVars(text: string, file: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match?.[1]) {
      throw new Error(`${file}:${index + 1}: expected NAME=value, got ${JSON.stringify(raw)}`);
    }
    const value = match[2] ?? "";
    const quoted = /^(["'])(.*)\1$/.exec(value);
    vars[match[1]] = quoted ? (quoted[2] ?? "") : value;
  }
  return vars;
}

/** `.dev.vars` in `dir` if there is one, else the committed `.dev.vars.example`. */
export function loadDevVars(dir: string): DevVars {
  for (const file of DEV_VARS_FILES) {
    const path = join(dir, file);
    if (existsSync(path)) return { file, vars: parseDevVars(readFileSync(path, "utf8"), file) };
  }
  throw new Error(
    `neither ${DEV_VARS_FILES.join(" nor ")} in ${dir}: restore .dev.vars.example from git (git checkout .dev.vars.example)`,
  );
}

async function workerOptions(
  date: string,
  host: string,
  originPort: number,
  secrets: Record<string, string>,
  uploads: boolean,
): Promise<WorkerOptions[]> {
  const [edge, origin, firstParty] = await Promise.all([
    bundleWorker("demo/edge.ts"),
    bundleWorker("demo/origin/index.ts"),
    bundleFirstPartyScripts(),
  ]);
  return [
    {
      name: "consent-edge",
      modules: true,
      script: edge,
      compatibilityDate: date,
      bindings: uploads ? { ...secrets, [REFRESH_VARIABLE]: String(UPLOAD_REFRESH_SECONDS) } : secrets,
      serviceBindings: { DEMO_ORIGIN: ORIGIN_WORKER },
      d1Databases: { CONSENT_DB: "consent-receipts-demo", INVENTORY_DB: "consent-inventory-demo" },
      // The uploaded config (src/config/remote-config.ts): empty until something writes its "config" key.
      kvNamespaces: { CONFIG_KV: "consent-config-demo" },
      // Production's limit (wrangler.toml), so the demo's consent API is throttled as deployed.
      ratelimits: {
        // namespace_id: wrangler.toml's; miniflare 4.20260730 requires one, as wrangler does.
        CONSENT_RATE_LIMIT: { namespace_id: "7001", simple: { limit: 20, period: PeriodType.MINUTE } },
      },
    },
    {
      name: ORIGIN_WORKER,
      modules: true,
      script: origin,
      compatibilityDate: date,
      // The origin's own browser scripts (/run-time, /sdks), bundled above from demo/origin/first-party/.
      bindings: { FIRST_PARTY_SCRIPTS: firstParty },
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
  const devVars = loadDevVars(options.devVarsDir ?? process.cwd());
  const uploaded = options.uploadedConfig;
  const workers = (): Promise<WorkerOptions[]> =>
    workerOptions(date, base.host, originPort, devVars.vars, uploaded !== undefined);
  const mf = new Miniflare({ ...base, workers: await workers() });
  const url = await mf.ready;
  const originUrl = await mf.unsafeGetDirectURL(ORIGIN_WORKER);
  await applyMigrations(mf, "consent-edge");
  const upload = async (): Promise<number> => {
    if (uploaded === undefined) return 0;
    const text = readFileSync(uploaded, "utf8");
    await (await mf.getKVNamespace(CONFIG_BINDING, "consent-edge")).put(CONFIG_KEY, text);
    return Buffer.byteLength(text);
  };
  await upload();
  return {
    url,
    originUrl,
    devVars,
    mf,
    reload: async () => {
      await mf.setOptions({ ...base, workers: await workers() });
      await upload();
    },
    upload,
    stop: () => mf.dispose(),
  };
}

async function main(): Promise<void> {
  const port = process.env.DEMO_PORT ? Number(process.env.DEMO_PORT) : 8787;
  const originPort = process.env.DEMO_ORIGIN_PORT ? Number(process.env.DEMO_ORIGIN_PORT) : 8790;
  const uploadedConfig = process.env.DEMO_CONFIG || undefined;
  const demo = await startDemo({
    host: process.env.DEMO_HOST ?? "127.0.0.1",
    port,
    originPort,
    ...(uploadedConfig ? { uploadedConfig } : {}),
  });
  const base = demo.url.href.replace(/\/$/, "");
  console.log(`consent-edge demo on ${base}/ (workerd via Miniflare, no dev proxy; Ctrl-C stops it)`);
  console.log(`  the demo origin alone, for comparison: ${demo.originUrl.href}`);
  const secret = demo.devVars.vars.CONSENT_DEBUG_SECRET;
  const change =
    demo.devVars.file === ".dev.vars"
      ? ""
      : " (no .dev.vars: `cp .dev.vars.example .dev.vars` and edit it to change it)";
  console.log(
    secret
      ? `  debug secret: X-Consent-Debug: ${secret}, from ${demo.devVars.file}${change}`
      : `  debug headers off: ${demo.devVars.file} sets no CONSENT_DEBUG_SECRET`,
  );
  console.log(`  trackers loaded by JavaScript: ${base}/run-time  ${base}/sdks (real SDKs from npm)`);
  console.log(`  fallbacks: ${base}/fallback/select-noscript  ${base}/fallback/utf-16`);
  if (uploadedConfig) {
    console.log(
      `  config: ${uploadedConfig} uploaded to the demo's CONFIG_KV (as \`consent-edge push\` uploads), again on every change; in force within ${UPLOAD_REFRESH_SECONDS} s if valid`,
    );
  }

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
  ];
  if (uploadedConfig) {
    let uploading: NodeJS.Timeout | undefined;
    // The directory is watched, not the file: editors replace a file rather than write into it.
    watchers.push(
      watch(dirname(resolve(uploadedConfig)), (_, name) => {
        if (name !== basename(uploadedConfig)) return;
        clearTimeout(uploading);
        uploading = setTimeout(() => {
          demo.upload().then(
            (bytes) => {
              console.log(`consent-edge demo: ${uploadedConfig} uploaded again (${bytes} bytes)`);
            },
            (error: unknown) => {
              console.error(`consent-edge demo: upload failed: ${String(error)}`);
            },
          );
        }, 200);
      }),
    );
  }

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
