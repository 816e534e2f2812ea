/**
 * consent-edge over real HTTP, as production runs it: the built worker (src/index.ts, bundled as
 * wrangler would, with a test's own config) in workerd through Miniflare's HTTP server, in front
 * of an origin that is a real Node HTTP server the test controls byte by byte (resets, slow bodies,
 * wrong lengths, raw encodings). No dev proxy, no test pool in between.
 *
 *   const origin = await startOrigin((req, res) => res.end("hi"));
 *   const edge = await startBuiltEdge({ sites: [site({ origin: origin.url })] });
 *   const res = await request(edge.url, { path: "//evil.test/" });
 *   await edge.stop(); await origin.stop();
 */
import { request as httpRequest, createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Miniflare } from "miniflare";
import { bundleWorker } from "../../scripts/bundle-worker.ts";
import { applyMigrations } from "../../scripts/migrations.ts";

export const COMPATIBILITY_DATE = "2026-04-20";
export const DEBUG_SECRET = "http-test-secret";

export interface OriginRequest {
  method: string;
  /** The request-target exactly as the origin received it. */
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface TestOrigin {
  /** `http://localhost:<port>`: a site's `origin`. */
  url: string;
  port: number;
  requests: OriginRequest[];
  stop: () => Promise<void>;
}

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void | Promise<void>;

/** A real HTTP origin on loopback; every request it receives is recorded. */
export async function startOrigin(handler: Handler): Promise<TestOrigin> {
  const requests: OriginRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body });
      void Promise.resolve(handler(request, response, body)).catch((error: unknown) => {
        response.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

export interface BuiltEdge {
  /** `http://localhost:<port>` */
  url: string;
  port: number;
  mf: Miniflare;
  stop: () => Promise<void>;
}

export interface EdgeOptions {
  /** Extra bindings (secrets, vars) for the worker. */
  bindings?: Record<string, string>;
  /** Service bindings to other workers, as Miniflare takes them. */
  serviceBindings?: Record<string, string>;
  /** Further workers (origins behind a service binding). */
  workers?: Array<{ name: string; script: string }>;
  /** Create and migrate the CONSENT_DB D1 database (default true). */
  d1?: boolean;
  /** Bind a local Workers KV namespace as CONFIG_KV (the uploaded config; `mf.getKVNamespace("CONFIG_KV")`). */
  configKv?: boolean;
  /** Receives what the worker writes to its console (its log events), instead of the terminal. */
  onOutput?: (text: string) => void;
}

/** The worker as deployed, in workerd, on a loopback port, with `config` bundled in. */
export async function startBuiltEdge(config: unknown, options: EdgeOptions = {}): Promise<BuiltEdge> {
  const script = await bundleWorker("src/index.ts", { config });
  const d1 = options.d1 ?? true;
  const { onOutput } = options;
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    ...(onOutput
      ? {
          handleRuntimeStdio(stdout, stderr) {
            stdout.on("data", (chunk: Buffer) => {
              onOutput(chunk.toString("utf8"));
            });
            stderr.on("data", (chunk: Buffer) => {
              onOutput(chunk.toString("utf8"));
            });
          },
        }
      : {}),
    workers: [
      {
        name: "consent-edge",
        modules: true,
        script,
        compatibilityDate: COMPATIBILITY_DATE,
        bindings: { CONSENT_DEBUG_SECRET: DEBUG_SECRET, ...options.bindings },
        ...(options.serviceBindings ? { serviceBindings: options.serviceBindings } : {}),
        ...(d1 ? { d1Databases: ["CONSENT_DB"] } : {}),
        ...(options.configKv ? { kvNamespaces: ["CONFIG_KV"] } : {}),
      },
      ...(options.workers ?? []).map((worker) => ({
        name: worker.name,
        modules: true,
        script: worker.script,
        compatibilityDate: COMPATIBILITY_DATE,
      })),
    ],
  });
  const url = await mf.ready;
  if (d1) await applyMigrations(mf, "consent-edge");
  return {
    url: `http://localhost:${url.port}`,
    port: Number(url.port),
    mf,
    stop: () => mf.dispose(),
  };
}

/** A minimal valid site in front of `origin`, served on `localhost`; override what a test needs. */
export function site(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "http-test",
    hosts: ["localhost"],
    origin: "http://localhost:1",
    policyRevision: "2026-12-01",
    debugSecret: "CONSENT_DEBUG_SECRET",
    cookies: [
      { name: "session", category: "necessary" },
      { name: "_ga", category: "analytics" },
      { name: "_ga_*", category: "analytics" },
      { name: "_fbp", category: "marketing" },
    ],
    ...overrides,
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingMessage["headers"];
  /** Every Set-Cookie line, one entry each. */
  setCookie: string[];
  body: Buffer;
  /** Milliseconds from sending the request to the first body byte (or the end, for an empty body). */
  firstByteMs: number;
  text: () => string;
}

export interface RawRequestOptions {
  method?: string;
  /** The request-target, sent as written (`//evil.test/x`, `/\\evil.test`). */
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Give up (and reject) after this many milliseconds. */
  timeoutMs?: number;
  /**
   * On a connection of its own (no keep-alive pool): a case that resets a connection must not be
   * blamed on the next case's reused socket.
   */
  fresh?: boolean;
}

/** One HTTP/1.1 request with node:http: the path is sent exactly as given, nothing is decoded for us. */
export function request(base: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const target = new URL(base);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port: target.port,
        method: options.method ?? "GET",
        path: options.path ?? "/",
        headers: { Host: target.host, ...options.headers },
        ...(options.fresh ? { agent: false } : {}),
        timeout: options.timeoutMs ?? 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let firstByteMs: number | undefined;
        res.on("data", (chunk: Buffer) => {
          firstByteMs ??= performance.now() - started;
          chunks.push(chunk);
        });
        res.on("error", reject);
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            setCookie: res.headers["set-cookie"] ?? [],
            body,
            firstByteMs: firstByteMs ?? performance.now() - started,
            text: () => body.toString("utf8"),
          });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end(options.body);
  });
}
