/**
 * Didomi, cookie `didomi_token`: base64 (or base64url) of a JSON record.
 *
 *   {"user_id":"...","created":"2024-07-05T13:22:14.993Z","updated":"2024-07-05T13:22:52.393Z",
 *    "vendors":{"enabled":[...],"disabled":[...]},"purposes":{"enabled":["geo_ads"],"disabled":[...]},
 *    "vendors_li":{...},"purposes_li":{...},"version":2,"ac":"..."}
 *
 * (https://developers.didomi.io/cmp/web-sdk/consent-notice/didomi-consent-string describes the
 * didomi_token it replaces; real tokens: uBlockOrigin/uBOL-home, see the tests.)
 *
 * What counts as a decision: a token holding at least one purpose choice (enabled or disabled).
 * Didomi writes the token when the visitor chooses; one with no purpose choice records nothing.
 * - groups: `purposes.enabled` -> true, `purposes.disabled` -> false. A purpose in both is malformed.
 * - `purposes_li` / `vendors_li` (legitimate interest) are ignored: storing or reading on a device needs
 *   consent (ePrivacy Directive 2002/58/EC Art. 5(3)), legitimate interest never grants it.
 * - vendors are ignored: consent-edge decides per category, not per vendor.
 * - `givenAt` is `updated`, else `created`; an unusable date only drops `givenAt`.
 * On TCF sites the IAB purposes live in `euconsent-v2` (the TCF decoder); the token then carries
 * Didomi and custom purposes only, which a site maps itself.
 */
import {
  FORBIDDEN_KEYS,
  decided,
  isRecord,
  isoDateToSeconds,
  newGroups,
  readEveryCopy,
  undecidedFor,
} from "./read-helpers";
import type { CmpDecoder, CmpReading } from "./types";

const ID = "didomi";
const COOKIE = "didomi_token";
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const PURPOSE = /^[A-Za-z0-9_:.-]{1,128}$/;

const undecided = undecidedFor(ID);

/** Percent-decoding (a `%3D` padding), base64url to base64, then UTF-8 JSON. */
function decodeToken(raw: string): unknown {
  try {
    const base64 = decodeURIComponent(raw).replace(/-/g, "+").replace(/_/g, "/");
    if (!BASE64.test(base64)) return undefined;
    const padded = base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), "=");
    const bytes = Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
    return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

/** The ids of one list, or null when it is not a list of valid ids. A missing list is empty. */
function readIds(list: unknown): string[] | null {
  if (list === undefined) return [];
  if (!Array.isArray(list)) return null;
  const ok = list.every((id) => typeof id === "string" && PURPOSE.test(id) && !FORBIDDEN_KEYS.has(id));
  return ok ? (list as string[]) : null;
}

function readToken(token: Record<string, unknown>): CmpReading {
  if (token.purposes === undefined) return undecided("no-purpose-choice");
  if (!isRecord(token.purposes)) return undecided("bad-purposes");
  const enabled = readIds(token.purposes.enabled);
  const disabled = readIds(token.purposes.disabled);
  if (enabled === null || disabled === null) return undecided("bad-purposes");
  if (enabled.length + disabled.length === 0) return undecided("no-purpose-choice");
  const groups = newGroups();
  for (const id of enabled) groups[id] = true;
  for (const id of disabled) {
    if (groups[id] === true) return undecided("contradictory-purpose");
    groups[id] = false;
  }
  return decided(groups, isoDateToSeconds(token.updated) ?? isoDateToSeconds(token.created));
}

export const didomi: CmpDecoder = {
  id: ID,
  cookies: [COOKIE],
  // Didomi's ids for the IAB TCF purposes (https://support.didomi.io/purposes). Left unmapped on
  // purpose: "cookies" (TCF purpose 1, storage in general, a precondition of every category, not a
  // category) and the special features "device_characteristics" / "geolocation_data".
  defaultMapping: Object.freeze({
    select_basic_ads: "marketing", // 2. Use limited data to select advertising
    create_ads_profile: "marketing", // 3. Create profiles for personalised advertising
    select_personalized_ads: "marketing", // 4. Use profiles to select personalised advertising
    create_content_profile: "functional", // 5. Create profiles to personalise content
    select_personalized_content: "functional", // 6. Use profiles to select personalised content
    measure_ad_performance: "marketing", // 7. Measure advertising performance
    measure_content_performance: "analytics", // 8. Measure content performance
    market_research: "analytics", // 9. Understand audiences through statistics
    improve_products: "analytics", // 10. Develop and improve services
    use_limited_data_to_select_content: "functional", // 11. Use limited data to select content
  }),
  read(cookies, options) {
    return readEveryCopy(cookies, options?.cookieName ?? COOKIE, undecided, (raw) => {
      const token = decodeToken(raw.trim());
      return isRecord(token) ? readToken(token) : undecided("unparseable");
    });
  },
};
