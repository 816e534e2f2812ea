/** `npm run bench`'s figures: consent-edge against origin and passthrough, per case, and the table. */
import type { Options } from "./cli";
import type { Samples } from "./latency";
import { type Case, type Check, HOST, type Variant, VARIANTS } from "./run-cases";
import { bootstrapMedianDifference, median, medianPairedDifference, type Summary } from "./stats";
import { throughputByVariant, type WrkRun } from "./throughput";

interface Comparison {
  /** median(consent-edge) - median(other), ms */
  addedMedianMs: number;
  /** rough 95% bootstrap interval of addedMedianMs */
  addedMedianCi95Ms: [number, number];
  /** median of round-by-round differences, ms */
  pairedMedianDifferenceMs: number;
  /** median(consent-edge) / median(other) */
  medianRatio: number;
  /** addedMedianMs measured on each half of the run separately (a stability check) */
  addedMedianByHalfMs: [number, number];
  /** mean req/s(consent-edge) / mean req/s(other); null without wrk */
  throughputRatio: number | null;
}

export interface Throughput {
  meanRequestsPerSecond: number;
  runs: number[];
}

/** wrk's runs as the results file has them (without errorDetail). */
export type CaseWrkRun = Omit<WrkRun<Variant>, "errorDetail">;

export interface CaseResult {
  id: Case["id"];
  label: string;
  requestHeaders: Record<string, string>;
  verification: Record<Variant, Check>;
  latencyMs: Record<Variant, Summary>;
  throughput: Record<Variant, Throughput> | null;
  wrkRuns: CaseWrkRun[] | null;
  consentEdgeVs: { origin: Comparison; passthrough: Comparison };
}

export function compare(
  samples: Samples<Variant>,
  other: Variant,
  throughput: Record<Variant, Throughput> | null,
): Comparison {
  const edge = samples["consent-edge"];
  const base = samples[other];
  const half = Math.floor(edge.length / 2);
  const addedIn = (from: number, to: number): number =>
    median(edge.slice(from, to)) - median(base.slice(from, to));
  return {
    addedMedianMs: median(edge) - median(base),
    addedMedianCi95Ms: bootstrapMedianDifference(edge, base),
    pairedMedianDifferenceMs: medianPairedDifference(edge, base),
    medianRatio: median(edge) / median(base),
    addedMedianByHalfMs: [addedIn(0, half), addedIn(half, edge.length)],
    throughputRatio: throughput
      ? throughput["consent-edge"].meanRequestsPerSecond / throughput[other].meanRequestsPerSecond
      : null,
  };
}

export function summarizeWrk(runs: readonly CaseWrkRun[]): Record<Variant, Throughput> {
  const byVariant = throughputByVariant(runs, VARIANTS);
  const out = {} as Record<Variant, Throughput>;
  for (const v of VARIANTS) out[v] = { meanRequestsPerSecond: byVariant[v].mean, runs: byVariant[v].runs };
  return out;
}

export function renderTable(
  date: string,
  path: string,
  options: Options,
  results: CaseResult[],
  cores: number,
  measured: string,
): string {
  const ms = (value: number): string => value.toFixed(3);
  const signed = (value: number): string => `${value >= 0 ? "+" : ""}${value.toFixed(3)}`;
  const lines: string[] = [];
  lines.push(
    `consent-edge bench ${date}: GET ${path} Host: ${HOST}, ${options.requests} sequential keep-alive requests per variant (interleaved), ${cores} cores`,
  );
  lines.push(`built: ${measured}`);
  lines.push("");
  const header = ["case", "variant", "median ms", "p90 ms", "p99 ms", "req/s"];
  const rows: string[][] = [];
  for (const result of results) {
    for (const variant of VARIANTS) {
      const stats = result.latencyMs[variant];
      const rps = result.throughput?.[variant].meanRequestsPerSecond;
      rows.push([
        variant === "origin" ? result.id : "",
        variant,
        ms(stats.median),
        ms(stats.p90),
        ms(stats.p99),
        rps === undefined ? "-" : rps.toFixed(0),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const format = (cells: string[]): string =>
    cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");
  lines.push(format(header));
  let index = 0;
  for (const result of results) {
    for (let k = 0; k < VARIANTS.length; k++) lines.push(format(rows[index++] ?? []));
    for (const other of ["origin", "passthrough"] as const) {
      const c = result.consentEdgeVs[other];
      const throughput = c.throughputRatio === null ? "" : `, req/s x${c.throughputRatio.toFixed(2)}`;
      lines.push(
        `  consent-edge vs ${other.padEnd(11)}: ${signed(c.addedMedianMs)} ms median ` +
          `(95% CI ${signed(c.addedMedianCi95Ms[0])}..${signed(c.addedMedianCi95Ms[1])}, ` +
          `halves ${signed(c.addedMedianByHalfMs[0])}/${signed(c.addedMedianByHalfMs[1])}), ` +
          `x${c.medianRatio.toFixed(2)}${throughput}`,
      );
    }
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}
