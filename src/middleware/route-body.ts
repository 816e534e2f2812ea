/**
 * A downstream route's response made readable for the HTML stage. The stand-alone worker's
 * origin responses come from fetch(), whose body the runtime has already decoded when it is
 * labelled exactly `gzip` or `br` (decode-body.ts, plan "runtime"). A route's own body is what the
 * route wrote: compress() registered after consentEdge(), or a page stored gzipped and served
 * with `encodeBody: "manual"`, hands over gzip bytes under that same label. Read as text, the
 * rewriter found no tracker in them and the browser, decoding them, ran every one.
 */
import { classifyDocument, SNIFF_BYTES, sniffUnknownType } from "../html/content-type";
import { decodeBody, peekBody } from "../html/decode-body";

/** A route's body labelled `br` that is not plain markup: workerd has no brotli decoder. */
export class UnreadableRouteBody extends Error {
  override name = "UnreadableRouteBody";
}

/**
 * The response as the HTML stage should see it: a gzip body decoded (and no longer labelled, so
 * it goes out as identity; Cloudflare compresses it for the visitor), a body held in memory put
 * behind a JavaScript stream (below). Throws UnreadableRouteBody for a brotli body.
 */
export async function readableRouteBody(response: Response): Promise<Response> {
  const body = response.body as ReadableStream<Uint8Array> | null;
  if (!body || classifyDocument(response.headers) === "other" || fromFetch(response)) return response;
  const coding = response.headers.get("Content-Encoding")?.trim();
  // Any other label the HTML stage decodes itself (x-gzip, deflate) or refuses (zstd, stacked).
  if (coding === "gzip") return decodedGzip(response, body);
  if (coding === "br") return checkedBrotli(response, body);
  return streamed(response, body);
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * gzip bytes start with 1f 8b (RFC 1952 §2.3.1); markup never does. Without them the body is text
 * the route wants the runtime to compress on the way out (`encodeBody: "automatic"`).
 */
async function decodedGzip(response: Response, body: ReadableStream<Uint8Array>): Promise<Response> {
  const { head, body: whole } = await peekBody(body, (bytes) => bytes.byteLength >= 2, 2);
  if (head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) return rebuilt(response, whole);
  const headers = new Headers(response.headers);
  headers.delete("Content-Encoding");
  headers.delete("Content-Length");
  // A JavaScript stream after the decoder's, for the same reason as streamed() below.
  return new Response(decodeBody(whole, "gzip", head).pipeThrough(new TransformStream()), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/**
 * Brotli has no magic number, and workerd's DecompressionStream no brotli. A body that sniffs as
 * markup (MIME Sniffing §7.1's HTML patterns, which compressed bytes do not spell) is text the
 * runtime will compress; anything else cannot be rewritten, so it is not served.
 */
async function checkedBrotli(response: Response, body: ReadableStream<Uint8Array>): Promise<Response> {
  const {
    head,
    complete,
    body: whole,
  } = await peekBody(body, (bytes) => sniffUnknownType(bytes, false) !== "more", SNIFF_BYTES);
  if (sniffUnknownType(head, complete) !== "html") {
    void whole.cancel().catch(() => {});
    throw new UnreadableRouteBody(
      "a route answered with a brotli-encoded page, which consent-edge cannot decode to enforce; serve it uncompressed or gzip (Cloudflare compresses it for the visitor)",
    );
  }
  return rebuilt(response, whole);
}

/**
 * A body workerd holds in memory (what `c.html("...")` or `new Response("...")` makes) cannot be
 * rewritten once the HTML stage has tee()d it for its fallback (the rewriter's pipe fails with
 * "Inter-TransformStream ReadableStream.pipeTo() is not implemented"), so every such page would be
 * served as the fallback. One JavaScript stream in between makes it a body like any origin's.
 */
function streamed(response: Response, body: ReadableStream<Uint8Array>): Response {
  return rebuilt(response, body.pipeThrough(new TransformStream()));
}

function rebuilt(response: Response, body: ReadableStream<Uint8Array>): Response {
  return new Response(body, response);
}

/**
 * fetch() gives a response with immutable headers (Fetch §5.5, guard "immutable"), whose body is
 * the network's, already decoded: passed on as it is (the extra stream cost about a fifth of the
 * throughput on the demo page). A route's own headers are mutable.
 */
function fromFetch(response: Response): boolean {
  try {
    // In consent-edge's own namespace, which the pipeline removes from every response anyway.
    response.headers.append(PROBE_HEADER, "1");
  } catch {
    return true;
  }
  response.headers.delete(PROBE_HEADER);
  return false;
}

const PROBE_HEADER = "X-Consent-Edge-Probe";
