/** Throughput with wrk (if installed): a few seconds per variant, variants alternating round by round. */
import { spawn, spawnSync } from "node:child_process";

export interface WrkSettings {
  threads: number;
  connections: number;
  seconds: number;
  rounds: number;
}

export interface WrkRun<N extends string = string> {
  variant: N;
  round: number;
  requestsPerSecond: number;
  requests: number;
  latencyAvgMs: number;
  /** Responses that were not 2xx/3xx, plus socket errors and timeouts. */
  errors: number;
  errorDetail: string;
}

export const WRK_MISSING = "wrk is not on PATH: skipping throughput (apt-get install -y wrk)";

/** `wrk --version` text, or undefined when wrk is not on PATH. */
export function findWrk(): string | undefined {
  const result = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  if (result.error) return undefined;
  // wrk prints its version and usage, and exits 1.
  return `${result.stdout}${result.stderr}`.split("\n")[0]?.trim() ?? "wrk";
}

/** The settings to run with (null: no wrk run), and what the results file says about wrk. */
export function chooseWrk(requested: WrkSettings | null): {
  settings: WrkSettings | null;
  missing: boolean;
  report: (WrkSettings & { version: string }) | { skipped: string };
} {
  const version = requested ? findWrk() : undefined;
  if (requested && version) return { settings: requested, missing: false, report: { ...requested, version } };
  return {
    settings: null,
    missing: requested !== null,
    report: { skipped: requested ? "wrk not on PATH" : "disabled" },
  };
}

/** The order the variants run in, round by round. */
export type Schedule = <N extends string>(variants: readonly N[], round: number) => N[];

/** The given order, reversed on odd rounds. */
export const alternating: Schedule = (variants, round) =>
  round % 2 === 0 ? [...variants] : [...variants].reverse();

/** Rotated by the round (reversed on odd rounds), so no variant always goes first. */
export const rotating: Schedule = (variants, round) => {
  const rotated = variants.map(
    (_, k) => variants[(round + k) % variants.length] as (typeof variants)[number],
  );
  return round % 2 === 1 ? rotated.reverse() : rotated;
};

export interface ThroughputOptions<N extends string> {
  order: Schedule;
  /** wrk's --timeout in seconds; its default is 2 s. */
  timeoutSeconds?: number;
  /** Called just before each wrk run starts (e.g. to read the server's CPU time). */
  onStart?: (variant: N, round: number) => void;
  onRun?: (run: WrkRun<N>) => void;
  /** Keep going when wrk reports errors (they are in each run's `errors` and `errorDetail`). */
  tolerateErrors?: boolean;
}

export async function measureThroughput<N extends string>(
  ports: Record<N, number>,
  variants: readonly N[],
  path: string,
  headers: Record<string, string>,
  settings: WrkSettings,
  options: ThroughputOptions<N>,
): Promise<WrkRun<N>[]> {
  const runs: WrkRun<N>[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    for (const variant of options.order(variants, round)) {
      const url = `http://127.0.0.1:${ports[variant]}${path}`;
      options.onStart?.(variant, round);
      const run = { variant, round, ...(await runWrk(url, headers, settings, options.timeoutSeconds)) };
      if (run.errors > 0 && options.tolerateErrors !== true)
        throw new Error(
          `bench: wrk saw errors on ${variant} (${run.errorDetail}): a failing variant would look fast`,
        );
      runs.push(run);
      options.onRun?.(run);
    }
  }
  return runs;
}

async function runWrk(
  url: string,
  headers: Record<string, string>,
  settings: WrkSettings,
  timeoutSeconds: number | undefined,
): Promise<Omit<WrkRun, "variant" | "round">> {
  const args = [
    `-t${settings.threads}`,
    `-c${settings.connections}`,
    `-d${settings.seconds}s`,
    ...(timeoutSeconds === undefined ? [] : ["--timeout", `${timeoutSeconds}s`]),
    ...Object.entries(headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]),
    url,
  ];
  return parseWrk(await spawnWrk(args));
}

function parseWrk(text: string): Omit<WrkRun, "variant" | "round"> {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const total = /(\d+) requests in/.exec(text);
  const latency = /Latency\s+([\d.]+)(us|ms|s)\b/.exec(text);
  if (!rps?.[1] || !total?.[1]) throw new Error(`cannot read wrk output:\n${text}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const errors =
    Number(non2xx?.[1] ?? 0) +
    (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0);
  const unit = latency?.[2] === "us" ? 1e-3 : latency?.[2] === "s" ? 1e3 : 1;
  return {
    requestsPerSecond: Number(rps[1]),
    requests: Number(total[1]),
    latencyAvgMs: latency?.[1] ? Number(latency[1]) * unit : Number.NaN,
    errors,
    errorDetail: [non2xx?.[0], socketErrors?.[0]].filter((x) => x !== undefined).join("; "),
  };
}

/** Per variant: mean req/s over rounds, and each round's figure. */
export function throughputByVariant<N extends string>(
  runs: readonly Pick<WrkRun<N>, "variant" | "requestsPerSecond">[],
  variants: readonly N[],
): Record<N, { mean: number; runs: number[] }> {
  return Object.fromEntries(
    variants.map((v) => {
      const rps = runs.filter((r) => r.variant === v).map((r) => r.requestsPerSecond);
      return [v, { mean: rps.reduce((a, b) => a + b, 0) / rps.length, runs: rps }];
    }),
  ) as Record<N, { mean: number; runs: number[] }>;
}

/**
 * a/b per round (the two ran minutes apart at most, in the same round), min and max over rounds:
 * how far the mean ratio can be trusted on this machine.
 */
export function pairedRatioRange(runs: readonly WrkRun[], a: string, b: string): [number, number] {
  const rounds = [...new Set(runs.map((r) => r.round))];
  const ratios = rounds.flatMap((round) => {
    const x = runs.find((r) => r.round === round && r.variant === a)?.requestsPerSecond;
    const y = runs.find((r) => r.round === round && r.variant === b)?.requestsPerSecond;
    return x !== undefined && y !== undefined && y > 0 ? [x / y] : [];
  });
  return [Math.min(...ratios), Math.max(...ratios)];
}

/** Runs wrk with `args` and returns what it printed (stdout and stderr); rejects if it fails. */
export function spawnWrk(args: string[]): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve(text);
      else reject(new Error(`bench: wrk exited with ${String(code)}:\n${text}`));
    });
  });
}
