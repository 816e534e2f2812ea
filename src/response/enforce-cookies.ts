/**
 * The response side of cookie enforcement: filter the origin's `Set-Cookie` lines and append
 * the deletions for refused cookies the browser still holds. Works on a mutable copy of the
 * headers, for every status (HEAD, 3xx and 304 included).
 */
import type { Site } from "../config/compile";
import { decideSetCookie } from "../cookies/decide-set-cookie";
import { expiryLines } from "../cookies/expire-cookies";
import type { RequestCookiePlan } from "../cookies/filter-request-cookies";
import { cookieDomains } from "../cookies/registrable-domain";
import type { EnforcementReport } from "../report";
import { markPrivate } from "./cache-safety";

export interface CookieEnforcementInput {
  site: Site;
  granted: ReadonlySet<string>;
  doNotTrack: boolean;
  requestPlan: RequestCookiePlan;
  requestUrl: URL;
  /** Unix seconds. */
  now: number;
}

/** Mutates `headers` (in enforce mode) and `report`. */
export function enforceCookies(
  headers: Headers,
  input: CookieEnforcementInput,
  report: EnforcementReport,
): void {
  const { site, requestPlan, requestUrl } = input;
  const enforce = site.mode === "enforce";
  const lines = headers.getSetCookie();
  const kept: string[] = [];
  for (const raw of lines) {
    const decision = decideSetCookie(raw, {
      classify: site.classifyCookie,
      granted: input.granted,
      undeclared: site.undeclared,
      doNotTrack: input.doNotTrack,
      now: input.now,
    });
    if (decision.action === "drop") {
      report.dropped.push({ name: decision.name, reason: decision.reason });
      continue;
    }
    if (decision.action === "rewrite")
      report.rewritten.push({ name: decision.name, changes: decision.changes });
    if (decision.reason.kind === "undeclared" && site.undeclared === "report")
      report.undeclared.push(decision.name);
    kept.push(decision.line);
  }

  const expiring: string[] = [];
  if (requestPlan.expire.length > 0) {
    const context = { domains: cookieDomains(requestUrl.hostname), secure: requestUrl.protocol === "https:" };
    for (const target of requestPlan.expire) {
      expiring.push(...expiryLines(target, context));
      report.expired.push({ name: target.name, reason: target.reason });
    }
  }

  if (!enforce) return;
  if (lines.length > 0) {
    headers.delete("Set-Cookie");
    for (const line of kept) headers.append("Set-Cookie", line);
  }
  for (const line of expiring) headers.append("Set-Cookie", line);
  // What this visitor's response carries now depends on their consent.
  if (lines.length > 0 || expiring.length > 0) markPrivate(headers);
}
