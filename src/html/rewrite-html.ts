/**
 * The HTML stage: for responses a browser runs as HTML, neutralise trackers of refused categories
 * and inject the runtime, streaming. Pages the rewriter cannot handle never become a 5xx, an empty
 * or mislabelled page, or a leak: a failure before the first output byte serves the original page
 * (its own bytes and Content-Encoding) under a strict CSP; a failure later ends the page there
 * (what was sent had already been enforced).
 *
 * When the first byte can go out (lol-html 3.0, read at cloudflare/lol-html 608cc4a). After
 * `transform()` starts, the rewriter fails only with:
 * - ParsingAmbiguityError (src/parser/tree_builder_simulator/ambiguity_guard.rs): a text-type
 *   start tag (`textarea title plaintext style iframe xmp noembed noframes noscript`, and `script`
 *   in a template) between `<select>` and its end, or anything but `noframes` after `<frameset>`.
 *   It cannot arise before the first `<select>` or `<frameset>`, so output is held only while one
 *   may be open (two handlers below), and otherwise goes out as soon as the rewriter pauses;
 * - MemoryLimitExceededError: one tag or buffered token over the memory cap; rare, and only after
 *   that much input;
 * - an error of our own handlers, or of the body itself (a reset, a coding that fails part-way).
 * A charset it cannot parse is refused by `transform()` itself, before a byte is read, and a
 * `<meta charset>` naming one is ignored rather than an error (src/rewriter/mod.rs,
 * `handler_adjust_charset_on_meta_tag`). So the first output goes out as soon as the rewriter waits
 * for the origin (PAUSE_MS), unless a `<select>`/`<frameset>` is open: then it waits up to
 * LOOKAHEAD_BYTES (or the end), so that an error there can still fall back to the original page.
 *
 * In report-only the visitor gets the origin's body itself (one branch of a tee(): workerd passes an
 * encoded body through as the origin's bytes, Content-Encoding and Content-Length included, which
 * it does not for a body piped through a stream of ours). When someone will read the result (the
 * debug headers, the inventory), the other branch, the shadow, goes through the very code enforce
 * runs, into a scratch copy of the headers, and is read to its end or SHADOW_LIMIT_BYTES: the report
 * lists what enforce would neutralise, and `report.html` what enforce would have done.
 */
import type { Texts } from "../texts/types";
import type { Site } from "../config/compile";
import type { EnforcementReport } from "../report";
import { BANNER_SCRIPT } from "../banner/render-banner";
import {
  classifyDocument,
  extractMimeType,
  forbidsSniffing,
  htmlContentType,
  SNIFF_BYTES,
  sniffUnknownType,
  startsWithUtf16Bom,
} from "./content-type";
import { allowInlineScript, cspNonce, FALLBACK_CSP } from "./csp";
import { concat, decodeBody, peekBody, planDecoding } from "./decode-body";
import { describeError, logEvent } from "../log";
import { hostRecorder } from "./hosts-seen";
import { buildNeutraliser } from "./neutralise";
import { runtimeConfig, runtimeElement, runtimeText } from "./runtime";

const NO_BODY = new Set([101, 204, 205, 304]);
/**
 * Output held back at most: while a `<select>` or `<frameset>` is open, so that an ambiguity error
 * there can still fall back to the original page, and while it arrives without pause (PAUSE_MS).
 * All of it when buffering for debug.
 */
export const LOOKAHEAD_BYTES = 64 * 1024;
/**
 * What report-only's shadow reads at most of a page. The tee() behind it queues, for the branch
 * that reads slower, what the other has read: with the debug secret the whole page waits for the
 * shadow, so this bounds what one request holds in memory (an isolate has 128 MB, shared by its
 * requests), and the CPU a page can take for a report nobody is served. Far above the pages the
 * HTML stage is measured on (bench/html-page.ts, about 100 KiB); a page past it is judged up to here
 * and `report.html` says the shadow stopped.
 */
export const SHADOW_LIMIT_BYTES = 1024 * 1024;

