/**
 * `npm run load` / `npm run soak`: consent-edge under sustained load, beside a pass-through worker,
 * in workerd directly (not `wrangler dev`, whose proxy would be what we measure).
 *
 * Two `workerd serve` processes, so each one's memory is its own:
 *   passthrough   the demo origin + a worker that only forwards to it over a service binding
 *   consent-edge  the demo origin + consent-edge (demo/edge.ts, demo/consent-edge.config.json)
 * wrk hits `GET /` of the demo page (Host: localhost, no cookie: every refused cookie dropped, every
 * tracker neutralised, the banner open) with 64 connections, the variants alternating round by round.
 * Each process's RSS is sampled from /proc/<pid>/status throughout, and for an idle period after the
 * last round: heap that V8 reclaims comes back down, a leak does not, and a leak also climbs round
 * after round. Conclusions are ratios to the pass-through of the same run.
 *
 *   npm run load                 64 connections, 60 s per variant, 3 rounds, 60 s idle (about 7 min)
 *   npm run soak                 64 connections, 600 s per variant, 1 round, 60 s idle, a sample every 10 s
 *   options: --seconds=N --rounds=N --connections=N --threads=N --idle=N --sample=N (seconds)
 *            --timeout=N (wrk's, default 2 s) --consent (a cookie granting every category)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { logger, runMain } from "./cli";
import { type MemorySummary, readRss, type Sampler, startSampler, summarizeMemory } from "./load-memory";
import { type LoadWrkRun, type LoadWrkSettings, runLoadWrk, totalErrors, type WrkErrors } from "./load-wrk";
import { commitNote, describeBundle, describeGit, describeMachine, writeResults } from "./results";
import { cases, ENTRIES, HOST, PASSTHROUGH_JS } from "./run-cases";
import { bundle, startWorkerd, type Workerd, workerdBinaryVersion, workerdVersion } from "./workerd";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BUILD_DIR = join(ROOT, "bench/.build-load");
const WORKERD = join(ROOT, "node_modules/workerd/bin/workerd");
const PATH = "/";
const VARIANTS = ["passthrough", "consent-edge"] as const;
type Variant = (typeof VARIANTS)[number];

const log = logger("load");

export interface LoadOptions {
  soak: boolean;
  consent: boolean;
  wrk: LoadWrkSettings;
  rounds: number;
  idleSeconds: number;
  sampleSeconds: number;
}

const KNOWN = ["soak", "seconds", "rounds", "connections", "threads", "idle", "sample", "timeout", "consent"];

export function parseLoadOptions(argv: readonly string[]): LoadOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match?.[1] || !KNOWN.includes(match[1]))
      throw new Error(`bench: unknown argument ${arg} (known: ${KNOWN.map((k) => `--${k}`).join(", ")})`);
    flags.set(match[1], match[2] ?? "1");
  }
  const soak = flags.has("soak");
  const int = (name: string, fallback: number, min: number): number => {
    const raw = flags.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min)
      throw new Error(`bench: --${name} must be an integer >= ${min}`);
    return value;
  };
  return {
    soak,
    consent: flags.has("consent"),
    wrk: {
      threads: int("threads", 2, 1),
      connections: int("connections", 64, 1),
      seconds: int("seconds", soak ? 600 : 60, 1),
      timeoutSeconds: int("timeout", 2, 1),
    },
    rounds: int("rounds", soak ? 1 : 3, 1),
    idleSeconds: int("idle", 60, 0),
    sampleSeconds: int("sample", soak ? 10 : 1, 1),
  };
}

/** What a variant must serve before it is measured: a fast wrong answer would look like a win. */
async function verify(port: number, variant: Variant, headers: Record<string, string>): Promise<void> {
  let res: Response;
  let body: string;
  try {
    res = await fetch(`http://127.0.0.1:${port}${PATH}`, { headers });
    body = await res.text();
  } catch (error) {
    throw new Error(`bench: ${variant} failed to serve the demo page: ${String(error)}`);
  }
  const cookies = res.headers.getSetCookie().length;
  const problems: string[] = [];
  if (res.status !== 200) problems.push(`HTTP ${res.status}`);
  if (res.headers.get("x-demo-origin") !== "1") problems.push("the demo origin did not answer");
  if (variant === "passthrough" && cookies !== 22) problems.push(`${cookies} Set-Cookie lines, expected 22`);
  if (variant === "consent-edge" && !headers.Cookie && cookies !== 4)
    problems.push(`${cookies} Set-Cookie lines without consent, expected 4: not enforcing`);
  if (variant === "consent-edge" && !body.includes("data-ce-src")) problems.push("nothing neutralised");
  if (problems.length > 0)
    throw new Error(`bench: ${variant} is not serving the demo page: ${problems.join("; ")}`);
}

