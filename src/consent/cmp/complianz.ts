/**
 * Complianz (WordPress, Really-Simple-Plugins/complianz-gdpr): one cookie per category, `cmplz_` prefix.
 *
 *   cmplz_banner-status=dismissed; cmplz_policy_id=28; cmplz_functional=allow;
 *   cmplz_preferences=deny; cmplz_statistics=deny; cmplz_marketing=deny; cmplz_consented_services=
 *
 * Categories are `allow` or `deny`; Complianz itself grants only on `allow`
 * (Really-Simple-Plugins/complianz-gdpr functions.php, cmplz_has_consent:
 * `'allow' === $_COOKIE[ $cookie_name ]`).
 *
 * What counts as a decision: `cmplz_banner-status=dismissed`, which Complianz sets when the visitor
 * accepts, denies, saves or consents to a service from its placeholder (cookiebanner/js/complianz.js,
 * cmplz_set_banner_status('dismissed')); DuckDuckGo's autoconsent tests the same cookie to know a
 * Complianz visitor already chose (duckduckgo/autoconsent lib/eval-snippets.ts, EVAL_COMPLIANZ_BANNER_0).
 * Category cookies without it are defaults (opt-out regions write `allow` before any choice) =>
 * "undecided".
 * `cmplz_consented_services` (JSON, service -> boolean, often empty) holds consents given to single
 * services from their placeholders; they are reported as `service:<name>` groups, unmapped by default.
 * `options.cookieName` replaces the `cmplz_` prefix. Complianz stores no timestamp: no `givenAt`.
 */
import {
  DUPLICATE,
  FORBIDDEN_KEYS,
  MAX_VALUE_LENGTH,
  findCookie,
  isRecord,
  newGroups,
  parsePercentEncodedJson,
  undecidedFor,
} from "./read-helpers";
import type { CmpDecoder } from "./types";

const ID = "complianz";
const PREFIX = "cmplz_";
const CATEGORIES = ["functional", "preferences", "statistics", "marketing"] as const;
const SERVICE = /^[A-Za-z0-9_.-]{1,64}$/;

const undecided = undecidedFor(ID);

/** Adds `service:<name>` groups; false when the cookie is not a JSON object of booleans. */
function addServices(raw: string, groups: Record<string, boolean>): boolean {
  if (raw === "") return true;
  const services = parsePercentEncodedJson(raw);
  if (!isRecord(services)) return false;
  for (const [name, granted] of Object.entries(services)) {
    if (!SERVICE.test(name) || FORBIDDEN_KEYS.has(name) || typeof granted !== "boolean") return false;
    groups[`service:${name}`] = granted;
  }
  return true;
}

export const complianz: CmpDecoder = {
  id: ID,
  cookies: [`${PREFIX}*`],
  // Complianz's fixed categories; its "functional" is the always-on technical category.
  defaultMapping: Object.freeze({
    functional: "necessary",
    preferences: "functional",
    statistics: "analytics",
    marketing: "marketing",
  }),
  read(cookies, options) {
    const prefix = options?.cookieName ?? PREFIX;
    const own = cookies.filter((cookie) => cookie.name.startsWith(prefix));
    if (own.length === 0) return { status: "absent" };
    if (own.some((cookie) => cookie.value.length > MAX_VALUE_LENGTH)) return undecided("value-too-long");

    const status = findCookie(own, `${prefix}banner-status`);
    if (status === DUPLICATE) return undecided("duplicate-cookie");
    if (status !== "dismissed") return undecided("banner-not-dismissed");

    const groups = newGroups();
    for (const category of CATEGORIES) {
      const value = findCookie(own, `${prefix}${category}`);
      if (value === undefined) continue;
      if (value === DUPLICATE) return undecided("duplicate-cookie");
      if (value !== "allow" && value !== "deny") return undecided("bad-category-value");
      groups[category] = value === "allow";
    }
    const services = findCookie(own, `${prefix}consented_services`);
    if (services === DUPLICATE) return undecided("duplicate-cookie");
    if (services !== undefined && !addServices(services, groups)) return undecided("bad-services");

    return Object.keys(groups).length === 0 ? undecided("no-categories") : { status: "decided", groups };
  },
};
