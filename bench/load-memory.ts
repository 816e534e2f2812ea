/**
 * The resident memory of a process over time, read from /proc/<pid>/status (Linux): `VmRSS` is what
 * it holds now, `VmHWM` its peak so far. Sampling only reads a small procfs file, so it does not
 * disturb what it measures.
 */
import { readFileSync } from "node:fs";

export interface MemorySample {
  /** Seconds since the sampler started. */
  t: number;
  /** What the run was doing when the sample was taken ("passthrough round 1", "idle"). */
  phase: string;
  rssMiB: number;
}

/** VmRSS and VmHWM of `pid` in MiB, or undefined when the process is gone or this is not Linux. */
export function readRss(pid: number): { rssMiB: number; peakMiB: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  const rss = kib("VmRSS");
  const peak = kib("VmHWM");
  return Number.isFinite(rss) ? { rssMiB: rss / 1024, peakMiB: peak / 1024 } : undefined;
}

export interface Sampler {
  /** Label the next samples. */
  phase(name: string): void;
  /** Take one sample now (also done every interval). */
  sample(): MemorySample | undefined;
  samples(): MemorySample[];
  stop(): void;
}

export function startSampler(pid: number, intervalMs: number, initialPhase: string): Sampler {
  const started = performance.now();
  const taken: MemorySample[] = [];
  let phase = initialPhase;
  const sample = (): MemorySample | undefined => {
    const rss = readRss(pid);
    if (!rss) return undefined;
    const s = { t: Math.round((performance.now() - started) / 100) / 10, phase, rssMiB: round1(rss.rssMiB) };
    taken.push(s);
    return s;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    phase: (name) => {
      phase = name;
    },
    sample,
    samples: () => [...taken],
    stop: () => {
      clearInterval(timer);
    },
  };
}

export interface MemorySummary {
  startMiB: number;
  peakMiB: number;
  /** At the end of the last load phase. */
  endMiB: number;
  /** After the idle period that follows the load. */
  afterIdleMiB: number;
  /** At the end of each load phase, in order: does it keep climbing? */
  endOfPhaseMiB: Record<string, number>;
}

export function summarizeMemory(samples: readonly MemorySample[], peakMiB: number): MemorySummary {
  const endOfPhase: Record<string, number> = {};
  for (const s of samples) endOfPhase[s.phase] = s.rssMiB;
  const load = samples.filter((s) => s.phase !== "idle" && s.phase !== "start");
  return {
    startMiB: samples[0]?.rssMiB ?? Number.NaN,
    peakMiB: round1(peakMiB),
    endMiB: load.at(-1)?.rssMiB ?? Number.NaN,
    afterIdleMiB: samples.filter((s) => s.phase === "idle").at(-1)?.rssMiB ?? Number.NaN,
    endOfPhaseMiB: endOfPhase,
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
