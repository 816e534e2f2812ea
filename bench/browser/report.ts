/**
 * The head-to-head's figures, from the raw runs: a summary per variant and page (medians, with the
 * spread over runs), the table printed and put in the README, and the chart (an SVG, no dependency).
 */
import { median } from "../stats";
import type { NoJsResult, RunResult, Snapshot } from "./measure";

/** Median and spread of one figure over the runs. */
export interface Figure {
  median: number;
  min: number;
  max: number;
}

export interface Row {
  variant: string;
  tool: string;
  tagged: boolean | null;
  page: string;
  runs: number;
  errors: number;
  /** The distinct errors of the runs that failed a step (a tool with no banner to click, say). */
  errorMessages: string[];
  before: { hosts: Figure; requests: Figure; cookies: Figure; httpCookies: Figure; storageKeys: Figure };
  afterReject: { hosts: Figure; requests: Figure };
  afterRejectReload: { hosts: Figure; requests: Figure; cookies: Figure };
  accept: { hostsWithoutReload: Figure; hostsAfterReload: Figure; baselineHosts: number };
  /** Tracking cookies in the jar after withdrawing and a reload, and how many of them are HttpOnly. */
  afterWithdraw: { cookies: Figure; httpOnly: Figure; storageKeys: Figure; names: string[] };
  clicks: { reject: Figure; accept: Figure; withdraw: Figure };
  perf: { fcpMs: Figure; lcpMs: Figure; longTaskMs: Figure; taskMs: Figure; scriptMs: Figure };
  noJs: { requestsBefore: number; canRefuse: boolean; keptRefusal: boolean | null };
  bytes: { page: number; assets: number };
}

export interface VariantInfo {
  id: string;
  tool: string;
  tagged: boolean | null;
}

