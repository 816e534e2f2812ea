/**
 * Cookiebot (Usercentrics).
 *
 *   CookieConsent={stamp:%27Ov4g...==%27%2Cnecessary:true%2Cpreferences:false%2Cstatistics:true
 *     %2Cmarketing:false%2Cmethod:%27explicit%27%2Cver:1%2Cutc:1698057791350%2Cregion:%27gb%27}
 *
 * A JavaScript object literal (unquoted keys, single-quoted strings), percent-encoded in part or in
 * whole. It is read with a small literal parser, not by rewriting it into JSON with regexes.
 * https://www.cookiebot.com/en/developer/ (server-side usage),
 * umbraco/UmbracoDocs 13/umbraco-engage/security-and-privacy/gdpr/how-to-become-gdpr-compliant-using-cookiebot.md
 *
 * Special values, as Cookiebot's own WordPress plugin reads them
 * (CybotAS/CookiebotWP src/lib/Cookie_Consent.php):
 * - `-1`: the visitor is in a region where Cookiebot requires no consent and Cookiebot treats everything
 *   as accepted. consent-edge does not take a CMP's geolocation as consent: it reads "undecided"
 *   (`cookiebot:consent-not-required`) and consent-edge's own region policy decides. The same for an
 *   object whose stamp is '-1'.
 * - `0`: "the user has not accepted cookies - set strictly necessary cookies only". Cookiebot writes
 *   it when the visitor declines, so it is a decision: a refusal of every category but necessary.
 * - `method:'implied'`: consent assumed from continued browsing, not given by an action; under the
 *   GDPR that is no consent, so "undecided" (`cookiebot:implied-consent`).
 * Booleans must be literals: `'true'` in quotes is malformed, not a grant.
 * `givenAt` is `utc` (milliseconds) in seconds; a missing or unusable `utc` only drops `givenAt`.
 */
import {
  FORBIDDEN_KEYS,
  decided,
  newGroups,
  percentDecode,
  readEveryCopy,
  undecidedFor,
} from "./read-helpers";
import type { CmpDecoder, CmpReading } from "./types";

const ID = "cookiebot";
const COOKIE = "CookieConsent";
const CATEGORIES = ["necessary", "preferences", "statistics", "marketing"] as const;
const KEY = /^[A-Za-z0-9_$]{1,64}/;
const NUMBER = /^-?\d{1,20}(?:\.\d{1,20})?/;

type Scalar = string | number | boolean;

const undecided = undecidedFor(ID);

/**
 * `{key:value,...}` where a key is a bare word or a quoted string and a value is a quoted string,
 * true, false or a number. No nesting, no escapes: Cookiebot writes none. Anything else is null.
 */
function parseLiteral(text: string): Map<string, Scalar> | null {
  const fields = new Map<string, Scalar>();
  let rest = text.trim();
  if (!rest.startsWith("{")) return null;
  rest = rest.slice(1).trimStart();
  if (rest.startsWith("}")) return rest.slice(1).trim() === "" ? fields : null;
  for (;;) {
    const key = readString(rest) ?? readMatch(rest, KEY);
    if (key === null) return null;
    rest = rest.slice(key.length).trimStart();
    if (!rest.startsWith(":")) return null;
    rest = rest.slice(1).trimStart();
    const value = readValue(rest);
    if (value === null) return null;
    rest = rest.slice(value.length).trimStart();
    const name = key.text;
    if (FORBIDDEN_KEYS.has(name) || fields.has(name)) return null;
    fields.set(name, value.value);
    if (rest.startsWith(",")) {
      rest = rest.slice(1).trimStart();
      continue;
    }
    return rest.startsWith("}") && rest.slice(1).trim() === "" ? fields : null;
  }
}

interface Token {
  text: string;
  length: number;
}

function readString(rest: string): Token | null {
  const quote = rest[0];
  if (quote !== "'" && quote !== '"') return null;
  const end = rest.indexOf(quote, 1);
  if (end === -1) return null;
  const text = rest.slice(1, end);
  return text.includes("\\") ? null : { text, length: end + 1 };
}

function readMatch(rest: string, pattern: RegExp): Token | null {
  const match = pattern.exec(rest);
  return match ? { text: match[0], length: match[0].length } : null;
}

function readValue(rest: string): { value: Scalar; length: number } | null {
  const string = readString(rest);
  if (string) return { value: string.text, length: string.length };
  for (const literal of [true, false]) {
    const word = String(literal);
    if (rest.startsWith(word) && !KEY.test(rest.slice(word.length)))
      return { value: literal, length: word.length };
  }
  const number = readMatch(rest, NUMBER);
  return number ? { value: Number(number.text), length: number.length } : null;
}

function readObject(fields: Map<string, Scalar>): CmpReading {
  if (fields.get("stamp") === "-1") return undecided("consent-not-required");
  if (fields.get("method") === "implied") return undecided("implied-consent");
  const groups = newGroups();
  for (const category of CATEGORIES) {
    const value = fields.get(category);
    if (typeof value !== "boolean") return undecided("bad-category");
    groups[category] = value;
  }
  const utc = fields.get("utc");
  return decided(
    groups,
    typeof utc === "number" && Number.isSafeInteger(utc) && utc > 0 ? Math.floor(utc / 1000) : undefined,
  );
}

/** One copy of the cookie: `-1`, `0`, or the object literal, percent-encoded in part or whole. */
function readCopy(raw: string): CmpReading {
  const value = raw.trim();
  if (value === "-1") return undecided("consent-not-required");
  if (value === "0") {
    return decided(
      Object.assign(newGroups(), {
        necessary: true,
        preferences: false,
        statistics: false,
        marketing: false,
      }),
    );
  }
  const decoded = percentDecode(value);
  const fields = decoded === null ? null : parseLiteral(decoded);
  return fields === null ? undecided("unparseable") : readObject(fields);
}

export const cookiebot: CmpDecoder = {
  id: ID,
  cookies: [COOKIE],
  // Cookiebot's four fixed categories: https://www.cookiebot.com/en/developer/ (consent.* properties)
  defaultMapping: Object.freeze({
    necessary: "necessary",
    preferences: "functional",
    statistics: "analytics",
    marketing: "marketing",
  }),
  read(cookies, options) {
    return readEveryCopy(cookies, options?.cookieName ?? COOKIE, undecided, readCopy);
  },
};
