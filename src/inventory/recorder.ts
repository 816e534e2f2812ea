/**
 * The isolate's inventory recorder: what responses and page runtimes showed, aggregated in memory
 * and flushed to INVENTORY_DB (./store.ts) in the background. No request writes to D1 itself:
 *
 *   observe   every response adds its cookies (Set-Cookie and the request's Cookie header) and,
 *             once the HTML stage has read the page (`report.htmlDone`), its third-party hosts to
 *             one Map entry per site, kind, name, source and action: a count, first and last seen,
 *             up to MAX_SAMPLE_PATHS paths, the latest rule and category. Each response counts a
 *             key once.
 *   flush     at most once per FLUSH_INTERVAL_SECONDS per isolate, or at once when the buffer holds
 *             MAX_BUFFERED keys, through the request's waitUntil: the whole buffer as ONE D1 batch
 *             (one transaction) carrying a random flush id. One flush is in flight at a time.
 *   retry     a flush that failed is kept, with its id, and sent again by the next flush before
 *             anything newer; if it had committed after all, the id's primary key refuses it and it
 *             is dropped. A count is never added twice.
 *
 * What the design allows: an isolate that is evicted or dies loses the counts it had not flushed
 * (at most FLUSH_INTERVAL_SECONDS of its traffic, plus a failed flush awaiting retry): the inventory
 * undercounts, it never double counts. A failed flush older than MAX_RETRY_AGE_SECONDS is given up
 * (well inside the day flush ids are kept, so a late retry can never count twice either).
 *
 * FLUSH_INTERVAL_SECONDS = 30: D1 writes go to one primary database, which runs one query at a time
 * (Cloudflare D1 docs, "Limits": each database is single-threaded, throughput about 1 / query
 * duration). At 30 s, an isolate writes at most two batches a minute whatever its traffic, so a
 * thousand busy isolates make ~33 batches a second, which a D1 database absorbs, while an evicted
 * isolate (idle isolates are evicted after tens of seconds to minutes) loses at most 30 s of counts.
 * Shorter multiplies writes for every isolate; longer loses more on eviction.
 *
 * Caps against hostile input: names are validated (cookie names: RFC 6265 tokens of at most 64
 * characters; hosts: lowercase LDH labels, at most 253 characters), the buffer holds at most
 * MAX_BUFFERED keys (a new key past that is counted under OVERFLOW_NAME, one per site, kind, source
 * and action; a full buffer is flushed at once), so memory holds at most twice that (the buffer
 * filling, and the batch in flight or awaiting its retry), and D1 holds at most
 * MAX_ENTRIES_PER_SITE named rows per site (store.ts, the same overflow).
 * A visitor who sends 10,000 random cookie names grows neither.
 *
 * Nothing personal is kept: names of cookies (never values), hostnames, paths without query
 * strings; no address, no user agent. Neither method throws, and neither changes what is enforced.
 */
import type { Site } from "../config/compile";
import { NECESSARY } from "../config/types";
import { isCookieToken } from "../cookies/expire-cookies";
import type { CookieReason } from "../cookies/judge-cookie";
import { describeError, logEvent } from "../log";
import type { EnforcementReport } from "../report";
import type { InventoryContext, InventoryRecorder } from "./recording";
import { flush as writeFlush, type FlushOutcome } from "./store";
import {
  type InventoryAction,
  type InventoryEntry,
  MAX_SAMPLE_PATHS,
  type Observation,
  type InventorySide,
  OVERFLOW_NAME,
  sideOf,
} from "./types";

/** See the file header: at most two D1 batches a minute per isolate. */
export const FLUSH_INTERVAL_SECONDS = 30;

/**
 * Distinct keys held in memory before a flush is due at once. Each is two statements of the
 * flush's batch (store.ts): D1 allows 1,000 queries per Worker invocation on Workers Paid, 50 on
 * Free (Cloudflare D1 "Limits"), so 400 keys (802 statements) stay within the paid limit even if
 * each statement of a batch counts as one. The inventory needs Workers Paid for busy sites.
 */
export const MAX_BUFFERED = 400;

/** A failed flush is retried until it is this old, then given up (flush ids are kept a day). */
export const MAX_RETRY_AGE_SECONDS = 6 * 60 * 60;

/** Old flush ids are purged by the isolate's first flush and every this many after it. */
const PURGE_EVERY = 100;

