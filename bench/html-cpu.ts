/**
 * CPU time per request, from each variant's own workerd process (bench/html-fleet.ts,
 * bench/html-process.ts): read the process's CPU time before and after a known number of requests
 * to it, and divide. As each process serves only its own variant's requests, requests to the other
 * variants in between (the interleaved latency run) cost it nothing.
 *
 * What the figure holds: the variant's JavaScript and lol-html, and also its origin (in the same
 * process), the service-binding hop and workerd serving HTTP to the client. The pass-through's
 * process does all of those but the variant's own work, so `variant − passthrough`, taken within the
 * same block (or wrk round), is the variant's own cost: the net figure (netByBlock).
 */
import { cpuMs } from "./html-process";
import { type Client, measureLatency, type Samples } from "./latency";
import { median } from "./stats";

export interface CpuBlock {
  block: number;
  requests: number;
  /** Per variant: its process's CPU ms over the block, per request. */
  msPerRequest: Record<string, number>;
}

/**
 * The sequential latency run (interleaved round-robin, bench/latency.ts), its measured rounds split
 * into `blocks`, each process's CPU time read at every block's edges. The warm-up is not counted.
 */
export async function measureSequential(
  client: Client,
  variants: readonly string[],
  pids: Record<string, number>,
  warmup: number,
  requests: number,
  blocks: number,
): Promise<{ samples: Samples; blocks: CpuBlock[] }> {
  await measureLatency(client, variants, warmup, 0);
  const samples: Samples = Object.fromEntries(variants.map((v) => [v, []]));
  const out: CpuBlock[] = [];
  const read = (): Record<string, number> =>
    Object.fromEntries(variants.map((v) => [v, cpuMs(pids[v] ?? -1).ms]));
  for (let block = 0; block < blocks; block++) {
    // Blocks as even as the count allows; the last one takes what is left.
    const rounds = Math.floor(requests / blocks) + (block === blocks - 1 ? requests % blocks : 0);
    const before = read();
    const taken = await measureLatency(client, variants, 0, rounds);
    const after = read();
    for (const v of variants) samples[v]?.push(...(taken[v] ?? []));
    out.push({
      block,
      requests: rounds,
      msPerRequest: Object.fromEntries(
        variants.map((v) => [v, ((after[v] ?? 0) - (before[v] ?? 0)) / rounds]),
      ),
    });
  }
  return { samples, blocks: out };
}

/** Per-block (or per-round) CPU ms per request of each variant, and of each variant minus `base`. */
export interface CpuSummary {
  /** Median over blocks of the process's CPU ms per request, and its [min, max]. */
  gross: Record<string, { median: number; range: [number, number] }>;
  /** Median over blocks of (variant − base) in the same block, and its [min, max]. */
  net: Record<string, { median: number; range: [number, number] }>;
}

/** `rows` are blocks or wrk rounds, each with every variant's ms per request. */
export function summarizeCpu(
  rows: readonly Record<string, number>[],
  variants: readonly string[],
  base: string,
): CpuSummary {
  const stat = (values: number[]): { median: number; range: [number, number] } => ({
    median: median(values),
    range: [Math.min(...values), Math.max(...values)],
  });
  const complete = rows.filter((row) => variants.every((v) => row[v] !== undefined));
  const of = (v: string): number[] => complete.map((row) => row[v] ?? Number.NaN);
  return {
    gross: Object.fromEntries(variants.map((v) => [v, stat(of(v))])),
    net: Object.fromEntries(
      variants.map((v) => [
        v,
        stat(complete.map((row) => (row[v] ?? Number.NaN) - (row[base] ?? Number.NaN))),
      ]),
    ),
  };
}

/** CPU ms per request of every wrk run, gathered through measureThroughput's onStart/onRun. */
export function wrkCpuMeter(pids: Record<string, number>): {
  start: (variant: string) => void;
  /** The run's CPU ms per request (its process's CPU over the run / wrk's completed requests). */
  end: (variant: string, requests: number) => number;
} {
  const started = new Map<string, number>();
  return {
    start: (variant) => {
      started.set(variant, cpuMs(pids[variant] ?? -1).ms);
    },
    end: (variant, requests) => {
      const before = started.get(variant);
      if (before === undefined) throw new Error(`bench: no CPU reading at the start of ${variant}'s wrk run`);
      return (cpuMs(pids[variant] ?? -1).ms - before) / Math.max(1, requests);
    },
  };
}
