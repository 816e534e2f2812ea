/**
 * `npm run bench:html`: what consent-edge's HTML stage costs on a realistic page.
 *
 * The origin serves bench/html-page.ts (~100 KB, ~700 elements, the demo's trackers). One workerd
 * process serves, side by side on loopback, each bound to that origin:
 *   passthrough        forwards the origin's response
 *   one-selector       HTMLRewriter with one empty `script[src]` handler (5 matches on the page)
 *   consent-edge-10    consent-edge (src/app.ts createApp + compileConfig), 10 tracker host rules
 *   consent-edge-1k    the same with 1,000 rules
 *   consent-edge-10k   the same with 10,000 rules
 * The visitor has no consent cookie: every tracker is neutralised (the worst case). Before measuring,
 * each variant's page is checked (pass-through and one-selector byte for byte, consent-edge
 * neutralised with first-party markup intact); the run aborts otherwise.
 *
 * Options (flag or environment variable, the same as bench/run.ts so `npm run bench -- ...` feeds both):
 *   --long             BENCH_LONG=1          more requests, longer and more wrk rounds (about 6 min)
 *   --requests=N       BENCH_REQUESTS=N      sequential requests per variant (default 1,000)
 *   --warmup=N         BENCH_WARMUP=N        warm-up rounds (default 200)
 *   --wrk-seconds=N    BENCH_WRK_SECONDS=N   seconds per wrk run (default 4)
 *   --wrk-rounds=N     BENCH_WRK_ROUNDS=N    wrk rounds, variants alternating (default 4)
 *   --no-wrk           BENCH_NO_WRK=1        latency only
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  benchConfig,
  bundleSource,
  consentEdgeEntry,
  fetchText,
  findWrk,
  inertElements,
  measureLatency,
  measureThroughput,
  neutralisationProblems,
  ONE_SELECTOR,
  oneSelectorModule,
  originModule,
  ORIGIN_SERVICE,
  pairedRatioRange,
  PASSTHROUGH_MODULE,
  startWorkerd,
  throughputByVariant,
  type WorkerSpec,
  type Workerd,
  workerdConfig,
  type WrkRun,
  type WrkSettings,
} from "./html-harness";
import { PAGE_HOST, pageStats, renderPage } from "./html-page";
import { summarize, type Summary } from "./stats";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BUILD_DIR = join(ROOT, "bench/.build/html");
const RESULTS_FILE = join(ROOT, "bench/results/html-latest.json");
const WORKERD = join(ROOT, "node_modules/workerd/bin/workerd");
const PATH = "/";
const HEADERS = { Host: PAGE_HOST };

const RULE_COUNTS = [10, 1_000, 10_000] as const;
const EDGE = RULE_COUNTS.map((n) => `consent-edge-${n >= 1000 ? `${n / 1000}k` : n}`);
const VARIANTS = ["passthrough", "one-selector", ...EDGE];
const TARGET_VS_ONE_SELECTOR = 0.8;
const TARGET_RULE_SPREAD = 0.05;

interface Options {
  long: boolean;
  warmup: number;
  requests: number;
  wrk: WrkSettings | null;
}

function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match?.[1]) throw new Error(`bench: unknown argument ${arg} (see bench/html.ts for options)`);
    flags.set(match[1], match[2] ?? "1");
  }
  const known = ["long", "requests", "warmup", "wrk-seconds", "wrk-rounds", "no-wrk"];
  for (const name of flags.keys()) {
    if (!known.includes(name))
      throw new Error(`bench: unknown option --${name} (known: ${known.join(", ")})`);
  }
  const pick = (flag: string, variable: string): string | undefined => flags.get(flag) ?? env[variable];
  const truthy = (value: string | undefined): boolean =>
    value !== undefined && !/^(0|false|no|)$/i.test(value);
  const count = (flag: string, variable: string, fallback: number, min: number): number => {
    const raw = pick(flag, variable);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min)
      throw new Error(`bench: --${flag} must be an integer >= ${min}`);
    return value;
  };
  const long = truthy(pick("long", "BENCH_LONG"));
  return {
    long,
    warmup: count("warmup", "BENCH_WARMUP", long ? 500 : 200, 0),
    requests: count("requests", "BENCH_REQUESTS", long ? 4_000 : 1_000, 10),
    wrk: truthy(pick("no-wrk", "BENCH_NO_WRK"))
      ? null
      : {
          threads: 1,
          connections: 8,
          seconds: count("wrk-seconds", "BENCH_WRK_SECONDS", long ? 8 : 4, 1),
          rounds: count("wrk-rounds", "BENCH_WRK_ROUNDS", long ? 8 : 4, 1),
        },
  };
}

const log = (message: string): void => {
  process.stderr.write(`bench:html: ${message}\n`);
};

async function build(page: string): Promise<{ workers: WorkerSpec[]; bundles: Record<string, Bundle> }> {
  mkdirSync(BUILD_DIR, { recursive: true });
  writeFileSync(join(BUILD_DIR, "origin.js"), originModule(page));
  writeFileSync(join(BUILD_DIR, "passthrough.js"), PASSTHROUGH_MODULE);
  writeFileSync(join(BUILD_DIR, "one-selector.js"), oneSelectorModule(ONE_SELECTOR));
  await Promise.all(
    RULE_COUNTS.map((rules, i) =>
      bundleSource({
        contents: consentEdgeEntry(benchConfig(PAGE_HOST, rules)),
        resolveDir: join(ROOT, "src"),
        outfile: join(BUILD_DIR, `${EDGE[i] ?? ""}.js`),
        nodeModules: join(ROOT, "node_modules"),
      }),
    ),
  );
  const workers = VARIANTS.map((name) => ({ name, file: `${name}.js`, origin: true }));
  const bundles: Record<string, Bundle> = {};
  for (const name of [ORIGIN_SERVICE, ...VARIANTS]) {
    const bytes = readFileSync(join(BUILD_DIR, `${name}.js`));
    bundles[name] = { bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
  }
  return { workers, bundles };
}

interface Bundle {
  bytes: number;
  sha256: string;
}

interface Verified {
  status: number;
  bodyBytes: number;
  inertElements: number;
}

/** Abort unless every variant serves what it claims to. */
async function verify(ports: Record<string, number>, page: string): Promise<Record<string, Verified>> {
  const problems: string[] = [];
  const out: Record<string, Verified> = {};
  for (const name of [ORIGIN_SERVICE, ...VARIANTS]) {
    const port = ports[name];
    if (port === undefined) throw new Error(`bench: no port for ${name}`);
    const reply = await fetchText(port, PATH, HEADERS);
    out[name] = {
      status: reply.status,
      bodyBytes: Buffer.byteLength(reply.body),
      inertElements: inertElements(reply.body),
    };
    if (reply.status !== 200) problems.push(`${name}: HTTP ${reply.status}: ${reply.body.slice(0, 200)}`);
    if (!EDGE.includes(name)) {
      if (reply.body !== page) problems.push(`${name}: the page differs from the origin's`);
      continue;
    }
    for (const problem of neutralisationProblems(reply.body, page)) problems.push(`${name}: ${problem}`);
  }
  const counts = new Set(EDGE.map((name) => out[name]?.inertElements));
  if (counts.size !== 1) {
    problems.push(
      `the rule-count configs neutralise different numbers of elements: ${EDGE.map((n) => `${n} ${out[n]?.inertElements}`).join(", ")}`,
    );
  }
  if (problems.length > 0)
    throw new Error(`bench: verification failed, refusing to measure:\n  ${problems.join("\n  ")}`);
  return out;
}

