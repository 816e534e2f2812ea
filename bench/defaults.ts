/**
 * `npx tsx bench/defaults.ts`: what `"defaults": true` costs, each figure with the defaults on and
 * off side by side in one run.
 *
 *   bundle     src/index.ts bundled and minified with esbuild, gzipped: as built, and with the
 *              generated tracker rows and the cookie table stubbed out (what the worker would weigh
 *              without them; they are in every bundle, since a site may turn them on)
 *   compile    compileConfig for one site, the median of many runs (once per isolate in production)
 *   page       the runtime config written into every page (src/html/runtime.ts), raw and gzipped
 *   request    the demo-like bench page (bench/html-page.ts) through consent-edge in one workerd,
 *              two variants bound to the same origin, sequential keep-alive requests alternating,
 *              no consent (every tracker refused): median latency and the on/off ratio
 *
 * Options: --requests=N (default 1,000), --warmup=N (default 200).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Plugin } from "esbuild";
import { compileConfig } from "../src/config/compile";
import { runtimeConfig } from "../src/html/runtime";
import { PAGE_HOST, renderPage } from "./html-page";
import { benchConfig, consentEdgeEntry, originModule, ORIGIN_SERVICE } from "./html-workers";
import { createClient, measureLatency } from "./latency";
import { median, summarize } from "./stats";
import { bundle, startWorkerd, type Service, type Workerd } from "./workerd";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BUILD_DIR = join(ROOT, "bench/.build/defaults");
const WORKERD = join(ROOT, "node_modules/workerd/bin/workerd");
const VARIANTS = ["defaults-off", "defaults-on"] as const;

const numberOption = (name: string, fallback: number): number => {
  const flag = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return flag ? Number(flag.slice(name.length + 3)) : fallback;
};

/** Replaces the default tables with empty ones: the bundle as it would be without them. */
const withoutDefaults: Plugin = {
  name: "without-defaults",
  setup(build) {
    build.onLoad({ filter: /src\/defaults\/trackers\.generated\.ts$/ }, () => ({
      contents: 'export const TPW_VERSION = ""; export const TPW_VENDOR_ROWS = [];',
      loader: "ts",
    }));
    build.onLoad({ filter: /src\/defaults\/cookies\.ts$/ }, () => ({
      contents:
        "export const DEFAULT_COOKIES = []; export const defaultCookieFor = () => undefined; export const defaultCookieRules = () => [];",
      loader: "ts",
    }));
  },
};

async function bundleSize(plugins: Plugin[]): Promise<{ bytes: number; gzip: number }> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ["src/index.ts"],
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    write: false,
    logLevel: "warning",
    external: ["cloudflare:*", "node:*"],
    plugins,
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { bytes: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

function siteConfig(defaults: boolean) {
  const config = benchConfig(PAGE_HOST, 10) as { sites: Array<Record<string, unknown>> };
  return { sites: config.sites.map((site) => ({ ...site, defaults })) };
}

function compileMs(defaults: boolean, runs: number): number {
  const config = siteConfig(defaults);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = compileConfig(config);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    // The page guard's rules are built on a site's first page: part of what the defaults cost once.
    runtimeConfig(result.config.sites[0] as never, new Set(["necessary"]));
    times.push(performance.now() - start);
  }
  return median(times);
}

function pageConfig(defaults: boolean): { bytes: number; gzip: number } {
  const result = compileConfig(siteConfig(defaults));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  // As runtimeText writes it into the page, without the runtime's own source (the same either way).
  const json = JSON.stringify(runtimeConfig(result.config.sites[0] as never, new Set(["necessary"])));
  return { bytes: json.length, gzip: gzipSync(json, { level: 9 }).length };
}

async function requestLatency(warmup: number, requests: number) {
  mkdirSync(BUILD_DIR, { recursive: true });
  writeFileSync(join(BUILD_DIR, "origin.js"), originModule(renderPage()));
  await Promise.all(
    VARIANTS.map((variant) =>
      bundle(
        {
          source: consentEdgeEntry(siteConfig(variant === "defaults-on")),
          resolveDir: join(ROOT, "src"),
          nodeModules: join(ROOT, "node_modules"),
        },
        join(BUILD_DIR, `${variant}.js`),
      ),
    ),
  );
  const toOrigin = [{ name: "ORIGIN", service: ORIGIN_SERVICE }];
  const services: Service[] = [
    { name: ORIGIN_SERVICE, file: "origin.js", bindings: [] },
    ...VARIANTS.map((name) => ({ name, file: `${name}.js`, bindings: toOrigin })),
  ];
  let workerd: Workerd | undefined;
  try {
    workerd = await startWorkerd(WORKERD, join(BUILD_DIR, "config.capnp"), services, 60_000);
    const client = createClient(workerd.ports, VARIANTS, "/", { Host: PAGE_HOST });
    try {
      const bodies = await Promise.all(VARIANTS.map((variant) => client.get(variant)));
      const samples = await measureLatency(client, VARIANTS, warmup, requests);
      return Object.fromEntries(
        VARIANTS.map((variant, i) => [
          variant,
          { ...summarize(samples[variant]), bodyBytes: bodies[i]?.bodyBytes ?? 0 },
        ]),
      ) as Record<(typeof VARIANTS)[number], ReturnType<typeof summarize> & { bodyBytes: number }>;
    } finally {
      client.close();
    }
  } finally {
    await workerd?.stop();
  }
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

async function main() {
  const [withTables, without] = await Promise.all([bundleSize([]), bundleSize([withoutDefaults])]);
  console.log(
    `bundle (esbuild minified): ${kib(withTables.bytes)}, gzip ${kib(withTables.gzip)}; ` +
      `without the default tables ${kib(without.bytes)}, gzip ${kib(without.gzip)} ` +
      `(the tables: +${kib(withTables.gzip - without.gzip)} gzip)`,
  );
  const [compileOff, compileOn] = [compileMs(false, 200), compileMs(true, 200)];
  console.log(
    `compile one site (+ its page guard rules): off ${compileOff.toFixed(2)} ms, on ${compileOn.toFixed(2)} ms`,
  );
  const [pageOff, pageOn] = [pageConfig(false), pageConfig(true)];
  console.log(
    `page config in every page: off ${kib(pageOff.bytes)} (gzip ${kib(pageOff.gzip)}), ` +
      `on ${kib(pageOn.bytes)} (gzip ${kib(pageOn.gzip)})`,
  );
  const latency = await requestLatency(numberOption("warmup", 200), numberOption("requests", 1_000));
  const off = latency["defaults-off"];
  const on = latency["defaults-on"];
  console.log(
    `request (bench page, no consent): off median ${off.median.toFixed(3)} ms (${kib(off.bodyBytes)}), ` +
      `on median ${on.median.toFixed(3)} ms (${kib(on.bodyBytes)}); on/off ${(on.median / off.median).toFixed(2)}`,
  );
}

await main();
