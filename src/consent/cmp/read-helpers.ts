/**
 * What the CMP decoders share in reading a consent cookie, before each reads its own format:
 * reading every copy of it so that no copy widens another, refusing what no browser would have
 * stored, decoding percent-encoding and JSON without throwing, reading an ISO date, keeping
 * prototype names out of the groups, and building the reading. Decoders that differ in how they
 * decode (JSON as is or only percent-decoded) get one function per behaviour here, never a looser
 * common one.
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
 * Stands for a field present more than once within one cookie value with differing values: which
 * one the CMP reads is unknown, so none is read.
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

/** The distinct values of the cookies named `name`, in the order first seen. */
export function findValues(cookies: readonly CookiePair[], name: string): string[] {
  return [...new Set(cookies.filter((cookie) => cookie.name === name).map((cookie) => cookie.value))];
}

/**
 * One reading from every copy of a CMP's cookie. A browser sends several cookies of one name when
 * they were set for different paths or domains (RFC 6265 §5.4), and a sibling subdomain can add
 * one with `Domain=` (RFC 6265 §8.6), so a copy may be planted. Which copy the CMP itself reads is
 * unknown (servers SHOULD NOT rely on the order, §4.2.2), so the copies are combined such that no
 * copy can widen what the others grant:
 * - copies that decide are intersected: a group is granted only when every deciding copy grants it
 *   (a group a copy does not list is one it does not grant), refused when any copy has it;
 *   `givenAt` is the latest, the choice the narrowest reading carries forward;
 * - copies that do not decide (unreadable, over the size limit) grant nothing and are passed over;
 * - no copy decides: the reason they share, or `<id>:duplicate-cookie` when they differ.
 * Reading "undecided" for any duplicate instead would let a planted copy turn a refusal into the
 * region's default, which grants everything in opt-out regions.
 */
export function narrowestOf(
  readings: readonly CmpReading[],
  undecided: (code: string) => CmpReading,
): CmpReading {
  const decisions = readings.filter((reading) => reading.status === "decided");
  if (decisions.length === 0) {
    const [first] = readings;
    if (first === undefined) return { status: "absent" };
    const reasons = new Set(
      readings.map((reading) => (reading.status === "undecided" ? reading.reason : "")),
    );
    return reasons.size === 1 ? first : undecided("duplicate-cookie");
  }
  if (decisions.length === 1 && decisions[0]) return decisions[0];
  const groups = newGroups();
  let givenAt: number | undefined;
  for (const decision of decisions) {
    for (const group of Object.keys(decision.groups)) groups[group] = true;
    if (decision.givenAt !== undefined) givenAt = Math.max(givenAt ?? 0, decision.givenAt);
  }
  for (const group of Object.keys(groups)) {
    groups[group] = decisions.every(
      (decision) => Object.hasOwn(decision.groups, group) && decision.groups[group] === true,
    );
  }
  return decided(groups, givenAt);
}

/**
 * The reading of a CMP's single consent cookie: `readValue` on each distinct copy, combined by
 * `narrowestOf`. A copy over MAX_VALUE_LENGTH was never stored by a browser and reads
 * `<id>:value-too-long`.
 */
export function readEveryCopy(
  cookies: readonly CookiePair[],
  name: string,
  undecided: (code: string) => CmpReading,
  readValue: (raw: string) => CmpReading,
): CmpReading {
  const readings = findValues(cookies, name).map((raw) =>
    raw.length > MAX_VALUE_LENGTH ? undecided("value-too-long") : readValue(raw),
  );
  return narrowestOf(readings, undecided);
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
