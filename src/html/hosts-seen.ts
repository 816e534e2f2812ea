/**
 * The third-party hosts one page references, for the inventory: each URL the neutraliser classifies
 * (an element's attributes, an inline script's mentioned hosts, a nested document's URLs) is handed
 * over with what became of its element, and kept once per host and outcome when its host is not on
 * the page's own registrable domain. Only built when someone reads it (the inventory observes, or the
 * debug headers are asked for): the neutraliser's usual path never calls it.
 */
import { registrableDomain } from "../cookies/registrable-domain";
import type { HostSeen } from "../report";
import type { LocatedUrl } from "./classify-resource";

/**
 * Entries kept per page (a host counts once allowed and once neutralised). Past it the page's later
 * hosts go unrecorded rather than let one page's markup grow the report, and the inventory's
 * memory, without bound.
 */
export const MAX_HOSTS_PER_PAGE = 200;

/** Where the neutraliser hands each element's URLs, with whether the element was (would be) made inert. */
export interface HostSink {
  /**
   * `override`: the element's own marking (`data-consent-category`) decided it, not the rules: its
   * rule and categories stand for every URL in it.
   */
  record(
    urls: readonly LocatedUrl[],
    neutralised: boolean,
    override?: { rule: string; category: string },
  ): void;
}

/** A sink that keeps third-party hosts in `into` (report.hosts), deduplicated and capped. */
export function hostRecorder(into: HostSeen[], page: URL): HostSink {
  const own = siteOf(page.hostname.toLowerCase());
  const thirdParty = new Map<string, boolean>();
  const kept = new Set<string>();
  const isThirdParty = (host: string) => {
    let answer = thirdParty.get(host);
    if (answer === undefined) {
      answer = siteOf(host) !== own;
      thirdParty.set(host, answer);
    }
    return answer;
  };
  return {
    record(urls, neutralised, override) {
      for (const { host, match } of urls) {
        if (into.length >= MAX_HOSTS_PER_PAGE) return;
        if (host === "" || !isThirdParty(host)) continue;
        const key = `${neutralised ? "n" : "a"} ${host}`;
        if (kept.has(key)) continue;
        kept.add(key);
        into.push({
          host,
          rule: override?.rule ?? match?.rule ?? null,
          category: override?.category ?? match?.category ?? null,
          neutralised,
        });
      }
    },
  };
}

/** The registrable domain, or the host itself where there is none (an IP address, `localhost`). */
function siteOf(host: string): string {
  return registrableDomain(host) ?? host;
}
