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
    source = body.pipeThrough(new DecompressionStream("deflate"));
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
    neutralised: report.neutralised,
  });

  // Keep the original bytes until the rewriter has produced its first output, so that a page it
  // rejects outright (an unsupported charset, the strict parser's ambiguity error) can still be served.
  const [toRewrite, original] = source.tee();
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
  const reader = (rewritten as ReadableStream<Uint8Array>).getReader();
  // Look ahead: hold the first LOOKAHEAD_BYTES of output (all of it when buffering for debug). A
  // failure inside that window still falls back to the original page; past it, the page streams.
  const held: Uint8Array[] = [];
  let heldBytes = 0;
  let done = false;
  try {
    while (!done && (input.buffer || heldBytes < LOOKAHEAD_BYTES)) {
      const next = await reader.read();
      if (next.done) done = true;
      else {
        held.push(next.value);
        heldBytes += next.value.byteLength;
      }
    }
  } catch (error) {
    return fallback(original, headers, input, report, describe(error));
  }
  void original.cancel();

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

  const siteId = input.site.id;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of held) controller.enqueue(chunk);
      if (done) controller.close();
    },
    async pull(controller) {
      try {
        const next = await reader.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
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

function fallback(
  original: ReadableStream,
  headers: Headers,
  input: HtmlInput,
  report: EnforcementReport,
  reason: string,
): ReadableStream {
  const refusedSome = input.site.categories.some((category) => !input.granted.has(category));
  report.html = `fallback: ${reason}${refusedSome ? "; strict CSP" : ""}`;
  if (refusedSome) headers.append("Content-Security-Policy", FALLBACK_CSP);
  return original;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/ASCII-compatible|character encoding/i.test(message)) return "charset";
  if (/text content tag|ambiguous/i.test(message)) return "ambiguous markup";
  if (/memory/i.test(message)) return "memory limit";
  return "rewriter error";
}