export interface HtmlInput {
  site: Site;
  granted: ReadonlySet<string>;
  doNotTrack: boolean;
  /** What GPC or DNT refuse whatever is granted: the runtime never grants these in the page. */
  refusedBySignals?: readonly string[];
  page: URL;
  method: string;
  /** The request's cf-ray, for the log. */
  ray?: string | undefined;
  /**
   * Ask the origin again (GET only): the fallback's source when the rewriter rejects a page, so
   * that pages need not be copied with tee() in case it does.
   */
  refetch?: () => Promise<Response>;
  /** The banner for this request and CSP nonce, when the site has one. */
  banner?: (nonce: string | undefined) => string | undefined;
  /** The visitor's texts (their Accept-Language), for placeholders; English when absent. */
  texts?: Texts;
  /**
   * With the debug secret, the rewritten page is read to its end before the response starts, so
   * that the debug headers can list every element neutralised. Never without it. In report-only
   * the shadow is read to its end (or SHADOW_LIMIT_BYTES) first instead.
   */
  buffer: boolean;
  /**
   * The inventory observes this response: third-party hosts go to `report.hosts`, and in
   * report-only the shadow runs. Off, neither costs anything.
   */
  observe?: boolean;
  /** Aborted when the visitor goes away: report-only's shadow stops reading then. */
  signal?: AbortSignal;
  /**
   * The body is the runtime's own stream, a fetch() response's (the stand-alone worker's origin),
   * not a JavaScript one (a route's, in the middleware): report-only's shadow hands its tee() copy
   * to the rewriter as it is (through a JavaScript stream, the shadow cost about a third more).
   */
  fetchedBody?: boolean;
}

/** The body as the origin sent it, for the fallback, with the headers that describe those bytes. */
interface Original {
  body: ReadableStream | null;
  contentEncoding: string | null;
  contentLength: string | null;
}

/**
 * The HTML stage's outcome (`report.html`) depends on the visitor's consent: the page or its CSP
 * differ between visitors, so no shared cache may replay it to another (cache-safety.ts).
 */
export function variesByConsent(outcome: string | undefined): boolean {
  return outcome !== undefined && /^(rewritten|fallback|not rewritable|unknown type)/.test(outcome);
}

/**
 * What `report.html` says in report-only: enforce's outcome for the same page, as what it would
 * have done (`report-only: would rewrite`, `report-only: would fall back: charset; strict CSP`,
 * `report-only: would not rewrite: not html (sniffed)`), and why the shadow stopped early, if it did.
 * Never one that `variesByConsent`: nothing about a report-only response depends on consent.
 */
export function reportOnlyOutcome(enforced: string | undefined, stopped?: string): string {
  let phrase: string;
  if (enforced === undefined) phrase = "judged nothing";
  else if (enforced.startsWith("rewritten")) phrase = `would rewrite${enforced.slice("rewritten".length)}`;
  else if (enforced.startsWith("fallback: "))
    phrase = `would fall back: ${enforced.slice("fallback: ".length)}`;
  else phrase = `would not rewrite: ${enforced}`;
  return `report-only: ${phrase}${stopped === undefined ? "" : `; shadow stopped: ${stopped}`}`;
}

/** When the HTML stage has read the page: settled at once, unless a stream still being read owns it. */
interface Completion {
  settle: () => void;
  /** streamRest took it over: it settles when the page is read. */
  deferred: boolean;
  /** Why the rest of the page could not be read (the page then ended there). */
  failure?: string;
}

/** `headers` is the mutable copy the response will carry. */
export async function enforceHtml(
  origin: Response,
  headers: Headers,
  input: HtmlInput,
  report: EnforcementReport,
): Promise<ReadableStream | null> {
  const body = origin.body as ReadableStream<Uint8Array> | null;
  if (!body || NO_BODY.has(origin.status) || input.method === "HEAD") return body;
  const kind = classifyDocument(headers);
  if (kind === "other") {
    report.html = "not html";
    return body;
  }
  if (input.site.mode === "report-only") return reportOnly(body, headers, kind, input, report);
  let settle = () => {};
  report.htmlDone = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const completion: Completion = { settle, deferred: false };
  try {
    return await enforceDocument(body, headers, kind, input, report, completion, false);
  } finally {
    if (!completion.deferred) completion.settle();
  }
}

