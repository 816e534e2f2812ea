/**
 * What the CMP decoders share in reading a consent cookie, before each reads its own format:
 * finding the one cookie, refusing what no browser would have stored, decoding percent-encoding and
 * JSON without throwing, reading an ISO date, keeping prototype names out of the groups, and
 * building the reading. Decoders that differ in how they decode (JSON as is or only percent-decoded)
 * get one function per behaviour here, never a looser common one.
 */
import type { CmpReading, CookiePair } from "./types";

/**
 * Browsers keep about 4096 bytes of name and value per cookie (RFC 6265 §6.1 asks for at least
 * that much, and the major browsers stop there), so a longer value was never stored by a CMP: it is
 * not a real cookie, and refusing it also bounds the work every decoder does.
 */
export const MAX_VALUE_LENGTH = 4096;

/**
 * Names that are Object.prototype's own: never a real group, category, service or purpose, and a
 * reading that carried one could reach the prototype once a consumer copies the groups into an
 * ordinary object. A decoder refuses the whole cookie as malformed rather than dropping the name.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Stands for a cookie (or field) present more than once with differing values. Which one the
 * site's CMP reads is unknown here (servers SHOULD NOT rely on the order, RFC 6265 §4.2.2), so
 * none is read.
 */
export const DUPLICATE = Symbol("duplicate");

/** An ISO 8601 UTC time as `Date.prototype.toISOString()` writes it. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

/** A decoder's "undecided" builder: the reason is `<cmp id>:<code>`, never the cookie's value. */
export const undecidedFor =
  (id: string) =>
  (code: string): CmpReading => ({ status: "undecided", reason: `${id}:${code}` });

/** A decision; `givenAt` only when known (the reading has no `givenAt: undefined`). */
export const decided = (groups: Record<string, boolean>, givenAt?: number): CmpReading =>
  givenAt === undefined ? { status: "decided", groups } : { status: "decided", groups, givenAt };

/** Groups without a prototype, so a group name is only ever an own key. */
export const newGroups = (): Record<string, boolean> => Object.create(null) as Record<string, boolean>;

/** The one value of `name`; several differing values are ambiguous and read as none. */
export function findCookie(
  cookies: readonly CookiePair[],
  name: string,
): string | undefined | typeof DUPLICATE {
  const values = new Set(cookies.filter((cookie) => cookie.name === name).map((cookie) => cookie.value));
  if (values.size > 1) return DUPLICATE;
  return values.values().next().value;
}

/**
 * The raw value of a CMP's single consent cookie, or the reading when there is none to read:
 * absent, `<id>:duplicate-cookie`, or `<id>:value-too-long` (over MAX_VALUE_LENGTH).
 */
export function readSingleCookie(
  cookies: readonly CookiePair[],
  name: string,
  undecided: (code: string) => CmpReading,
): string | CmpReading {
  const raw = findCookie(cookies, name);
  if (raw === undefined) return { status: "absent" };
  if (raw === DUPLICATE) return undecided("duplicate-cookie");
  if (raw.length > MAX_VALUE_LENGTH) return undecided("value-too-long");
  return raw;
}

/** `decodeURIComponent`, with null for a malformed escape instead of a thrown URIError. */
export function percentDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/**
 * JSON of the percent-decoded value, for CMPs that write `encodeURIComponent(JSON.stringify(...))`;
 * undefined when either step fails. The value is never parsed as it stands.
 */
export function parsePercentEncodedJson(value: string): unknown {
  const decoded = percentDecode(value);
  if (decoded === null) return undefined;
  try {
    return JSON.parse(decoded) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * JSON as the value stands first, then percent-decoded: for a CMP that writes either form (raw JSON
 * in one version, encoded in another). Undefined when neither parses.
 */
export function parseRawOrPercentEncodedJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return parsePercentEncodedJson(value);
  }
}

/** A JSON object: not null, not an array. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Unix seconds of an ISO 8601 UTC time string; undefined for anything else. The format is checked
 * first because Date.parse alone would accept "1" or "true".
 */
export function isoDateToSeconds(value: unknown): number | undefined {
  if (typeof value !== "string" || !ISO_DATE.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
