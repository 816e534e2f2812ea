/**
 * Config without a deploy: the stand-alone worker reads its config document (the same JSON as
 * consent-edge.config.json) from Workers KV, binding CONFIG_KV, key "config" (what
 * `consent-edge push` writes), and falls back to the bundled config. One source per isolate holds
 * the config in force; requests never wait for KV, except the first requests of an isolate, and
 * those at most FIRST_READ_TIMEOUT_MS before the bundled config answers them.
 *
 * - Refresh: at most once per REFRESH_SECONDS per isolate, started by a request and run in its
 *   waitUntil (stale-while-revalidate: that request is served by the config already in force).
 *   30 s is KV's minimum cacheTtl (below): the location's cache answers our read for that long
 *   anyway, so reading more often buys no freshness, only billed reads. It costs one read per busy
 *   isolate per 30 s (2,880 a day), whatever the traffic; an idle isolate reads nothing. The
 *   worker variable CONSENT_CONFIG_REFRESH_SECONDS sets another interval (longer: fewer reads).
 * - The document is read as a stream, at most MAX_CONFIG_BYTES (8 MiB; KV values go up to 25 MiB).
 *   A bigger one is rejected without reading the rest. The bound is memory: an isolate has 128 MB
 *   (https://developers.cloudflare.com/workers/platform/limits/), and during a swap the bundled
 *   config, the old upload (until its requests finish), the new one and its text are all alive. Measured in Node (V8, as workerd), 1,000 sites the size
 *   of the demo's (22 cookie rules, trackers, a banner) are 5.4 MiB of JSON and 25 MiB compiled;
 *   8 MiB is about 1,500 such sites, about 90 MB at the swap. Compiling 1,000 sites takes about
 *   240 ms of CPU, once per change per isolate (more than the Free plan's 10 ms per request).
 * - Its text is compared with the last document read: an unchanged document is never parsed or
 *   compiled again. A changed one is parsed, compiled (compileConfig) and checked (the worker's
 *   checks: an origin for every site, the bindings its sites need); with any problem it never
 *   replaces the config in force, bundled or uploaded, and `config-rejected` names the problems
 *   once per distinct document per isolate (not per request, not per refresh).
 * - KV failing (an error, or no answer within REFRESH_TIMEOUT_MS) is `config-unavailable`, and the
 *   config in force stays. The key absent (never written, or deleted) means the bundled config:
 *   `wrangler kv key delete config --binding CONFIG_KV` reverts every isolate to it.
 *
 * How long a change takes to reach every isolate. Cloudflare documents KV as eventually consistent:
 * "Changes may take up to 60 seconds or more to be visible in other global network locations as
 * their cached versions of the data time out" (https://developers.cloudflare.com/kv/concepts/how-kv-works/);
 * get() "may return stale values ... up to 60 seconds (or the duration of the cacheTtl)"
 * (https://developers.cloudflare.com/kv/api/read-key-value-pairs/); the minimum cacheTtl is 30 s,
 * the default 60 s, and a value is at most 25 MiB (https://developers.cloudflare.com/kv/platform/limits/;
 * miniflare 4.20260730 enforces the same 30 s). So a busy isolate serves the new config at most
 * about 60 s (KV, "or more") + 30 s (REFRESH_SECONDS) + one request (the one whose refresh reads
 * it, itself served by the old one) after the write: about 90 s. An isolate that starts after
 * KV's location cache has the new value serves it from its first request.
 */
import { concat } from "../html/decode-body";
import { describeError, logEvent } from "../log";
import { type CompiledConfig, compileConfig } from "./compile";
import { parseConfigText } from "./parse-text";
import { type ConfigProblem, formatProblems } from "./validate";

import { CONFIG_BINDING, CONFIG_KEY, REFRESH_VARIABLE } from "./remote-config-names";

export { CONFIG_BINDING, CONFIG_KEY, REFRESH_VARIABLE };
/** At most one KV read per isolate per this many seconds: KV's minimum cacheTtl. */
export const REFRESH_SECONDS = 30;
/** KV's minimum cacheTtl (https://developers.cloudflare.com/kv/platform/limits/): the freshest read it allows. */
export const KV_CACHE_TTL_SECONDS = 30;
/** How long the first requests of an isolate wait for KV before the bundled config answers them. */
export const FIRST_READ_TIMEOUT_MS = 2_000;
/** A refresh that KV has not answered by then is a failure (and the next one may start). */
export const REFRESH_TIMEOUT_MS = 10_000;
/** The largest document accepted: 8 MiB (see above). */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

/** The part of a KV namespace binding the source uses. */
export interface ConfigStore {
  get(key: string, options: { type: "stream"; cacheTtl?: number }): Promise<ReadableStream | null>;
}

/** The CONFIG_KV binding in `env`, if there is one that can be read. */
export function configStore(env: unknown): ConfigStore | undefined {
  const value = (env as Readonly<Record<string, unknown>> | undefined)?.[CONFIG_BINDING];
  return typeof value === "object" && value !== null && typeof (value as ConfigStore).get === "function"
    ? (value as ConfigStore)
    : undefined;
}

