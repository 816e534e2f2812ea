/**
 * OneTrust (formerly Optanon).
 *
 *   OptanonConsent=isGpcEnabled=0&datestamp=Wed+Feb+01+2023+...&version=202209.1.0&...
 *     &interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A0&geolocation=AT%3B9&...
 *   OptanonAlertBoxClosed=2023-02-01T11:35:32.118Z
 *
 * OptanonConsent is a query-string-like list of fields, each percent-encoded on its own; other fields
 * (datestamp, landingPath, geolocation, hosts) carry encoded `&`, `=`, `%`. So the raw value is split on
 * `&` first and only the fields read here are decoded, never the whole cookie.
 *
 * Cookie shape, field by field: https://www.npmjs.com/package/@commercetools-frontend/cookie-consent
 *
 * What counts as a decision (consent-edge's rule):
 * - OneTrust writes OptanonConsent with the site's default groups as soon as its script runs, before
 *   the visitor chooses; OptanonAlertBoxClosed (an ISO date) appears only when the banner is closed
 *   by a choice. No such date: the groups are defaults => "undecided". A value that is not an ISO date
 *   ("true", "1", set by banner-hiding extensions) is not a closed banner either.
 * - `interactionCount` (newer SDKs): when present it must be a whole number, and 0 means nobody
 *   interacted with this cookie's choices (a closed-banner date copied from another subdomain, or
 *   written by script) => "undecided". Absent (older SDKs, e.g. version 202301.1.0) the date alone
 *   decides.
 * - `givenAt` is the OptanonAlertBoxClosed date.
 * - Several copies of either cookie (other paths or domains, or one a sibling subdomain planted):
 *   the OptanonConsent copies are combined by `narrowestOf` (no copy widens what the others grant),
 *   and the latest OptanonAlertBoxClosed date that is a date counts.
 */
import {
  DUPLICATE,
  FORBIDDEN_KEYS,
  findValues,
  isoDateToSeconds,
  newGroups,
  percentDecode,
  readEveryCopy,
  undecidedFor,
} from "./read-helpers";
import type { CmpDecoder, CmpReading } from "./types";

const ID = "onetrust";
const CONSENT_COOKIE = "OptanonConsent";
const CLOSED_COOKIE = "OptanonAlertBoxClosed";
/** `C0002`, legacy numeric `2`, IAB stacks `STACK42`, `V2STACK42`, custom `SPD_BG`, `BG117`. */
const GROUP = /^([A-Za-z0-9_-]{1,64}):([01])$/;
const COUNT = /^\d{1,9}$/;

const undecided = undecidedFor(ID);

/** The raw (still encoded) value of one field; DUPLICATE when it appears twice. */
function readField(raw: string, name: string): string | undefined | typeof DUPLICATE {
  let found: string | undefined;
  for (const part of raw.split("&")) {
    const eq = part.indexOf("=");
    if ((eq === -1 ? part : part.slice(0, eq)) !== name) continue;
    if (found !== undefined) return DUPLICATE;
    found = eq === -1 ? "" : part.slice(eq + 1);
  }
  return found;
}

function parseGroups(decoded: string): Record<string, boolean> | null {
  const groups = newGroups();
  for (const entry of decoded.split(",")) {
    const match = GROUP.exec(entry);
    if (!match) return null;
    const [, id = "", flag] = match;
    if (FORBIDDEN_KEYS.has(id) || id in groups) return null;
    groups[id] = flag === "1";
  }
  return groups;
}

/**
 * When the banner was closed by a choice, from every OptanonAlertBoxClosed copy: the latest that
 * is an ISO date (what OneTrust writes is `new Date().toISOString()`; "true" or "1", set by
 * banner-hiding extensions, is no date), or why there is none.
 */
function readClosedAt(values: readonly string[]): number | "banner-not-closed" | "banner-closed-not-a-date" {
  if (values.length === 0) return "banner-not-closed";
  let latest: number | undefined;
  for (const value of values) {
    const decoded = percentDecode(value);
    const seconds = decoded === null ? undefined : isoDateToSeconds(decoded);
    if (seconds !== undefined) latest = Math.max(latest ?? 0, seconds);
  }
  return latest ?? "banner-closed-not-a-date";
}

/** One OptanonConsent copy, given when the banner was closed. */
function readConsent(raw: string, closedAt: ReturnType<typeof readClosedAt>): CmpReading {
  const rawGroups = readField(raw, "groups");
  if (rawGroups === DUPLICATE) return undecided("duplicate-field");
  if (rawGroups === undefined || rawGroups === "") return undecided("no-groups");
  const decodedGroups = percentDecode(rawGroups);
  const groups = decodedGroups === null ? null : parseGroups(decodedGroups);
  if (groups === null) return undecided("bad-groups");

  const rawCount = readField(raw, "interactionCount");
  if (rawCount === DUPLICATE) return undecided("duplicate-field");
  if (rawCount !== undefined) {
    if (!COUNT.test(rawCount)) return undecided("bad-interaction-count");
    if (Number(rawCount) === 0) return undecided("no-interaction");
  }

  if (typeof closedAt !== "number") return undecided(closedAt);
  return { status: "decided", groups, givenAt: closedAt };
}

export const onetrust: CmpDecoder = {
  id: ID,
  cookies: [CONSENT_COOKIE, CLOSED_COOKIE],
  // OneTrust's default category ids: https://www.npmjs.com/package/@commercetools-frontend/cookie-consent
  defaultMapping: Object.freeze({
    C0001: "necessary",
    C0002: "analytics", // Performance
    C0003: "functional",
    C0004: "marketing", // Targeting
    C0005: "marketing", // Social media
  }),
  read(cookies, options) {
    const closedAt = readClosedAt(findValues(cookies, CLOSED_COOKIE));
    return readEveryCopy(cookies, options?.cookieName ?? CONSENT_COOKIE, undecided, (raw) =>
      readConsent(raw, closedAt),
    );
  },
};
