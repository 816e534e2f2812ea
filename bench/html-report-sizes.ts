/**
 * `npm run bench:html`'s tables beyond the 100 KiB page's throughput (bench/html-report.ts): per page
 * size and variant the CPU time per request (the process's, and minus the pass-through's), peak
 * memory, req/s and median latency; consent-edge's CPU against the Workers limits and price; and the
 * slowly streamed page's first byte.
 */
import type { SizeResult } from "./html-measure";
import {
  cpuCost,
  FREE_CPU_MS_PER_INVOCATION,
  INCLUDED_CPU_MS_PER_MONTH,
  INCLUDED_REQUESTS_PER_MONTH,
  PRICING_SOURCE,
  USD_PER_MILLION_CPU_MS,
  USD_PER_MILLION_REQUESTS,
} from "./html-pricing";
import { FIRST_BYTE_SHARE } from "./html-stream";
import { EDGE, EDGE_10, SLOW_INTERVAL_MS, SLOW_PIECES } from "./html-workers";

/** Columns, the first left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const format = (cells: string[]): string =>
    cells
      .map((c, i) => (i <= 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [format(header), ...rows.map(format)];
}

const fixed = (value: number | undefined, digits: number): string =>
  value === undefined || !Number.isFinite(value) ? "-" : value.toFixed(digits);

/** Enough digits for a figure from 0.01 to 1,000. */
const ms = (value: number | undefined): string =>
  value === undefined || !Number.isFinite(value)
    ? "-"
    : value.toFixed(Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);

/** The first column: the page's name, real size and elements, on its first row only. */
function pageCell(size: SizeResult, row: number): string {
  return row === 0
    ? `${size.label} (${(size.page.bytes / 1024).toFixed(1)} KiB, ${size.page.elements} el.)`
    : "";
}

export function renderSizes(results: readonly SizeResult[]): string[] {
  const lines = [
    "CPU per request, per page size (each variant in its own workerd process, with its own origin):",
    "  CPU = the process's CPU time per request over the sequential run (median of its blocks); net = minus",
    "  pass-through's in the same block (median, range over blocks); net wrk = the same over the wrk runs.",
    "",
  ];
  const header = ["page", "variant", "CPU ms", "net ms", "net range", "net wrk", "req/s", "median ms"];
  const rows: string[][] = [];
  for (const size of results) {
    size.variants.forEach((v, i) => {
      const seq = size.cpu.sequential;
      const isBase = v === "passthrough";
      const net = seq.net[v];
      rows.push([
        pageCell(size, i),
        v,
        ms(seq.gross[v]?.median),
        isBase ? "-" : ms(net?.median),
        isBase || !net ? "-" : `${ms(net.range[0])}..${ms(net.range[1])}`,
        isBase ? "-" : ms(size.cpu.wrk?.net[v]?.median),
        fixed(size.throughput?.[v]?.mean, 0),
        ms(size.latencyMs[v]?.median),
      ]);
    });
  }
  lines.push(...table(header, rows));
  return lines;
}

export function renderMemory(results: readonly SizeResult[]): string[] {
  const lines = [
    "Memory per page size (VmRSS/VmHWM of each variant's process, MiB; + pass = minus pass-through's):",
    "  idle = after start-up; peak seq = peak after the sequential run (every variant the same requests);",
    "  peak end = after wrk too (the faster variants served more requests, and workerd grows with them).",
    "",
  ];
  const header = ["page", "variant", "idle", "+ pass", "peak seq", "+ pass", "peak end", "requests"];
  const rows: string[][] = [];
  for (const size of results) {
    const base = size.memory.passthrough;
    size.variants.forEach((v, i) => {
      const m = size.memory[v];
      const isBase = v === "passthrough";
      const delta = (a: number | undefined, b: number | undefined): string =>
        isBase || a === undefined || b === undefined ? "-" : `${a - b >= 0 ? "+" : ""}${(a - b).toFixed(0)}`;
      rows.push([
        pageCell(size, i),
        v,
        fixed(m?.idleMiB, 0),
        delta(m?.idleMiB, base?.idleMiB),
        fixed(m?.sequentialPeakMiB, 0),
        delta(m?.sequentialPeakMiB, base?.sequentialPeakMiB),
        fixed(m?.peakMiB, 0),
        m ? String(m.requests) : "-",
      ]);
    });
  }
  lines.push(...table(header, rows));
  return lines;
}