/**
 * Report-only: the visitor's body is the origin's (a tee() branch, untouched); the shadow judges
 * the other branch when someone will read the result, and only then.
 */
async function reportOnly(
  body: ReadableStream<Uint8Array>,
  headers: Headers,
  kind: DocumentKind,
  input: HtmlInput,
  report: EnforcementReport,
): Promise<ReadableStream> {
  if (!input.buffer && input.observe !== true) {
    report.html = "report-only: unchanged";
    return body;
  }
  const [visitor, copy] = body.tee();
  report.html = "report-only: judging";
  const shadow = judgeShadow(copy, new Headers(headers), kind, input, report);
  report.htmlDone = shadow;
  if (input.buffer) await shadow;
  return visitor;
}

/**
 * Enforce's own path over `copy`, into scratch headers: the elements and hosts go straight to the
 * report, `report.html` gets enforce's outcome as report-only words. Reads at most
 * SHADOW_LIMIT_BYTES of the page, stops when the visitor goes, never asks the origin again, and
 * never rejects: whatever happens to it, the visitor's branch is not touched.
 */
async function judgeShadow(
  copy: ReadableStream<Uint8Array>,
  headers: Headers,
  kind: DocumentKind,
  input: HtmlInput,
  report: EnforcementReport,
): Promise<void> {
  // The element and host lists are the report's own arrays; only the outcome is kept apart.
  const scratch: EnforcementReport = { ...report };
  delete scratch.html;
  const completion: Completion = { settle: () => {}, deferred: false };
  let stopped: string | undefined;
  let output: ReadableStream | null = null;
  // workerd cannot pipe a tee() branch of its own streams into the IdentityTransformStream the
  // rewriter otherwise reads (nativeStream): that pipe fails and the rewriter waits. A branch of a
  // fetch() body is handed to the rewriter as it is (enforceDocument); any other body goes through
  // a JavaScript stream, which costs what a page read ahead costs (see the read-ahead note below).
  const source = input.fetchedBody ? copy : copy.pipeThrough(new TransformStream<Uint8Array, Uint8Array>());
  const stop = (why: string) => {
    stopped ??= why;
    void (output ?? source).cancel(why).catch(() => {});
  };
  const onAbort = () => {
    stop("the visitor went away");
  };
  input.signal?.addEventListener("abort", onAbort);
  try {
    output = await enforceDocument(source, headers, kind, input, scratch, completion, true);
    if (!output) {
      // Nothing left to read.
    } else if (stopped !== undefined || !outcomeOf(scratch)?.startsWith("rewritten")) {
      // Served as it is (or the visitor is gone): the rest of the page decides nothing more.
      void output.cancel("judged").catch(() => {});
    } else {
      // The rest of the page is judged as it is read, as the visitor would have been sent it.
      const reader = (output as ReadableStream<Uint8Array>).getReader();
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > SHADOW_LIMIT_BYTES) {
          stopped ??= `after ${SHADOW_LIMIT_BYTES} bytes (the rest was not judged)`;
          void reader.cancel("shadow limit").catch(() => {});
          break;
        }
      }
    }
  } catch (error) {
    // A bug of ours: the visitor's branch is untouched, the report says where the shadow stopped.
    stopped ??= describe(error);
    logEvent("error", {
      event: "report-only-shadow-failed",
      site: input.site.id,
      reason: describeError(error),
      ray: input.ray,
    });
  } finally {
    input.signal?.removeEventListener("abort", onAbort);
  }
  report.html = reportOnlyOutcome(outcomeOf(scratch), stopped ?? completion.failure);
}

/** Read through a function: `enforceDocument` sets it, which TypeScript's narrowing cannot see. */
const outcomeOf = (report: EnforcementReport): string | undefined => report.html;

type DocumentKind = ReturnType<typeof classifyDocument>;

/**
 * Enforce's HTML stage for a document that may be HTML (`kind` is not `other`). `shadow`: the
 * report-only copy: the fallback's original is never fetched or kept (nothing is served from it),
 * the runtime and banner are not rendered (inserted markup is never judged), nothing is logged.
 */