function describeGit(): { commit: string; uncommitted: string[] } | null {
  const git = (args: string[]): string | undefined => {
    const result = spawnSync("git", args, { cwd: ROOT, encoding: "utf8" });
    return result.status === 0 ? result.stdout.trim() : undefined;
  };
  const commit = git(["rev-parse", "--short", "HEAD"]);
  if (commit === undefined) return null;
  const status = git(["status", "--porcelain", "--", "src", "demo/origin/trackers.ts", "bench"]) ?? "";
  return { commit, uncommitted: status.split("\n").filter((line) => line.length > 0) };
}

function workerdVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, "node_modules/workerd/package.json"), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const wrkVersion = options.wrk ? findWrk() : undefined;
  const wrk = wrkVersion ? options.wrk : null;
  if (options.wrk && !wrkVersion) log("wrk is not on PATH: skipping throughput (apt-get install -y wrk)");
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
    (wrk ? wrk.seconds * wrk.rounds * VARIANTS.length : 0) +
    10;
  log(
    `${options.requests} sequential requests per variant after ${options.warmup} warm-up rounds` +
      (wrk ? `; wrk -t1 -c8 ${wrk.seconds}s x ${VARIANTS.length} variants x ${wrk.rounds} rounds` : "") +
      ` (about ${Math.ceil(estimate)} s)`,
  );

  log("bundling src/app.ts with generated configs into bench/.build/html/");
  const { workers, bundles } = await build(page);
  const git = describeGit();
  log(
    `measuring ${EDGE[0] ?? ""}.js ${((bundles[EDGE[0] ?? ""]?.bytes ?? 0) / 1024).toFixed(0)} KiB` +
      (git ? `, commit ${git.commit}${git.uncommitted.length > 0 ? " + uncommitted changes" : ""}` : ""),
  );

  let workerd: Workerd | undefined;
  try {
    workerd = await startWorkerd(WORKERD, BUILD_DIR, workerdConfig(workers, "origin.js"), [
      ORIGIN_SERVICE,
      ...VARIANTS,
    ]);
    const ports = workerd.ports;
    log(`workerd (pid ${workerd.pid}) serving ${VARIANTS.map((v) => `${v} :${ports[v]}`).join(", ")}`);

    const verification = await verify(ports, page).catch((error: unknown) => {
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\n--- workerd output ---\n${workerd?.log() ?? ""}`,
      );
    });
    log(
      `verified: pass-through and one-selector serve the origin's page byte for byte; consent-edge ` +
        `neutralises ${verification[EDGE[0] ?? ""]?.inertElements} elements in every config, first-party markup intact`,
    );

    log("latency...");
    const samples = await measureLatency(ports, VARIANTS, PATH, HEADERS, options.warmup, options.requests);
    const latency = Object.fromEntries(VARIANTS.map((v) => [v, summarize(samples[v] ?? [])]));

    let runs: WrkRun[] | null = null;
    if (wrk) {
      log("throughput...");
      runs = await measureThroughput(ports, VARIANTS, PATH, HEADERS, wrk, (run) => {
        log(`  round ${run.round} ${run.variant.padEnd(16)} ${run.requestsPerSecond.toFixed(0)} req/s`);
      });
    }
    const throughput = runs ? throughputByVariant(runs, VARIANTS) : null;

    const rps = (v: string): number | undefined => throughput?.[v]?.mean;
    const ratio = (a: string, b: string): number | null => {
      const x = rps(a);
      const y = rps(b);
      return x !== undefined && y !== undefined ? x / y : null;
    };
    const medianRatio = (a: string, b: string): number =>
      (latency[a]?.median ?? Number.NaN) / (latency[b]?.median ?? Number.NaN);
    const edgeRps = EDGE.map((v) => rps(v)).filter((x): x is number => x !== undefined);
    const ruleSpread =
      edgeRps.length === EDGE.length ? Math.max(...edgeRps) / Math.min(...edgeRps) - 1 : null;
    const edgeMedians = EDGE.map((v) => latency[v]?.median ?? Number.NaN);
    const latencySpread = Math.max(...edgeMedians) / Math.min(...edgeMedians) - 1;

    const ratios = {
      vsPassthrough: Object.fromEntries(
        VARIANTS.map((v) => [
          v,
          {
            throughput: ratio(v, "passthrough"),
            throughputRoundRange: runs ? pairedRatioRange(runs, v, "passthrough") : null,
            medianLatency: medianRatio(v, "passthrough"),
          },
        ]),
      ),
      vsOneSelector: Object.fromEntries(
        EDGE.map((v) => [
          v,
          {
            throughput: ratio(v, "one-selector"),
            throughputRoundRange: runs ? pairedRatioRange(runs, v, "one-selector") : null,
            target: TARGET_VS_ONE_SELECTOR,
          },
        ]),
      ),
      ruleCounts: {
        vs10: Object.fromEntries(EDGE.map((v) => [v, ratio(v, EDGE[0] ?? "")])),
        vs10RoundRange: Object.fromEntries(
          EDGE.map((v) => [v, runs ? pairedRatioRange(runs, v, EDGE[0] ?? "") : null]),
        ),
        medianLatencyVs10: Object.fromEntries(EDGE.map((v) => [v, medianRatio(v, EDGE[0] ?? "")])),
        spread: ruleSpread,
        latencySpread,
        target: TARGET_RULE_SPREAD,
      },
    };

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
            `consent-edge createApp(compileConfig(...)): ${RULE_COUNTS[i]} tracker host rules + built-ins`,
          ]),
        ),
      },
      options: { long: options.long, warmupRounds: options.warmup, requestsPerVariant: options.requests },
      wrk: wrk ? { ...wrk, version: wrkVersion } : { skipped: options.wrk ? "wrk not on PATH" : "disabled" },
      build: { bundles, git },
      versions: { node: process.version, workerd: workerdVersion() },
      machine: {
        cores: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        platform: `${os.platform()} ${os.release()} ${os.arch()}`,
        loadAverageBefore: loadBefore,
        loadAverageAfter: os.loadavg(),
      },
      verification,
      latencyMs: latency,
      throughput,
      wrkRuns: runs,
      ratios,
    };
    mkdirSync(dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(render(report.date, stats, options, wrk, latency, throughput, ratios));
    log(`full results in ${relative(process.cwd(), RESULTS_FILE)} (${report.durationSeconds} s)`);
  } finally {
    await workerd?.stop();
  }
}

