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
import type { CmpDecoder, CmpReading, CookiePair } from "./types";

const ID = "klaro";
const COOKIE = "klaro";
/** Browsers keep at most 4096 bytes of name and value (RFC 6265 §6.1); more is not a real cookie. */
const MAX_VALUE_LENGTH = 4096;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const SERVICE = /^[^\s\u0000-\u001f\u007f"'<>]{1,128}$/u;
const DUPLICATE = Symbol("duplicate");

const undecided = (code: string): CmpReading => ({ status: "undecided", reason: `${ID}:${code}` });

/** The one value of `name`; several differing values are ambiguous and read as none. */
function findCookie(cookies: readonly CookiePair[], name: string): string | undefined | typeof DUPLICATE {
  const values = new Set(cookies.filter((cookie) => cookie.name === name).map((cookie) => cookie.value));
  if (values.size > 1) return DUPLICATE;
  return values.values().next().value;
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(decodeURIComponent(value)) as unknown;
  } catch {
    return undefined;
  }
}

export const klaro: CmpDecoder = {
  id: ID,
  cookies: [COOKIE],
  defaultMapping: Object.freeze({}),
  read(cookies, options) {
    const raw = findCookie(cookies, options?.cookieName ?? COOKIE);
    if (raw === undefined) return { status: "absent" };
    if (raw === DUPLICATE) return undecided("duplicate-cookie");
    if (raw.length > MAX_VALUE_LENGTH) return undecided("value-too-long");
    const consents = parseJson(raw);
    if (typeof consents !== "object" || consents === null || Array.isArray(consents)) {
      return undecided("unparseable");
    }
    const groups = Object.create(null) as Record<string, boolean>;
    for (const [service, granted] of Object.entries(consents)) {
      if (!SERVICE.test(service) || FORBIDDEN_KEYS.has(service)) return undecided("bad-service");
      if (typeof granted !== "boolean") return undecided("bad-value");
      groups[service] = granted;
    }
    return Object.keys(groups).length === 0 ? undecided("no-services") : { status: "decided", groups };
  },
};
