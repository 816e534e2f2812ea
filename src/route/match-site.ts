/**
 * Which site serves a request: hostname (exact, then `*.` wildcards from the longest suffix),
 * then the longest matching path prefix. Built once per isolate; a lookup is a few Map probes.
 * A request that matches nothing is refused by the caller: the worker is not an open proxy.
 */

export interface Routable {
  hosts: string[];
  /** "" for every path; otherwise "/shop" (no trailing slash). */
  pathPrefix: string;
}

export type MatchSite<S> = (hostname: string, pathname: string) => S | undefined;

export function compileSiteMatcher<S extends Routable>(sites: S[]): MatchSite<S> {
  const exact = new Map<string, S[]>();
  const wildcard = new Map<string, S[]>();
  for (const site of sites) {
    for (const host of site.hosts) {
      const table = host.startsWith("*.") ? wildcard : exact;
      const key = host.startsWith("*.") ? host.slice(2) : host;
      const list = table.get(key) ?? [];
      list.push(site);
      table.set(key, list);
    }
  }
  // Most specific path first.
  for (const list of [...exact.values(), ...wildcard.values()]) {
    list.sort((a, b) => b.pathPrefix.length - a.pathPrefix.length);
  }

  return (rawHostname, pathname) => {
    // Hostnames are case-insensitive (RFC 4343) and may carry a trailing root dot.
    const hostname = rawHostname.toLowerCase().replace(/\.$/, "");
    const found = pickByPath(exact.get(hostname), pathname);
    if (found) return found;
    // `*.example.com` covers every subdomain depth; the longest suffix wins.
    let dot = hostname.indexOf(".");
    while (dot !== -1) {
      const match = pickByPath(wildcard.get(hostname.slice(dot + 1)), pathname);
      if (match) return match;
      dot = hostname.indexOf(".", dot + 1);
    }
    return undefined;
  };
}

function pickByPath<S extends Routable>(candidates: S[] | undefined, pathname: string): S | undefined {
  if (!candidates) return undefined;
  return candidates.find((site) => isUnderPrefix(pathname, site.pathPrefix));
}

/** `/shop` covers `/shop` and `/shop/...`, not `/shopping`. */
export function isUnderPrefix(pathname: string, prefix: string): boolean {
  if (prefix === "") return true;
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}