interface VariantRun extends Omit<LoadWrkRun, "output"> {
  variant: Variant;
  round: number;
  errorsPerMinute: number;
  wrkOutput: string;
  workerdLog?: string;
}

interface Process {
  workerd: Workerd<"origin" | "front">;
  sampler: Sampler;
}

async function main(): Promise<void> {
  const options = parseLoadOptions(process.argv.slice(2));
  const [noConsent, consentAll] = cases(ROOT);
  const visitor = options.consent ? consentAll : noConsent;
  if (!visitor) throw new Error("bench: no visitor case");
  const started = Date.now();
  const loadBefore = os.loadavg();
  const total = options.wrk.seconds * options.rounds * VARIANTS.length + options.idleSeconds;
  log(
    `${options.soak ? "soak" : "load"}: wrk -t${options.wrk.threads} -c${options.wrk.connections} ` +
      `${options.wrk.seconds}s x ${VARIANTS.length} variants x ${options.rounds} rounds, then ${options.idleSeconds}s idle ` +
      `(about ${Math.ceil(total / 60)} min); visitor: ${visitor.label}`,
  );

  mkdirSync(BUILD_DIR, { recursive: true });
  await Promise.all(
    Object.entries(ENTRIES).map(([name, entry]) =>
      bundle({ file: join(ROOT, entry) }, join(BUILD_DIR, `${name}.js`)),
    ),
  );
  writeFileSync(join(BUILD_DIR, "passthrough.js"), PASSTHROUGH_JS);
  const build = {
    bundles: Object.fromEntries(
      ["consent-edge.js", "origin.js", "passthrough.js"].map((f) => [f, describeBundle(join(BUILD_DIR, f))]),
    ),
    git: describeGit(ROOT, ["src", "demo"]),
  };
  log(`built${commitNote(build.git)}`);

  const processes = new Map<Variant, Process>();
  const peaks = new Map<Variant, number>();
  try {
    for (const variant of VARIANTS) {
      const toOrigin = { name: "DEMO_ORIGIN", service: "origin" };
      const workerd = await startWorkerd(
        WORKERD,
        join(BUILD_DIR, `${variant}.capnp`),
        [
          { name: "origin", file: "origin.js", bindings: [] },
          {
            name: "front",
            file: `${variant}.js`,
            bindings: [
              toOrigin,
              ...(variant === "consent-edge" ? [{ name: "CONSENT_DEBUG_SECRET", text: "load" }] : []),
            ],
          },
        ],
        30_000,
      );
      processes.set(variant, {
        workerd,
        sampler: startSampler(workerd.pid, options.sampleSeconds * 1000, "start"),
      });
      log(`${variant}: workerd pid ${workerd.pid} on :${workerd.ports.front}`);
    }
    const get = (variant: Variant): Process => processes.get(variant) as Process;
    for (const variant of VARIANTS) await verify(get(variant).workerd.ports.front, variant, visitor.headers);
    // The verification requests are not load: let the start sample be the idle size after them.
    for (const variant of VARIANTS) get(variant).sampler.sample();

    const runs: VariantRun[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      const order = round % 2 === 1 ? [...VARIANTS] : [...VARIANTS].reverse();
      for (const variant of order) {
        const { workerd, sampler } = get(variant);
        sampler.phase(`round ${round}`);
        const { output, ...run } = await runLoadWrk(
          `http://127.0.0.1:${workerd.ports.front}${PATH}`,
          visitor.headers,
          options.wrk,
        );
        sampler.sample();
        const errors = totalErrors(run.errors);
        const row = {
          variant,
          round,
          ...run,
          errorsPerMinute: (errors * 60) / options.wrk.seconds,
          // wrk's own text, and what workerd logged, for reading the errors afterwards.
          wrkOutput: output,
          ...(errors > 0 ? { workerdLog: workerd.log() } : {}),
        };
        runs.push(row);
        log(
          `round ${round} ${variant}: ${run.requestsPerSecond.toFixed(0)} req/s, p50 ${run.p50Ms.toFixed(2)} ms, ` +
            `p99 ${run.p99Ms.toFixed(2)} ms, errors ${describeErrors(run.errors)}, RSS ${rssNote(workerd.pid)}`,
        );
        peaks.set(variant, readRss(workerd.pid)?.peakMiB ?? Number.NaN);
      }
    }
    for (const variant of VARIANTS) get(variant).sampler.phase("idle");
    if (options.idleSeconds > 0) {
      log(`idle ${options.idleSeconds}s...`);
      await new Promise((done) => setTimeout(done, options.idleSeconds * 1000));
    }
    const memory = {} as Record<Variant, MemorySummary & { samples: ReturnType<Sampler["samples"]> }>;
    for (const variant of VARIANTS) {
      const { workerd, sampler } = get(variant);
      sampler.sample();
      sampler.stop();
      const samples = sampler.samples();
      memory[variant] = {
        ...summarizeMemory(samples, readRss(workerd.pid)?.peakMiB ?? peaks.get(variant) ?? 0),
        samples,
      };
    }

    const summary = summarize(runs);
    const report = {
      date: new Date(started).toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      kind: options.soak ? "soak" : "load",
      request: { method: "GET", path: PATH, host: HOST, visitor: visitor.label },
      options,
      versions: {
        node: process.version,
        workerd: workerdVersion(ROOT),
        workerdBinary: workerdBinaryVersion(WORKERD),
      },
      build,
      machine: describeMachine(loadBefore, true),
      summary,
      runs,
      memory,
    };
    const file = join(ROOT, `bench/results/${options.soak ? "soak" : "load"}-latest.json`);
    writeResults(file, report);
    process.stdout.write(renderReport(report.date, options, summary, memory));
    log(`full results in ${relative(process.cwd(), file)}`);
  } finally {
    for (const { workerd, sampler } of processes.values()) {
      sampler.stop();
      await workerd.stop();
    }
  }
}