function render(
  date: string,
  stats: ReturnType<typeof pageStats>,
  options: Options,
  wrk: WrkSettings | null,
  latency: Record<string, Summary>,
  throughput: Record<string, { mean: number; runs: number[] }> | null,
  ratios: {
    vsPassthrough: Record<string, { throughput: number | null; medianLatency: number }>;
    vsOneSelector: Record<
      string,
      { throughput: number | null; throughputRoundRange: [number, number] | null }
    >;
    ruleCounts: {
      vs10: Record<string, number | null>;
      vs10RoundRange: Record<string, [number, number] | null>;
      medianLatencyVs10: Record<string, number>;
      spread: number | null;
      latencySpread: number;
    };
  },
): string {
  const x = (value: number | null | undefined): string =>
    value === null || value === undefined || Number.isNaN(value) ? "-" : value.toFixed(2);
  const lines: string[] = [];
  lines.push(
    `consent-edge HTML bench ${date}: GET / Host: ${PAGE_HOST}, no consent cookie; page ${(stats.bytes / 1024).toFixed(0)} KiB, ` +
      `${stats.elements} elements; ${os.cpus().length} cores`,
  );
  lines.push(
    `latency: ${options.requests} sequential keep-alive requests per variant, interleaved` +
      (wrk ? `; throughput: wrk -t1 -c8, ${wrk.seconds}s x ${wrk.rounds} rounds, variants alternating` : ""),
  );
  lines.push("");
  const header = ["variant", "req/s", "per round", "x pass", "median ms", "p90 ms", "x pass"];
  const rows = VARIANTS.map((v) => [
    v,
    throughput?.[v] ? throughput[v].mean.toFixed(0) : "-",
    throughput?.[v] ? throughput[v].runs.map((r) => r.toFixed(0)).join("/") : "-",
    x(ratios.vsPassthrough[v]?.throughput),
    latency[v]?.median.toFixed(3) ?? "-",
    latency[v]?.p90.toFixed(3) ?? "-",
    x(ratios.vsPassthrough[v]?.medianLatency),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const format = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  lines.push(format(header));
  for (const row of rows) lines.push(format(row));
  lines.push("");
  if (throughput) {
    const verdict = (ok: boolean): string => (ok ? "meets the target" : "MISSES the target");
    const vsOne = EDGE.map((v) => {
      const r = ratios.vsOneSelector[v];
      const range = r?.throughputRoundRange;
      return `${v} x${x(r?.throughput)}${range ? ` (rounds ${x(range[0])}..${x(range[1])})` : ""}`;
    });
    const worst = Math.min(...EDGE.map((v) => ratios.vsOneSelector[v]?.throughput ?? 0));
    lines.push(
      `full enforcement vs one-selector pass (req/s, target >= ${TARGET_VS_ONE_SELECTOR}): ${vsOne.join(", ")}: ${verdict(worst >= TARGET_VS_ONE_SELECTOR)}`,
    );
    const rules = ratios.ruleCounts;
    const spread = rules.spread;
    const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
    // How far a single round's ratio strays from 1 between identical-cost configs: the noise floor.
    const noise = Math.max(
      0,
      ...EDGE.slice(1).flatMap((v) => (rules.vs10RoundRange[v] ?? []).map((r) => Math.abs(r - 1))),
    );
    const ok = spread !== null && spread <= TARGET_RULE_SPREAD;
    lines.push(
      `rule count 10 : 1,000 : 10,000 (req/s vs 10 rules): ${EDGE.map((v) => x(rules.vs10[v])).join(" : ")}, ` +
        `spread ${spread === null ? "-" : percent(spread)} (target within ${TARGET_RULE_SPREAD * 100}%): ` +
        (ok || noise <= TARGET_RULE_SPREAD
          ? verdict(ok)
          : `${verdict(ok)}, but single rounds stray up to ${percent(noise)}: within noise?`),
    );
  }
  const latencySpread = ratios.ruleCounts.latencySpread;
  lines.push(
    `rule count 10 : 1,000 : 10,000 (median latency vs 10 rules): ${EDGE.map((v) => x(ratios.ruleCounts.medianLatencyVs10[v])).join(" : ")}, ` +
      `spread ${(latencySpread * 100).toFixed(1)}% (target within ${TARGET_RULE_SPREAD * 100}%): ` +
      (latencySpread <= TARGET_RULE_SPREAD ? "meets the target" : "MISSES the target"),
  );
  lines.push(
    "Absolute figures are this machine's, this run's; quote ratios from one run. 'per round' shows the noise.",
  );
  return `${lines.join("\n")}\n`;
}

main().catch((error: unknown) => {
  const text =
    error instanceof Error
      ? error.message.startsWith("bench:")
        ? error.message
        : (error.stack ?? error.message)
      : String(error);
  console.error(`\n${text}\n`);
  process.exitCode = 1;
});
