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
 * Several copies of a cookie (other paths or domains, or planted by a sibling subdomain): the banner
 * counts as dismissed when any copy says so, a category or service is granted only when every
 * readable copy grants it, and unreadable copies are passed over (the rule of `narrowestOf`).
 * `options.cookieName` replaces the `cmplz_` prefix. Complianz stores no timestamp: no `givenAt`.
 */
import {
  FORBIDDEN_KEYS,
  MAX_VALUE_LENGTH,
  decided,
  findValues,
  isRecord,
  narrowestOf,
  newGroups,
  parsePercentEncodedJson,
  undecidedFor,
} from "./read-helpers";
import type { CmpDecoder, CmpReading } from "./types";

const ID = "complianz";
const PREFIX = "cmplz_";
const CATEGORIES = ["functional", "preferences", "statistics", "marketing"] as const;
const SERVICE = /^[A-Za-z0-9_.-]{1,64}$/;

const undecided = undecidedFor(ID);

/** One copy of `cmplz_consented_services`: `service:<name>` groups, or bad-services. */
function readServices(raw: string): CmpReading {
  const groups = newGroups();
  if (raw === "") return decided(groups);
  const services = parsePercentEncodedJson(raw);
  if (!isRecord(services)) return undecided("bad-services");
  for (const [name, granted] of Object.entries(services)) {
    if (!SERVICE.test(name) || FORBIDDEN_KEYS.has(name) || typeof granted !== "boolean") {
      return undecided("bad-services");
    }
    groups[`service:${name}`] = granted;
  }
  return decided(groups);
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
    // A copy over the size limit was never stored by a browser: it is passed over, like any
    // unreadable copy (see narrowestOf), so that planting one cannot void the others.
    const stored = own.filter((cookie) => cookie.value.length <= MAX_VALUE_LENGTH);
    if (stored.length === 0) return undecided("value-too-long");

    // Dismissed by any copy: a planted copy that is not dismissed cannot turn a choice into defaults.
    if (!findValues(stored, `${prefix}banner-status`).includes("dismissed")) {
      return undecided("banner-not-dismissed");
    }

    const groups = newGroups();
    for (const category of CATEGORIES) {
      const values = findValues(stored, `${prefix}${category}`);
      if (values.length === 0) continue;
      const readable = values.filter((value) => value === "allow" || value === "deny");
      if (readable.length === 0) return undecided("bad-category-value");
      // Several copies: granted only when every readable copy allows it (see narrowestOf).
      groups[category] = readable.every((value) => value === "allow");
    }
    const services = findValues(stored, `${prefix}consented_services`);
    if (services.length > 0) {
      const reading = narrowestOf(services.map(readServices), undecided);
      if (reading.status !== "decided") return undecided("bad-services");
      Object.assign(groups, reading.groups);
    }

    return Object.keys(groups).length === 0 ? undecided("no-categories") : decided(groups);
  },
};
