/**
 * `npm run bench:html`: what consent-edge's HTML stage costs on a realistic page.
 *
 * The origin serves bench/html-page.ts (~100 KB, ~700 elements, the demo's trackers). One workerd
 * process serves, side by side on loopback, each bound to that origin (bench/html-workers.ts):
 *   passthrough        forwards the origin's response
 *   one-selector       HTMLRewriter with one empty `script[src]` handler (5 matches on the page)
 *   consent-edge-10    consent-edge (src/worker.ts createProxy + compileConfig), 10 tracker host rules
 *   consent-edge-1k    the same with 1,000 rules
 *   consent-edge-10k   the same with 10,000 rules (the page guard off: over its 1,000-rule cap)
 * The visitor has no consent cookie: every tracker is neutralised (the worst case). Before measuring,
 * each variant's page is checked (bench/html-verify.ts: pass-through and one-selector byte for byte,
 * consent-edge neutralised with first-party markup intact); the run aborts otherwise.
 *
 * Options (flag or environment variable, the same as bench/run.ts so `npm run bench -- ...` feeds both;
 * see bench/cli.ts):
 *   --long             BENCH_LONG=1          more requests, longer and more wrk rounds (about 6 min)
 *   --requests=N       BENCH_REQUESTS=N      sequential requests per variant (default 1,000)
 *   --warmup=N         BENCH_WARMUP=N        warm-up rounds (default 200)
 *   --wrk-seconds=N    BENCH_WRK_SECONDS=N   seconds per wrk run (default 4)
 *   --wrk-rounds=N     BENCH_WRK_ROUNDS=N    wrk rounds, variants alternating (default 4)
 *   --no-wrk           BENCH_NO_WRK=1        latency only
 */
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { logger, parseOptions, runMain } from "./cli";
import { PAGE_HOST, pageStats, renderPage } from "./html-page";
import { ratios as computeRatios, render } from "./html-report";
import { verify } from "./html-verify";
import { buildWorkers, EDGE, ONE_SELECTOR, RULE_COUNTS, VARIANTS } from "./html-workers";
import { createClient, measureLatency } from "./latency";
import { commitNote, describeGit, describeMachine, writeResults } from "./results";
import { summarize } from "./stats";
import {
  chooseWrk,
  measureThroughput,
  rotating,
  throughputByVariant,
  WRK_MISSING,
  type WrkRun,
} from "./throughput";
import { startWorkerd, type Workerd, workerdVersion } from "./workerd";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BUILD_DIR = join(ROOT, "bench/.build/html");
const RESULTS_FILE = join(ROOT, "bench/results/html-latest.json");
const WORKERD = join(ROOT, "node_modules/workerd/bin/workerd");
const PATH = "/";
const HEADERS = { Host: PAGE_HOST };

const log = logger("bench:html");