async function enforceDocument(
  body: ReadableStream<Uint8Array>,
  headers: Headers,
  kind: DocumentKind,
  input: HtmlInput,
  report: EnforcementReport,
  completion: Completion,
  shadow: boolean,
): Promise<ReadableStream | null> {
  if (kind === "xml") {
    const essence = extractMimeType(headers.get("Content-Type"))?.essence ?? "xml";
    return strictOnly(body, headers, input, report, `not rewritable: ${essence}`);
  }
  // MIME Sniffing §7 step 2: with nosniff the sniff-scriptable flag is unset, so browsers never
  // run such a body as HTML; the strict CSP covers one that would anyway.
  if (kind === "unknown" && forbidsSniffing(headers)) {
    return strictOnly(body, headers, input, report, "unknown type, nosniff: unchanged");
  }

  const plan = planDecoding(headers.get("Content-Encoding"));
  if (plan.kind === "unsupported") {
    // Never asked for (origin-request.ts narrows Accept-Encoding), so never decoded: its own bytes.
    return fallback(() => Promise.resolve(null), headers, input, report, `encoding ${plan.coding}`, body);
  }

  // The fallback's source. A GET is simply asked again in the rare case it is needed: keeping a
  // copy of every page with tee() just in case cost a third of the throughput (bench/README.md).
  // Other methods are not repeated: their body is kept with tee() (still encoded when we decode
  // it ourselves; already decoded by the runtime otherwise, which then re-encodes it).
  let raw = body;
  let original: (failedReading?: boolean) => Promise<Original | null>;
  let discardCopy = () => {};
  if (shadow) {
    // What enforce's fallback would find, without its bytes: a refetch, or the tee() copy (which
    // fails where a page the runtime decodes failed).
    const refetches = input.refetch !== undefined;
    original = (failedReading = false) =>
      Promise.resolve(
        !refetches && failedReading && plan.kind !== "stream"
          ? null
          : { body: null, contentEncoding: headers.get("Content-Encoding"), contentLength: null },
      );
  } else if (input.refetch) {
    const refetch = input.refetch;
    original = async () => {
      const again = await refetch();
      return {
        body: again.body,
        contentEncoding: again.headers.get("Content-Encoding"),
        contentLength: again.headers.get("Content-Length"),
      };
    };
  } else {
    const [first, copy] = body.tee();
    raw = first;
    const decodedCopy = plan.kind === "runtime";
    original = (failedReading = false) =>
      // A copy the runtime decodes fails where the page failed: there is no original to serve.
      Promise.resolve(
        failedReading && plan.kind !== "stream"
          ? null
          : {
              body: copy,
              contentEncoding: headers.get("Content-Encoding"),
              contentLength: decodedCopy ? null : headers.get("Content-Length"),
            },
      );
    discardCopy = () => void copy.cancel().catch(() => {});
  }

  // The first bytes of the text, read ahead only where a decision needs them: for a type browsers
  // sniff, what they will make of it; for deflate, zlib or raw. Reading them fails at once for a
  // body that is not in the coding its header claims. (Reading ahead costs: every HTML page through
  // a JavaScript stream took 1.9 ms more on a 96 KiB page, so the common case reads nothing.)
  const sniffing = kind === "unknown";
  let source = raw;
  let head: Uint8Array | undefined;
  let complete = false;
  if (sniffing || plan.kind === "stream") {
    try {
      let text = raw;
      if (plan.kind === "stream") {
        const coded = await peekBody(raw, (bytes) => bytes.byteLength >= 2, 2);
        text = decodeBody(coded.body, plan.coding, coded.head);
      }
      const peeked = sniffing
        ? await peekBody(text, (bytes) => sniffUnknownType(bytes, false) !== "more", SNIFF_BYTES)
        : await peekBody(text, (bytes) => bytes.byteLength >= 2, 2);
      ({ head, complete, body: source } = peeked);
    } catch {
      return fallback(() => original(true), headers, input, report, "undecodable body");
    }
  }
  const decodedHere = plan.kind === "stream";
  if (sniffing && head) {
    const sniffed = sniffUnknownType(head, complete);
    if (sniffed !== "html") {
      discardCopy();
      if (decodedHere) headers.delete("Content-Encoding");
      headers.delete("Content-Length");
      if (sniffed === "xml") return strictOnly(source, headers, input, report, "not rewritable: sniffed xml");
      report.html = "not html (sniffed)";
      return source;
    }
  }
  if (head && startsWithUtf16Bom(head)) {
    void source.cancel().catch(() => {});
    return fallback(original, headers, input, report, BOM_REASON);
  }
  // The browser and the rewriter read one and the same label: a sniffed page is labelled HTML, and
  // several Content-Type values become the one Fetch extracts.
  const contentType = htmlContentType(headers);
  headers.set("Content-Type", contentType);

  const script = shadow
    ? ""
    : runtimeText(runtimeConfig(input.site, input.granted, input.doNotTrack, input.refusedBySignals));
  const nonce = cspNonce(headers);
  const runtime = shadow ? "" : runtimeElement(script, nonce);
  const banner = shadow ? undefined : input.banner?.(nonce);
  // Hosts are recorded when someone reads them: the inventory, or the debug headers.
  const recordsHosts = input.observe === true || input.buffer;
  const rewriter = buildNeutraliser({
    classifier: input.site.classifyResource,
    granted: input.granted,
    doNotTrack: input.doNotTrack,
    page: input.page,
    runtime,
    ...(banner ? { banner } : {}),
    // Every category a rule needs, not only the site's: a built-in or default rule of a category the
    // site does not have can never be granted, so it stays blocked (fail closed).
    nothingToNeutralise:
      !input.doNotTrack &&
      input.site.categories.every((category) => input.granted.has(category)) &&
      [...input.site.classifyResource.compiled.categories].every((category) => input.granted.has(category)),
    neutralised: report.neutralised,
    ...(input.texts ? { texts: input.texts } : {}),
    ...(recordsHosts ? { hosts: hostRecorder(report.hosts, input.page) } : {}),
  });
  // Where lol-html's ambiguity error can arise (see the top of this file): from a `<select>` start
  // tag to its end tag, and anywhere after `<frameset>`. Handlers run as lol-html parses, and
  // output only goes out once the rewriter has paused (it has parsed all it was given), so no
  // open `<select>` can be missed; lol-html also leaves that state on `<input>`, `<textarea>`,
  // `<keygen>` or another `<select>`, which counts here as still open: holding back longer.
  let openedSelects = 0;
  let closedSelects = 0;
  let frameset = false;
  rewriter
    .on("select", {
      element(element) {
        openedSelects += 1;
        element.onEndTag(() => {
          closedSelects += 1;
        });
      },
    })
    .on("frameset", {
      element() {
        frameset = true;
      },
    });
  const ambiguous = () => frameset || openedSelects > closedSelects;

  let rewritten: ReadableStream<Uint8Array> | null;
  try {
    rewritten = rewriter.transform(
      new Response(shadow && input.fetchedBody && source === body ? source : nativeStream(source), {
        headers: { "Content-Type": contentType },
      }),
    ).body as ReadableStream<Uint8Array> | null;
  } catch (error) {
    // An unsupported charset is refused here, before a byte is read.
    void source.cancel().catch(() => {});
    return fallback(original, headers, input, report, describe(error));
  }
  if (!rewritten) return fallback(original, headers, input, report, "no output");

  // Hold output while an ambiguity error could still arise (all of it, for debug); otherwise it
  // goes out as soon as the rewriter pauses (waits for the origin) or has LOOKAHEAD_BYTES ready.
  const output = gatherer(rewritten);
  let first: Gathered;
  try {
    // At least two bytes, for the byte order mark, when they were not read ahead.
    const hold = (size: number) => input.buffer || ambiguous() || (!head && size < 2);
    const limit = input.buffer ? (shadow ? SHADOW_LIMIT_BYTES : Number.POSITIVE_INFINITY) : LOOKAHEAD_BYTES;
    first = await output.gather(limit, hold, false);
  } catch (error) {
    const reason = describe(error);
    return fallback(() => original(reason === "undecodable body"), headers, input, report, reason);
  }
  // The rewriter passes the page's first bytes through as they are: a UTF-16 byte order mark
  // would be there (it is no markup, so nothing can be injected before it).
  const [lead] = first.chunks;
  const leading = lead && lead.byteLength >= 2 ? lead : concat(first.chunks.slice(0, 2));
  if (!head && startsWithUtf16Bom(leading)) {
    void output.cancel("byte order mark").catch(() => {});
    return fallback(original, headers, input, report, BOM_REASON);
  }
  discardCopy();

  report.html = sniffing ? "rewritten (sniffed as html)" : "rewritten";
  if (!nonce && !shadow) {
    await allowInlineScript(headers, script);
    if (banner) await allowInlineScript(headers, BANNER_SCRIPT);
  }
  // The body changed: its length is unknown and the origin's validator is no longer exact.
  if (decodedHere) headers.delete("Content-Encoding");
  headers.delete("Content-Length");
  const etag = headers.get("ETag");
  if (etag && !etag.startsWith("W/")) headers.set("ETag", `W/${etag}`);
  // The banner and every placeholder speak the visitor's language.
  headers.append("Vary", "Cookie, Accept-Language");

  if (first.done) return new Blob(first.chunks).stream();
  completion.deferred = true;
  return streamRest(first.chunks, output, (failure) => {
    if (failure !== undefined) {
      completion.failure = failure;
      if (!shadow)
        logEvent("error", { event: "html-truncated", site: input.site.id, reason: failure, ray: input.ray });
    }
    completion.settle();
  });
}

