/**
 * The HTML stage: for `text/html` responses, neutralise trackers of refused categories and inject
 * the runtime, streaming. Pages the rewriter cannot handle never become a 5xx, an empty page or a
 * leak: a failure before the first output byte serves the original page under a strict CSP; a
 * failure later ends the page at that point (what was sent had already been enforced).
 */
import type { Site } from "../config/compile";
import type { EnforcementReport } from "../report";
import { BANNER_SCRIPT } from "../banner/render-banner";
import { allowInlineScript, cspNonce, FALLBACK_CSP } from "./csp";
import { buildNeutraliser } from "./neutralise";
import { runtimeConfig, runtimeElement, runtimeText } from "./runtime";

/** Encodings the Workers runtime decodes for us; anything else arrives still encoded. */
const DECODED_ENCODINGS = new Set(["", "identity", "gzip", "x-gzip", "br"]);
const NO_BODY = new Set([101, 204, 205, 304]);
/** Output held back before streaming starts, so that an early rewriter failure can still fall back. */
export const LOOKAHEAD_BYTES = 64 * 1024;

export interface HtmlInput {
  site: Site;
  granted: ReadonlySet<string>;
  doNotTrack: boolean;
  page: URL;
  method: string;
  /**
   * Ask the origin again (GET only): the fallback's source when the rewriter rejects a page, so
   * that pages need not be copied with tee() in case it does.
   */
  refetch?: () => Promise<Response>;
  /** The banner for this request and CSP nonce, when the site has one. */
  banner?: (nonce: string | undefined) => string | undefined;
  /**
   * With the debug secret, the rewritten page is read to its end before the response starts, so
   * that the debug headers can list every element neutralised. Never without it.
   */
  buffer: boolean;
}

export function isHtml(headers: Headers): boolean {
  return (headers.get("Content-Type") ?? "").trim().toLowerCase().startsWith("text/html");
}

