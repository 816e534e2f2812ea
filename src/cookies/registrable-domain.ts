/**
 * The registrable domain ("eTLD+1") of a hostname, from the Public Suffix List including its
 * private section, so `foo.github.io` is its own registrable domain, as browsers treat it.
 */
import { getDomain } from "tldts";

export function registrableDomain(hostname: string): string | undefined {
  try {
    return getDomain(hostname, { allowPrivateDomains: true, extractHostname: false }) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every domain a cookie visible to `hostname` can be stored under with a `Domain=` attribute:
 * the host itself and each parent down to the registrable domain. Empty for IP addresses,
 * `localhost` and public suffixes, which only hold host-only cookies.
 */
export function cookieDomains(hostname: string): string[] {
  const registrable = registrableDomain(hostname);
  if (!registrable) return [];
  const domains: string[] = [];
  let current = hostname;
  while (current.length > registrable.length && current.endsWith(`.${registrable}`)) {
    domains.push(current);
    current = current.slice(current.indexOf(".") + 1);
  }
  domains.push(registrable);
  return domains;
}