const MAX_PATH = 200;
const MAX_COOKIE_NAME = 64;

/** Lowercase letters, digits and hyphens in dot-separated labels of 1-63 (RFC 1123 section 2.1). */
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * A worker variable (wrangler.toml `[vars]`) that sets the flush interval: whole seconds, 1 to an
 * hour. Longer means fewer D1 rows for flush ids (docs/scale.md: 300 s when sampling at scale), and
 * more counts lost with an isolate that dies.
 */
export const FLUSH_VARIABLE = "CONSENT_INVENTORY_FLUSH_SECONDS";

/** FLUSH_VARIABLE's value, or undefined when it is absent or not whole seconds from 1 to 3,600. */
export function flushSecondsOf(env: unknown): number | undefined {
  const value = (env as Readonly<Record<string, unknown>> | undefined)?.[FLUSH_VARIABLE];
  if (typeof value !== "string" || !/^\d{1,4}$/.test(value)) return undefined;
  const seconds = Number(value);
  return seconds >= 1 && seconds <= 3_600 ? seconds : undefined;
}

/** What one observed response counts for when a site observes `sample` of them: 1/sample, whole. */
export function responseWeight(sample: number): number {
  return sample >= 1 ? 1 : Math.max(1, Math.round(1 / sample));
}

/** Whether this response is one the inventory observes (a site's `inventory.sample`). */
export function observesResponse(sample: number, random: () => number = Math.random): boolean {
  return sample >= 1 || random() < sample;
}

export function isCookieName(name: string): boolean {
  // An RFC 6265 token, as the names consent-edge echoes into deletion lines (expire-cookies.ts).
  return name.length <= MAX_COOKIE_NAME && isCookieToken(name);
}

export function isHostName(host: string): boolean {
  return host.length > 0 && host.length <= 253 && HOST.test(host);
}

/**
 * A path as stored: below the site, without query string or fragment (they can carry personal
 * data), without control characters, at most MAX_PATH characters.
 */
