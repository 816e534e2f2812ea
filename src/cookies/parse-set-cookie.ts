/**
 * One `Set-Cookie` line (RFC 6265bis §5.6), split into its name/value pair and attributes,
 * each kept as written so that a kept line can be re-emitted verbatim and a rewritten line
 * changes only what the rule requires. Never throws. Values never leave this module in errors.
 */
import { isUnambiguousCookieDate, parseCookieDate } from "./cookie-date";

export interface SetCookieAttribute {
  /** Lowercased attribute name: `max-age`, `expires`, `path`, `secure`... */
  key: string;
  value: string;
  raw: string;
}

export interface SetCookieLine {
  /** The whole line as the origin sent it. */
  raw: string;
  /** The name the browser stores the cookie under. */
  name: string;
  /**
   * The name the site reads it back under. A cookie with an empty name is sent back as its bare
   * value (RFC 6265bis §5.8.3), so `=_ga=GA1.2` comes back as `_ga=GA1.2`: it is judged as `_ga`.
   */
  readAs: string;
  value: string;
  /** `name=value` as written. */
  pair: string;
  attributes: SetCookieAttribute[];
}

/**
 * RFC 6265bis §5.6 trims only WSP (space and horizontal tab). `String.prototype.trim` also eats
 * NBSP, form feed and the rest, which would make us judge `\u00a0_ga` as `_ga`: another cookie.
 */
export function trimWsp(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === " " || text[start] === "\t")) start++;
  while (end > start && (text[end - 1] === " " || text[end - 1] === "\t")) end--;
  return text.slice(start, end);
}

export function parseSetCookie(raw: string): SetCookieLine {
  const [first = "", ...rest] = raw.split(";");
  const pair = trimWsp(first);
  const eq = pair.indexOf("=");
  // Without "=", browsers store a cookie with an empty name (RFC 6265bis §5.6 step 5).
  const name = eq === -1 ? "" : trimWsp(pair.slice(0, eq));
  const value = eq === -1 ? pair : trimWsp(pair.slice(eq + 1));
  const valueEq = value.indexOf("=");
  const readAs = name === "" && valueEq !== -1 ? trimWsp(value.slice(0, valueEq)) : name;
  const attributes: SetCookieAttribute[] = [];
  for (const part of rest) {
    const attribute = trimWsp(part);
    if (attribute === "") continue;
    const at = attribute.indexOf("=");
    const key = trimWsp(at === -1 ? attribute : attribute.slice(0, at)).toLowerCase();
    const attributeValue = at === -1 ? "" : trimWsp(attribute.slice(at + 1));
    attributes.push({ key, value: attributeValue, raw: attribute });
  }
  return { raw, name, readAs, value, pair, attributes };
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

// RFC 6265bis §5.6.2: "-" followed by a DIGIT, or a DIGIT, then only DIGITs; anything else is ignored.
const MAX_AGE = /^-?\d+$/;

/**
 * Lifetime in seconds from `now` as RFC 6265bis computes it; undefined for a session cookie.
 * An attribute the RFC ignores is not "the last one" (§5.6: it never enters the attribute list),
 * so the last *valid* `Max-Age` wins, else the last valid `Expires` (§5.7 steps 13 and 14).
 */
export function cookieLifetime(line: SetCookieLine, now: number): number | undefined {
  let expires: number | undefined;
  for (let i = line.attributes.length - 1; i >= 0; i--) {
    const attribute = line.attributes[i];
    // `+ 0` turns "-0" into 0.
    if (attribute?.key === "max-age" && MAX_AGE.test(attribute.value)) return Number(attribute.value) + 0;
    if (attribute?.key === "expires" && expires === undefined) {
      const at = parseCookieDate(attribute.value);
      if (at !== undefined) expires = Math.floor(at / 1000) - now;
    }
  }
  return expires;
}

/**
 * The longest lifetime any single Max-Age or Expires attribute of the line gives, whichever one a
 * reader takes to win (readers without Max-Age, like old IE, go by Expires alone).
 */
export function longestAttributeLifetime(line: SetCookieLine, now: number): number | undefined {
  let longest: number | undefined;
  for (const attribute of line.attributes) {
    let lifetime: number | undefined;
    if (attribute.key === "max-age" && MAX_AGE.test(attribute.value)) lifetime = Number(attribute.value);
    if (attribute.key === "expires") {
      const at = parseCookieDate(attribute.value);
      if (at !== undefined) lifetime = Math.floor(at / 1000) - now;
    }
    if (lifetime !== undefined && (longest === undefined || lifetime > longest)) longest = lifetime;
  }
  return longest;
}

// What lenient parsers accept where the RFC does not: `+5`, ` 5`, `5s` (strtol-style prefixes).
const LENIENT_MAX_AGE = /^\s*([+-]?\d+)/;

/**
 * Whether the line's lifetime is one every browser computes alike: each `Max-Age` is digits as
 * §5.6.2 wants them and each `Expires` a fixed-format date. Where it is not, Chromium's,
 * Firefox's and the RFC's readings can differ (Chromium takes `Max-Age=+31536000`), so a cap or
 * a deletion may only be trusted after we rewrite the line in a form all of them agree on.
 */
export function hasUnambiguousLifetime(line: SetCookieLine): boolean {
  return line.attributes.every((attribute) => {
    if (attribute.key === "max-age") return MAX_AGE.test(attribute.value);
    if (attribute.key === "expires") return isUnambiguousCookieDate(attribute.value);
    return true;
  });
}

/**
 * Whether any reading of the line (the RFC's, or a lenient parser's `Date.parse` / `strtol`)
 * makes it a deletion: a `Max-Age` of zero or less, or an `Expires` in the past.
 */
export function mayDelete(line: SetCookieLine, now: number): boolean {
  return line.attributes.some((attribute) => {
    if (attribute.key === "max-age") {
      const lenient = LENIENT_MAX_AGE.exec(attribute.value);
      return lenient !== null && Number(lenient[1]) <= 0;
    }
    if (attribute.key === "expires") {
      const strict = parseCookieDate(attribute.value);
      const loose = Date.parse(attribute.value);
      return (strict !== undefined && strict <= now * 1000) || (!Number.isNaN(loose) && loose <= now * 1000);
    }
    return false;
  });
}
