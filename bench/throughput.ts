/** Throughput with wrk (if installed): a few seconds per variant, variants alternating round by round. */
import { spawn, spawnSync } from "node:child_process";
import { VARIANTS, type Ports, type Variant } from "./workerd";

export interface WrkSettings {
  threads: number;
  connections: number;
  seconds: number;
  rounds: number;
}

export interface WrkRun {
  variant: Variant;
  round: number;
  requestsPerSecond: number;
  requests: number;
  latencyAvgMs: number;
  /** Responses that were not 2xx/3xx, plus socket errors and timeouts. */
  errors: number;
}

/** `wrk --version` text, or undefined when wrk is not on PATH. */
export function findWrk(): string | undefined {
  const result = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  if (result.error) return undefined;
  // wrk prints its version and usage, and exits 1.
  return `${result.stdout}${result.stderr}`.split("\n")[0]?.trim() ?? "wrk";
}

export async function measureThroughput(
  ports: Ports,
  path: string,
  headers: Record<string, string>,
  settings: WrkSettings,
): Promise<WrkRun[]> {
  const runs: WrkRun[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    // Round 0: origin, passthrough, consent-edge; round 1 the reverse; and so on.
    const order = round % 2 === 0 ? [...VARIANTS] : [...VARIANTS].reverse();
    for (const variant of order) {
      runs.push({ variant, round, ...(await runWrk(ports[variant], path, headers, settings)) });
    }
  }
  return runs;
}

async function runWrk(
  port: number,
  path: string,
  headers: Record<string, string>,
  settings: WrkSettings,
): Promise<Omit<WrkRun, "variant" | "round">> {
  const args = [
    `-t${settings.threads}`,
    `-c${settings.connections}`,
    `-d${settings.seconds}s`,
    ...Object.entries(headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]),
    `http://127.0.0.1:${port}${path}`,
  ];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve(text);
      else reject(new Error(`wrk exited with ${String(code)}:\n${text}`));
    });
  });
  return parseWrk(output);
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
  };
}
