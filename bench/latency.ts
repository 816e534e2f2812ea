/**
 * Sequential request latency from Node over keep-alive connections (one per variant), interleaved
 * round-robin so that whatever else the machine is doing hits every variant alike.
 */
import { Agent, type IncomingHttpHeaders, request } from "node:http";
import { VARIANTS, type Ports, type Variant } from "./workerd";

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
}

export interface Client {
  get(variant: Variant): Promise<Reply>;
  close(): void;
}

/** One keep-alive socket per variant; every request is `GET <path>` with the given headers. */
export function createClient(ports: Ports, path: string, headers: Record<string, string>): Client {
  const agents = new Map<Variant, Agent>(
    VARIANTS.map((v) => [v, new Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 })]),
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

export type Samples = Record<Variant, number[]>;

/**
 * `warmup` then `count` rounds; in each round every variant gets one request, starting with a
 * different variant each round. Latency is from sending the request to the last body byte, in ms.
 * Any non-200 answer aborts: a failing variant would look fast.
 */
export async function measureLatency(client: Client, warmup: number, count: number): Promise<Samples> {
  const samples: Samples = { origin: [], passthrough: [], "consent-edge": [] };
  for (let round = 0; round < warmup + count; round++) {
    for (let k = 0; k < VARIANTS.length; k++) {
      const variant = VARIANTS[(round + k) % VARIANTS.length] as Variant;
      const start = process.hrtime.bigint();
      const reply = await client.get(variant);
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      if (reply.status !== 200) throw new Error(`${variant}: HTTP ${reply.status} during the latency run`);
      if (round >= warmup) samples[variant].push(elapsed);
    }
  }
  return samples;
}
