/**
 * One measured run of one variant on one page, in a fresh browser context each flow (an empty jar,
 * a cold cache), against fake tracker servers that record every request and TLS connection:
 *
 *   refuse    load (the performance figures come from this first load), snapshot; "Reject all",
 *             snapshot of what came after the click; reload, snapshot of the reload.
 *   accept    load; "Accept all": the tracker hosts reached after the click without a reload; reload:
 *             the hosts reached then; the tool's withdrawal; reload: what the jar still holds.
 *   no-js     (once per variant and page, not per run) JavaScript off: what a load sends, whether
 *             "Reject all" can be clicked at all, and whether a page loaded afterwards, with
 *             JavaScript back on, keeps that refusal.
 *
 * A snapshot counts requests to tracker hosts, the distinct tracker hosts reached (by request or by
 * a TLS connection: a preconnect tells the host the visitor's address too), the tracking cookies in
 * the jar (HttpOnly included, by where they came from: the origin's Set-Cookie or a script), and
 * the tracking keys in localStorage and sessionStorage.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { RecordingTrackers } from "../../test/e2e/servers";
import type { Peer } from "./peer";
import { TRACKING_NAME } from "./trackers";

/** The hosts the bench's pages reach trackers on (Chromium's own background requests are not these). */
export const TRACKER_HOST =
  /(^|\.)(googletagmanager\.com|google-analytics\.com|clarity\.ms|posthog\.com|analytics\.aktok\.com|facebook\.(com|net)|youtube(-nocookie)?\.com|doubleclick\.net|googleadservices\.com|mixpanel\.com|hotjar\.com|tracker-\d+\.example|ytimg\.com|googlevideo\.com)$/;

export interface Cookie {
  name: string;
  httpOnly: boolean;
  /** "http": the value the origin's Set-Cookie line gave; "script": any other value. */
  source: "http" | "script";
}

export interface Snapshot {
  trackerRequests: number;
  trackerHosts: string[];
  cookies: Cookie[];
  storageKeys: string[];
}

export interface Perf {
  /** First Contentful Paint and Largest Contentful Paint, ms from navigation start. */
  fcpMs: number | null;
  lcpMs: number | null;
  /** Sum of the long tasks' durations (PerformanceObserver "longtask": tasks over 50 ms). */
  longTaskMs: number;
  /** Main-thread time from navigation to the settled page (CDP Performance TaskDuration delta). */
  taskMs: number;
  scriptMs: number;
}

export interface RunResult {
  variant: string;
  page: string;
  run: number;
  perf: Perf;
  before: Snapshot;
  rejectClicks: number;
  afterReject: Snapshot;
  afterRejectReload: Snapshot;
  acceptClicks: number;
  /** Tracker hosts reached after "Accept all", before any reload. */
  acceptedHosts: string[];
  /** ... and after a reload. */
  acceptedReloadHosts: string[];
  withdrawClicks: number;
  /** The jar after withdrawing and a reload. */
  afterWithdraw: Snapshot;
  /** Whether the first load was measured (perf, before): true even when a later step failed. */
  loaded: boolean;
  /** Set when a step failed: the figures of that step and the later ones are missing. */
  error?: string;
}

export interface NoJsResult {
  variant: string;
  page: string;
  before: Snapshot;
  /** Whether "Reject all" could be clicked with JavaScript off. */
  canRefuse: boolean;
  /** With JavaScript back on after that refusal: what a load reaches (a kept refusal reaches nothing). */
  afterRefusal: Snapshot | null;
}

/** What a measuring flow needs: the browser, the fake trackers, the origin's own cookie values. */
export interface Lab {
  browser: Browser;
  trackers: RecordingTrackers;
  /** name -> value of every cookie the origin's Set-Cookie lines give (source "http"). */
  originCookies: ReadonlyMap<string, string>;
  /** How long a page is given to settle after load and after each click (ms). */
  settleMs: number;
  /**
   * How long the trackers must be quiet for a page to count as settled (ms). Short by default to keep
   * a run under 15 minutes; an SDK that batches its first send seconds after start-up (mixpanel-browser,
   * about 5 s) is then missed: `--quiet=6000` with `--settle=8000` waits for it.
   */
  quietMs: number;
}

