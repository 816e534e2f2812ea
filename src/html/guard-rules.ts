/**
 * The site's compiled tracker rules in the compact form the page guard reads (src/runtime/config.ts,
 * GuardRules): hosts grouped by the categories they need (`category:service` for a service's rule), URL globs as regular expression sources,
 * inline signatures. Built from the same compiled classifier the HTML stage uses, so the page and the
 * edge can never classify a URL differently. Written into every page: it grows by a host's length
 * plus one byte per host rule (README, Performance). A site with `"defaults": true` ships the
 * curated defaults too (about 28 KiB, 11 KiB gzipped: docs/defaults.md), so that script cannot load
 * what the edge would neutralise in the HTML.
 */
import type { ResourceClassifier, ResourceMatch } from "./classify-resource";
import { DO_NOT_TRACK } from "./inert";
import { needOf } from "../consent/grants";
import type { GuardRules } from "../runtime/config";

export function guardRules(classifier: ResourceClassifier, doNotTrack: boolean): GuardRules {
  const { hosts, urlGlobs, signatures } = classifier.compiled;
  const categories = (match: ResourceMatch) =>
    doNotTrack && match.doNotTrack ? `${needOf(match)} ${DO_NOT_TRACK}` : needOf(match);
  const h: Record<string, string> = {};
  for (const [host, match] of hosts) {
    const key = categories(match);
    h[key] = h[key] === undefined ? host : `${h[key]} ${host}`;
  }
  return {
    h,
    u: urlGlobs.map(({ regex, match }): [string, string] => [regex.source, categories(match)]),
    i: [...signatures].map(([signature, match]): [string, string] => [signature, categories(match)]),
  };
}