interface Summary {
  perVariant: Record<
    Variant,
    { requestsPerSecond: number; p50Ms: number; p99Ms: number; errors: WrkErrors; errorsPerMinute: number }
  >;
  /** consent-edge / passthrough, over the whole run and per round (min, max). */
  ratio: { requestsPerSecond: number; p50: number; p99: number; perRound: [number, number] };
}

function summarize(runs: readonly VariantRun[]): Summary {
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const perVariant = {} as Summary["perVariant"];
  for (const variant of VARIANTS) {
    const mine = runs.filter((r) => r.variant === variant);
    const errors: WrkErrors = { connect: 0, read: 0, write: 0, timeout: 0, non2xx: 0 };
    for (const r of mine)
      for (const k of Object.keys(errors) as (keyof WrkErrors)[]) errors[k] += r.errors[k];
    perVariant[variant] = {
      requestsPerSecond: mean(mine.map((r) => r.requestsPerSecond)),
      p50Ms: mean(mine.map((r) => r.p50Ms)),
      p99Ms: mean(mine.map((r) => r.p99Ms)),
      errors,
      errorsPerMinute: mean(mine.map((r) => r.errorsPerMinute)),
    };
  }
  const roundRatios = [...new Set(runs.map((r) => r.round))].flatMap((round) => {
    const a = runs.find((r) => r.round === round && r.variant === "consent-edge");
    const b = runs.find((r) => r.round === round && r.variant === "passthrough");
    return a && b ? [a.requestsPerSecond / b.requestsPerSecond] : [];
  });
  const edge = perVariant["consent-edge"];
  const pass = perVariant.passthrough;
  return {
    perVariant,
    ratio: {
      requestsPerSecond: edge.requestsPerSecond / pass.requestsPerSecond,
      p50: edge.p50Ms / pass.p50Ms,
      p99: edge.p99Ms / pass.p99Ms,
      perRound: [Math.min(...roundRatios), Math.max(...roundRatios)],
    },
  };
}