const PERF_INIT = `(() => {
  const perf = (window.__benchPerf = { longTaskMs: 0, lcpMs: null });
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) perf.longTaskMs += e.duration; })
      .observe({ type: "longtask", buffered: true });
    new PerformanceObserver((list) => { const e = list.getEntries(); perf.lcpMs = e[e.length - 1].startTime; })
      .observe({ type: "largest-contentful-paint", buffered: true });
  } catch {}
})();`;

/** Where the fake trackers' records stand now: a later snapshot counts what came after. */
interface Mark {
  requests: number;
  connections: number;
}

const mark = (lab: Lab): Mark => ({
  requests: lab.trackers.requests.length,
  connections: lab.trackers.connections.length,
});

function trackerTraffic(lab: Lab, since: Mark): { requests: number; hosts: string[] } {
  const requests = lab.trackers.requests.slice(since.requests).filter((r) => TRACKER_HOST.test(r.host));
  const hosts = new Set(requests.map((r) => r.host));
  for (const host of lab.trackers.connections.slice(since.connections))
    if (TRACKER_HOST.test(host)) hosts.add(host);
  return { requests: requests.length, hosts: [...hosts].sort() };
}

async function snapshot(lab: Lab, page: Page, since: Mark): Promise<Snapshot> {
  const traffic = trackerTraffic(lab, since);
  const cookies = (await page.context().cookies())
    .filter((cookie) => TRACKING_NAME.test(cookie.name))
    .map((cookie) => ({
      name: cookie.name,
      httpOnly: cookie.httpOnly,
      source: lab.originCookies.get(cookie.name) === cookie.value ? ("http" as const) : ("script" as const),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const keys = await page
    .evaluate("Object.keys(localStorage).concat(Object.keys(sessionStorage))")
    .catch(() => [] as unknown);
  const storageKeys = (Array.isArray(keys) ? (keys as string[]) : []).filter(
    (key) => TRACKING_NAME.test(key) || /^(ph_|mp_|_ga|__mp)/.test(key),
  );
  return {
    trackerRequests: traffic.requests,
    trackerHosts: traffic.hosts,
    cookies,
    storageKeys: storageKeys.sort(),
  };
}

/**
 * Waits until the tracker servers have heard nothing new for a while (at most `settleMs` in all):
 * a page's trackers load asynchronously after `load`.
 */
async function settle(lab: Lab, page: Page): Promise<void> {
  const end = Date.now() + lab.settleMs;
  let last = lab.trackers.requests.length + lab.trackers.connections.length;
  let quietSince = Date.now();
  while (Date.now() < end) {
    await page.waitForTimeout(100);
    const now = lab.trackers.requests.length + lab.trackers.connections.length;
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= lab.quietMs) return;
  }
}

async function load(lab: Lab, page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: "load" });
  await settle(lab, page);
}

async function reload(lab: Lab, page: Page): Promise<void> {
  await page.reload({ waitUntil: "load" });
  await settle(lab, page);
}

async function perfOf(
  page: Page,
  cdpTask: () => Promise<{ taskMs: number; scriptMs: number }>,
): Promise<Perf> {
  const paint = await page.evaluate<{ fcp: number | null; lt: number; lcp: number | null }>(
    `(() => { const p = performance.getEntriesByName("first-contentful-paint")[0]; return { fcp: p ? p.startTime : null, lt: window.__benchPerf.longTaskMs, lcp: window.__benchPerf.lcpMs }; })()`,
  );
  const { taskMs, scriptMs } = await cdpTask();
  return { fcpMs: paint.fcp, lcpMs: paint.lcp, longTaskMs: paint.lt, taskMs, scriptMs };
}

async function newVisitor(
  lab: Lab,
  javaScriptEnabled = true,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await lab.browser.newContext({ javaScriptEnabled });
  await context.addInitScript(PERF_INIT);
  const page = await context.newPage();
  return { context, page };
}