export interface RemoteConfigOptions {
  /** Milliseconds since the epoch (tests move it). Default Date.now. */
  now?: () => number;
  /**
   * Default: the worker's CONSENT_CONFIG_REFRESH_SECONDS variable if it is a whole number of
   * seconds from 1 to 86,400, else REFRESH_SECONDS. 0 refreshes on every request (one read at a time).
   */
  refreshSeconds?: number;
  /** Default FIRST_READ_TIMEOUT_MS. */
  firstReadTimeoutMs?: number;
  /** Default REFRESH_TIMEOUT_MS. */
  refreshTimeoutMs?: number;
  /** Default MAX_CONFIG_BYTES. */
  maxBytes?: number;
  /** The cacheTtl of each read. Default KV_CACHE_TTL_SECONDS; KV refuses less than 30 (the read then fails). */
  cacheTtlSeconds?: number;
}

/** What is in force: the value built from a config, and which config it is. */
export interface InForce<T> {
  value: T;
  /** `bundled`, or `kv ` and the first 8 hex digits of the document's SHA-256. */
  revision: string;
}

export interface ConfigSourceSetup<T> {
  /** What the bundled config gave (built once, by the caller). */
  bundled: T;
  /** Build what requests use from an accepted config: called once per accepted document. */
  build: (config: CompiledConfig) => T;
  /** The caller's own checks of a compiled config against the worker that will run it. */
  check: (config: CompiledConfig, env: unknown) => ConfigProblem[];
  options?: RemoteConfigOptions;
}

export interface ConfigSource<T> {
  /**
   * What serves this request. Without a CONFIG_KV binding, the bundled config. Starts a refresh
   * when one is due (handed to `waitUntil`, so it outlives the response); waits only while the
   * isolate's first read is under way, and at most until its deadline.
   */
  current(env: unknown, waitUntil: (work: Promise<unknown>) => void): Promise<InForce<T>>;
}

/** Distinct rejected documents remembered per isolate, so one logs once. */
const REMEMBERED_REJECTIONS = 16;

/** What one read of KV gave. */
type Read =
  | { kind: "absent" }
  | { kind: "text"; text: string }
  | { kind: "too-big"; prefix: string }
  | { kind: "not-utf8"; prefix: string };

export function createConfigSource<T>(setup: ConfigSourceSetup<T>): ConfigSource<T> {
  const options = setup.options ?? {};
  const now = options.now ?? Date.now;
  const refreshMsFor = (env: unknown) => (options.refreshSeconds ?? refreshSecondsOf(env)) * 1_000;
  const firstReadTimeoutMs = options.firstReadTimeoutMs ?? FIRST_READ_TIMEOUT_MS;
  const refreshTimeoutMs = options.refreshTimeoutMs ?? REFRESH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? MAX_CONFIG_BYTES;
  const cacheTtl = options.cacheTtlSeconds ?? KV_CACHE_TTL_SECONDS;

  const bundled: InForce<T> = { value: setup.bundled, revision: "bundled" };
  let inForce = bundled;
  /** The last document read, whatever became of it: the same text again is not looked at again. */
  let lastSeen: string | undefined;
  const rejected: string[] = [];
  /** When the next refresh may start; undefined until the first. */
  let nextRefreshAt: number | undefined;
  /** The refresh under way, and when it started (a refresh whose request context died never settles). */
  let running: { done: Promise<void>; startedAt: number } | undefined;
  /** The isolate's first read and its deadline, while requests still wait for it. */
  let firstRead: { done: Promise<void>; deadline: number } | undefined;

  async function refresh(store: ConfigStore, env: unknown): Promise<void> {
    let read: Read;
    try {
      read = await withTimeout(readDocument(store, cacheTtl, maxBytes), refreshTimeoutMs);
    } catch (error) {
      logEvent("error", {
        event: "config-unavailable",
        reason: `${describeError(error)}; the ${inForce.revision} config stays in force`,
      });
      return;
    }
    if (read.kind === "absent") {
      lastSeen = undefined;
      if (inForce !== bundled) {
        logEvent("info", {
          event: "config-reverted",
          reason: `the key ${CONFIG_KEY} is gone: ${inForce.revision} gives way to the bundled config`,
        });
      }
      inForce = bundled;
      return;
    }
    const seen = read.kind === "text" ? read.text : `\u0000${read.kind}\u0000${read.prefix}`;
    if (seen === lastSeen) return;
    lastSeen = seen;
    const digest = await sha256Hex(seen);
    let outcome: { config: CompiledConfig } | { problems: ConfigProblem[] } =
      read.kind === "text" ? accept(read.text, env) : { problems: [tooBigOrBroken(read, maxBytes)] };
    if ("config" in outcome) {
      try {
        const previous = inForce.revision;
        inForce = { value: setup.build(outcome.config), revision: `kv ${digest.slice(0, 8)}` };
        // Who changed what is in force is worth a line: a KV write token can change every site.
        logEvent("info", {
          event: "config-accepted",
          reason: `kv ${digest.slice(0, 8)} in force in this isolate, replacing ${previous}`,
          count: outcome.config.sites.length,
        });
        return;
      } catch (error) {
        outcome = {
          problems: [
            {
              path: `${CONFIG_BINDING}:${CONFIG_KEY}`,
              message: `building the worker for it failed: ${describeError(error)}`,
              fix: "run `consent-edge check` on it",
            },
          ],
        };
      }
    }
    if (rejected.includes(digest)) return;
    rejected.push(digest);
    if (rejected.length > REMEMBERED_REJECTIONS) rejected.shift();
    logEvent("error", {
      event: "config-rejected",
      reason: `kv ${digest.slice(0, 8)} rejected, ${inForce.revision} stays in force: ${formatProblems(outcome.problems)}`,
      count: outcome.problems.length,
    });
  }

  function accept(text: string, env: unknown): { config: CompiledConfig } | { problems: ConfigProblem[] } {
    const where = `${CONFIG_BINDING}:${CONFIG_KEY}`;
    try {
      const parsed = parseConfigText(text, where);
      if (!parsed.ok) return { problems: parsed.problems };
      const compiled = compileConfig(parsed.value);
      if (!compiled.ok) return { problems: compiled.problems };
      const problems = setup.check(compiled.config, env);
      return problems.length > 0 ? { problems } : { config: compiled.config };
    } catch (error) {
      // A bug of ours (or a document deep enough to exhaust the stack): still not in force.
      return {
        problems: [
          {
            path: where,
            message: `compiling it failed: ${describeError(error)}`,
            fix: "run `consent-edge check` on it",
          },
        ],
      };
    }
  }

  function start(store: ConfigStore, env: unknown, at: number): Promise<void> {
    const done = refresh(store, env).finally(() => {
      if (running?.done === done) running = undefined;
    });
    done.catch(() => {});
    running = { done, startedAt: at };
    nextRefreshAt = at + refreshMsFor(env);
    return done;
  }

  return {
    async current(env, waitUntil) {
      const store = configStore(env);
      if (!store) return bundled;
      const at = now();
      if (nextRefreshAt === undefined) {
        const done = start(store, env, at);
        waitUntil(done);
        firstRead = { done, deadline: at + firstReadTimeoutMs };
        const over = () => {
          firstRead = undefined;
        };
        void done.then(over, over);
      } else if (at >= nextRefreshAt && (!running || at - running.startedAt > refreshTimeoutMs)) {
        waitUntil(start(store, env, at));
      }
      // Each waiting request has its own timer: a timer of the first request's would stop with it.
      if (firstRead) await withTimeout(firstRead.done, firstRead.deadline - at).catch(() => {});
      return inForce;
    },
  };
}

