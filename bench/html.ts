/**
 * `npm run bench:html`: what consent-edge's HTML stage costs on a realistic page, and as the page grows.
 *
 * The origin serves bench/html-page.ts at four sizes (bench/html-sizes.ts): ~10 KiB, the original
 * ~100 KiB page (741 elements), ~1 MiB and ~5 MiB, the same trackers once each, more first-party
 * markup as the page grows. Each variant runs in a workerd process of its own, beside its own copy
 * of the origin, bound to it as ORIGIN (bench/html-workers.ts, bench/html-fleet.ts):
 *   passthrough        forwards the origin's response
 *   one-selector       HTMLRewriter with one empty `script[src]` handler (5 matches on the page)
 *   consent-edge-10    consent-edge (src/worker.ts createProxy + compileConfig), 10 tracker host rules
 *   consent-edge-1k    the same with 1,000 rules (100 KiB page only)
 *   consent-edge-10k   the same with 10,000 rules (the page guard off: over its 1,000-rule cap; 100 KiB only)
 *
 * Why a process per variant: workerd runs every worker's JavaScript and lol-html on one thread, so
 * in a shared process the CPU time and memory of one variant cannot be told from another's. In its
 * own process, a variant's CPU time (/proc, bench/html-process.ts) over N requests is its own work
 * plus its origin's, the service-binding hop and workerd's HTTP serving; the pass-through's process,
 * measured the same way in the same run, has all of that but the variant's work, so the difference
 * is the variant's own cost (bench/html-cpu.ts). Same for peak memory (VmHWM). The origin stays in
 * the variant's process (a service binding, as consent-edge's `service:` origins are) rather than
 * behind HTTP, so the hop does not add a network client's cost that pass-through would not have.
 *
 * The visitor has no consent cookie: every tracker is neutralised (the worst case). Before measuring,
 * each size's pages are checked (bench/html-verify.ts: pass-through and one-selector byte for byte,
 * consent-edge neutralised with first-party markup intact); the run aborts otherwise. On the 100 KiB
 * page the origin also streams the page slowly (head first, the rest over a second) and the run
 * aborts unless consent-edge's first byte leaves long before the origin's last (bench/html-stream.ts).
 *
 * Options (flag or environment variable, the same as bench/run.ts so `npm run bench -- ...` feeds both;
 * see bench/cli.ts); the counts are the 100 KiB page's, the other sizes have their own (html-sizes.ts):
 *   --long             BENCH_LONG=1          more requests, longer and more wrk rounds (about 12 min)
 *   --requests=N       BENCH_REQUESTS=N      sequential requests per variant (default 1,000)
 *   --warmup=N         BENCH_WARMUP=N        warm-up rounds (default 200)
 *   --wrk-seconds=N    BENCH_WRK_SECONDS=N   seconds per wrk run (default 4)
 *   --wrk-rounds=N     BENCH_WRK_ROUNDS=N    wrk rounds, variants alternating (default 4)
 *   --no-wrk           BENCH_NO_WRK=1        latency and CPU only
 *                      BENCH_HTML_SIZES=10k,1m  only those sizes (10k, 100k, 1m, 5m)
 */
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { logger, parseOptions, runMain } from "./cli";
import { measureSize, type SizeResult } from "./html-measure";
import { PAGE_HOST, pageOfSize, pageStats } from "./html-page";
import {
  FREE_CPU_MS_PER_INVOCATION,
  INCLUDED_CPU_MS_PER_MONTH,
  INCLUDED_REQUESTS_PER_MONTH,
  LIMITS_SOURCE,
  PAID_DEFAULT_CPU_MS_PER_INVOCATION,
  PAID_MAX_CPU_MS_PER_INVOCATION,
  PRICING_SOURCE,
  USD_PER_MILLION_CPU_MS,
  USD_PER_MILLION_REQUESTS,
  cpuCost,
} from "./html-pricing";
import { ratios as computeRatios, render } from "./html-report";
import { renderCost, renderMemory, renderSizes, renderStream } from "./html-report-sizes";
import { MAIN_SIZE, mainDefaults, sizePlans, sizesFromEnvironment, STREAM_SIZES } from "./html-sizes";
import {
  buildWorkers,
  EDGE,
  ONE_SELECTOR,
  RULE_COUNTS,
  SLOW_INTERVAL_MS,
  SLOW_PATH,
  SLOW_PIECES,
} from "./html-workers";
import { commitNote, describeGit, describeMachine, writeResults } from "./results";
import { chooseWrk, WRK_MISSING } from "./throughput";
import { workerdVersion } from "./workerd";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BUILD_DIR = join(ROOT, "bench/.build/html");
const RESULTS_FILE = join(ROOT, "bench/results/html-latest.json");
const WORKERD = join(ROOT, "node_modules/workerd/bin/workerd");
const PATH = "/";
const HEADERS = { Host: PAGE_HOST };

const log = logger("bench:html");

