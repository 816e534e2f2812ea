/**
 * `npm run bench:browser` (issue 13): consent-edge against client-side consent tools, in Debian's
 * Chromium, on the same pages from the same origin, in one run.
 *
 * Variants (bench/browser/servers.ts serves them all from one bench origin):
 *   no-tool                 the site as it is: every tracker runs (the baseline)
 *   consent-edge            the untagged pages through the worker, as its users deploy it
 *   <tool>-tagged           the tool's banner and every tracker tagged as its docs ask (its best case)
 *   <tool>-untagged         the tool's banner added, the trackers left as the site had them (common)
 * for each tool in bench/browser/peers/ (vanilla-cookieconsent, orejime, tarteaucitron).
 * Pages: the demo's home page (/), the ~100 KiB bench page (/news), and the two pages whose trackers
 * first-party JavaScript loads at run time (/run-time, /sdks: the run-time guard's pages).
 * Tracker hosts resolve to fake servers on loopback (ports 80 and 443; test/e2e/servers.ts's
 * recording trackers): nothing leaves the machine. Each run visits every page with every variant
 * (variants in a rotating order, so that machine noise falls on each alike), after a warm-up run.
 * What a run measures is in bench/browser/measure.ts; the report (table, chart) in report.ts.
 *
 *   --runs=N     BENCH_RUNS=N     measured runs (default 5)
 *   --settle=MS  BENCH_SETTLE=MS  how long a page may take to settle after load and each click (default 2500)
 *   --quiet=MS   BENCH_QUIET=MS   how long the trackers must be quiet for it to count as settled (default 300;
 *                                 6000 with --settle=8000 catches SDKs that batch their first send, slower)
 *   --only=a,b   BENCH_ONLY=a,b   only these variants (ids as above; no-tool is always run)
 * Writes docs/bench-browser.json (every run's raw figures), docs/bench-browser.svg (the chart) and
 * docs/bench-browser.md (the tables it prints).
 */
import os from "node:os";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { logger, runMain } from "./cli";
import { describeGit, describeMachine } from "./results";
import { launchChromium, startRecordingTrackers } from "../test/e2e/servers";
import { measureNoJs, measureRun, type Lab, type NoJsResult, type RunResult } from "./browser/measure";
import type { Peer } from "./browser/peer";
import { peer as consentEdge } from "./browser/peers/consent-edge";
import { PEERS } from "./browser/peers/index";
import { renderChart, renderTable, summarize } from "./browser/report";
import { BENCH_PAGE_PATH, clientPage, startClientServer, startEdgeAndOrigin } from "./browser/servers";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS_FILE = join(ROOT, "docs/bench-browser.json");
const CHART_FILE = join(ROOT, "docs/bench-browser.svg");
const TABLE_FILE = join(ROOT, "docs/bench-browser.md");
const PAGES = ["/", BENCH_PAGE_PATH, "/run-time", "/sdks"] as const;
const log = logger("bench:browser");

export interface Variant {
  id: string;
  /** The tool's name and whether its trackers are tagged, for the table. */
  tool: string;
  tagged: boolean | null;
  peer?: Peer | undefined;
  url: string;
}

function option(name: string, fallback: string): string {
  const flag = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return flag?.slice(name.length + 3) ?? process.env[`BENCH_${name.toUpperCase()}`] ?? fallback;
}

/** An integer option, at least `min`: anything else stops the run, naming the option. */
function count(name: string, fallback: number, min: number): number {
  const value = Number(option(name, String(fallback)));
  if (!Number.isInteger(value) || value < min)
    throw new Error(`bench:browser: --${name} (BENCH_${name.toUpperCase()}) must be an integer >= ${min}`);
  return value;
}

/** name -> value of each Set-Cookie line (the first `=` splits). */
function cookieValues(lines: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of lines) {
    const pair = line.split(";")[0] ?? "";
    const eq = pair.indexOf("=");
    if (eq > 0) values.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return values;
}

const gzipBytes = (text: string | Buffer) => gzipSync(text, { level: 9 }).byteLength;

function packageVersion(name: string): string {
  if (name === "consent-edge")
    return (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
  return (
    JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }
  ).version;
}

function writeCompact(file: string, report: unknown): void {
  writeFileSync(file, `${JSON.stringify(report)}\n`);
}

