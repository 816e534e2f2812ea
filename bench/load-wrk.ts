/**
 * wrk for the load test: one run with `--latency` (so p50/p99 come from wrk's own histogram), and
 * the socket errors by kind, because "errors" alone cannot tell a wrk timeout from a reset.
 *
 * What wrk's counters mean (wrk 4.x, src/wrk.c):
 *   connect  connect() failed or was refused
 *   read     read() on the socket failed, or the peer closed it before a full response (0 bytes)
 *   write    write() failed (EPIPE, ECONNRESET) while sending a request
 *   timeout  a request had no complete response within --timeout (default 2 s); the connection is
 *            then closed and reopened by wrk, which is what the server sees as a client reset
 *   non2xx   responses that were not 2xx or 3xx
 */
import { spawnWrk } from "./throughput";

export interface LoadWrkSettings {
  threads: number;
  connections: number;
  seconds: number;
  /** wrk's --timeout in seconds. */
  timeoutSeconds: number;
}

export interface WrkErrors {
  connect: number;
  read: number;
  write: number;
  timeout: number;
  non2xx: number;
}

export interface LoadWrkRun {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: WrkErrors;
  /** wrk's own output, kept for the results file. */
  output: string;
}

export async function runLoadWrk(
  url: string,
  headers: Record<string, string>,
  settings: LoadWrkSettings,
): Promise<LoadWrkRun> {
  const args = [
    `-t${settings.threads}`,
    `-c${settings.connections}`,
    `-d${settings.seconds}s`,
    "--timeout",
    `${settings.timeoutSeconds}s`,
    "--latency",
    ...Object.entries(headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]),
    url,
  ];
  return parseLoadWrk(await spawnWrk(args));
}

/** `12.5us`, `3.2ms`, `1.04s`, `2.00m` as milliseconds. */
export function parseWrkDuration(value: string, unit: string): number {
  const n = Number(value);
  switch (unit) {
    case "us":
      return n / 1000;
    case "ms":
      return n;
    case "s":
      return n * 1000;
    case "m":
      return n * 60_000;
    default:
      return Number.NaN;
  }
}

export function parseLoadWrk(text: string): LoadWrkRun {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const total = /(\d+) requests in/.exec(text);
  if (!rps?.[1] || !total?.[1]) throw new Error(`bench: cannot read wrk output:\n${text}`);
  const percentile = (p: string): number => {
    const match = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(text);
    return match?.[1] && match[2] ? parseWrkDuration(match[1], match[2]) : Number.NaN;
  };
  const max = /Latency\s+[\d.]+\w+\s+[\d.]+\w+\s+([\d.]+)(us|ms|s|m)/.exec(text);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  return {
    requests: Number(total[1]),
    requestsPerSecond: Number(rps[1]),
    p50Ms: percentile("50"),
    p99Ms: percentile("99"),
    maxMs: max?.[1] && max[2] ? parseWrkDuration(max[1], max[2]) : Number.NaN,
    errors: {
      connect: Number(socket?.[1] ?? 0),
      read: Number(socket?.[2] ?? 0),
      write: Number(socket?.[3] ?? 0),
      timeout: Number(socket?.[4] ?? 0),
      non2xx: Number(non2xx?.[1] ?? 0),
    },
    output: text,
  };
}

export function totalErrors(errors: WrkErrors): number {
  return errors.connect + errors.read + errors.write + errors.timeout + errors.non2xx;
}
