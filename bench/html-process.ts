/**
 * What a workerd process used, read from /proc (Linux): its CPU time and its memory.
 *
 * CPU: workerd runs its event loop (every request's JavaScript and lol-html) on its main thread,
 * beside two tokio threads and V8's platform worker (garbage collection, compilation); all of them
 * are the process's cost, so CPU time is summed over /proc/<pid>/task/* (each thread's
 * `schedstat`, nanoseconds on a CPU). Where schedstat is missing it falls back to the process's
 * utime + stime from /proc/<pid>/stat (every thread's, in clock ticks: 10 ms, too coarse for a
 * few hundred requests of a small page, hence not the first choice).
 *
 * Memory: VmRSS (now) and VmHWM (the process's peak resident set since it started).
 */
import { readdirSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { readRss } from "./load-memory";

/** CPU time of `pid` so far, in ms, and how it was read. Throws when the process is gone. */
export function cpuMs(pid: number): { ms: number; source: "schedstat" | "stat" } {
  const threads = readdirSync(`/proc/${pid}/task`);
  let ns = 0;
  for (const tid of threads) {
    const text = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").trim();
    const runtime = Number(text.split(/\s+/)[0]);
    if (!Number.isFinite(runtime)) return { ms: statCpuMs(pid), source: "stat" };
    ns += runtime;
  }
  return { ms: ns / 1e6, source: "schedstat" };
}

let clockTicks: number | undefined;

/** utime + stime of the whole process (exited threads included) from /proc/<pid>/stat, in ms. */
export function statCpuMs(pid: number): number {
  clockTicks ??= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
  // Fields after the command name, which sits in parentheses and may itself hold spaces.
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of stat(5): 12 and 13 after the name and state.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
}

/** The names of `pid`'s threads (what the doc comment above says workerd runs). */
export function threadNames(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) =>
    readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim(),
  );
}

/** Resident memory now and at its peak, MiB. Throws when the process is gone. */
export function memoryMiB(pid: number): { rssMiB: number; peakMiB: number } {
  const memory = readRss(pid);
  if (!memory) throw new Error(`bench: cannot read /proc/${pid}/status (the process is gone?)`);
  return memory;
}
