/**
 * `npm run bench:html`'s figures: each variant against pass-through, consent-edge against the
 * one-selector pass (target >= 0.8) and the rule counts against each other (target: within 5%).
 */
import os from "node:os";
import type { Options } from "./cli";
import type { PageStats } from "./html-page";
import { EDGE, VARIANTS } from "./html-workers";
import type { Summary } from "./stats";
import { pairedRatioRange, type WrkRun, type WrkSettings } from "./throughput";

const TARGET_VS_ONE_SELECTOR = 0.8;
const TARGET_RULE_SPREAD = 0.05;

type Throughput = Record<string, { mean: number; runs: number[] }>;
export type Ratios = ReturnType<typeof ratios>;

export function ratios(
  latency: Record<string, Summary>,
  throughput: Throughput | null,
  runs: WrkRun[] | null,
) {
  const rps = (v: string): number | undefined => throughput?.[v]?.mean;
  const ratio = (a: string, b: string): number | null => {
    const x = rps(a);
    const y = rps(b);
    return x !== undefined && y !== undefined ? x / y : null;
  };
  const medianRatio = (a: string, b: string): number =>
    (latency[a]?.median ?? Number.NaN) / (latency[b]?.median ?? Number.NaN);
  const edgeRps = EDGE.map((v) => rps(v)).filter((x): x is number => x !== undefined);
  const ruleSpread = edgeRps.length === EDGE.length ? Math.max(...edgeRps) / Math.min(...edgeRps) - 1 : null;
  const edgeMedians = EDGE.map((v) => latency[v]?.median ?? Number.NaN);
  const latencySpread = Math.max(...edgeMedians) / Math.min(...edgeMedians) - 1;

  return {
    vsPassthrough: Object.fromEntries(
      VARIANTS.map((v) => [
        v,
        {
          throughput: ratio(v, "passthrough"),
          throughputRoundRange: runs ? pairedRatioRange(runs, v, "passthrough") : null,
          medianLatency: medianRatio(v, "passthrough"),
        },
      ]),
    ),
    vsOneSelector: Object.fromEntries(
      EDGE.map((v) => [
        v,
        {
          throughput: ratio(v, "one-selector"),
          throughputRoundRange: runs ? pairedRatioRange(runs, v, "one-selector") : null,
          target: TARGET_VS_ONE_SELECTOR,
        },
      ]),
    ),
    ruleCounts: {
      vs10: Object.fromEntries(EDGE.map((v) => [v, ratio(v, EDGE[0] ?? "")])),
      vs10RoundRange: Object.fromEntries(
        EDGE.map((v) => [v, runs ? pairedRatioRange(runs, v, EDGE[0] ?? "") : null]),
      ),
      medianLatencyVs10: Object.fromEntries(EDGE.map((v) => [v, medianRatio(v, EDGE[0] ?? "")])),
      spread: ruleSpread,
      latencySpread,
      target: TARGET_RULE_SPREAD,
    },
  };
}

export function render(
  date: string,
  host: string,
  stats: PageStats,
  options: Options,
  wrk: WrkSettings | null,
  latency: Record<string, Summary>,
  throughput: Throughput | null,
  ratios: Ratios,
): string {
  const x = (value: number | null | undefined): string =>
    value === null || value === undefined || Number.isNaN(value) ? "-" : value.toFixed(2);
  const lines: string[] = [];
  lines.push(
    `consent-edge HTML bench ${date}: GET / Host: ${host}, no consent cookie; page ${(stats.bytes / 1024).toFixed(0)} KiB, ` +
      `${stats.elements} elements; ${os.cpus().length} cores`,
  );
  lines.push(
    `latency: ${options.requests} sequential keep-alive requests per variant, interleaved` +
      (wrk ? `; throughput: wrk -t1 -c8, ${wrk.seconds}s x ${wrk.rounds} rounds, variants alternating` : ""),
  );
  lines.push("");
  const header = ["variant", "req/s", "per round", "x pass", "median ms", "p90 ms", "x pass"];
  const rows = VARIANTS.map((v) => [
    v,
    throughput?.[v] ? throughput[v].mean.toFixed(0) : "-",
    throughput?.[v] ? throughput[v].runs.map((r) => r.toFixed(0)).join("/") : "-",
    x(ratios.vsPassthrough[v]?.throughput),
    latency[v]?.median.toFixed(3) ?? "-",
    latency[v]?.p90.toFixed(3) ?? "-",
    x(ratios.vsPassthrough[v]?.medianLatency),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const format = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  lines.push(format(header));
  for (const row of rows) lines.push(format(row));
  lines.push("");
  if (throughput) {
    const verdict = (ok: boolean): string => (ok ? "meets the target" : "MISSES the target");
    const vsOne = EDGE.map((v) => {
      const r = ratios.vsOneSelector[v];
      const range = r?.throughputRoundRange;
      return `${v} x${x(r?.throughput)}${range ? ` (rounds ${x(range[0])}..${x(range[1])})` : ""}`;
    });
    const worst = Math.min(...EDGE.map((v) => ratios.vsOneSelector[v]?.throughput ?? 0));
    lines.push(
      `full enforcement vs one-selector pass (req/s, target >= ${TARGET_VS_ONE_SELECTOR}): ${vsOne.join(", ")}: ${verdict(worst >= TARGET_VS_ONE_SELECTOR)}`,
    );
    const rules = ratios.ruleCounts;
    const spread = rules.spread;
    const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
    // How far a single round's ratio strays from 1 between identical-cost configs: the noise floor.
    const noise = Math.max(
      0,
      ...EDGE.slice(1).flatMap((v) => (rules.vs10RoundRange[v] ?? []).map((r) => Math.abs(r - 1))),
    );
    const ok = spread !== null && spread <= TARGET_RULE_SPREAD;
    lines.push(
      `rule count 10 : 1,000 : 10,000 (req/s vs 10 rules): ${EDGE.map((v) => x(rules.vs10[v])).join(" : ")}, ` +
        `spread ${spread === null ? "-" : percent(spread)} (target within ${TARGET_RULE_SPREAD * 100}%): ` +
        (ok || noise <= TARGET_RULE_SPREAD
          ? verdict(ok)
          : `${verdict(ok)}, but single rounds stray up to ${percent(noise)}: within noise?`),
    );
  }
  const latencySpread = ratios.ruleCounts.latencySpread;
  lines.push(
    `rule count 10 : 1,000 : 10,000 (median latency vs 10 rules): ${EDGE.map((v) => x(ratios.ruleCounts.medianLatencyVs10[v])).join(" : ")}, ` +
      `spread ${(latencySpread * 100).toFixed(1)}% (target within ${TARGET_RULE_SPREAD * 100}%): ` +
      (latencySpread <= TARGET_RULE_SPREAD ? "meets the target" : "MISSES the target"),
  );
  lines.push(
    "Absolute figures are this machine's, this run's; quote ratios from one run. 'per round' shows the noise.",
  );
  return `${lines.join("\n")}\n`;
}
