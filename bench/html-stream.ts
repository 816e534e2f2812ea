/**
 * The first byte when the origin streams slowly: the origin's SLOW_PATH sends the head at once and
 * the rest over about a second (bench/html-workers.ts). A client (Node's http, timing the request's
 * send, the response's headers, its first body byte and its end) fetches it from the origin itself
 * (the reference: how long the origin takes to send it all), through pass-through and through
 * consent-edge, in turn. consent-edge must send its first byte while the origin is still sending:
 * its output goes out as soon as the rewriter waits for the origin (src/html/rewrite-html.ts,
 * PAUSE_MS), unless a `<select>` is open; assertFirstByteEarly aborts the run otherwise.
 */
import { request } from "node:http";
import { median } from "./stats";

export interface StreamTiming {
  /** ms from sending the request to the response's headers. */
  headersMs: number;
  /** ms to the first body byte. */
  firstByteMs: number;
  /** ms to the last body byte. */
  totalMs: number;
  bytes: number;
  status: number;
}

/** One GET on a fresh connection, timed. */
export function timedGet(port: number, path: string, headers: Record<string, string>): Promise<StreamTiming> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const since = (): number => Number(process.hrtime.bigint() - start) / 1e6;
    const req = request({ host: "127.0.0.1", port, path, method: "GET", headers, agent: false }, (res) => {
      const headersMs = since();
      let firstByteMs: number | undefined;
      let bytes = 0;
      res.on("data", (chunk: Buffer) => {
        firstByteMs ??= since();
        bytes += chunk.length;
      });
      res.on("end", () => {
        const totalMs = since();
        resolve({
          headersMs,
          firstByteMs: firstByteMs ?? totalMs,
          totalMs,
          bytes,
          status: res.statusCode ?? 0,
        });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

export interface StreamResult {
  path: string;
  tries: number;
  /** Per target ("origin", "passthrough", "consent-edge-10"): every try's timing. */
  timings: Record<string, StreamTiming[]>;
  /** Per target: medians. */
  medians: Record<string, { headersMs: number; firstByteMs: number; totalMs: number }>;
}

/** `tries` rounds, each fetching from every target in turn. Any non-200 aborts. */
export async function measureStream(
  targets: Record<string, number>,
  path: string,
  headers: Record<string, string>,
  tries: number,
): Promise<StreamResult> {
  const names = Object.keys(targets);
  const timings: Record<string, StreamTiming[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let t = 0; t < tries; t++) {
    for (const name of names) {
      const timing = await timedGet(targets[name] ?? -1, path, headers);
      if (timing.status !== 200) throw new Error(`bench: ${name}${path}: HTTP ${timing.status}`);
      timings[name]?.push(timing);
    }
  }
  const medians = Object.fromEntries(
    names.map((n) => {
      const of = (key: "headersMs" | "firstByteMs" | "totalMs"): number =>
        median((timings[n] ?? []).map((x) => x[key]));
      return [n, { headersMs: of("headersMs"), firstByteMs: of("firstByteMs"), totalMs: of("totalMs") }];
    }),
  );
  return { path, tries, timings, medians };
}

/** consent-edge's first byte must leave well before the origin has sent its last (at most this share of its time). */
export const FIRST_BYTE_SHARE = 0.5;

/**
 * Abort unless every try's first byte through `edge` came before FIRST_BYTE_SHARE of the origin's
 * fastest complete send: a rewriter that waited for the whole page would pass it only if the
 * origin were not slow at all.
 */
export function assertFirstByteEarly(result: StreamResult, edge: string, origin = "origin"): void {
  const originTotal = Math.min(...(result.timings[origin] ?? []).map((x) => x.totalMs));
  const edgeFirst = Math.max(...(result.timings[edge] ?? []).map((x) => x.firstByteMs));
  if (!Number.isFinite(originTotal) || !Number.isFinite(edgeFirst))
    throw new Error(`bench: slow-origin check: no timings for ${origin} or ${edge}`);
  if (edgeFirst >= originTotal * FIRST_BYTE_SHARE)
    throw new Error(
      `bench: ${edge}'s first byte came ${edgeFirst.toFixed(0)} ms after the request, but the origin takes ` +
        `${originTotal.toFixed(0)} ms to send the page (${result.path}): consent-edge is holding the page back ` +
        `(expected its first byte within ${FIRST_BYTE_SHARE * 100}% of the origin's time)`,
    );
}