/**
 * How long the rewriter may pause before what it produced goes out: longer means the origin is
 * waiting on its own work or network, and the visitor should have the page so far. Shorter pauses
 * are batched, because every write to the visitor costs: a 96 KiB page written in lol-html's
 * own pieces took three times as long to serve as in 64 KiB writes (measured over HTTP in workerd).
 */
export const PAUSE_MS = 5;
const READ_SIZE = 64 * 1024;
/**
 * The buffer of one read: a BYOB `read(view)` of the rewriter's output returns one of lol-html's
 * pieces (a few KiB each, about 25 for a 96 KiB page), not all that is queued, so a 64 KiB buffer
 * per read was mostly zeroed for nothing (16 KiB: about +10% req/s on the bench page). A larger
 * piece is read in several reads.
 */
const PIECE_SIZE = 16 * 1024;

interface Gathered {
  chunks: Uint8Array[];
  done: boolean;
}

interface Gatherer {
  /**
   * Reads until the end, `limit` bytes, or (unless `hold()` says otherwise) the first read that
   * takes longer than PAUSE_MS; that read is kept for the next call. Throws what the rewriter
   * throws; with `partial`, output gathered before the error comes first, and the error next time.
   */
  gather: (limit: number, hold: (size: number) => boolean, partial: boolean) => Promise<Gathered>;
  cancel: (reason: unknown) => Promise<void>;
}

