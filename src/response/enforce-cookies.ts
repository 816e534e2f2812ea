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
      consentCookieName: site.consentCookie.name,
      granted: input.granted,
      undeclared: site.undeclared,
      doNotTrack: input.doNotTrack,
      now: input.now,
    });
    switch (decision.action) {
      case "drop":
        report.dropped.push({ name: decision.name, reason: decision.reason });
        continue;
      case "delete":
        // The origin's deletion of a refused cookie, sent as our own line: say so.
        report.rewritten.push({ name: decision.name, changes: ["deletion"] });
        break;
      case "rewrite":
        report.rewritten.push({ name: decision.name, changes: decision.changes });
        break;
      case "keep":
        // For the inventory (src/inventory/recorder.ts): the lines that pass unchanged.
        (report.kept ??= []).push({ name: decision.name, reason: decision.reason });
        break;
    }
    if (decision.reason.kind === "undeclared" && site.undeclared === "report")
      report.undeclared.push(decision.name);
    kept.push(decision.line);
  }

  // The report lists a cookie as expired only when a deletion line for it was sent (issue 7 item 9).
  const expiring: string[] = [];
  const notExpired: NonNullable<EnforcementReport["notExpired"]> = [];
  if (requestPlan.expire.length > 0) {
    const context = { domains: cookieDomains(requestUrl.hostname), secure: requestUrl.protocol === "https:" };
    for (const target of requestPlan.expire) {
      const deletions = expiryLines(target, context);
      if (deletions.length === 0) {
        notExpired.push({ name: target.name, reason: target.reason, why: "not a token" });
        continue;
      }
      expiring.push(...deletions);
      report.expired.push({ name: target.name, reason: target.reason });
    }
  }
  for (const deferred of requestPlan.deferred) notExpired.push({ ...deferred, why: "over the limit" });
  if (notExpired.length > 0) report.notExpired = [...(report.notExpired ?? []), ...notExpired];

  if (!enforce) return;
  if (lines.length > 0) {
    headers.delete("Set-Cookie");
    for (const line of kept) headers.append("Set-Cookie", line);
  }
  for (const line of expiring) headers.append("Set-Cookie", line);
  // What this visitor's response carries now depends on their consent.
  if (lines.length > 0 || expiring.length > 0) markPrivate(headers);
}