/** The refuse and accept flows of one run (a tool-less variant has no banner: only its first load). */
export async function measureRun(
  lab: Lab,
  variant: { id: string; url: string; peer?: Peer | undefined },
  page: string,
  run: number,
): Promise<RunResult> {
  const url = variant.url + page;
  const empty: Snapshot = { trackerRequests: 0, trackerHosts: [], cookies: [], storageKeys: [] };
  const result: RunResult = {
    variant: variant.id,
    page,
    run,
    perf: { fcpMs: null, lcpMs: null, longTaskMs: 0, taskMs: 0, scriptMs: 0 },
    before: empty,
    rejectClicks: 0,
    afterReject: empty,
    afterRejectReload: empty,
    acceptClicks: 0,
    acceptedHosts: [],
    acceptedReloadHosts: [],
    withdrawClicks: 0,
    afterWithdraw: empty,
    loaded: false,
  };
  const refuse = await newVisitor(lab);
  try {
    const cdp = await refuse.context.newCDPSession(refuse.page);
    await cdp.send("Performance.enable");
    const metrics = async () =>
      new Map((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value] as const));
    const start = await metrics();
    let since = mark(lab);
    await load(lab, refuse.page, url);
    result.perf = await perfOf(refuse.page, async () => {
      const end = await metrics();
      const delta = (name: string) => ((end.get(name) ?? 0) - (start.get(name) ?? 0)) * 1000;
      return { taskMs: delta("TaskDuration"), scriptMs: delta("ScriptDuration") };
    });
    result.before = await snapshot(lab, refuse.page, since);
    result.loaded = true;
    if (!variant.peer) return result;

    since = mark(lab);
    result.rejectClicks = await variant.peer.rejectAll(refuse.page);
    await settle(lab, refuse.page);
    result.afterReject = await snapshot(lab, refuse.page, since);
    since = mark(lab);
    await reload(lab, refuse.page);
    result.afterRejectReload = await snapshot(lab, refuse.page, since);
  } catch (error) {
    result.error = `refuse: ${String(error)}`;
    return result;
  } finally {
    await refuse.context.close();
  }

  // Defined here: without a tool the refuse flow returned above.
  const peer = variant.peer;
  const accept = await newVisitor(lab);
  try {
    await load(lab, accept.page, url);
    let since = mark(lab);
    result.acceptClicks = await peer.acceptAll(accept.page);
    await settle(lab, accept.page);
    result.acceptedHosts = trackerTraffic(lab, since).hosts;
    since = mark(lab);
    await reload(lab, accept.page);
    result.acceptedReloadHosts = trackerTraffic(lab, since).hosts;
    result.withdrawClicks = await peer.withdraw(accept.page);
    await settle(lab, accept.page);
    since = mark(lab);
    await reload(lab, accept.page);
    result.afterWithdraw = await snapshot(lab, accept.page, since);
  } catch (error) {
    result.error = `accept: ${String(error)}`;
  } finally {
    await accept.context.close();
  }
  return result;
}

/** The no-JavaScript flow of one variant on one page (see the file's comment). */
export async function measureNoJs(
  lab: Lab,
  variant: { id: string; url: string; peer?: Peer | undefined },
  page: string,
): Promise<NoJsResult> {
  const url = variant.url + page;
  const off = await newVisitor(lab, false);
  try {
    let since = mark(lab);
    await load(lab, off.page, url);
    const before = await snapshot(lab, off.page, since);
    let canRefuse = false;
    if (variant.peer) {
      canRefuse = await Promise.race([
        variant.peer.rejectAll(off.page).then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((done) => {
          setTimeout(() => {
            done(false);
          }, 3_000);
        }),
      ]);
    }
    let afterRefusal: Snapshot | null = null;
    if (canRefuse) {
      const state = await off.context.storageState();
      const on = await lab.browser.newContext({ storageState: state });
      try {
        const page2 = await on.newPage();
        since = mark(lab);
        await load(lab, page2, url);
        afterRefusal = await snapshot(lab, page2, since);
      } finally {
        await on.close();
      }
    }
    return { variant: variant.id, page, before, canRefuse, afterRefusal };
  } finally {
    await off.context.close();
  }
}