async function main(): Promise<void> {
  const options = parseOptions("bench/html.ts", mainDefaults());
  const wrk = chooseWrk(options.wrk);
  if (wrk.missing) log(WRK_MISSING);
  const plans = sizePlans(options, wrk.settings, sizesFromEnvironment());
  const streamTries = options.long ? 8 : 4;
  const started = Date.now();
  const loadBefore = os.loadavg();

  const pages = plans.map((plan) => {
    const { shape, html } = pageOfSize(plan.targetBytes);
    const stats = pageStats(html);
    log(
      `${plan.label} page: ${(stats.bytes / 1024).toFixed(1)} KiB, ${stats.elements} elements, ${shape.articles} articles, ` +
        `${stats.images} <img> (${stats.relativeImages} relative), ${stats.scripts.external} script[src], ${stats.scripts.inline} inline scripts`,
    );
    return { id: plan.id, html, shape, stats };
  });
  log(
    plans
      .map(
        (p) =>
          `${p.label}: ${p.variants.length} variants, ${p.requests} sequential requests` +
          (p.wrk ? `, wrk -c${p.wrk.connections} ${p.wrk.seconds}s x ${p.wrk.rounds}` : ""),
      )
      .join("; "),
  );

  log("bundling src/worker.ts with generated configs into bench/.build/html/");
  const bundles = await buildWorkers(ROOT, BUILD_DIR, pages, PAGE_HOST);
  const git = describeGit(ROOT, ["src", "demo/origin/trackers.ts", "bench"]);
  log(
    `measuring ${EDGE[0] ?? ""}.js ${((bundles[`${EDGE[0] ?? ""}.js`]?.bytes ?? 0) / 1024).toFixed(0)} KiB${commitNote(git)}`,
  );

  const sizes: SizeResult[] = [];
  for (const [i, plan] of plans.entries()) {
    const page = pages[i];
    if (!page) continue;
    sizes.push(
      await measureSize(plan, page, {
        workerd: WORKERD,
        buildDir: BUILD_DIR,
        path: PATH,
        headers: HEADERS,
        streamTries: STREAM_SIZES.includes(plan.id) ? streamTries : 0,
        log,
      }),
    );
  }
  // The trackers are on every page once: every size neutralises the same elements.
  const inert = new Set(sizes.map((s) => s.verification[EDGE[0] ?? ""]?.inertElements));
  if (inert.size > 1)
    throw new Error(
      `bench: consent-edge neutralised different numbers of elements by page size: ${sizes.map((s) => `${s.label} ${s.verification[EDGE[0] ?? ""]?.inertElements}`).join(", ")}`,
    );
  log(
    `verified at every size: pass-through and one-selector serve the origin's page byte for byte; consent-edge ` +
      `neutralises ${[...inert].join("")} elements in every config, first-party markup intact`,
  );

  const main = sizes.find((s) => s.id === MAIN_SIZE);
  const mainRatios = main ? computeRatios(main.latencyMs, main.throughput, main.wrkRuns) : null;
  const report = {
    date: new Date(started).toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 100) / 10,
    request: {
      method: "GET",
      path: PATH,
      host: PAGE_HOST,
      cookies: "none (no consent: every tracker refused)",
    },
    variants: {
      passthrough: "env.ORIGIN.fetch(request)",
      "one-selector": `new HTMLRewriter().on(${JSON.stringify(ONE_SELECTOR)}, { element() {} }) over the origin's body`,
      ...Object.fromEntries(
        EDGE.map((v, i) => [
          v,
          `consent-edge createProxy(compileConfig(...)): ${RULE_COUNTS[i]} tracker host rules + built-ins`,
        ]),
      ),
    },
    processes:
      "one workerd serve per variant and page size, each with its own origin (bound as ORIGIN); CPU time from " +
      "/proc/<pid>/task/*/schedstat summed over threads, memory VmRSS/VmHWM from /proc/<pid>/status",
    slowOrigin: { path: SLOW_PATH, pieces: SLOW_PIECES, intervalMs: SLOW_INTERVAL_MS, tries: streamTries },
    options: { long: options.long, warmupRounds: options.warmup, requestsPerVariant: options.requests },
    wrk: wrk.report,
    build: { bundles, git },
    versions: { node: process.version, workerd: workerdVersion(ROOT) },
    machine: describeMachine(loadBefore, false),
    pricing: {
      source: PRICING_SOURCE,
      limitsSource: LIMITS_SOURCE,
      freeCpuMsPerInvocation: FREE_CPU_MS_PER_INVOCATION,
      paidDefaultCpuMsPerInvocation: PAID_DEFAULT_CPU_MS_PER_INVOCATION,
      paidMaxCpuMsPerInvocation: PAID_MAX_CPU_MS_PER_INVOCATION,
      usdPerMillionCpuMs: USD_PER_MILLION_CPU_MS,
      usdPerMillionRequests: USD_PER_MILLION_REQUESTS,
      includedCpuMsPerMonth: INCLUDED_CPU_MS_PER_MONTH,
      includedRequestsPerMonth: INCLUDED_REQUESTS_PER_MONTH,
      assumption:
        "CPU priced beyond the included allowance; the per-request charge is the same for every variant",
      perSize: Object.fromEntries(
        sizes.map((s) => [
          s.id,
          Object.fromEntries(
            s.variants
              .filter((v) => EDGE.includes(v))
              .map((v) => [v, cpuCost(s.cpu.sequential.net[v]?.median ?? Number.NaN)]),
          ),
        ]),
      ),
    },
    sizes,
    ratios: mainRatios,
  };
  writeResults(RESULTS_FILE, report);

  const out: string[] = [];
  if (main && mainRatios)
    out.push(
      render(
        report.date,
        PAGE_HOST,
        main.page,
        options,
        main.wrk,
        main.latencyMs,
        main.throughput,
        mainRatios,
      ).trimEnd(),
      "",
    );
  out.push(...renderSizes(sizes), "", ...renderMemory(sizes), "", ...renderCost(sizes));
  const stream = renderStream(sizes);
  if (stream.length > 0) out.push("", ...stream);
  process.stdout.write(`${out.join("\n")}\n`);
  log(`full results in ${relative(process.cwd(), RESULTS_FILE)} (${report.durationSeconds} s)`);
}

runMain(main);
