/**
 * `npm run bench`: the latency consent-edge adds in front of the demo origin.
 *
 * One workerd process serves three variants side by side on loopback:
 *   origin        the demo origin alone
 *   passthrough   a worker that only forwards to the origin over a service binding
 *   consent-edge  consent-edge (src/index.ts with consent-edge.config.json) in front of the origin
 * so "consent-edge minus passthrough" is what consent-edge's own work costs, and "consent-edge minus
 * origin" is that plus the extra worker hop.
 *
 * Options (flag or environment variable):
 *   --long             BENCH_LONG=1          10,000 requests per variant and longer wrk runs
 *   --requests=N       BENCH_REQUESTS=N      measured requests per variant and case (default 2,000)
 *   --warmup=N         BENCH_WARMUP=N        warm-up rounds (default 300)
 *   --wrk-seconds=N    BENCH_WRK_SECONDS=N   seconds per wrk run (default 5)
 *   --wrk-rounds=N     BENCH_WRK_ROUNDS=N    wrk rounds, variants alternating (default 2)
 *   --no-wrk           BENCH_NO_WRK=1        skip the throughput part
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Client, createClient, measureLatency, type Samples } from "./latency";
import {
  bootstrapMedianDifference,
  medianPairedDifference,
  quantile,
  sortedCopy,
  summarize,
  type Summary,
} from "./stats";
import { findWrk, measureThroughput, type WrkRun, type WrkSettings } from "./throughput";
import {
  bundleWorkers,
  startWorkerd,
  VARIANTS,
  type Variant,
  type Workerd,
  workerdConfig,
  workerdVersion,
} from "./workerd";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BUILD_DIR = join(ROOT, "bench/.build");
const RESULTS_FILE = join(ROOT, "bench/results/latest.json");
const WORKERD = join(ROOT, "node_modules/workerd/bin/workerd");
const PATH = "/";
const HOST = "localhost";
const SITE_ID = "demo";

/** What the demo page must look like through each variant, or we would be measuring the wrong thing. */
const ORIGIN_SET_COOKIES = 22;
const NO_CONSENT_SET_COOKIES = 4;

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
    if (!match?.[1]) throw new Error(`bench: unknown argument ${arg} (see bench/run.ts for options)`);
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
  const noWrk = truthy(pick("no-wrk", "BENCH_NO_WRK"));
  return {
    long,
    warmup: count("warmup", "BENCH_WARMUP", long ? 1_000 : 300, 0),
    requests: count("requests", "BENCH_REQUESTS", long ? 10_000 : 2_000, 10),
    wrk: noWrk
      ? null
      : {
          threads: 1,
          connections: 8,
          seconds: count("wrk-seconds", "BENCH_WRK_SECONDS", long ? 10 : 5, 1),
          rounds: count("wrk-rounds", "BENCH_WRK_ROUNDS", long ? 4 : 2, 1),
        },
  };
}

interface Case {
  id: "no-consent" | "consent-all";
  label: string;
  headers: Record<string, string>;
}

/** The two visitor states: no cookie at all, and a consent cookie granting every category. */
function cases(): Case[] {
  const config = JSON.parse(readFileSync(join(ROOT, "consent-edge.config.json"), "utf8")) as {
    sites: { id: string; policyRevision: string; categories: string[] }[];
  };
  const site = config.sites.find((s) => s.id === SITE_ID);
  if (!site) throw new Error(`bench: consent-edge.config.json has no site "${SITE_ID}"`);
  const granted = site.categories.filter((c) => c !== "necessary").join("~");
  const givenAt = Math.floor(Date.now() / 1000) - 60;
  return [
    { id: "no-consent", label: "no cookie", headers: { Host: HOST } },
    {
      id: "consent-all",
      label: "consent to all",
      headers: { Host: HOST, Cookie: `ce_consent=1.${site.policyRevision}.${givenAt}.${granted}` },
    },
  ];
}

interface Check {
  status: number;
  setCookies: number;
  bodyBytes: number;
  fromOrigin: boolean;
}

