/**
 * Reading the bits of one GPP segment. GPP encodes its header and the sections that follow the
 * recommended encoding as a bit string written six bits a character in the base64url alphabet
 * (RFC 4648 §5 table, "-" and "_" for 62 and 63, no "=" padding): the encoder pads the end with
 * zero bits (IAB Tech Lab, Global Privacy Platform, "Consent String Specification", section
 * "Creating a GPP String"). Fixed-width integers are big-endian; Fibonacci integers are Fibonacci
 * code words ending in "11" (same document, "Fibonacci Encoding to Deal with String Length").
 *
 * Every read checks the bits are there first and says so by returning null, never by throwing.
 */

/** base64url digit values by char code; -1 for anything else. */
const BASE64URL = new Int8Array(128).fill(-1);
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("").forEach((char, value) => {
  BASE64URL[char.charCodeAt(0)] = value;
});

/**
 * The longest Fibonacci code word read, "11" included: F(2)..F(31) sum past 2 million, which is
 * more than any section id or range length a GPP header can need (ids are below 100). A longer
 * word is refused rather than summed, so a hostile header cannot make a number beyond 2^53 nor
 * a range that is walked for long.
 */
export const MAX_FIBONACCI_BITS = 32;

export interface BitReader {
  readonly sextets: Uint8Array;
  /** Bits in the segment. */
  readonly length: number;
  position: number;
}

/** A reader over a base64url segment, or null when a character is not base64url or it is empty. */
export function bitReaderOf(segment: string): BitReader | null {
  if (segment.length === 0) return null;
  const sextets = new Uint8Array(segment.length);
  for (let i = 0; i < segment.length; i++) {
    const digit = BASE64URL[segment.charCodeAt(i)] ?? -1;
    if (digit < 0) return null;
    sextets[i] = digit;
  }
  return { sextets, length: segment.length * 6, position: 0 };
}

function bitAt(reader: BitReader, bit: number): number {
  const sextet = reader.sextets[Math.floor(bit / 6)] ?? 0;
  return (sextet >> (5 - (bit % 6))) & 1;
}

/** `width` bits (at most 48) as an unsigned integer, or null when fewer remain. */
export function readInt(reader: BitReader, width: number): number | null {
  if (reader.position + width > reader.length) return null;
  let value = 0;
  for (let i = 0; i < width; i++) value = value * 2 + bitAt(reader, reader.position + i);
  reader.position += width;
  return value;
}

/**
 * One Fibonacci integer: bit i (from 0) of the word stands for F(i + 2) (1, 2, 3, 5, 8, ...), and
 * the word ends at the first "11". Null when the input ends first or the word is longer than
 * MAX_FIBONACCI_BITS.
 */
export function readFibonacci(reader: BitReader): number | null {
  let value = 0;
  let previous = 0;
  let [lower, current] = [1, 1];
  for (let i = 0; i < MAX_FIBONACCI_BITS; i++) {
    if (reader.position >= reader.length) return null;
    const bit = bitAt(reader, reader.position);
    reader.position += 1;
    if (bit === 1 && previous === 1) return value;
    if (bit === 1) value += current;
    previous = bit;
    [lower, current] = [current, lower + current];
  }
  return null;
}