async function main(): Promise<void> {
  const runs = count("runs", 5, 1);
  const settleMs = count("settle", 2500, 0);
  const quietMs = count("quiet", 300, 0);
  const only = option("only", "")
    .split(",")
    .filter((id) => id !== "");
  const loadBefore = os.loadavg();
  const started = Date.now();

  log("bundling and starting the origin, consent-edge, the tools' servers and the fake trackers");
  const edge = await startEdgeAndOrigin();
  const trackers = await startRecordingTrackers({ httpPort: 80, httpsPort: 443 });
  const stops: Array<() => Promise<void>> = [() => trackers.stop(), () => edge.stop()];
  try {
    const variants: Variant[] = [];
    const none = await startClientServer({ tagged: false }, edge.origin);
    stops.push(() => none.stop());
    variants.push({ id: "no-tool", tool: "no consent tool", tagged: null, url: none.url });
    variants.push({
      id: "consent-edge",
      tool: "consent-edge",
      tagged: null,
      peer: consentEdge,
      url: edge.edgeUrl,
    });
    for (const peer of PEERS)
      for (const tagged of [true, false]) {
        const server = await startClientServer({ peer, tagged }, edge.origin);
        stops.push(() => server.stop());
        variants.push({
          id: `${peer.id}-${tagged ? "tagged" : "untagged"}`,
          tool: peer.name,
          tagged,
          peer,
          url: server.url,
        });
      }
    const unknown = only.filter((id) => !variants.some((v) => v.id === id));
    if (unknown.length > 0)
      throw new Error(
        `bench:browser: --only: no variant ${unknown.join(", ")} (known: ${variants.map((v) => v.id).join(", ")})`,
      );
    const chosen = variants.filter((v) => only.length === 0 || v.id === "no-tool" || only.includes(v.id));

    // What each variant adds to the visitor's download, gzipped: its page against the origin's, and its files.
    const originPages = new Map<string, string>();
    for (const page of PAGES) originPages.set(page, await (await edge.origin(page)).text());
    const originCookies = cookieValues((await edge.origin("/")).headers.getSetCookie());
    const bytes: Record<string, Record<string, { page: number; assets: number }>> = {};
    for (const variant of chosen) {
      const assets = (variant.peer?.assets ?? []).reduce(
        (sum, asset) => sum + gzipBytes(readFileSync(join(ROOT, "node_modules", asset.file))),
        0,
      );
      bytes[variant.id] = {};
      for (const page of PAGES) {
        const html = originPages.get(page) ?? "";
        const served =
          variant.id === "consent-edge"
            ? await (await edge.edge(page)).text()
            : clientPage(html, { peer: variant.peer, tagged: variant.tagged === true });
        (bytes[variant.id] as Record<string, { page: number; assets: number }>)[page] = {
          page: gzipBytes(served) - gzipBytes(html),
          assets,
        };
      }
    }

    const browser = await launchChromium([
      "--ignore-certificate-errors",
      "--host-resolver-rules=MAP * 127.0.0.1, EXCLUDE localhost",
      // posthog-js (on /sdks) ignores a browser that says it is automated or headless.
      "--disable-blink-features=AutomationControlled",
      "--user-agent=Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
    ]);
    stops.unshift(() => browser.close());
    const lab: Lab = { browser, trackers, originCookies, settleMs, quietMs };

    log(`warm-up: every variant loads every page once (${chosen.length} variants, ${PAGES.length} pages)`);
    for (const page of PAGES)
      for (const variant of chosen) await measureRun(lab, { ...variant, peer: undefined }, page, -1);

    const results: RunResult[] = [];
    for (let run = 0; run < runs; run++) {
      for (const page of PAGES) {
        const order = chosen.map((_, i) => chosen[(i + run) % chosen.length] as Variant);
        for (const variant of order) {
          const result = await measureRun(lab, variant, page, run);
          if (result.error) log(`${variant.id} ${page} run ${run}: ${result.error}`);
          results.push(result);
        }
      }
      log(`run ${run + 1}/${runs} done (${Math.round((Date.now() - started) / 1000)} s)`);
    }
    const noJs: NoJsResult[] = [];
    for (const page of PAGES) for (const variant of chosen) noJs.push(await measureNoJs(lab, variant, page));

    const summary = summarize(chosen, PAGES, results, noJs, bytes);
    const git = describeGit(ROOT, ["src", "bench", "demo"]);
    const machine = describeMachine(loadBefore, true);
    const chromium = browser.version();
    const tools = chosen.map((v) => ({
      id: v.id,
      tool: v.tool,
      tagged: v.tagged,
      version: v.peer ? packageVersion(v.peer.packageName) : null,
      docs: v.peer?.docs ?? null,
    }));
    const table = renderTable(summary, { git, chromium, machine, runs });
    process.stdout.write(`${table}\n`);
    // Compact: every run's snapshots with their cookies are about 1 MB indented, 0.6 MB not.
    writeCompact(RESULTS_FILE, {
      date: new Date().toISOString(),
      git,
      machine,
      chromium,
      runs,
      settleMs,
      quietMs,
      seconds: Math.round((Date.now() - started) / 1000),
      tools,
      bytes,
      summary,
      noJs,
      results,
    });
    writeFileSync(CHART_FILE, renderChart(summary, { git, chromium, runs }));
    writeFileSync(
      TABLE_FILE,
      `# bench:browser, one run\n\nWritten by \`npm run bench:browser\` (bench/browser.ts); the chart is [bench-browser.svg](bench-browser.svg), every run's figures [bench-browser.json](bench-browser.json).\n\n${table}\n`,
    );
    log(
      `wrote ${RESULTS_FILE}, ${CHART_FILE} and ${TABLE_FILE} (${Math.round((Date.now() - started) / 1000)} s)`,
    );
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}

runMain(main);
