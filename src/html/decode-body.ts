/**
 * An HTML body as text for the rewriter, whatever `Content-Encoding` the origin put on it (it may
 * ignore the narrowed `Accept-Encoding`), and a look at its first bytes without buffering the page.
 */

/**
 * How to get the text of a body labelled with `Content-Encoding` (RFC 9110 §8.4: codings are
 * case-insensitive, listed in the order applied; `x-gzip` is gzip, §8.4.1.3):
 * - `none`: no coding, or only `identity`;
 * - `runtime`: workerd's fetch decodes the body itself, but only for a header that is exactly
 *   `gzip` or `br` (measured: `GZIP`, `x-gzip`, `gzip, identity` arrive still encoded);
 * - `stream`: one gzip or deflate coding the runtime left alone, decoded with DecompressionStream;
 * - `unsupported`: anything else (`zstd`, `compress`, stacked codings such as `gzip, br`).
 */
export type DecodePlan =
  | { kind: "none" }
  | { kind: "runtime" }
  | { kind: "stream"; coding: "gzip" | "deflate" }
  | { kind: "unsupported"; coding: string };

export function planDecoding(contentEncoding: string | null): DecodePlan {
  if (contentEncoding === null) return { kind: "none" };
  const value = contentEncoding.trim();
  if (value === "gzip" || value === "br") return { kind: "runtime" };
  const codings = value
    .split(",")
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== "" && coding !== "identity");
  if (codings.length === 0) return { kind: "none" };
  const [coding] = codings;
  if (codings.length === 1 && (coding === "gzip" || coding === "x-gzip"))
    return { kind: "stream", coding: "gzip" };
  if (codings.length === 1 && coding === "deflate") return { kind: "stream", coding: "deflate" };
  return { kind: "unsupported", coding: codings.join(", ") };
}

/**
 * `deflate` means the zlib format (RFC 9110 §8.4.1.2, RFC 1950), but some servers send a bare
 * DEFLATE stream (RFC 1951) and browsers accept both. A zlib stream starts with CMF (method 8, a
 * window of at most 32 KiB) and FLG such that CMF*256 + FLG is a multiple of 31 (RFC 1950 §2.2).
 */
export function isZlibHeader(head: Uint8Array): boolean {
  const [cmf, flg] = head;
  if (cmf === undefined || flg === undefined) return false;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0;
}

/** The decoded body: `deflate` as zlib or raw, by its first two bytes (`head`). */
export function decodeBody(
  body: ReadableStream<Uint8Array>,
  coding: "gzip" | "deflate",
  head: Uint8Array,
): ReadableStream<Uint8Array> {
  const format = coding === "gzip" ? "gzip" : isZlibHeader(head) ? "deflate" : "deflate-raw";
  const decoder = new DecompressionStream(format);
  void body.pipeTo(decoder.writable).catch(() => {}); // seen by the reader of `decoder.readable`
  return decoder.readable;
}

export interface Peeked {
  /** The first bytes, at least as many as `enough` wanted unless the body ended first. */
  head: Uint8Array;
  /** The whole body again: `head`, then the rest as it arrives (its errors included). */
  body: ReadableStream<Uint8Array>;
  /** The body ended within `head`. */
  complete: boolean;
}

/**
 * Read only as far as `enough` needs (at most `limit` bytes, in whatever chunks arrive), then hand
 * back a body that replays those bytes and streams the rest as it comes. Throws what reading the
 * first bytes throws. (A TransformStream without a transform function: workerd cannot pipe one
 * IdentityTransformStream into another.)
 */
export async function peekBody(
  body: ReadableStream<Uint8Array>,
  enough: (head: Uint8Array) => boolean,
  limit: number,
  onChunk?: (chunk: Uint8Array) => void,
): Promise<Peeked> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let head: Uint8Array = new Uint8Array(0);
  let complete = false;
  try {
    while (head.byteLength < limit && !enough(head)) {
      const { value, done } = await reader.read();
      if (done) {
        complete = true;
        break;
      }
      chunks.push(value);
      head = concat(chunks);
    }
  } finally {
    reader.releaseLock();
  }
  return { head, body: prepend(head, body, onChunk), complete };
}

/** `first`, then `rest`; `onChunk` sees each chunk before whoever reads the result does. */
export function prepend(
  first: Uint8Array,
  rest: ReadableStream<Uint8Array>,
  onChunk?: (chunk: Uint8Array) => void,
): ReadableStream<Uint8Array> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      onChunk?.(first);
      if (first.byteLength > 0) controller.enqueue(first);
    },
    ...(onChunk
      ? {
          transform(chunk, controller) {
            onChunk(chunk);
            controller.enqueue(chunk);
          },
        }
      : {}),
  });
  // pipeThrough() as the spec has it, but with the pipe's own failure handled here: it is the
  // reader's (the rewriter's) failure or the body's, and whoever reads `readable` sees it.
  void rest.pipeTo(writable).catch(() => {});
  return readable;
}

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