function gatherer(stream: ReadableStream<Uint8Array>): Gatherer {
  const reader = stream.getReader({ mode: "byob" });
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  let failure: { error: unknown } | undefined;
  const PAUSED = Symbol("paused");
  return {
    async gather(limit, hold, partial) {
      if (failure) throw failure.error;
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const next = pending ?? reader.read(new Uint8Array(PIECE_SIZE));
        pending = undefined;
        let result: ReadableStreamReadResult<Uint8Array> | typeof PAUSED;
        try {
          result = size === 0 || hold(size) ? await next : await raceWithPause(next, PAUSED);
        } catch (error) {
          if (size === 0 || !partial) throw error;
          failure = { error };
          return { chunks, done: false };
        }
        if (result === PAUSED) {
          // Read again by the next call; until then, a failure of it is not unhandled.
          next.catch(() => {});
          pending = next;
          return { chunks, done: false };
        }
        if (result.value && result.value.byteLength > 0) {
          chunks.push(result.value);
          size += result.value.byteLength;
        }
        if (result.done) return { chunks, done: true };
        if (size >= limit) return { chunks, done: false };
      }
    },
    cancel: (reason) => reader.cancel(reason),
  };
}

async function raceWithPause<T, P>(next: Promise<T>, paused: P): Promise<T | P> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      next,
      new Promise<P>((resolve) => {
        timer = setTimeout(() => {
          resolve(paused);
        }, PAUSE_MS);
      }),
    ]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * `first`, then the rest of the rewriter's output, in batches (see PAUSE_MS). A failure part-way
 * ends the page cleanly at that point: too late to change the headers, and what was sent had
 * been enforced. `onEnd` is told once, when the page ended, failed (with why) or was cancelled.
 */