async function main(): Promise<void> {
  const options = parseOptions("bench/html.ts", {
    warmup: [200, 500],
    requests: [1_000, 4_000],
    wrkSeconds: [4, 8],
    wrkRounds: [4, 8],
  });
  const wrk = chooseWrk(options.wrk);
  const settings = wrk.settings;
  if (wrk.missing) log(WRK_MISSING);
  const started = Date.now();
  const loadBefore = os.loadavg();

  const page = renderPage();
  const stats = pageStats(page);
  log(
    `page: ${(stats.bytes / 1024).toFixed(0)} KiB, ${stats.elements} elements, ${stats.images} <img> ` +
      `(${stats.relativeImages} relative), ${stats.scripts.external} script[src], ${stats.scripts.inline} inline scripts`,
  );
  const estimate =
    (options.warmup + options.requests) * VARIANTS.length * 0.002 +
    (settings ? settings.seconds * settings.rounds * VARIANTS.length : 0) +
    10;
  log(
    `${options.requests} sequential requests per variant after ${options.warmup} warm-up rounds` +
      (settings
        ? `; wrk -t1 -c8 ${settings.seconds}s x ${VARIANTS.length} variants x ${settings.rounds} rounds`
        : "") +
      ` (about ${Math.ceil(estimate)} s)`,
  );

  log("bundling src/worker.ts with generated configs into bench/.build/html/");
  const { services, bundles } = await buildWorkers(ROOT, BUILD_DIR, page, PAGE_HOST);
  const git = describeGit(ROOT, ["src", "demo/origin/trackers.ts", "bench"]);
  log(
    `measuring ${EDGE[0] ?? ""}.js ${((bundles[EDGE[0] ?? ""]?.bytes ?? 0) / 1024).toFixed(0)} KiB` +
      commitNote(git),
  );

  let workerd: Workerd | undefined;
  try {
    workerd = await startWorkerd(WORKERD, join(BUILD_DIR, "html-config.capnp"), services, 60_000);
    const ports = workerd.ports;
    log(`workerd (pid ${workerd.pid}) serving ${VARIANTS.map((v) => `${v} :${ports[v]}`).join(", ")}`);

    const verification = await verify(ports, PATH, HEADERS, page).catch((error: unknown) => {
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\n--- workerd output ---\n${workerd?.log() ?? ""}`,
      );
    });
    log(
      `verified: pass-through and one-selector serve the origin's page byte for byte; consent-edge ` +
        `neutralises ${verification[EDGE[0] ?? ""]?.inertElements} elements in every config, first-party markup intact`,
    );

    log("latency...");
    const client = createClient(ports, VARIANTS, PATH, HEADERS);
    const samples = await measureLatency(client, VARIANTS, options.warmup, options.requests).finally(() => {
      client.close();
    });
    const latency = Object.fromEntries(VARIANTS.map((v) => [v, summarize(samples[v] ?? [])]));

    let runs: WrkRun[] | null = null;
    if (settings) {
      log("throughput...");
      runs = await measureThroughput(ports, VARIANTS, PATH, HEADERS, settings, {
        order: rotating,
        // wrk's default 2 s timeout counts a request held up by a GC pause or a busy machine as an error.
        timeoutSeconds: 10,
        onRun: (run) => {
          log(`  round ${run.round} ${run.variant.padEnd(16)} ${run.requestsPerSecond.toFixed(0)} req/s`);
        },
      });
    }
    const throughput = runs ? throughputByVariant(runs, VARIANTS) : null;
    const ratios = computeRatios(latency, throughput, runs);

    const report = {
      date: new Date(started).toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 100) / 10,
      request: {
        method: "GET",
        path: PATH,
        host: PAGE_HOST,
        cookies: "none (no consent: every tracker refused)",
      },
      page: stats,
      variants: {
        passthrough: "env.ORIGIN.fetch(request)",
        "one-selector": `new HTMLRewriter().on(${JSON.stringify(ONE_SELECTOR)}, { element() {} }) over the origin's body (${stats.scriptSrc} matches)`,
        ...Object.fromEntries(
          EDGE.map((v, i) => [
            v,
            `consent-edge createProxy(compileConfig(...)): ${RULE_COUNTS[i]} tracker host rules + built-ins`,
          ]),
        ),
      },
      options: { long: options.long, warmupRounds: options.warmup, requestsPerVariant: options.requests },
      wrk: wrk.report,
      build: { bundles, git },
      versions: { node: process.version, workerd: workerdVersion(ROOT) },
      machine: describeMachine(loadBefore, false),
      verification,
      latencyMs: latency,
      throughput,
      wrkRuns: runs,
      ratios,
    };
    writeResults(RESULTS_FILE, report);
    process.stdout.write(
      render(report.date, PAGE_HOST, stats, options, settings, latency, throughput, ratios),
    );
    log(`full results in ${relative(process.cwd(), RESULTS_FILE)} (${report.durationSeconds} s)`);
  } finally {
    await workerd?.stop();
  }
}

runMain(main);
