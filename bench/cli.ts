/**
 * The command line bench/run.ts and bench/html.ts share, so that `npm run bench -- ...` feeds both:
 * the same options (each script has its own defaults), log lines on stderr, and how a run aborts.
 *
 *   --long             BENCH_LONG=1          more requests, longer and more wrk rounds
 *   --requests=N       BENCH_REQUESTS=N      measured requests per variant
 *   --warmup=N         BENCH_WARMUP=N        warm-up rounds
 *   --wrk-seconds=N    BENCH_WRK_SECONDS=N   seconds per wrk run
 *   --wrk-rounds=N     BENCH_WRK_ROUNDS=N    wrk rounds, variants alternating
 *   --no-wrk           BENCH_NO_WRK=1        latency only
 */
import type { WrkSettings } from "./throughput";

export interface Options {
  long: boolean;
  warmup: number;
  requests: number;
  wrk: WrkSettings | null;
}

/** Each default as [normal, with --long]. */
export interface Defaults {
  warmup: [number, number];
  requests: [number, number];
  wrkSeconds: [number, number];
  wrkRounds: [number, number];
}

const KNOWN = ["long", "requests", "warmup", "wrk-seconds", "wrk-rounds", "no-wrk"];

/** `script` (e.g. "bench/run.ts") is where the options are documented, for the error message. */
export function parseOptions(
  script: string,
  defaults: Defaults,
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): Options {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match?.[1]) throw new Error(`bench: unknown argument ${arg} (see ${script} for options)`);
    flags.set(match[1], match[2] ?? "1");
  }
  for (const name of flags.keys()) {
    if (!KNOWN.includes(name))
      throw new Error(`bench: unknown option --${name} (known: ${KNOWN.join(", ")})`);
  }
  const pick = (flag: string, variable: string): string | undefined => flags.get(flag) ?? env[variable];
  const truthy = (value: string | undefined): boolean =>
    value !== undefined && !/^(0|false|no|)$/i.test(value);
  const long = truthy(pick("long", "BENCH_LONG"));
  const count = (flag: string, variable: string, fallback: [number, number], min: number): number => {
    const raw = pick(flag, variable);
    if (raw === undefined) return long ? fallback[1] : fallback[0];
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min)
      throw new Error(`bench: --${flag} must be an integer >= ${min}`);
    return value;
  };
  return {
    long,
    warmup: count("warmup", "BENCH_WARMUP", defaults.warmup, 0),
    requests: count("requests", "BENCH_REQUESTS", defaults.requests, 10),
    wrk: truthy(pick("no-wrk", "BENCH_NO_WRK"))
      ? null
      : {
          threads: 1,
          connections: 8,
          seconds: count("wrk-seconds", "BENCH_WRK_SECONDS", defaults.wrkSeconds, 1),
          rounds: count("wrk-rounds", "BENCH_WRK_ROUNDS", defaults.wrkRounds, 1),
        },
  };
}

/** A progress line on stderr, `<prefix>: message` (stdout is for the table). */
export function logger(prefix: string): (message: string) => void {
  return (message) => {
    process.stderr.write(`${prefix}: ${message}\n`);
  };
}

/** Run `main`; on failure print the error and exit 1. */
export function runMain(main: () => Promise<void>): void {
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
}
