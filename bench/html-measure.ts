/**
 * Everything `npm run bench:html` measures on one page size, in that size's own workerd processes
 * (one per variant, each with its own origin: bench/html-fleet.ts): check what each serves, then the
 * sequential latency run with each process's CPU time read block by block, then wrk with the CPU
 * time of each run, then each process's memory, and on the sizes that have it the slowly streamed
 * page's first byte. The processes are stopped before the next size starts, so that no size's
 * memory or CPU shows up in another's.
 */
import { type CpuBlock, type CpuSummary, measureSequential, summarizeCpu, wrkCpuMeter } from "./html-cpu";
import { startFleet } from "./html-fleet";
import type { PageShape, PageStats } from "./html-page";
import { memoryMiB, threadNames } from "./html-process";
import type { SizePlan } from "./html-sizes";
import { assertFirstByteEarly, measureStream, type StreamResult } from "./html-stream";
import { neutralisationProblems, type Verified, verify } from "./html-verify";
import { EDGE_10, ORIGIN_SERVICE, SLOW_PATH } from "./html-workers";
import { createClient, fetchText } from "./latency";
import { type Summary, summarize } from "./stats";
import {
  measureThroughput,
  rotating,
  throughputByVariant,
  type WrkRun,
  type WrkSettings,
} from "./throughput";

/**
 * A process's memory at three points. workerd's resident set grows with the number of requests it
 * has served, for a while even with V8's heap capped (an origin alone returning a 12 KiB string
 * grew past 600 MiB over 150,000 requests; returning "ok", it levelled off near 285 MiB), so peaks
 * are compared where every variant has served the same requests: after the sequential run. After
 * wrk, the faster variant has served many more.
 */
export interface ProcessMemory {
  /** VmRSS just after start-up, before any request: the worker's code and config. */
  idleMiB: number;
  /** VmHWM after the check and the sequential run (the same requests to every variant). */
  sequentialPeakMiB: number;
  /** VmHWM at the end (after wrk as well): the process's peak over its life. */
  peakMiB: number;
  /** VmRSS at the end. */
  endMiB: number;
  /** Requests the process served in all (check, warm-up, sequential, wrk). */
  requests: number;
}

export type CpuWrkRun = WrkRun & { cpuMsPerRequest: number };

export interface SizeResult {
  id: string;
  label: string;
  page: PageStats & { shape: PageShape };
  variants: readonly string[];
  pids: Record<string, number>;
  /** What workerd's threads are called (read from the first process). */
  threads: string[];
  verification: Record<string, Verified>;
  sequential: { warmupRounds: number; requestsPerVariant: number; blocks: number };
  latencyMs: Record<string, Summary>;
  cpu: {
    blocks: CpuBlock[];
    /** From the sequential blocks: each process's CPU ms per request, and minus pass-through's. */
    sequential: CpuSummary;
    /** From the wrk runs, per round (null without wrk). */
    wrk: CpuSummary | null;
  };
  wrk: WrkSettings | null;
  wrkRuns: CpuWrkRun[] | null;
  throughput: Record<string, { mean: number; runs: number[] }> | null;
  memory: Record<string, ProcessMemory>;
  stream: StreamResult | null;
}

export interface MeasureContext {
  workerd: string;
  buildDir: string;
  path: string;
  headers: Record<string, string>;
  /** Tries of the slowly streamed page per target; 0 skips it. */
  streamTries: number;
  log: (message: string) => void;
}

