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
import {
  FORBIDDEN_KEYS,
  decided,
  isRecord,
  isoDateToSeconds,
  newGroups,
  parseRawOrPercentEncodedJson,
  readEveryCopy,
  undecidedFor,
} from "./read-helpers";
import type { CmpDecoder, CmpReading } from "./types";

const ID = "vanilla-cookieconsent";
const COOKIE = "cc_cookie";
/** Site-chosen names ("tecnici", "diger", "support"): printable, no separators that hide anything. */
const CATEGORY = /^[^\s\u0000-\u001f\u007f"'<>]{1,64}$/u;

const undecided = undecidedFor(ID);

const isCategory = (name: unknown): name is string =>
  typeof name === "string" && CATEGORY.test(name) && !FORBIDDEN_KEYS.has(name);

function readContent(content: Record<string, unknown>): CmpReading {
  const accepted = Array.isArray(content.categories) ? content.categories : content.level;
  if (!Array.isArray(accepted)) return undecided("no-categories");
  const groups = newGroups();
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
  return decided(
    groups,
    isoDateToSeconds(content.lastConsentTimestamp) ??
      isoDateToSeconds(content.last_consent_update) ??
      isoDateToSeconds(content.consentTimestamp) ??
      isoDateToSeconds(content.consent_date),
  );
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
    return readEveryCopy(cookies, options?.cookieName ?? COOKIE, undecided, (raw) => {
      // Raw JSON first (v2 default), then percent-decoded JSON (v3, v2 with rfc_cookie).
      const content = parseRawOrPercentEncodedJson(raw);
      return isRecord(content) ? readContent(content) : undecided("unparseable");
    });
  },
};