/** `headers` is the mutable copy the response will carry. */
export async function enforceHtml(
  origin: Response,
  headers: Headers,
  input: HtmlInput,
  report: EnforcementReport,
): Promise<ReadableStream | null> {
  const body = origin.body;
  if (!body || NO_BODY.has(origin.status) || input.method === "HEAD") return body;
  if (!isHtml(headers)) {
    report.html = "not html";
    return body;
  }
  if (input.site.mode === "report-only") {
    report.html = "report-only: unchanged";
    return body;
  }

  const encoding = (headers.get("Content-Encoding") ?? "").trim().toLowerCase();
  let source: ReadableStream = body;
  if (encoding === "deflate") {
    // Not decoded by the runtime, but DecompressionStream can; the page is then sent uncompressed.
    source = decoded(body, encoding) ?? body;
    headers.delete("Content-Encoding");
  } else if (!DECODED_ENCODINGS.has(encoding)) {
    return fallback(body, headers, input, report, `encoding ${encoding}`);
  }

  const script = runtimeText(runtimeConfig(input.site, input.granted));
  const nonce = cspNonce(headers);
  const runtime = runtimeElement(script, nonce);
  const banner = input.banner?.(nonce);
  const rewriter = buildNeutraliser({
    classifier: input.site.classifyResource,
    granted: input.granted,
    doNotTrack: input.doNotTrack,
    page: input.page,
    runtime,
    ...(banner ? { banner } : {}),
    nothingToNeutralise:
      !input.doNotTrack && input.site.categories.every((category) => input.granted.has(category)),
    neutralised: report.neutralised,
  });

  // A page the rewriter rejects early (an unsupported charset, the strict parser's ambiguity error)
  // is still served, as the origin sent it. For a GET the origin is simply asked again in that rare
  // case; keeping a copy of every page with tee() just in case cost a third of the throughput
  // (bench/README.md). Other methods are not repeated: their body is kept with tee().
  let toRewrite = source;
  let original: () => Promise<ReadableStream | null>;
  if (input.refetch) {
    const refetch = input.refetch;
    original = async () => decoded((await refetch()).body, encoding);
  } else {
    const [first, copy] = source.tee();
    toRewrite = first;
    original = () => Promise.resolve(copy);
  }
  let rewritten: ReadableStream | null;
  try {
    rewritten = rewriter.transform(
      new Response(toRewrite, { headers: { "Content-Type": headers.get("Content-Type") ?? "text/html" } }),
    ).body;
  } catch (error) {
    // An unsupported charset is refused here, before a byte is read.
    return fallback(original, headers, input, report, describe(error));
  }
  if (!rewritten) return fallback(original, headers, input, report, "no output");
  // Look ahead: hold the first LOOKAHEAD_BYTES of output (all of it when buffering for debug). A
  // failure inside that window still falls back to the original page; past it, the page streams.
  // Read with a BYOB reader, 64 KiB at a time: pumping lol-html's many small output chunks through
  // JavaScript one by one cost more than the rewriting itself (bench/README.md).
  const reader = (rewritten as ReadableStream<Uint8Array>).getReader({ mode: "byob" });
  let held: Uint8Array[];
  let done: boolean;
  try {
    ({ held, done } = await readAhead(reader, input.buffer ? Number.POSITIVE_INFINITY : LOOKAHEAD_BYTES));
  } catch (error) {
    return fallback(original, headers, input, report, describe(error));
  }
  if (!input.refetch) void (await original())?.cancel();

  report.html = "rewritten";
  if (!nonce) {
    await allowInlineScript(headers, script);
    if (banner) await allowInlineScript(headers, BANNER_SCRIPT);
  }
  // The body changed: its length is unknown and the origin's validator is no longer exact.
  headers.delete("Content-Length");
  const etag = headers.get("ETag");
  if (etag && !etag.startsWith("W/")) headers.set("ETag", `W/${etag}`);
  headers.append("Vary", "Cookie");

  if (done) {
    reader.releaseLock();
    return new Blob(held).stream();
  }
  const siteId = input.site.id;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of held) controller.enqueue(chunk);
    },
    async pull(controller) {
      try {
        const { value, done: end } = await reader.readAtLeast(READ_SIZE, new Uint8Array(READ_SIZE));
        if (value && value.byteLength > 0) controller.enqueue(value);
        if (end) controller.close();
      } catch (error) {
        // Too late to change the headers: end the page here rather than send unenforced markup.
        console.error(
          `consent-edge: site ${siteId}: HTML rewriting failed mid-page, truncated: ${describe(error)}`,
        );
        controller.close();
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

const READ_SIZE = 64 * 1024;

/** Reads until `limit` bytes or the end, in large reads. Throws what the rewriter throws. */
async function readAhead(
  reader: ReadableStreamBYOBReader,
  limit: number,
): Promise<{ held: Uint8Array[]; done: boolean }> {
  const held: Uint8Array[] = [];
  let total = 0;
  while (total < limit) {
    const { value, done } = await reader.readAtLeast(READ_SIZE, new Uint8Array(READ_SIZE));
    if (value && value.byteLength > 0) {
      held.push(value);
      total += value.byteLength;
    }
    if (done) return { held, done: true };
  }
  return { held, done: false };
}

async function fallback(
  original: ReadableStream | (() => Promise<ReadableStream | null>),
  headers: Headers,
  input: HtmlInput,
  report: EnforcementReport,
  reason: string,
): Promise<ReadableStream | null> {
  const refusedSome = input.site.categories.some((category) => !input.granted.has(category));
  report.html = `fallback: ${reason}${refusedSome ? "; strict CSP" : ""}`;
  if (refusedSome) headers.append("Content-Security-Policy", FALLBACK_CSP);
  if (!(typeof original === "function")) return original;
  headers.delete("Content-Length");
  try {
    return await original();
  } catch (error) {
    console.error(`consent-edge: site ${input.site.id}: fallback fetch failed: ${String(error)}`);
    report.html = `${report.html}; origin unavailable`;
    return new Response(UNAVAILABLE_PAGE).body;
  }
}

/** What a visitor sees if the page could not be rewritten and the origin could not be asked again. */
const UNAVAILABLE_PAGE =
  "<!doctype html><title>Temporarily unavailable</title><p>This page could not be shown safely just now. Please reload it.</p>";

/** The runtime decodes gzip and br itself; deflate is decoded here (see `enforceHtml`). */
function decoded(body: ReadableStream | null, encoding: string): ReadableStream | null {
  return body && encoding === "deflate" ? body.pipeThrough(new DecompressionStream("deflate")) : body;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/ASCII-compatible|character encoding/i.test(message)) return "charset";
  if (/text content tag|ambiguous/i.test(message)) return "ambiguous markup";
  if (/memory/i.test(message)) return "memory limit";
  return "rewriter error";
}