function describeErrors(e: WrkErrors): string {
  return `connect ${e.connect}, read ${e.read}, write ${e.write}, timeout ${e.timeout}, non-2xx ${e.non2xx}`;
}

function rssNote(pid: number): string {
  const rss = readRss(pid);
  return rss ? `${rss.rssMiB.toFixed(0)} MiB (peak ${rss.peakMiB.toFixed(0)})` : "?";
}

function renderReport(
  date: string,
  options: LoadOptions,
  summary: Summary,
  memory: Record<Variant, MemorySummary>,
): string {
  const f = (n: number, d = 2): string => (Number.isFinite(n) ? n.toFixed(d) : "?");
  const lines = [
    "",
    `${options.soak ? "Soak" : "Load"} ${date}: wrk -t${options.wrk.threads} -c${options.wrk.connections}, ` +
      `${options.wrk.seconds}s x ${options.rounds} rounds per variant, timeout ${options.wrk.timeoutSeconds}s, GET ${PATH}, ${os.cpus().length} cores`,
    "",
    "| variant | req/s | p50 ms | p99 ms | errors (connect/read/write/timeout/non-2xx) | errors/min | RSS start | peak | end | after idle | end of each round |",
    "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ...VARIANTS.map((v) => {
      const s = summary.perVariant[v];
      const m = memory[v];
      const e = s.errors;
      const rounds = Object.entries(m.endOfPhaseMiB)
        .filter(([phase]) => phase.startsWith("round"))
        .map(([, mib]) => f(mib, 0))
        .join(" / ");
      return `| ${v} | ${f(s.requestsPerSecond, 0)} | ${f(s.p50Ms)} | ${f(s.p99Ms)} | ${e.connect}/${e.read}/${e.write}/${e.timeout}/${e.non2xx} | ${f(s.errorsPerMinute, 1)} | ${f(m.startMiB, 0)} MiB | ${f(m.peakMiB, 0)} | ${f(m.endMiB, 0)} | ${f(m.afterIdleMiB, 0)} | ${rounds} |`;
    }),
    "",
    `consent-edge / passthrough: req/s x${f(summary.ratio.requestsPerSecond)} (rounds x${f(summary.ratio.perRound[0])}..x${f(summary.ratio.perRound[1])}), ` +
      `p50 x${f(summary.ratio.p50)}, p99 x${f(summary.ratio.p99)}`,
    `RSS growth, end of run over start: passthrough x${f(memory.passthrough.endMiB / memory.passthrough.startMiB)}, ` +
      `consent-edge x${f(memory["consent-edge"].endMiB / memory["consent-edge"].startMiB)}; ` +
      `after idle: x${f(memory.passthrough.afterIdleMiB / memory.passthrough.startMiB)} and x${f(memory["consent-edge"].afterIdleMiB / memory["consent-edge"].startMiB)}`,
    "",
  ];
  return lines.join("\n");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) runMain(main);