function figure(values: readonly number[]): Figure {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

const count = (snapshots: Snapshot[], of: (s: Snapshot) => number) => figure(snapshots.map(of));

export function summarize(
  variants: readonly VariantInfo[],
  pages: readonly string[],
  results: readonly RunResult[],
  noJs: readonly NoJsResult[],
  bytes: Record<string, Record<string, { page: number; assets: number }>>,
): Row[] {
  const rows: Row[] = [];
  for (const page of pages) {
    const baseline = results.filter((r) => r.variant === "no-tool" && r.page === page && !r.error);
    // Every host the site's trackers reach when nothing holds them back, over the tool-less runs.
    const baselineHosts = new Set(baseline.flatMap((r) => r.before.trackerHosts)).size;
    for (const variant of variants) {
      const all = results.filter((r) => r.variant === variant.id && r.page === page);
      const ok = all.filter((r) => !r.error);
      const loaded = all.filter((r) => r.loaded);
      const nojs = noJs.find((r) => r.variant === variant.id && r.page === page);
      const withdrawn = ok.map((r) => r.afterWithdraw);
      const names = [...new Set(withdrawn.flatMap((s) => s.cookies.map((c) => c.name)))].sort();
      rows.push({
        variant: variant.id,
        tool: variant.tool,
        tagged: variant.tagged,
        page,
        runs: all.length,
        errors: all.length - ok.length,
        errorMessages: [...new Set(all.flatMap((r) => (r.error ? [r.error.split("\n")[0] ?? r.error] : [])))],
        before: {
          hosts: count(
            loaded.map((r) => r.before),
            (s) => s.trackerHosts.length,
          ),
          requests: count(
            loaded.map((r) => r.before),
            (s) => s.trackerRequests,
          ),
          cookies: count(
            loaded.map((r) => r.before),
            (s) => s.cookies.length,
          ),
          httpCookies: count(
            loaded.map((r) => r.before),
            (s) => s.cookies.filter((c) => c.source === "http").length,
          ),
          storageKeys: count(
            loaded.map((r) => r.before),
            (s) => s.storageKeys.length,
          ),
        },
        afterReject: {
          hosts: count(
            ok.map((r) => r.afterReject),
            (s) => s.trackerHosts.length,
          ),
          requests: count(
            ok.map((r) => r.afterReject),
            (s) => s.trackerRequests,
          ),
        },
        afterRejectReload: {
          hosts: count(
            ok.map((r) => r.afterRejectReload),
            (s) => s.trackerHosts.length,
          ),
          requests: count(
            ok.map((r) => r.afterRejectReload),
            (s) => s.trackerRequests,
          ),
          cookies: count(
            ok.map((r) => r.afterRejectReload),
            (s) => s.cookies.length,
          ),
        },
        accept: {
          hostsWithoutReload: figure(ok.map((r) => r.acceptedHosts.length)),
          hostsAfterReload: figure(ok.map((r) => r.acceptedReloadHosts.length)),
          baselineHosts,
        },
        afterWithdraw: {
          cookies: count(withdrawn, (s) => s.cookies.length),
          httpOnly: count(withdrawn, (s) => s.cookies.filter((c) => c.httpOnly).length),
          storageKeys: count(withdrawn, (s) => s.storageKeys.length),
          names,
        },
        clicks: {
          reject: figure(ok.map((r) => r.rejectClicks)),
          accept: figure(ok.map((r) => r.acceptClicks)),
          withdraw: figure(ok.map((r) => r.withdrawClicks)),
        },
        perf: {
          fcpMs: figure(loaded.flatMap((r) => (r.perf.fcpMs === null ? [] : [r.perf.fcpMs]))),
          lcpMs: figure(loaded.flatMap((r) => (r.perf.lcpMs === null ? [] : [r.perf.lcpMs]))),
          longTaskMs: figure(loaded.map((r) => r.perf.longTaskMs)),
          taskMs: figure(loaded.map((r) => r.perf.taskMs)),
          scriptMs: figure(loaded.map((r) => r.perf.scriptMs)),
        },
        noJs: {
          requestsBefore: nojs?.before.trackerRequests ?? Number.NaN,
          canRefuse: nojs?.canRefuse ?? false,
          keptRefusal: nojs?.afterRefusal ? nojs.afterRefusal.trackerHosts.length === 0 : null,
        },
        bytes: bytes[variant.id]?.[page] ?? { page: 0, assets: 0 },
      });
    }
  }
  return rows;
}

/** A figure no run produced: NaN here, null once it has been through JSON (docs/bench-browser.json). */
const missing = (value: number | null): boolean => value === null || Number.isNaN(value);

const num = (value: number, digits = 0) =>
  missing(value)
    ? "–"
    : value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** "3" when every run agreed, "3 (2–4)" when they did not. */
function spread(f: Figure, digits = 0): string {
  if (missing(f.median)) return "–";
  return f.min === f.max
    ? num(f.median, digits)
    : `${num(f.median, digits)} (${num(f.min, digits)}–${num(f.max, digits)})`;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export const PAGE_NAMES: Record<string, string> = {
  "/": "the demo's home page (/)",
  "/news": "the ~100 KiB bench page (/news)",
  "/run-time": "trackers loaded by first-party JavaScript (/run-time)",
  "/sdks": "analytics SDKs bundled from npm (/sdks)",
};

function variantName(row: Row): string {
  if (row.tagged === null) return row.tool;
  return `${row.tool}, ${row.tagged ? "tagged" : "untagged"}`;
}

/** One Markdown table per page: the variants as rows. */
export function renderTable(
  rows: readonly Row[],
  about: {
    git: { commit: string } | null;
    chromium: string;
    machine: { cores: number; cpuModel: string };
    runs: number;
  },
): string {
  const out: string[] = [
    `consent-edge against client-side consent tools: Chromium ${about.chromium}, ${about.runs} runs per variant, ` +
      `medians (min–max when runs differ)${about.git ? `, commit ${about.git.commit}` : ""}, ` +
      `${about.machine.cores} cores (${about.machine.cpuModel})`,
  ];
  const header =
    "| variant | tracker hosts before a choice (requests) | tracking cookies before (from the origin) / storage keys | after Reject all: hosts, then after reload | after Accept all: hosts without reload / after reload | left after withdrawing: cookies (HttpOnly) / storage keys | clicks to refuse (to withdraw) | JavaScript off: tracker requests / refusing works | tool bytes gz (page + files) | FCP ms | LCP ms | main thread ms (long tasks) | errors |";
  const rule = `|${header
    .split("|")
    .slice(1, -1)
    .map(() => " --- ")
    .join("|")}|`;
  for (const page of [...new Set(rows.map((r) => r.page))]) {
    out.push("", `**${PAGE_NAMES[page] ?? page}**`, "", header, rule);
    for (const row of rows.filter((r) => r.page === page)) {
      const tool = row.tagged !== null || row.variant === "consent-edge";
      const accept = tool
        ? `${spread(row.accept.hostsWithoutReload)} / ${spread(row.accept.hostsAfterReload)} of ${num(row.accept.baselineHosts)}`
        : "–";
      out.push(
        `| ${[
          variantName(row),
          `${spread(row.before.hosts)} (${spread(row.before.requests)})`,
          `${spread(row.before.cookies)} (${spread(row.before.httpCookies)}) / ${spread(row.before.storageKeys)}`,
          tool ? `${spread(row.afterReject.hosts)}, then ${spread(row.afterRejectReload.hosts)}` : "–",
          accept,
          tool
            ? `${spread(row.afterWithdraw.cookies)} (${spread(row.afterWithdraw.httpOnly)}) / ${spread(row.afterWithdraw.storageKeys)}`
            : "–",
          tool ? `${spread(row.clicks.reject)} (${spread(row.clicks.withdraw)})` : "–",
          `${num(row.noJs.requestsBefore)} / ${tool ? (row.noJs.canRefuse ? (row.noJs.keptRefusal ? "yes" : "clicked, not kept") : "no") : "–"}`,
          tool
            ? `${kb(row.bytes.page + row.bytes.assets)} (${kb(row.bytes.page)} + ${kb(row.bytes.assets)})`
            : "–",
          spread(row.perf.fcpMs),
          spread(row.perf.lcpMs),
          `${spread(row.perf.taskMs)} (${spread(row.perf.longTaskMs)})`,
          String(row.errors),
        ].join(" | ")} |`,
      );
    }
    const failed = rows.filter((r) => r.page === page && r.errorMessages.length > 0);
    if (failed.length > 0) out.push("");
    for (const row of failed) out.push(`- ${variantName(row)}: ${row.errorMessages.join("; ")}`);
  }
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------------
// The chart: small multiples, one panel per measure, a group of bars (one per page) per variant.

const COLOURS = ["#0b57d0", "#e8710a", "#188038", "#a142f4"];

interface Panel {
  title: string;
  value: (row: Row) => number;
  unit: string;
  /** Whether the site without a tool is drawn too, for reference. */
  baseline?: true;
}

const PANELS: Panel[] = [
  {
    title: "Tracker hosts reached before any choice",
    value: (r) => r.before.hosts.median,
    unit: "hosts",
    baseline: true,
  },
  {
    title: "Tracker hosts reached after “Reject all” and a reload",
    value: (r) => r.afterRejectReload.hosts.median,
    unit: "hosts",
  },
  {
    title: "Tracking cookies left after withdrawing and a reload",
    value: (r) => r.afterWithdraw.cookies.median,
    unit: "cookies",
  },
  {
    title: "Consent tool bytes the visitor downloads (gzip)",
    value: (r) => (r.bytes.page + r.bytes.assets) / 1024,
    unit: "KB",
  },
  {
    title: "Main-thread time of the first load, ms (CDP TaskDuration)",
    value: (r) => r.perf.taskMs.median,
    unit: "ms",
    baseline: true,
  },
];

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function renderChart(
  rows: readonly Row[],
  about: { git: { commit: string } | null; chromium: string; runs: number },
): string {
  const pages = [...new Set(rows.map((r) => r.page))];
  const everyVariant = [...new Set(rows.map((r) => r.variant))];
  const tools = everyVariant.filter((v) => v !== "no-tool");
  const drawn = (panel: Panel) => (panel.baseline ? everyVariant : tools);
  const label = (id: string) => {
    const row = rows.find((r) => r.variant === id);
    return row ? variantName(row) : id;
  };
  const bar = 7;
  const groupHeight = pages.length * bar + 6;
  const left = 230;
  const width = 900;
  const plotWidth = width - left - 60;
  const panelHeight = (panel: Panel) => 28 + drawn(panel).length * groupHeight;
  const legendHeight = 40;
  const height = 40 + legendHeight + PANELS.reduce((sum, panel) => sum + panelHeight(panel) + 24, 0);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="600">consent-edge against client-side consent tools, in Chromium ${escape(about.chromium)}</text>`,
    `<text x="10" y="36" fill="#555">medians of ${about.runs} runs${about.git ? `, commit ${about.git.commit}` : ""}; npm run bench:browser; raw figures in docs/bench-browser.json</text>`,
  ];
  pages.forEach((page, i) => {
    const x = 10 + i * 220;
    parts.push(`<rect x="${x}" y="50" width="10" height="10" fill="${COLOURS[i % COLOURS.length]}"/>`);
    parts.push(`<text x="${x + 14}" y="59">${escape(page)}</text>`);
  });
  let y = 40 + legendHeight;
  for (const panel of PANELS) {
    const variants = drawn(panel);
    const values = rows.filter((r) => variants.includes(r.variant)).map((r) => panel.value(r));
    const max = Math.max(1, ...values.filter((v) => !missing(v)));
    parts.push(`<text x="10" y="${y + 14}" font-size="12" font-weight="600">${escape(panel.title)}</text>`);
    let gy = y + 24;
    for (const variant of variants) {
      parts.push(
        `<text x="${left - 8}" y="${gy + groupHeight / 2 + 2}" text-anchor="end">${escape(label(variant))}</text>`,
      );
      pages.forEach((page, i) => {
        const row = rows.find((r) => r.variant === variant && r.page === page);
        const value = row ? panel.value(row) : Number.NaN;
        const w = missing(value) ? 0 : (value / max) * plotWidth;
        const by = gy + i * bar;
        parts.push(
          `<rect x="${left}" y="${by}" width="${w.toFixed(1)}" height="${bar - 1}" fill="${COLOURS[i % COLOURS.length]}"/>`,
        );
        const text = missing(value) ? "–" : num(value, panel.unit === "KB" ? 1 : 0);
        parts.push(`<text x="${left + w + 3}" y="${by + bar - 1}" font-size="8" fill="#333">${text}</text>`);
      });
      gy += groupHeight;
    }
    y += panelHeight(panel) + 24;
  }
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
