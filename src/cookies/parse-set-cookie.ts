/**
 * One `Set-Cookie` line (RFC 6265bis §5.6), split into its name/value pair and attributes,
 * each kept as written so that a kept line can be re-emitted verbatim and a rewritten line
 * changes only what the rule requires. Never throws. Values never leave this module in errors.
 */

export interface SetCookieAttribute {
  /** Lowercased attribute name: `max-age`, `expires`, `path`, `secure`... */
  key: string;
  value: string;
  raw: string;
}

export interface SetCookieLine {
  /** The whole line as the origin sent it. */
  raw: string;
  name: string;
  /** `name=value` as written. */
  pair: string;
  attributes: SetCookieAttribute[];
}

export function parseSetCookie(raw: string): SetCookieLine {
  const [first = "", ...rest] = raw.split(";");
  const pair = first.trim();
  const eq = pair.indexOf("=");
  // Without "=", browsers store a cookie with an empty name (RFC 6265bis §5.6 step 5).
  const name = eq === -1 ? "" : pair.slice(0, eq).trim();
  const attributes: SetCookieAttribute[] = [];
  for (const part of rest) {
    const attribute = part.trim();
    if (attribute === "") continue;
    const at = attribute.indexOf("=");
    const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const value = at === -1 ? "" : attribute.slice(at + 1).trim();
    attributes.push({ key, value, raw: attribute });
  }
  return { raw, name, pair, attributes };
}

/** The last attribute with this name wins (RFC 6265bis §5.7 step 8 and following). */
export function lastAttribute(line: SetCookieLine, key: string): SetCookieAttribute | undefined {
  for (let i = line.attributes.length - 1; i >= 0; i--) {
    const attribute = line.attributes[i];
    if (attribute?.key === key) return attribute;
  }
  return undefined;
}

export function serializeSetCookie(pair: string, attributes: SetCookieAttribute[]): string {
  return [pair, ...attributes.map((attribute) => attribute.raw)].join("; ");
}

/** Lifetime in seconds from `now` as a browser would compute it; undefined for a session cookie. */
export function cookieLifetime(line: SetCookieLine, now: number): number | undefined {
  const maxAge = lastAttribute(line, "max-age");
  // RFC 6265bis §5.6.2: Max-Age must be an optional "-" and digits, else it is ignored.
  if (maxAge && /^-?\d+$/.test(maxAge.value)) return Number(maxAge.value);
  const expires = lastAttribute(line, "expires");
  if (expires) {
    const at = Date.parse(expires.value);
    if (!Number.isNaN(at)) return Math.floor(at / 1000) - now;
  }
  return undefined;
}
