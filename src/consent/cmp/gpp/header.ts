/**
 * The GPP header: the string's first "~"-separated part (IAB Tech Lab, Global Privacy Platform,
 * "Consent String Specification", section "Header Encoding"):
 *
 *   Type      Int(6)             fixed to 3, "GPP Header field" (a TC string starts with 2: "C")
 *   Version   Int(6)             of the GPP string, 1
 *   Sections  Range(Fibonacci)   the section ids, in the order the sections follow
 *
 * Range(Fibonacci) (same document, "Section Encoding", data types): Int(12) entries, then per
 * entry a bit (0 a single id, 1 a group), a Fibonacci offset from the last id seen (0 before the
 * first) and, for a group, a Fibonacci length from its first id to its last. Every Fibonacci
 * integer is at least 1, so the ids come out strictly increasing ("items MUST be in sorted
 * order").
 */
import { type BitReader, bitReaderOf, readFibonacci, readInt } from "./bit-reader";

export const GPP_HEADER_TYPE = 3;
export const GPP_VERSION = 1;

/**
 * Section ids above this are refused as malformed: the specification's list ends at 27 today
 * ("Section Information.md"), and a bound keeps a hostile group ("ids 1 to 2 million") from being
 * spelled out one id at a time.
 */
export const MAX_SECTION_ID = 255;

export type HeaderFailure =
  "not-base64url" | "truncated" | "not-gpp" | "unsupported-version" | "invalid-range";

export type DecodedHeader = { ok: true; sectionIds: number[] } | { ok: false; reason: HeaderFailure };

/** A Fibonacci integer that did not end: the input ran out, or the code word is too long. */
const whyNoNumber = (reader: BitReader): HeaderFailure =>
  reader.position >= reader.length ? "truncated" : "invalid-range";

export function decodeGppHeader(part: string): DecodedHeader {
  const reader = bitReaderOf(part);
  if (reader === null) return { ok: false, reason: "not-base64url" };
  const type = readInt(reader, 6);
  const version = readInt(reader, 6);
  if (type === null || version === null) return { ok: false, reason: "truncated" };
  if (type !== GPP_HEADER_TYPE) return { ok: false, reason: "not-gpp" };
  if (version !== GPP_VERSION) return { ok: false, reason: "unsupported-version" };

  const entries = readInt(reader, 12);
  if (entries === null) return { ok: false, reason: "truncated" };
  const sectionIds: number[] = [];
  let last = 0;
  // Each entry takes at least three bits, so the loop ends with the input.
  for (let i = 0; i < entries; i++) {
    const isGroup = readInt(reader, 1);
    if (isGroup === null) return { ok: false, reason: "truncated" };
    const offset = readFibonacci(reader);
    if (offset === null) return { ok: false, reason: whyNoNumber(reader) };
    const first = last + offset;
    let end = first;
    if (isGroup === 1) {
      const length = readFibonacci(reader);
      if (length === null) return { ok: false, reason: whyNoNumber(reader) };
      end = first + length;
    }
    if (end > MAX_SECTION_ID) return { ok: false, reason: "invalid-range" };
    for (let id = first; id <= end; id++) sectionIds.push(id);
    last = end;
  }
  return { ok: true, sectionIds };
}
