/**
 * A request body read as a stream and abandoned past a cap, whatever `Content-Length` or
 * `Transfer-Encoding` say: the consent API's decisions (8 KiB) and the page runtime's reports
 * (4 KiB) both read their bodies this way, so no visitor can make the worker hold more.
 */

import { concat } from "../html/decode-body";

export const TOO_LARGE = Symbol("too large");
export const UNREADABLE = Symbol("unreadable");

/** The body's bytes; TOO_LARGE past `cap` (the stream is cancelled, not read on); UNREADABLE if it fails. */
export async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  cap: number,
): Promise<Uint8Array | typeof TOO_LARGE | typeof UNREADABLE> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > cap) {
        await reader.cancel().catch(() => undefined);
        return TOO_LARGE;
      }
      chunks.push(value);
    }
  } catch {
    return UNREADABLE;
  }
  return concat(chunks);
}
