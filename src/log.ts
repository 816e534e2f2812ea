/**
 * consent-edge's log: one JSON object per line, which Workers Logs indexes field by field
 * (`wrangler tail --format json`, or the dashboard's query builder: `$metadata.event`). One event per
 * failure or fallback, never free text, and never a cookie value, a visitor's address or their user
 * agent: what an event may carry is typed here, and the only free-form field (`reason`) is the
 * error's own message, cut short.
 */

/** Every event consent-edge logs, by name: the README's "Logs" section lists them. */
export type LogEventName =
  /** The bundled (or uploaded) config does not compile: every request is refused with 503. */
  | "config-invalid"
  /** An uploaded config (Workers KV) came into force in this isolate (`count`: its sites). */
  | "config-accepted"
  /** The uploaded config's key was deleted: the bundled config is in force again. */
  | "config-reverted"
  /** An uploaded config (Workers KV) was rejected: the last good one stays in force. */
  | "config-rejected"
  /** The uploaded config could not be read: the last good one (or the bundled one) stays in force. */
  | "config-unavailable"
  /** The origin did not answer (502) or not in time (504). */
  | "origin-failed"
  | "origin-timeout"
  /** A bug or a hostile response in the pipeline: the response went out without any cookie. */
  | "enforcement-failed"
  /** The HTML stage served the origin's page under the strict CSP instead of rewriting it. */
  | "html-fallback"
  /** The page failed after its first bytes had gone out: it ends there. */
  | "html-truncated"
  /** The fallback's second ask of the origin failed: the visitor got a page that says so. */
  | "fallback-fetch-failed"
  /**
   * Report-only's shadow (the copy judged as enforce would judge it) failed: the visitor's response
   * is the origin's, unchanged; the report says where the shadow stopped.
   */
  | "report-only-shadow-failed"
  /** Receipts (D1) could not be written or read. */
  | "receipt-failed"
  /** A decision was throttled (a refusal is applied without a receipt). */
  | "throttled"
  /** The rate limit binding failed; the isolate's own budgets still apply. */
  | "rate-limit-failed"
  /** The inventory could not be flushed to D1; its counts wait for the next flush. */
  | "inventory-flush-failed"
  /** The operator's inventory endpoint (/.consent-edge/admin/inventory) could not read D1: 503. */
  | "inventory-read-failed"
  /** A visitor's report to the inventory was refused (too large, malformed, too many). */
  | "report-refused"
  /** A client presented too many wrong debug secrets: refused for a while (debug/guess-limit.ts). */
  | "debug-secret-refused"
  /** The site's debug secret is too short to open the operator's endpoints (they answer 404). */
  | "debug-secret-weak"
  /** Anything else that escaped: the visitor got a 502 without cookies. */
  | "unhandled-error";

export type LogLevel = "error" | "warn" | "info";

export interface LogEvent {
  event: LogEventName;
  /** The site's id, when one was matched. */
  site?: string | undefined;
  /** What happened, for a human: an error's message or a short phrase. Never a cookie value. */
  reason?: string;
  /** The request's `cf-ray` (Cloudflare's request id), to find it in the dashboard's logs. */
  ray?: string | undefined;
  /** The path below the site (no query string: it can carry personal data). */
  path?: string | undefined;
  /** A count, a status code or a duration, where the event has one. */
  count?: number;
  status?: number;
}

const MAX_REASON = 300;
/** `cf-ray` as Cloudflare sends it: 16 hex digits, a dash, a location code. */
const RAY = /^[0-9a-f]{16}(-[A-Z]{3})?$/i;
const MAX_PATH = 200;

/** The `cf-ray` of a request, if it looks like one: a visitor cannot put text of their own in a log. */
export function rayOf(request: Request): string | undefined {
  const ray = request.headers.get("cf-ray");
  return ray !== null && RAY.test(ray) ? ray : undefined;
}

/** An error as a short reason: its name and message, without a stack. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message ? `${error.name}: ${error.message}` : error.name;
  return String(error);
}

/** Where the events go: the console, which Workers Logs and `wrangler tail` read. Tests swap it. */
export type LogSink = (level: LogLevel, line: string) => void;

const consoleSink: LogSink = (level, line) => {
  console[level](line);
};

let sink: LogSink = consoleSink;

/** Send events elsewhere (tests capture them); returns the previous sink. */
export function setLogSink(next: LogSink | undefined): LogSink {
  const previous = sink;
  sink = next ?? consoleSink;
  return previous;
}

export function logEvent(level: LogLevel, event: LogEvent): void {
  const line: Record<string, unknown> = { source: "consent-edge", level, ...event };
  if (event.reason !== undefined) line["reason"] = oneLine(event.reason, MAX_REASON);
  if (event.path !== undefined) line["path"] = oneLine(event.path.split("?")[0] ?? "", MAX_PATH);
  sink(level, JSON.stringify(line));
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
