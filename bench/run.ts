/**
 * `npm run bench`: the latency consent-edge adds in front of the demo origin.
 *
 * One workerd process serves three variants side by side on loopback (bench/run-cases.ts):
 *   origin        the demo origin alone
 *   passthrough   a worker that only forwards to the origin over a service binding
 *   consent-edge  consent-edge (demo/edge.ts: the stand-alone worker with demo/consent-edge.config.json) in front of the origin
 * so "consent-edge minus passthrough" is what consent-edge's own work costs, and "consent-edge minus
 * origin" is that plus the extra worker hop.
 *
 * Options (flag or environment variable, see bench/cli.ts):
 *   --long             BENCH_LONG=1          10,000 requests per variant and longer wrk runs
 *   --requests=N       BENCH_REQUESTS=N      measured requests per variant and case (default 2,000)
 *   --warmup=N         BENCH_WARMUP=N        warm-up rounds (default 300)
 *   --wrk-seconds=N    BENCH_WRK_SECONDS=N   seconds per wrk run (default 5)
 *   --wrk-rounds=N     BENCH_WRK_ROUNDS=N    wrk rounds, variants alternating (default 2)
 *   --no-wrk           BENCH_NO_WRK=1        skip the throughput part
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { logger, parseOptions, runMain } from "./cli";
import { type Client, createClient, measureLatency, type Samples } from "./latency";
import { commitNote, describeBundle, describeGit, describeMachine, writeResults } from "./results";
import {
  type Case,
  type Check,
  cases,
  ENTRIES,
  HOST,
  PASSTHROUGH_JS,
  services,
  VARIANTS,
  type Variant,
  verify,
} from "./run-cases";
import { type CaseResult, type CaseWrkRun, compare, renderTable, summarizeWrk } from "./run-report";
import { summarize } from "./stats";
import { alternating, chooseWrk, measureThroughput, WRK_MISSING } from "./throughput";
import {
  bundle,
  COMPATIBILITY_DATE,
  startWorkerd,
  type Workerd,
  workerdBinaryVersion,
  workerdVersion,
} from "./workerd";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BUILD_DIR = join(ROOT, "bench/.build");
const RESULTS_FILE = join(ROOT, "bench/results/latest.json");
const WORKERD = join(ROOT, "node_modules/workerd/bin/workerd");
const PATH = "/";

const log = logger("bench");

async function main(): Promise<void> {
  const options = parseOptions("bench/run.ts", {
    warmup: [300, 1_000],
    requests: [2_000, 10_000],
    wrkSeconds: [5, 10],
    wrkRounds: [2, 4],
  });
  const wrk = chooseWrk(options.wrk);
  const settings = wrk.settings;
  const benchCases = cases(ROOT);
  const started = Date.now();
  const loadBefore = os.loadavg();

  const estimate =
    benchCases.length *
    ((options.warmup + options.requests) * VARIANTS.length * 0.001 +
      (settings ? settings.seconds * settings.rounds * 3 : 0));
  log(
    `${options.requests} requests per variant and case after ${options.warmup} warm-up rounds` +
      (settings
        ? `; wrk ${settings.seconds}s x ${VARIANTS.length} variants x ${settings.rounds} rounds per case`
        : "") +
      ` (about ${Math.ceil(estimate)} s)`,
  );
  if (wrk.missing) log(WRK_MISSING);

  log("bundling src/index.ts and demo/origin/index.ts into bench/.build/");
  mkdirSync(BUILD_DIR, { recursive: true });
  await Promise.all(
    Object.entries(ENTRIES).map(([name, entry]) =>
      bundle({ file: join(ROOT, entry) }, join(BUILD_DIR, `${name}.js`)),
    ),
  );
  writeFileSync(join(BUILD_DIR, "passthrough.js"), PASSTHROUGH_JS);
  // What exactly was measured: size and hash of each bundle, and the commit it was built from.
  const buildInfo = {
    bundles: Object.fromEntries(
      ["consent-edge.js", "origin.js", "passthrough.js"].map((file) => [
        file,
        describeBundle(join(BUILD_DIR, file)),
      ]),
    ),
    git: describeGit(ROOT, ["src", "demo"]),
  };
  const edgeBundle = buildInfo.bundles["consent-edge.js"];
  const measured =
    `consent-edge.js ${edgeBundle ? `${(edgeBundle.bytes / 1024).toFixed(0)} KiB sha256 ${edgeBundle.sha256.slice(0, 12)}` : "?"}` +
    commitNote(buildInfo.git);
  log(`measuring ${measured}`);

  const versions = { npm: workerdVersion(ROOT), binary: workerdBinaryVersion(WORKERD) };
  let workerd: Workerd<Variant> | undefined;
  const clients = new Map<Case["id"], Client<Variant>>();
  try {
    workerd = await startWorkerd(
      WORKERD,
      join(BUILD_DIR, "config.capnp"),
      services("bench-debug-secret"),
      30_000,
    );
    const ports = workerd.ports;
    log(
      `workerd ${versions.npm} (pid ${workerd.pid}) serving ${VARIANTS.map((v) => `${v} :${ports[v]}`).join(", ")}`,
    );

    for (const c of benchCases) clients.set(c.id, createClient(ports, VARIANTS, PATH, c.headers));
    const clientFor = (c: Case): Client<Variant> => {
      const client = clients.get(c.id);
      if (!client) throw new Error(`no client for ${c.id}`);
      return client;
    };

    const verification = new Map<Case["id"], Record<Variant, Check>>();
    for (const c of benchCases) {
      const checks = await verify(clientFor(c), c);
      verification.set(c.id, checks);
      log(
        `verified (${c.label}): Set-Cookie lines ${VARIANTS.map((v) => `${v} ${checks[v].setCookies}`).join(", ")}`,
      );
    }

    const latency = new Map<Case["id"], Samples<Variant>>();
    for (const c of benchCases) {
      log(`latency (${c.label})...`);
      latency.set(c.id, await measureLatency(clientFor(c), VARIANTS, options.warmup, options.requests));
    }
    for (const client of clients.values()) client.close();

    const wrkRuns = new Map<Case["id"], CaseWrkRun[]>();
    if (settings) {
      for (const c of benchCases) {
        log(`throughput (${c.label})...`);
        const runs = await measureThroughput(ports, VARIANTS, PATH, c.headers, settings, {
          order: alternating,
          tolerateErrors: true,
        });
        const failed = runs.filter((r) => r.errors > 0);
        if (failed.length > 0) {
          throw new Error(
            `bench: wrk saw errors or non-2xx answers (${failed.map((r) => `${r.variant}: ${r.errors}`).join(", ")})`,
          );
        }
        wrkRuns.set(
          c.id,
          runs.map(({ variant, round, requestsPerSecond, requests, latencyAvgMs, errors }) => ({
            variant,
            round,
            requestsPerSecond,
            requests,
            latencyAvgMs,
            errors,
          })),
        );
      }
    }

    const results: CaseResult[] = benchCases.map((c) => {
      const samples = latency.get(c.id) as Samples<Variant>;
      const runs = wrkRuns.get(c.id) ?? null;
      const throughput = runs ? summarizeWrk(runs) : null;
      return {
        id: c.id,
        label: c.label,
        requestHeaders: c.headers,
        verification: verification.get(c.id) as Record<Variant, Check>,
        latencyMs: {
          origin: summarize(samples.origin),
          passthrough: summarize(samples.passthrough),
          "consent-edge": summarize(samples["consent-edge"]),
        },
        throughput,
        wrkRuns: runs,
        consentEdgeVs: {
          origin: compare(samples, "origin", throughput),
          passthrough: compare(samples, "passthrough", throughput),
        },
      };
    });

    const report = {
      date: new Date(started).toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 100) / 10,
      request: { method: "GET", path: PATH, host: HOST },
      options: { long: options.long, warmupRounds: options.warmup, requestsPerVariant: options.requests },
      wrk: wrk.report,
      build: buildInfo,
      versions: {
        node: process.version,
        workerd: versions.npm,
        workerdBinary: versions.binary,
        compatibilityDate: COMPATIBILITY_DATE,
      },
      machine: describeMachine(loadBefore, true),
      cases: results,
    };
    writeResults(RESULTS_FILE, report);

    process.stdout.write(renderTable(report.date, PATH, options, results, os.cpus().length, measured));
    log(`full results in ${relative(process.cwd(), RESULTS_FILE)} (${report.durationSeconds} s)`);
  } finally {
    for (const client of clients.values()) client.close();
    await workerd?.stop();
  }
}

runMain(main);
