/**
 * Requests from Node: sequential latency over keep-alive connections (one per variant), interleaved
 * round-robin so that whatever else the machine is doing hits every variant alike; and one-off GETs
 * for checking what a variant serves.
 */
import { Agent, type IncomingHttpHeaders, request } from "node:http";

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
}

export interface Client<N extends string = string> {
  get(variant: N): Promise<Reply>;
  close(): void;
}

/** One keep-alive socket per variant; every request is `GET <path>` with the given headers. */
export function createClient<N extends string>(
  ports: Record<N, number>,
  variants: readonly N[],
  path: string,
  headers: Record<string, string>,
): Client<N> {
  const agents = new Map<N, Agent>(
    variants.map((v) => [v, new Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 })]),
  );
  return {
    get(variant) {
      return new Promise<Reply>((resolve, reject) => {
        const req = request(
          {
            host: "127.0.0.1",
            port: ports[variant],
            path,
            method: "GET",
            headers,
            agent: agents.get(variant),
          },
          (res) => {
            let bodyBytes = 0;
            res.on("data", (chunk: Buffer) => {
              bodyBytes += chunk.length;
            });
            res.on("end", () => {
              resolve({ status: res.statusCode ?? 0, headers: res.headers, bodyBytes });
            });
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end();
      });
    },
    close() {
      for (const agent of agents.values()) agent.destroy();
    },
  };
}

/** Latency samples per variant, ms, in the order they were taken. */
export type Samples<N extends string = string> = Record<N, number[]>;

/**
 * `warmup` then `count` rounds; in each round every variant gets one request, starting with a
 * different variant each round. Latency is from sending the request to the last body byte, in ms.
 * Any non-200 answer aborts: a failing variant would look fast.
 */
export async function measureLatency<N extends string>(
  client: Client<N>,
  variants: readonly N[],
  warmup: number,
  count: number,
): Promise<Samples<N>> {
  const samples = Object.fromEntries(variants.map((v) => [v, []])) as unknown as Samples<N>;
  for (let round = 0; round < warmup + count; round++) {
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(round + k) % variants.length] as N;
      const start = process.hrtime.bigint();
      const reply = await client.get(variant);
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      if (reply.status !== 200)
        throw new Error(`bench: ${variant}: HTTP ${reply.status} during the latency run`);
      if (round >= warmup) samples[variant].push(elapsed);
    }
  }
  return samples;
}

export interface Fetched {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One GET (through Node's global agent), the whole body as text. */
export function fetchText(port: number, path: string, headers: Record<string, string>): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