/** REFRESH_VARIABLE's whole seconds, 1 to a day; anything else is REFRESH_SECONDS. */
export function refreshSecondsOf(env: unknown): number {
  const value = (env as Readonly<Record<string, unknown>> | undefined)?.[REFRESH_VARIABLE];
  const seconds = typeof value === "string" && /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  return seconds >= 1 && seconds <= 86_400 ? seconds : REFRESH_SECONDS;
}

/** The document at CONFIG_KEY, read no further than `maxBytes`. */
async function readDocument(store: ConfigStore, cacheTtl: number, maxBytes: number): Promise<Read> {
  const stream = await store.get(CONFIG_KEY, { type: "stream", cacheTtl });
  if (stream === null) return { kind: "absent" };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = (await reader.read()) as ReadableStreamReadResult<Uint8Array>;
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      await reader.cancel();
      return { kind: "too-big", prefix: decodeLoosely(chunks) };
    }
    chunks.push(value);
  }
  try {
    return {
      kind: "text",
      text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(concat(chunks)),
    };
  } catch {
    return { kind: "not-utf8", prefix: decodeLoosely(chunks) };
  }
}

function tooBigOrBroken(read: { kind: "too-big" | "not-utf8" }, maxBytes: number): ConfigProblem {
  const where = `${CONFIG_BINDING}:${CONFIG_KEY}`;
  return read.kind === "too-big"
    ? {
        path: where,
        message: `the uploaded config is larger than ${maxBytes} bytes, the most the worker reads`,
        fix: "split the sites between workers, or share rules between sites; `consent-edge check` prints the size",
      }
    : {
        path: where,
        message: "the uploaded config is not UTF-8 text",
        fix: "upload the JSON file as it is saved, in UTF-8 (`consent-edge push consent-edge.config.json`)",
      };
}

/** Text to tell one rejected document from another by; never parsed. */
function decodeLoosely(chunks: Uint8Array[]): string {
  const decoder = new TextDecoder();
  return chunks.map((chunk) => decoder.decode(chunk, { stream: true })).join("") + decoder.decode();
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

class Timeout extends Error {
  override name = "Timeout";
}

/** `work`, or a Timeout after `ms` (the work goes on; its outcome is then ignored). */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        reject(new Timeout(`Workers KV did not answer within ${ms} ms`));
      },
      Math.max(0, ms),
    );
  });
  work.catch(() => {});
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