export function samplePath(path: string): string {
  const bare = (path.split(/[?#]/, 1)[0] ?? "").replace(/[\u0000-\u001f\u007f-\u009f]/g, "");
  const rooted = bare.startsWith("/") ? bare : `/${bare}`;
  return rooted.length > MAX_PATH ? rooted.slice(0, MAX_PATH) : rooted;
}

export interface RecorderOptions {
  /** Seconds between flushes (default FLUSH_INTERVAL_SECONDS; tests and the e2e server use 0). */
  flushIntervalSeconds?: number;
  /** Keys held in memory before a flush is due (default MAX_BUFFERED). */
  maxBuffered?: number;
  /** Per-site row cap in D1 (default store.ts's MAX_ENTRIES_PER_SITE). */
  maxEntriesPerSite?: number;
  /** A new flush id (default 128 random bits, hex). */
  newFlushId?: () => string;
}

/** What one flush did: for tests, and for nothing else. */
export type FlushResult =
  | { outcome: FlushOutcome; id: string; entries: number; retry: boolean }
  | { outcome: "failed"; id: string; entries: number; retry: boolean }
  | { outcome: "nothing" | "busy" };

export interface IsolateRecorder extends InventoryRecorder {
  /** Flushes now (waiting for a flush in flight first): tests, and the admin endpoint before it reads. */
  flush(context: InventoryContext): Promise<FlushResult>;
  /** Keys in memory and whether a failed flush awaits its retry. */
  readonly buffered: number;
  readonly retrying: boolean;
}

interface Pending {
  id: string;
  entries: InventoryEntry[];
  since: number;
}

export function createRecorder(options: RecorderOptions = {}): IsolateRecorder {
  // The recorder's own option first (tests), else the worker's variable, else 30 s.
  const intervalFor = (env: unknown): number =>
    options.flushIntervalSeconds ?? flushSecondsOf(env) ?? FLUSH_INTERVAL_SECONDS;
  const maxBuffered = options.maxBuffered ?? MAX_BUFFERED;
  const newId = options.newFlushId ?? randomId;
  let buffer = new Map<string, InventoryEntry>();
  /**
   * Keys in the buffer per side (types.ts, sideOf): each side may fill half of it, so that names a
   * visitor makes up never push what the origin sets into the overflow key.
   */
  let sideSizes: Record<InventorySide, number> = { origin: 0, visitor: 0 };
  let pending: Pending | undefined;
  let inFlight: Promise<FlushResult> | undefined;
  /** Unix seconds of the last flush attempt, or of the first observation since the isolate started. */
  let lastFlushAt: number | undefined;
  let flushes = 0;

  function add(site: Site, path: string, observation: Observation, now: number, weight: number): void {
    const valid =
      observation.kind === "cookie" ? isCookieName(observation.name) : isHostName(observation.name);
    if (!valid) return;
    let key = keyOf(site.id, observation, observation.name);
    let entry = buffer.get(key);
    const side = sideOf(observation.source);
    if (!entry && sideSizes[side] >= Math.ceil(maxBuffered / 2)) {
      // Past the cap a new name is counted, not kept: one overflow key per site, kind, source, action.
      key = keyOf(site.id, observation, OVERFLOW_NAME);
      entry = buffer.get(key);
      observation = { ...observation, name: OVERFLOW_NAME, rule: null, category: null };
    }
    const at = samplePath(path);
    if (!entry) {
      sideSizes[side]++;
      buffer.set(key, {
        site: site.id,
        ...observation,
        count: weight,
        firstSeen: now,
        lastSeen: now,
        samplePaths: [at],
      });
      return;
    }
    entry.count += weight;
    entry.firstSeen = Math.min(entry.firstSeen, now);
    entry.lastSeen = Math.max(entry.lastSeen, now);
    if (observation.name !== OVERFLOW_NAME) {
      entry.rule = observation.rule;
      entry.category = observation.category;
    }
    if (entry.samplePaths.length < MAX_SAMPLE_PATHS && !entry.samplePaths.includes(at))
      entry.samplePaths.push(at);
  }

  function record(
    site: Site,
    path: string,
    observations: Iterable<Observation>,
    now: number,
    weight = 1,
  ): void {
    const seen = new Set<string>();
    for (const observation of observations) {
      const key = keyOf(site.id, observation, observation.name);
      if (seen.has(key)) continue;
      seen.add(key);
      add(site, path, observation, now, weight);
    }
    lastFlushAt ??= now;
  }

  function due(now: number, interval: number): boolean {
    if (buffer.size === 0 && !pending) return false;
    const full = Math.ceil(maxBuffered / 2);
    return sideSizes.origin >= full || sideSizes.visitor >= full || now - (lastFlushAt ?? now) >= interval;
  }

  function maybeFlush(context: InventoryContext): void {
    if (inFlight || !due(context.now, intervalFor(context.env))) return;
    context.waitUntil(start(context));
  }

  /** One flush: the failed one's retry if there is one, else the buffer. Never rejects. */
  function start(context: InventoryContext): Promise<FlushResult> {
    const run = (async (): Promise<FlushResult> => {
      const { now } = context;
      lastFlushAt = now;
      if (pending && now - pending.since > MAX_RETRY_AGE_SECONDS) {
        logEvent("error", {
          event: "inventory-flush-failed",
          reason: `gave up a flush retried for ${MAX_RETRY_AGE_SECONDS} s; its counts are lost`,
          count: pending.entries.length,
        });
        pending = undefined;
      }
      const retry = pending !== undefined;
      let batch: Pending;
      if (pending) batch = pending;
      else {
        if (buffer.size === 0) return { outcome: "nothing" };
        batch = { id: newId(), entries: [...buffer.values()], since: now };
        buffer = new Map();
        sideSizes = { origin: 0, visitor: 0 };
      }
      const purge = flushes % PURGE_EVERY === 0;
      flushes++;
      try {
        const db = context.env.INVENTORY_DB;
        if (!db) throw new Error("no D1 binding INVENTORY_DB");
        const outcome = await writeFlush(db, batch.entries, batch.id, {
          now,
          purgeFlushIds: purge,
          ...(options.maxEntriesPerSite !== undefined
            ? { maxEntriesPerSite: options.maxEntriesPerSite }
            : {}),
        });
        pending = undefined;
        return { outcome, id: batch.id, entries: batch.entries.length, retry };
      } catch (error) {
        pending = batch;
        logEvent("error", {
          event: "inventory-flush-failed",
          reason: `${describeError(error)}; kept for the next flush`,
          count: batch.entries.length,
        });
        return { outcome: "failed", id: batch.id, entries: batch.entries.length, retry };
      }
    })();
    inFlight = run;
    void run.finally(() => {
      if (inFlight === run) inFlight = undefined;
    });
    return run;
  }

  function guarded(site: Site, what: () => void): void {
    try {
      what();
    } catch (error) {
      logEvent("error", {
        event: "inventory-flush-failed",
        site: site.id,
        reason: `not recorded: ${describeError(error)}`,
      });
    }
  }

  return {
    observeResponse(site, path, report, context) {
      guarded(site, () => {
        // A sampled response stands for 1/sample of them (src/config/inventory.ts).
        const weight = responseWeight(site.inventory.sample);
        record(
          site,
          path,
          cookieObservations(site, report, context.requestCookies ?? []),
          context.now,
          weight,
        );
        const hosts = () => {
          guarded(site, () => {
            record(site, path, hostObservations(report), context.now, weight);
            maybeFlush(context);
          });
        };
        if (report.htmlDone) context.waitUntil(report.htmlDone.then(hosts));
        else if (report.hosts.length > 0) hosts();
        maybeFlush(context);
      });
    },
    observeBrowser(site, path, observations, context) {
      guarded(site, () => {
        record(site, path, observations, context.now);
        maybeFlush(context);
      });
    },
    async flush(context) {
      while (inFlight) await inFlight;
      return start(context);
    },
    get buffered() {
      return buffer.size;
    },
    get retrying() {
      return pending !== undefined;
    },
  };
}

function keyOf(site: string, observation: Observation, name: string): string {
  return `${site}\u0000${observation.kind}\u0000${name}\u0000${observation.source}\u0000${observation.action}`;
}

function randomId(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))]
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}

