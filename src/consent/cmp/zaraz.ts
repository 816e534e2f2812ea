/**
 * Cloudflare Zaraz's consent management, cookie `cf_consent` unless the site changed the
 * "Consent cookie name" in Zaraz > Consent (https://developers.cloudflare.com/zaraz/faq/#consent;
 * the zone config's `consent.cookieName`).
 *
 *   cf_consent={"USeX":true,"dqVA":false}
 *
 * "a JSON file that maps the purposes' ID to a `true`/`false`/missing value": true is consent
 * given, false refused, a purpose missing is one the visitor has not chosen yet
 * (https://developers.cloudflare.com/zaraz/consent-management/#purposes-and-tools). The page does
 * not say whether the JSON is percent-encoded in the cookie (a raw `"` or `,` is outside RFC 6265's
 * cookie-octet, §4.1.1, which is why most CMPs encode), so both forms are read, the raw one first.
 *
 * What counts as a decision: a readable object with at least one purpose. An empty object records
 * no choice: "undecided". A purpose missing from the cookie is simply absent, so never granted.
 * Purpose ids are random per site (four letters such as "USeX", created in the dashboard), so
 * there is no default mapping: each site maps its own purpose ids to categories. Zaraz stores no
 * timestamp, so there is no `givenAt`.
 */
import {
  FORBIDDEN_KEYS,
  isRecord,
  newGroups,
  parseRawOrPercentEncodedJson,
  readEveryCopy,
  undecidedFor,
} from "./read-helpers";
import type { CmpDecoder, CmpReading } from "./types";

const ID = "zaraz";
const COOKIE = "cf_consent";
/** A purpose id as a site could name it: no spaces, controls, quotes or angle brackets. */
const PURPOSE = /^[^\s\u0000-\u001f\u007f"'<>]{1,128}$/u;

const undecided = undecidedFor(ID);

/** One copy of the cookie: JSON (raw or percent-encoded), purpose id -> boolean. */
function readValue(raw: string): CmpReading {
  const consents = parseRawOrPercentEncodedJson(raw);
  if (!isRecord(consents)) return undecided("unparseable");
  const groups = newGroups();
  for (const [purpose, granted] of Object.entries(consents)) {
    if (!PURPOSE.test(purpose) || FORBIDDEN_KEYS.has(purpose)) return undecided("bad-purpose");
    if (typeof granted !== "boolean") return undecided("bad-value");
    groups[purpose] = granted;
  }
  return Object.keys(groups).length === 0 ? undecided("no-purposes") : { status: "decided", groups };
}

export const zaraz: CmpDecoder = {
  id: ID,
  cookies: [COOKIE],
  defaultMapping: Object.freeze({}),
  read(cookies, options) {
    return readEveryCopy(cookies, options?.cookieName ?? COOKIE, undecided, readValue);
  },
};