export async function measureSize(
  plan: SizePlan,
  page: { html: string; stats: PageStats; shape: PageShape },
  context: MeasureContext,
): Promise<SizeResult> {
  const { log, path, headers } = context;
  const variants = plan.variants;
  const fleet = await startFleet(context.workerd, context.buildDir, plan.id, variants);
  try {
    const pids = Object.fromEntries(variants.map((v) => [v, fleet.processes[v]?.pid ?? -1]));
    const idle = Object.fromEntries(variants.map((v) => [v, memoryMiB(pids[v] ?? -1).rssMiB]));
    log(`${plan.label}: ${variants.map((v) => `${v} pid ${pids[v]} :${fleet.ports[v]}`).join(", ")}`);

    const first = fleet.processes[variants[0] ?? ""];
    const ports = { ...fleet.ports, [ORIGIN_SERVICE]: first?.originPort ?? -1 };
    const verification = await verify(ports, variants, path, headers, page.html, plan.label).catch(
      (error: unknown) => {
        throw new Error(
          `${error instanceof Error ? error.message : String(error)}\n--- workerd output ---\n${fleet.log()}`,
        );
      },
    );

    log(
      `${plan.label}: latency and CPU, ${plan.requests} sequential requests per variant in ${plan.blocks} blocks`,
    );
    const client = createClient(fleet.ports, variants, path, headers);
    const sequential = await measureSequential(
      client,
      variants,
      pids,
      plan.warmup,
      plan.requests,
      plan.blocks,
    ).finally(() => {
      client.close();
    });
    const latencyMs = Object.fromEntries(variants.map((v) => [v, summarize(sequential.samples[v] ?? [])]));
    const sequentialPeak = Object.fromEntries(variants.map((v) => [v, memoryMiB(pids[v] ?? -1).peakMiB]));

    let wrkRuns: CpuWrkRun[] | null = null;
    if (plan.wrk) {
      log(
        `${plan.label}: throughput, wrk -t1 -c${plan.wrk.connections} ${plan.wrk.seconds}s x ${plan.wrk.rounds} rounds`,
      );
      const meter = wrkCpuMeter(pids);
      const cpuOfRun = new Map<string, number>();
      const runs = await measureThroughput(fleet.ports, variants, path, headers, plan.wrk, {
        order: rotating,
        // wrk's default 2 s timeout counts a request held up by a GC pause or a busy machine as an error.
        timeoutSeconds: 30,
        onStart: (variant) => {
          meter.start(variant);
        },
        onRun: (run) => {
          const cpu = meter.end(run.variant, run.requests);
          cpuOfRun.set(`${run.round}/${run.variant}`, cpu);
          log(
            `  ${plan.id} round ${run.round} ${run.variant.padEnd(16)} ${run.requestsPerSecond.toFixed(0)} req/s, ` +
              `${cpu.toFixed(2)} ms CPU per request`,
          );
        },
      });
      wrkRuns = runs.map((run) => ({
        ...run,
        cpuMsPerRequest: cpuOfRun.get(`${run.round}/${run.variant}`) ?? Number.NaN,
      }));
    }

    const memory = Object.fromEntries(
      variants.map((v) => {
        const now = memoryMiB(pids[v] ?? -1);
        const wrkRequests = (wrkRuns ?? [])
          .filter((r) => r.variant === v)
          .reduce((sum, r) => sum + r.requests, 0);
        const memory: ProcessMemory = {
          idleMiB: idle[v] ?? Number.NaN,
          sequentialPeakMiB: sequentialPeak[v] ?? Number.NaN,
          peakMiB: now.peakMiB,
          endMiB: now.rssMiB,
          requests: 1 + plan.warmup + plan.requests + wrkRequests,
        };
        return [v, memory];
      }),
    );

    let stream: StreamResult | null = null;
    if (context.streamTries > 0) stream = await measureSlowOrigin(fleet.processes, variants, context);

    const rounds = wrkRuns ? [...new Set(wrkRuns.map((r) => r.round))] : [];
    const wrkRows = rounds.map((round) =>
      Object.fromEntries(
        (wrkRuns ?? []).filter((r) => r.round === round).map((r) => [r.variant, r.cpuMsPerRequest]),
      ),
    );
    return {
      id: plan.id,
      label: plan.label,
      page: { ...page.stats, shape: page.shape },
      variants,
      pids,
      threads: threadNames(pids[variants[0] ?? ""] ?? -1),
      verification,
      sequential: { warmupRounds: plan.warmup, requestsPerVariant: plan.requests, blocks: plan.blocks },
      latencyMs,
      cpu: {
        blocks: sequential.blocks,
        sequential: summarizeCpu(
          sequential.blocks.map((b) => b.msPerRequest),
          variants,
          "passthrough",
        ),
        wrk: wrkRuns ? summarizeCpu(wrkRows, variants, "passthrough") : null,
      },
      wrk: plan.wrk,
      wrkRuns,
      throughput: wrkRuns ? throughputByVariant(wrkRuns, variants) : null,
      memory,
      stream,
    };
  } finally {
    await fleet.stop();
  }
}

/**
 * The slowly streamed page from the origin (the pass-through's process's own), through pass-through
 * and through consent-edge; aborts unless consent-edge's first byte left early and its page is as
 * neutralised as the quickly sent one.
 */
async function measureSlowOrigin(
  processes: Awaited<ReturnType<typeof startFleet>>["processes"],
  variants: readonly string[],
  context: MeasureContext,
): Promise<StreamResult> {
  const passthrough = processes.passthrough;
  const edge = processes[EDGE_10];
  if (!passthrough || !edge || !variants.includes(EDGE_10))
    throw new Error("bench: the slow-origin check needs passthrough and consent-edge-10");
  context.log(
    `slow origin: ${SLOW_PATH}, ${context.streamTries} tries each from the origin, passthrough, ${EDGE_10}`,
  );
  const result = await measureStream(
    { origin: passthrough.originPort, passthrough: passthrough.port, [EDGE_10]: edge.port },
    SLOW_PATH,
    context.headers,
    context.streamTries,
  );
  assertFirstByteEarly(result, EDGE_10);
  const [slow, quick] = await Promise.all([
    fetchText(edge.port, SLOW_PATH, context.headers),
    fetchText(edge.originPort, context.path, context.headers),
  ]);
  const problems = neutralisationProblems(slow.body, quick.body);
  if (problems.length > 0)
    throw new Error(`bench: ${EDGE_10}${SLOW_PATH} (slowly streamed):\n  ${problems.join("\n  ")}`);
  return result;
}