/** The rule and category a cookie verdict names; the consent cookie is necessary, by its own name. */
function ruleOf(site: Site, reason: CookieReason): Pick<Observation, "rule" | "category"> {
  switch (reason.kind) {
    case "rule":
      return { rule: reason.pattern, category: reason.category };
    case "consent-cookie":
      return { rule: site.consentCookie.name, category: NECESSARY };
    case "undeclared":
      return { rule: null, category: null };
  }
}

/** The rule a cookie name classifies under, where the report gives no reason. */
function classified(site: Site, name: string): Pick<Observation, "rule" | "category"> {
  const cookieClass = site.classifyCookie(name);
  if (cookieClass.kind === "rule")
    return { rule: cookieClass.rule.pattern, category: cookieClass.rule.category };
  if (cookieClass.kind === "consent-cookie") return { rule: site.consentCookie.name, category: NECESSARY };
  return { rule: null, category: null };
}

/**
 * The cookies of one response: the origin's Set-Cookie lines (dropped, rewritten, kept) and the
 * cookies the browser sent (expired: withheld and deleted; withheld; else passed to the origin).
 */
export function* cookieObservations(
  site: Site,
  report: EnforcementReport,
  requestCookies: readonly string[],
): Generator<Observation> {
  const cookie = (
    name: string,
    source: Observation["source"],
    action: InventoryAction,
    rule: ReturnType<typeof classified>,
  ) => ({ kind: "cookie", name, source, action, ...rule }) as const;
  for (const { name, reason } of report.dropped)
    yield cookie(name, "set-cookie", "dropped", ruleOf(site, reason));
  for (const { name } of report.rewritten)
    yield cookie(name, "set-cookie", "rewritten", classified(site, name));
  for (const { name, reason } of report.kept ?? [])
    yield cookie(name, "set-cookie", "kept", ruleOf(site, reason));
  if (requestCookies.length === 0) return;
  const expired = new Map(report.expired.map((entry) => [entry.name, entry.reason]));
  const withheld = new Map(report.withheld.map((entry) => [entry.name, entry.reason]));
  for (const name of requestCookies) {
    const reason = expired.get(name) ?? withheld.get(name);
    const action = expired.has(name) ? "expired" : withheld.has(name) ? "withheld" : "passed";
    yield cookie(name, "request-cookie", action, reason ? ruleOf(site, reason) : classified(site, name));
  }
}

/** The third-party hosts the HTML stage saw in the page. */
export function* hostObservations(report: EnforcementReport): Generator<Observation> {
  for (const seen of report.hosts) {
    yield {
      kind: "host",
      name: seen.host,
      source: "page",
      action: seen.neutralised ? "neutralised" : "allowed",
      rule: seen.rule,
      category: seen.category,
    };
  }
}
