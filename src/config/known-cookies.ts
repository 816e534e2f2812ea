/**
 * Folded into the one table of vendors' cookies, src/defaults/cookies.ts: these are its first-party
 * entries (a third party's cookie never reaches the worker, so the inventory never sees one), under
 * the names `consent-edge suggest` and its tests have always used.
 */
import { DEFAULT_COOKIES, type DefaultCookie } from "../defaults/cookies";

export type KnownCookie = DefaultCookie;

export const KNOWN_COOKIES: readonly KnownCookie[] = DEFAULT_COOKIES.filter(
  (cookie) => cookie.thirdParty === undefined,
);