export function renderCost(results: readonly SizeResult[]): string[] {
  const lines = [
    `consent-edge's own CPU (net, sequential) against the Workers limits (Free: ${FREE_CPU_MS_PER_INVOCATION} ms per invocation;`,
    `Paid: 30 s by default, up to 5 min) and price ($${USD_PER_MILLION_CPU_MS} per million CPU ms, ${PRICING_SOURCE}):`,
    "",
  ];
  const header = [
    "page",
    "variant",
    "CPU ms/req",
    "Free 10 ms",
    "of Paid 30 s",
    "CPU ms / 1M views",
    "$ / 1M views",
  ];
  const rows: string[][] = [];
  for (const size of results) {
    for (const v of size.variants.filter((name) => EDGE.includes(name))) {
      const net = size.cpu.sequential.net[v]?.median;
      if (net === undefined || !Number.isFinite(net)) continue;
      const cost = cpuCost(net);
      rows.push([
        v === EDGE_10 ? size.label : "",
        v,
        ms(cost.cpuMsPerRequest),
        cost.freePlan === "within"
          ? "within"
          : `over x${(cost.cpuMsPerRequest / FREE_CPU_MS_PER_INVOCATION).toFixed(1)}`,
        `${(cost.paidDefaultShare * 100).toFixed(3)}%`,
        `${(cost.cpuMsPerMillionViews / 1e6).toFixed(2)} M`,
        `$${cost.usdPerMillionViews.toFixed(3)}`,
      ]);
    }
  }
  lines.push(...table(header, rows));
  lines.push(
    "",
    `$ / 1M views: that CPU time beyond the ${INCLUDED_CPU_MS_PER_MONTH / 1e6} M CPU ms included per month (as if other traffic used it up).`,
    `Each million views also costs $${USD_PER_MILLION_REQUESTS.toFixed(2)} in requests beyond the ${INCLUDED_REQUESTS_PER_MONTH / 1e6} M included, whatever the page or variant.`,
    "CPU here is this machine's; Cloudflare's servers may be faster or slower.",
  );
  return lines;
}

export function renderStream(results: readonly SizeResult[]): string[] {
  const lines: string[] = [];
  for (const size of results) {
    const stream = size.stream;
    if (!stream) continue;
    lines.push(
      `Slow origin (${size.label} page at ${stream.path}: the head at once, then ${SLOW_PIECES} pieces ${SLOW_INTERVAL_MS} ms apart), ` +
        `median of ${stream.tries} tries, fresh connections:`,
      "",
    );
    const rows = Object.entries(stream.medians).map(([name, m]) => [
      name,
      "",
      fixed(m.headersMs, 1),
      fixed(m.firstByteMs, 1),
      fixed(m.totalMs, 0),
    ]);
    lines.push(...table(["from", "", "headers ms", "first byte ms", "total ms"], rows));
    const origin = stream.medians.origin?.totalMs ?? Number.NaN;
    const edge = stream.medians[EDGE_10]?.firstByteMs ?? Number.NaN;
    lines.push(
      "",
      `${EDGE_10}'s first byte at ${edge.toFixed(0)} ms, ${((edge / origin) * 100).toFixed(1)}% of the origin's ${origin.toFixed(0)} ms ` +
        `(checked on every try: below ${FIRST_BYTE_SHARE * 100}%, else the run aborts).`,
    );
  }
  return lines;
}