/** Abort loudly unless consent-edge really enforces: 22 Set-Cookie lines pass through, 4 survive it. */
async function verify(client: Client, benchCase: Case): Promise<Record<Variant, Check>> {
  const checks = {} as Record<Variant, Check>;
  for (const variant of VARIANTS) {
    const reply = await client.get(variant);
    checks[variant] = {
      status: reply.status,
      setCookies: reply.headers["set-cookie"]?.length ?? 0,
      bodyBytes: reply.bodyBytes,
      fromOrigin: reply.headers["x-demo-origin"] === "1",
    };
  }
  const problems: string[] = [];
  for (const variant of VARIANTS) {
    const check = checks[variant];
    if (check.status !== 200) problems.push(`${variant}: HTTP ${check.status}, expected 200`);
    if (!check.fromOrigin)
      problems.push(`${variant}: no X-Demo-Origin header: the demo origin did not answer`);
  }
  for (const variant of ["origin", "passthrough"] as const) {
    if (checks[variant].setCookies !== ORIGIN_SET_COOKIES) {
      problems.push(
        `${variant}: ${checks[variant].setCookies} Set-Cookie lines, expected ${ORIGIN_SET_COOKIES} (the demo origin changed?)`,
      );
    }
  }
  const edge = checks["consent-edge"].setCookies;
  if (benchCase.id === "no-consent" && edge !== NO_CONSENT_SET_COOKIES) {
    problems.push(
      `consent-edge: ${edge} Set-Cookie lines without consent, expected ${NO_CONSENT_SET_COOKIES}: it is not enforcing`,
    );
  }
  if (benchCase.id === "consent-all" && (edge <= NO_CONSENT_SET_COOKIES || edge > ORIGIN_SET_COOKIES)) {
    problems.push(
      `consent-edge: ${edge} Set-Cookie lines with full consent: the consent cookie was not honoured`,
    );
  }
  if (problems.length > 0) {
    throw new Error(
      `bench: verification failed (${benchCase.label}), refusing to measure:\n  ${problems.join("\n  ")}`,
    );
  }
  return checks;
}

interface Comparison {
  /** median(consent-edge) - median(other), ms */
  addedMedianMs: number;
  /** rough 95% bootstrap interval of addedMedianMs */
  addedMedianCi95Ms: [number, number];
  /** median of round-by-round differences, ms */
  pairedMedianDifferenceMs: number;
  /** median(consent-edge) / median(other) */
  medianRatio: number;
  /** addedMedianMs measured on each half of the run separately (a stability check) */
  addedMedianByHalfMs: [number, number];
  /** mean req/s(consent-edge) / mean req/s(other); null without wrk */
  throughputRatio: number | null;
}

interface Throughput {
  meanRequestsPerSecond: number;
  runs: number[];
}

interface CaseResult {
  id: Case["id"];
  label: string;
  requestHeaders: Record<string, string>;
  verification: Record<Variant, Check>;
  latencyMs: Record<Variant, Summary>;
  throughput: Record<Variant, Throughput> | null;
  wrkRuns: WrkRun[] | null;
  consentEdgeVs: { origin: Comparison; passthrough: Comparison };
}

function median(values: readonly number[]): number {
  return quantile(sortedCopy(values), 0.5);
}

function compare(
  samples: Samples,
  other: Variant,
  throughput: Record<Variant, Throughput> | null,
): Comparison {
  const edge = samples["consent-edge"];
  const base = samples[other];
  const half = Math.floor(edge.length / 2);
  const addedIn = (from: number, to: number): number =>
    median(edge.slice(from, to)) - median(base.slice(from, to));
  return {
    addedMedianMs: median(edge) - median(base),
    addedMedianCi95Ms: bootstrapMedianDifference(edge, base),
    pairedMedianDifferenceMs: medianPairedDifference(edge, base),
    medianRatio: median(edge) / median(base),
    addedMedianByHalfMs: [addedIn(0, half), addedIn(half, edge.length)],
    throughputRatio: throughput
      ? throughput["consent-edge"].meanRequestsPerSecond / throughput[other].meanRequestsPerSecond
      : null,
  };
}

