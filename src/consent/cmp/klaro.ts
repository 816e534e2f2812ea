/**
 * Klaro (klaro-org/klaro-js, formerly KIProtect), cookie `klaro` unless the site set `storageName`.
 *
 *   klaro=%7B%22klaro%22%3Atrue%2C%22cms%22%3Atrue%2C%22adsense%22%3Afalse%2C%22youtube%22%3Afalse%7D
 *
 * `encodeURIComponent(JSON.stringify(consents))`: one boolean per *service* the site configured
 * (klaro-org/klaro-js src/consent-manager.js, saveConsents; src/utils/cookies.js writes it as is).
 *
 * What counts as a decision: Klaro writes the cookie only in saveConsents, when the visitor accepts,
 * declines or saves, so a readable cookie is a decision. An empty object records nothing: "undecided".
 * Groups are the service names, which every site chooses ("matomo", "youtube", "google-analytics"):
 * there is no default mapping, each site maps its own services to categories. A service missing from
 * the cookie (added to the config after the visitor chose) is simply absent, so never granted.
 * Klaro stores no timestamp, so there is no `givenAt`.
 */
import {
  FORBIDDEN_KEYS,
  isRecord,
  newGroups,
  parsePercentEncodedJson,
  readEveryCopy,
  undecidedFor,
} from "./read-helpers";
import type { CmpDecoder, CmpReading } from "./types";

const ID = "klaro";
const COOKIE = "klaro";
const SERVICE = /^[^\s\u0000-\u001f\u007f"'<>]{1,128}$/u;

const undecided = undecidedFor(ID);

/** One copy of the cookie: percent-encoded JSON, service -> boolean. */
function readValue(raw: string): CmpReading {
  const consents = parsePercentEncodedJson(raw);
  if (!isRecord(consents)) return undecided("unparseable");
  const groups = newGroups();
  for (const [service, granted] of Object.entries(consents)) {
    if (!SERVICE.test(service) || FORBIDDEN_KEYS.has(service)) return undecided("bad-service");
    if (typeof granted !== "boolean") return undecided("bad-value");
    groups[service] = granted;
  }
  return Object.keys(groups).length === 0 ? undecided("no-services") : { status: "decided", groups };
}

export const klaro: CmpDecoder = {
  id: ID,
  cookies: [COOKIE],
  defaultMapping: Object.freeze({}),
  read(cookies, options) {
    return readEveryCopy(cookies, options?.cookieName ?? COOKIE, undecided, readValue);
  },
};