function streamRest(
  first: Uint8Array[],
  output: Gatherer,
  onEnd: (failure: string | undefined) => void,
): ReadableStream {
  let ended = false;
  const end = (failure?: string) => {
    if (ended) return;
    ended = true;
    onEnd(failure);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (first.length > 0) controller.enqueue(concat(first));
    },
    async pull(controller) {
      try {
        const { chunks, done } = await output.gather(READ_SIZE, () => false, true);
        if (chunks.length > 0) controller.enqueue(concat(chunks));
        if (done) {
          controller.close();
          end();
        }
      } catch (error) {
        controller.close();
        end(describe(error));
      }
    },
    async cancel(reason) {
      try {
        await output.cancel(reason);
      } finally {
        end();
      }
    },
  });
}

/**
 * The rewriter's input as a stream of the runtime's own: fed a JavaScript stream, HTMLRewriter pipes
 * it itself and reports that pipe's failure (the page's own error, already handled here) as an
 * uncaught rejection.
 */
function nativeStream(source: ReadableStream<Uint8Array>): ReadableStream {
  const { readable, writable } = new IdentityTransformStream();
  void source.pipeTo(writable).catch(() => {});
  return readable;
}

/** A document lol-html cannot rewrite, served unchanged: under the strict CSP when a category is refused. */
function strictOnly<T>(
  body: T,
  headers: Headers,
  input: HtmlInput,
  report: EnforcementReport,
  outcome: string,
): T {
  const refusedSome = input.site.categories.some((category) => !input.granted.has(category));
  report.html = `${outcome}${refusedSome ? "; strict CSP" : ""}`;
  if (refusedSome) headers.append("Content-Security-Policy", FALLBACK_CSP);
  headers.append("Vary", "Cookie");
  return body;
}

/**
 * The original page under the strict CSP (when a category is refused): `direct` when its body was
 * never read, else `original()` (asked again, or the tee() copy), with that body's own
 * Content-Encoding and Content-Length. When neither exists, a page that says so.
 */
async function fallback(
  original: () => Promise<Original | null>,
  headers: Headers,
  input: HtmlInput,
  report: EnforcementReport,
  reason: string,
  direct?: ReadableStream,
): Promise<ReadableStream | null> {
  if (direct) return strictOnly(direct, headers, input, report, `fallback: ${reason}`);
  strictOnly(null, headers, input, report, `fallback: ${reason}`);
  let again: Original | null;
  try {
    again = await original();
  } catch (error) {
    logEvent("error", {
      event: "fallback-fetch-failed",
      site: input.site.id,
      reason: describeError(error),
      ray: input.ray,
    });
    again = null;
  }
  if (!again) {
    report.html = `${report.html}; origin unavailable`;
    headers.delete("Content-Encoding");
    headers.delete("Content-Length");
    headers.set("Content-Type", "text/html; charset=utf-8");
    return new Response(UNAVAILABLE_PAGE).body;
  }
  setOrDelete(headers, "Content-Encoding", again.contentEncoding);
  setOrDelete(headers, "Content-Length", again.contentLength);
  return again.body;
}

function setOrDelete(headers: Headers, name: string, value: string | null): void {
  if (value === null) headers.delete(name);
  else headers.set(name, value);
}

const BOM_REASON = "charset (UTF-16 byte order mark)";

/** What a visitor sees if the page could not be rewritten and the origin could not be asked again. */
const UNAVAILABLE_PAGE =
  "<!doctype html><title>Temporarily unavailable</title><p>This page could not be shown safely just now. Please reload it.</p>";

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/ASCII-compatible|character encoding/i.test(message)) return "charset";
  if (/text content tag|ambiguous/i.test(message)) return "ambiguous markup";
  if (/memory/i.test(message)) return "memory limit";
  if (/decompression/i.test(message)) return "undecodable body";
  return "rewriter error";
}
