/**
 * CookieYes (formerly GDPR Cookie Consent / cookie-law-info).
 *
 *   cookieyes-consent=consentid:d2JnOW...,consent:yes,action:yes,necessary:yes,functional:yes,
 *     analytics:yes,performance:yes,advertisement:yes,other:yes
 *
 * `key:value` pairs joined by commas; each category is `yes` or `no`.
 *
 * What counts as a decision: `action`. CookieYes writes the cookie with the site's defaults before the
 * visitor chooses (`action` empty or `no`) and sets `action:yes` once the visitor acts (accept, reject,
 * save). Its older script shows the same split with separate cookies: banner shown and defaults
 * written while `cky-action` is empty (jithinmozilor/cookieyes-issues optimize-script/expected-gdpr.js,
 * setInitialCookies), and Edgee's CookieYes reader treats anything but `action:yes` as pending
 * (edgee-cloud/cookieyes-component src/lib.rs). `consent` is a one-word summary (`no` after "reject
 * all"); it decides nothing here, the categories do.
 * Categories are `yes`/`no`; a CookieYes category with another value (a truncated cookie) makes the
 * cookie unreadable. Fields CookieYes may add later are ignored unless they hold `yes`/`no`: they
 * grant nothing unless mapped. CookieYes stores no timestamp, so there is no `givenAt`.
 */
import type { CmpDecoder, CmpReading, CookiePair } from "./types";

const ID = "cookieyes";
const COOKIE = "cookieyes-consent";
/** Browsers keep at most 4096 bytes of name and value (RFC 6265 §6.1); more is not a real cookie. */
const MAX_VALUE_LENGTH = 4096;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const KEY = /^[A-Za-z0-9_-]{1,64}$/;
/** Fields that are not categories, whatever their value. */
const META_FIELDS = new Set(["consentid", "consent", "action"]);
/** CookieYes's own category slugs, which must hold `yes` or `no`. */
const KNOWN_CATEGORIES = new Set([
  "necessary",
  "functional",
  "analytics",
  "performance",
  "advertisement",
  "other",
]);
const DUPLICATE = Symbol("duplicate");

const undecided = (code: string): CmpReading => ({ status: "undecided", reason: `${ID}:${code}` });

/** The one value of `name`; several differing values are ambiguous and read as none. */
function findCookie(cookies: readonly CookiePair[], name: string): string | undefined | typeof DUPLICATE {
  const values = new Set(cookies.filter((cookie) => cookie.name === name).map((cookie) => cookie.value));
  if (values.size > 1) return DUPLICATE;
  return values.values().next().value;
}

function parseFields(value: string): Map<string, string> | null {
  const fields = new Map<string, string>();
  for (const part of value.split(",")) {
    const colon = part.indexOf(":");
    if (colon === -1) return null;
    const key = part.slice(0, colon);
    if (!KEY.test(key) || FORBIDDEN_KEYS.has(key) || fields.has(key)) return null;
    fields.set(key, part.slice(colon + 1));
  }
  return fields;
}

export const cookieyes: CmpDecoder = {
  id: ID,
  cookies: [COOKIE],
  // CookieYes's default category slugs; `other` (uncategorised cookies) is left unmapped.
  defaultMapping: Object.freeze({
    necessary: "necessary",
    functional: "functional",
    analytics: "analytics",
    performance: "analytics",
    advertisement: "marketing",
  }),
  read(cookies, options) {
    const raw = findCookie(cookies, options?.cookieName ?? COOKIE);
    if (raw === undefined) return { status: "absent" };
    if (raw === DUPLICATE) return undecided("duplicate-cookie");
    if (raw.length > MAX_VALUE_LENGTH) return undecided("value-too-long");
    let value = raw;
    if (raw.includes("%")) {
      try {
        value = decodeURIComponent(raw);
      } catch {
        return undecided("unparseable");
      }
    }
    const fields = parseFields(value);
    if (fields === null) return undecided("unparseable");
    if (fields.get("action") !== "yes") return undecided("no-action");
    const groups = Object.create(null) as Record<string, boolean>;
    for (const [key, flag] of fields) {
      if (META_FIELDS.has(key)) continue;
      if (flag === "yes" || flag === "no") groups[key] = flag === "yes";
      else if (KNOWN_CATEGORIES.has(key)) return undecided("bad-category-value");
    }
    return Object.keys(groups).length === 0 ? undecided("no-categories") : { status: "decided", groups };
  },
};
