/**
 * The services of each category, for the policy (issue 12 item 3, docs/services.md): what a visitor
 * can allow on their own, with what the config says each one loads (its tracker rules' hosts and
 * URLs) and stores (its cookie rules). The same services the banner's Customise offers
 * (consent/services.ts: the site's own rules, then the built-in ones the site keeps), so the policy
 * names exactly what can be granted.
 */
import type { ValidSite } from "../config/validate";
import { NECESSARY } from "../config/types";
import { servicesOf } from "../consent/services";
import { BUILTIN_TRACKERS } from "../html/builtin-trackers";

export interface DeclaredService {
  id: string;
  /** The vendor or provider the config names, else the id. */
  label: string;
  /** Hosts (`youtube.com`) and URL patterns its tracker rules match, in config order, each once. */
  hosts: string[];
  /** Its cookie rules' names (`YSC`, `VISITOR_*`). */
  cookies: string[];
}

/** Category id -> its services, in the order servicesOf lists them; `necessary` has none to allow. */
export function declaredServicesOf(site: ValidSite): Map<string, DeclaredService[]> {
  const trackers = [...site.trackers.rules, ...(site.trackers.builtin ? BUILTIN_TRACKERS : [])];
  const byCategory = new Map<string, DeclaredService[]>();
  for (const { id, label, category } of servicesOf(site).values()) {
    if (category === NECESSARY || !site.categories.includes(category)) continue;
    // A rule of the service in another category is refused by the config's cross-check; the
    // built-in rules are only the service's while the site does not claim the id for another one.
    const loads = trackers.filter(
      (rule) => rule.service === id && rule.category === category && rule.kind !== "inline",
    );
    const service: DeclaredService = {
      id,
      label,
      hosts: [...new Set(loads.map((rule) => rule.match))],
      cookies: site.cookies.filter((rule) => rule.service === id).map((rule) => rule.pattern),
    };
    const list = byCategory.get(category) ?? [];
    list.push(service);
    byCategory.set(category, list);
  }
  return byCategory;
}
