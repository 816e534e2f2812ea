/**
 * vanilla-cookieconsent (orestbida/cookieconsent), cookie `cc_cookie` unless the site renamed it.
 *
 *   v3: {"categories":["necessary","analytics"],"revision":0,"data":null,"consentTimestamp":"...Z",
 *        "consentId":"...","services":{"necessary":[],"analytics":[],"ads":[]},"lastConsentTimestamp":"...Z"}
 *   v2: {"level":["necessary","analytics"],"revision":0,"data":null,"rfc_cookie":false}
 *       (v2.8+ adds "consent_date", "consent_uuid", "last_consent_update")
 *
 * v3 writes `encodeURIComponent(JSON.stringify(...))` (orestbida/cookieconsent src/utils/cookies.js,
 * setCookie); v2 writes raw JSON unless `use_rfc_cookie` is set. Both are read.
 *
 * What counts as a decision: the library writes the cookie only when the visitor accepts or rejects
 * (saveCookiePreferences), never before, so a readable cookie is a decision.
 * - Accepted categories are the ones listed (`categories`, or v2 `level`), named by the site.
 * - v3 also lists every category the site defines as a key of `services`: a key not among the accepted
 *   categories was rejected (false). v2 names only the accepted ones; the rest are simply absent.
 * - `revision` is not checked: the library re-asks when the site bumps it, but consent-edge does not
 *   know the site's revision here. `givenAt` is the last change (lastConsentTimestamp /
 *   last_consent_update), else the first consent; an unusable date only drops `givenAt`.
 */
import type { CmpDecoder, CmpReading, CookiePair } from "./types";

const ID = "vanilla-cookieconsent";
const COOKIE = "cc_cookie";
/** Browsers keep at most 4096 bytes of name and value (RFC 6265 §6.1); more is not a real cookie. */
const MAX_VALUE_LENGTH = 4096;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
/** Site-chosen names ("tecnici", "diger", "support"): printable, no separators that hide anything. */
const CATEGORY = /^[^\s\u0000-\u001f\u007f"'<>]{1,64}$/u;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
const DUPLICATE = Symbol("duplicate");

const undecided = (code: string): CmpReading => ({ status: "undecided", reason: `${ID}:${code}` });

/** The one value of `name`; several differing values are ambiguous and read as none. */
function findCookie(cookies: readonly CookiePair[], name: string): string | undefined | typeof DUPLICATE {
  const values = new Set(cookies.filter((cookie) => cookie.name === name).map((cookie) => cookie.value));
  if (values.size > 1) return DUPLICATE;
  return values.values().next().value;
}

/** Raw JSON first (v2 default), then percent-decoded JSON (v3, v2 with rfc_cookie). */
function parseJson(value: string): unknown {
  for (const attempt of [() => value, () => decodeURIComponent(value)]) {
    try {
      return JSON.parse(attempt()) as unknown;
    } catch {
      // try the next form
    }
  }
  return undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isCategory = (name: unknown): name is string =>
  typeof name === "string" && CATEGORY.test(name) && !FORBIDDEN_KEYS.has(name);

function toSeconds(value: unknown): number | undefined {
  if (typeof value !== "string" || !ISO_DATE.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function readContent(content: Record<string, unknown>): CmpReading {
  const accepted = Array.isArray(content.categories) ? content.categories : content.level;
  if (!Array.isArray(accepted)) return undecided("no-categories");
  const groups = Object.create(null) as Record<string, boolean>;
  for (const name of accepted) {
    if (!isCategory(name)) return undecided("bad-category");
    groups[name] = true;
  }
  if (content.services !== undefined) {
    if (!isRecord(content.services)) return undecided("bad-services");
    for (const name of Object.keys(content.services)) {
      if (!isCategory(name)) return undecided("bad-category");
      groups[name] ??= false;
    }
  }
  const givenAt =
    toSeconds(content.lastConsentTimestamp) ??
    toSeconds(content.last_consent_update) ??
    toSeconds(content.consentTimestamp) ??
    toSeconds(content.consent_date);
  return givenAt === undefined ? { status: "decided", groups } : { status: "decided", groups, givenAt };
}

export const vanillaCookieconsent: CmpDecoder = {
  id: ID,
  cookies: [COOKIE],
  // Categories are named by each site; these are the common names (the library's docs use
  // necessary/functionality/analytics/marketing; sites in the wild use targeting, ads, performance...).
  defaultMapping: Object.freeze({
    necessary: "necessary",
    functional: "functional",
    preferences: "functional",
    analytics: "analytics",
    performance: "analytics",
    statistics: "analytics",
    marketing: "marketing",
    targeting: "marketing",
    ads: "marketing",
  }),
  read(cookies, options) {
    const raw = findCookie(cookies, options?.cookieName ?? COOKIE);
    if (raw === undefined) return { status: "absent" };
    if (raw === DUPLICATE) return undecided("duplicate-cookie");
    if (raw.length > MAX_VALUE_LENGTH) return undecided("value-too-long");
    const content = parseJson(raw);
    return isRecord(content) ? readContent(content) : undecided("unparseable");
  },
};
