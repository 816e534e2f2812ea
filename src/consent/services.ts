/**
 * The services a site's rules name (config/service.ts): what a visitor can grant on its own, with
 * the label the banner and the placeholder show and the category it belongs to. The site's own
 * tracker and cookie rules first (their category decides), then the built-in tracker rules the
 * site keeps (YouTube, Vimeo). Computed once per site.
 */
import type { ValidSite } from "../config/validate";
import { BUILTIN_TRACKERS } from "../html/builtin-trackers";

export interface Service {
  id: string;
  /** The rule's vendor (trackers) or provider (cookies), else the id. */
  label: string;
  category: string;
}

const cache = new WeakMap<ValidSite, ReadonlyMap<string, Service>>();

export function servicesOf(site: ValidSite): ReadonlyMap<string, Service> {
  let services = cache.get(site);
  if (services) return services;
  const found = new Map<string, Service>();
  const add = (rule: { service?: string | undefined; category: string }, label: string | undefined) => {
    if (rule.service === undefined || found.has(rule.service)) return;
    found.set(rule.service, { id: rule.service, label: label ?? rule.service, category: rule.category });
  };
  for (const rule of site.trackers.rules) add(rule, rule.vendor);
  for (const rule of site.cookies) add(rule, rule.provider);
  if (site.trackers.builtin) for (const rule of BUILTIN_TRACKERS) add(rule, rule.vendor);
  services = found;
  cache.set(site, services);
  return services;
}
