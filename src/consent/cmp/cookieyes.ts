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
import { FORBIDDEN_KEYS, newGroups, percentDecode, readEveryCopy, undecidedFor } from "./read-helpers";
import type { CmpDecoder, CmpReading } from "./types";

const ID = "cookieyes";
const COOKIE = "cookieyes-consent";
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

const undecided = undecidedFor(ID);

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

/** One copy of the cookie: `key:value` pairs, percent-encoded or not. */
function readValue(raw: string): CmpReading {
  // A value without `%` decodes to itself, so an unencoded cookie reads as written.
  const value = percentDecode(raw);
  const fields = value === null ? null : parseFields(value);
  if (fields === null) return undecided("unparseable");
  if (fields.get("action") !== "yes") return undecided("no-action");
  const groups = newGroups();
  for (const [key, flag] of fields) {
    if (META_FIELDS.has(key)) continue;
    if (flag === "yes" || flag === "no") groups[key] = flag === "yes";
    else if (KNOWN_CATEGORIES.has(key)) return undecided("bad-category-value");
  }
  return Object.keys(groups).length === 0 ? undecided("no-categories") : { status: "decided", groups };
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
    return readEveryCopy(cookies, options?.cookieName ?? COOKIE, undecided, readValue);
  },
};
