/**
 * The request side: which of the visitor's cookies the origin may see, and which the
 * response must delete because their category is not granted.
 */
import type { UndeclaredPolicy } from "../config/types";
import type { NamedReason } from "../report";
import type { ClassifyCookie } from "./classify-cookie";
import { judgeCookie } from "./judge-cookie";
import type { RequestCookie } from "./parse-cookie-header";

/**
 * Each expired name costs up to a handful of Set-Cookie lines. A visitor can send hundreds of
 * names a glob matches (`_ga_1`, `_ga_2`...); past this many, the rest are still withheld from the
 * origin and are deleted on later responses, but the response stays a sane size.
 */
export const MAX_EXPIRED_NAMES = 64;

export interface RequestCookiePlan {
  /** What the origin receives, in the browser's order. */
  kept: RequestCookie[];
  /** Withheld from the origin. */
  withheld: NamedReason[];
  /** Declared cookies of refused categories, to be deleted from the browser (one entry per name). */
  expire: Array<NamedReason & { path?: string }>;
  /** Declared refused cookies past MAX_EXPIRED_NAMES: withheld, deleted on a later response. */
  deferred: NamedReason[];
}

export function planRequestCookies(
  cookies: RequestCookie[],
  classify: ClassifyCookie,
  granted: ReadonlySet<string>,
  undeclared: UndeclaredPolicy,
  doNotTrack = false,
): RequestCookiePlan {
  const plan: RequestCookiePlan = { kept: [], withheld: [], expire: [], deferred: [] };
  const expiring = new Set<string>();
  for (const cookie of cookies) {
    const cookieClass = classify(cookie.name);
    const verdict = judgeCookie(cookieClass, granted, undeclared, doNotTrack);
    if (verdict.allowed) {
      plan.kept.push(cookie);
      continue;
    }
    plan.withheld.push({ name: cookie.name, reason: verdict.reason });
    // Undeclared cookies are withheld but not deleted: we do not know which app on the
    // registrable domain owns them, and deleting a sibling's session is not ours to do.
    if (cookieClass.kind !== "rule" || expiring.has(cookie.name)) continue;
    expiring.add(cookie.name);
    if (expiring.size > MAX_EXPIRED_NAMES) {
      plan.deferred.push({ name: cookie.name, reason: verdict.reason });
      continue;
    }
    const path = cookieClass.rule.path;
    plan.expire.push({ name: cookie.name, reason: verdict.reason, ...(path ? { path } : {}) });
  }
  return plan;
}