function summarizeWrk(runs: WrkRun[]): Record<Variant, Throughput> {
  const out = {} as Record<Variant, Throughput>;
  for (const variant of VARIANTS) {
    const rps = runs.filter((r) => r.variant === variant).map((r) => r.requestsPerSecond);
    out[variant] = { meanRequestsPerSecond: rps.reduce((a, b) => a + b, 0) / rps.length, runs: rps };
  }
  return out;
}

/** What exactly was measured: size and hash of each bundle, and the commit it was built from. */
function describeBuild(): {
  bundles: Record<string, { bytes: number; sha256: string }>;
  git: { commit: string; uncommitted: string[] } | null;
} {
  const bundles: Record<string, { bytes: number; sha256: string }> = {};
  for (const file of ["consent-edge.js", "origin.js", "passthrough.js"]) {
    const bytes = readFileSync(join(BUILD_DIR, file));
    bundles[file] = { bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
  }
  // Read-only git queries; none when git or the repository is missing.
  const git = (args: string[]): string | undefined => {
    const result = spawnSync("git", args, { cwd: ROOT, encoding: "utf8" });
    return result.status === 0 ? result.stdout.trim() : undefined;
  };
  const commit = git(["rev-parse", "--short", "HEAD"]);
  const status = git(["status", "--porcelain", "--", "src", "demo", "consent-edge.config.json"]);
  return {
    bundles,
    git:
      commit === undefined
        ? null
        : { commit, uncommitted: (status ?? "").split("\n").filter((line) => line.length > 0) },
  };
}

const log = (message: string): void => {
  process.stderr.write(`bench: ${message}\n`);
};

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const wrkVersion = options.wrk ? findWrk() : undefined;
  const wrk = wrkVersion ? options.wrk : null;
  const benchCases = cases();
  const started = Date.now();
  const loadBefore = os.loadavg();

  const estimate =
    benchCases.length *
    ((options.warmup + options.requests) * VARIANTS.length * 0.001 +
      (wrk ? wrk.seconds * wrk.rounds * 3 : 0));
  log(
    `${options.requests} requests per variant and case after ${options.warmup} warm-up rounds` +
      (wrk ? `; wrk ${wrk.seconds}s x ${VARIANTS.length} variants x ${wrk.rounds} rounds per case` : "") +
      ` (about ${Math.ceil(estimate)} s)`,
  );
  if (options.wrk && !wrkVersion) log("wrk is not on PATH: skipping throughput (apt-get install -y wrk)");

  log("bundling src/index.ts and demo/origin/index.ts into bench/.build/");
  await bundleWorkers(ROOT, BUILD_DIR);
  const configPath = join(BUILD_DIR, "config.capnp");
  writeFileSync(configPath, workerdConfig("bench-debug-secret"));
  const buildInfo = describeBuild();
  const edgeBundle = buildInfo.bundles["consent-edge.js"];
  const measured =
    `consent-edge.js ${edgeBundle ? `${(edgeBundle.bytes / 1024).toFixed(0)} KiB sha256 ${edgeBundle.sha256.slice(0, 12)}` : "?"}` +
    (buildInfo.git
      ? `, commit ${buildInfo.git.commit}${buildInfo.git.uncommitted.length > 0 ? " + uncommitted changes" : ""}`
      : "");
  log(`measuring ${measured}`);

  const versions = workerdVersion(WORKERD, ROOT);
  let workerd: Workerd | undefined;
  const clients = new Map<Case["id"], Client>();
  try {
    workerd = await startWorkerd(WORKERD, configPath);
    const ports = workerd.ports;
    log(
      `workerd ${versions.npm} (pid ${workerd.pid}) serving ${VARIANTS.map((v) => `${v} :${ports[v]}`).join(", ")}`,
    );

    for (const c of benchCases) clients.set(c.id, createClient(ports, PATH, c.headers));
    const clientFor = (c: Case): Client => {
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

    const latency = new Map<Case["id"], Samples>();
    for (const c of benchCases) {
      log(`latency (${c.label})...`);
      latency.set(c.id, await measureLatency(clientFor(c), options.warmup, options.requests));
    }
    for (const client of clients.values()) client.close();

    const wrkRuns = new Map<Case["id"], WrkRun[]>();
    if (wrk) {
      for (const c of benchCases) {
        log(`throughput (${c.label})...`);
        const runs = await measureThroughput(ports, PATH, c.headers, wrk);
        const failed = runs.filter((r) => r.errors > 0);
        if (failed.length > 0) {
          throw new Error(
            `bench: wrk saw errors or non-2xx answers (${failed.map((r) => `${r.variant}: ${r.errors}`).join(", ")})`,
          );
        }
        wrkRuns.set(c.id, runs);
      }
    }

    const results: CaseResult[] = benchCases.map((c) => {
      const samples = latency.get(c.id) as Samples;
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
      wrk: wrk ? { ...wrk, version: wrkVersion } : { skipped: options.wrk ? "wrk not on PATH" : "disabled" },
      build: buildInfo,
      versions: {
        node: process.version,
        workerd: versions.npm,
        workerdBinary: versions.binary,
        compatibilityDate: "2026-04-20",
      },
      machine: {
        cores: os.cpus().length,
        availableParallelism: os.availableParallelism(),
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        platform: `${os.platform()} ${os.release()} ${os.arch()}`,
        loadAverageBefore: loadBefore,
        loadAverageAfter: os.loadavg(),
      },
      cases: results,
    };
    mkdirSync(dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);

    process.stdout.write(renderTable(report.date, options, results, os.cpus().length, measured));
    log(`full results in ${relative(process.cwd(), RESULTS_FILE)} (${report.durationSeconds} s)`);
  } finally {
    for (const client of clients.values()) client.close();
    await workerd?.stop();
  }
}

function renderTable(
  date: string,
  options: Options,
  results: CaseResult[],
  cores: number,
  measured: string,
): string {
  const ms = (value: number): string => value.toFixed(3);
  const signed = (value: number): string => `${value >= 0 ? "+" : ""}${value.toFixed(3)}`;
  const lines: string[] = [];
  lines.push(
    `consent-edge bench ${date}: GET ${PATH} Host: ${HOST}, ${options.requests} sequential keep-alive requests per variant (interleaved), ${cores} cores`,
  );
  lines.push(`built: ${measured}`);
  lines.push("");
  const header = ["case", "variant", "median ms", "p90 ms", "p99 ms", "req/s"];
  const rows: string[][] = [];
  for (const result of results) {
    for (const variant of VARIANTS) {
      const stats = result.latencyMs[variant];
      const rps = result.throughput?.[variant].meanRequestsPerSecond;
      rows.push([
        variant === "origin" ? result.id : "",
        variant,
        ms(stats.median),
        ms(stats.p90),
        ms(stats.p99),
        rps === undefined ? "-" : rps.toFixed(0),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const format = (cells: string[]): string =>
    cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");
  lines.push(format(header));
  let index = 0;
  for (const result of results) {
    for (let k = 0; k < VARIANTS.length; k++) lines.push(format(rows[index++] ?? []));
    for (const other of ["origin", "passthrough"] as const) {
      const c = result.consentEdgeVs[other];
      const throughput = c.throughputRatio === null ? "" : `, req/s x${c.throughputRatio.toFixed(2)}`;
      lines.push(
        `  consent-edge vs ${other.padEnd(11)}: ${signed(c.addedMedianMs)} ms median ` +
          `(95% CI ${signed(c.addedMedianCi95Ms[0])}..${signed(c.addedMedianCi95Ms[1])}, ` +
          `halves ${signed(c.addedMedianByHalfMs[0])}/${signed(c.addedMedianByHalfMs[1])}), ` +
          `x${c.medianRatio.toFixed(2)}${throughput}`,
      );
    }
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}

main().catch((error: unknown) => {
  // Our own aborts ("bench: ...") say all there is to say; anything else gets its stack.
  const text =
    error instanceof Error
      ? error.message.startsWith("bench:")
        ? error.message
        : (error.stack ?? error.message)
      : String(error);
  console.error(`\n${text}\n`);
  process.exitCode = 1;
});
