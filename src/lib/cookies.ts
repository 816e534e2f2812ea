/**
 * Parse a `Set-Cookie` line and judge it against a site's rules and a visitor's consent: the
 * decision the worker makes for each line an origin sends, as a pure function.
 */
import type { Site } from "../config/compile";
import { NECESSARY } from "../config/types";
import { type SetCookieDecision, decideSetCookie } from "../cookies/decide-set-cookie";

export { type CookieClass, type ClassifyCookie } from "../cookies/classify-cookie";
export { type SetCookieContext, type SetCookieDecision, decideSetCookie } from "../cookies/decide-set-cookie";
export { describeReason, type CookieReason } from "../cookies/judge-cookie";
export { type RequestCookie, parseCookieHeader } from "../cookies/parse-cookie-header";
export { type SetCookieAttribute, type SetCookieLine, parseSetCookie } from "../cookies/parse-set-cookie";

/**
 * What the worker does with `line` from the origin of `site` (a site of compileConfig's result)
 * for a visitor who granted `granted`: keep, rewrite (with the line to send), delete or drop,
 * with the reason. `now` is Unix seconds.
 */
export function judgeSetCookie(
  line: string,
  site: Site,
  granted: Iterable<string>,
  now: number = Math.floor(Date.now() / 1000),
): SetCookieDecision {
  return decideSetCookie(line, {
    classify: site.classifyCookie,
    consentCookieName: site.consentCookie.name,
    granted: new Set([NECESSARY, ...granted]),
    undeclared: site.undeclared,
    now,
  });
}
