/**
 * The runtime injected first into every rewritten page: it restores neutralised elements, in
 * document order, the moment the visitor grants their category, without a reload, and gives the page
 * `window.consentEdge`. Its source is TypeScript for the browser in src/runtime/ (index.ts says what
 * it does); scripts/build-runtime.ts bundles and minifies it into src/html/runtime.generated.ts, the
 * strings shipped here and measured by the tests. This file builds what the edge hands it per page.
 */
import type { Site } from "../config/compile";
import type { CookieRule } from "../config/validate";
import { globSource } from "../config/glob";
import { NECESSARY, type StorageArea } from "../config/types";
import type { RuntimeConfig } from "../runtime/config";
import { API_PREFIX } from "../endpoints/api-prefix";
import { nonceAttribute } from "./csp";
import { isGrants, needOf } from "../consent/grants";
import { guardRules } from "./guard-rules";
import { registrableDomain } from "../cookies/registrable-domain";
import { defaultCookieRules } from "../defaults/cookies";
import { zaraz } from "../consent/cmp/zaraz";
import {
  GUARD_SOURCE_TEXT,
  PAGE_GUARD_SOURCE,
  REPORTER_SOURCE,
  RUNTIME_SOURCE,
  ZARAZ_SOURCE,
} from "./runtime.generated";

export { GUARD_SOURCE_TEXT, PAGE_GUARD_SOURCE, REPORTER_SOURCE, RUNTIME_SOURCE, ZARAZ_SOURCE };
export type { RuntimeConfig };

/**
 * `doNotTrack`: the visitor sent DNT: 1, so `doNotTrack` rules need a category nobody can grant;
 * `refusedBySignals`: what GPC or DNT refuse whatever the visitor grants.
 */
export function runtimeConfig(
  site: Site,
  granted: ReadonlySet<string>,
  doNotTrack = false,
  refusedBySignals: readonly string[] = [],
): RuntimeConfig {
  return {
    x: [...refusedBySignals],
    n: site.consentCookie.name,
    r: site.policyRevision,
    m: site.consentCookie.maxAgeSeconds,
    k: site.categories,
    g: [...granted].filter((category) => category !== NECESSARY),
    v: isGrants(granted) ? [...granted.services] : [],
    p: `${site.pathPrefix}${API_PREFIX}consent`,
    gcm: site.trackers.googleConsentMode,
    guard: cookieGuardRules(site),
    t: pageGuardRules(site, doNotTrack),
    s: storageGuardRules(site),
    ...zarazConfig(site),
    ...(sampled(site) ? { q: reporterConfig(site) } : {}),
  };
}

/**
 * Whether this page view reports what the browser contacted (the inventory's sample): decided per
 * response, only for a site whose inventory is on. `random` is for tests.
 */
export function sampled(site: Site, random: () => number = Math.random): boolean {
  return (
    site.inventory.enabled && site.inventory.browserSample > 0 && random() < site.inventory.browserSample
  );
}

/** RuntimeConfig.q: the report endpoint's path, then the registrable domains of the site's hosts. */
const reporterConfig = perSite((site): string[] => {
  const domains = site.hosts.map((host) => {
    const name = host.replace(/^\*\./, "");
    return registrableDomain(name) ?? name;
  });
  return [`${site.pathPrefix}${API_PREFIX}report`, ...new Set(domains)];
});

/**
 * What depends only on the site is built once per isolate, not per page: `build` memoised per site
 * (a WeakMap, so a recompiled config lets the old sites go).
 */
function perSite<T>(build: (site: Site) => T): (site: Site) => T {
  const cache = new WeakMap<Site, T>();
  return (site) => {
    if (!cache.has(site)) cache.set(site, build(site));
    return cache.get(site) as T;
  };
}

/**
 * RuntimeConfig.z, for a site with a `zaraz` source: the purposes of its map (of every such source),
 * and whether consent-edge's own cookie comes before Zaraz's in the sources: then a choice in it is
 * what the edge decided by, and Zaraz is told it at boot too (runtime/zaraz.ts). With Zaraz's
 * cookie first, Zaraz's stored choice is what the edge went by, and the page leaves it be until the
 * visitor chooses in consent-edge again.
 */
const zarazConfig = perSite((site): { z?: NonNullable<RuntimeConfig["z"]> } => {
  const sources = site.consent.sources;
  const first = sources.findIndex((source) => source.kind === "cmp" && source.cmp === zaraz.id);
  const purposes: Record<string, string> = {};
  for (const source of sources) {
    if (source.kind === "cmp" && source.cmp === zaraz.id) Object.assign(purposes, source.map);
  }
  if (Object.keys(purposes).length === 0) return {};
  const own = sources.findIndex((source) => source.kind === "consent-cookie");
  return { z: [purposes, own !== -1 && own < first ? 1 : 0] };
});

/** The `areas` bits of RuntimeConfig.s: 1 localStorage, 2 sessionStorage. */
const AREA_BITS: Record<StorageArea, number> = { local: 1, session: 2, both: 3 };

/** The storage rules, which ship with the page guard. A necessary key is never refused: no rule for it. */
const storageGuardRules = perSite((site): RuntimeConfig["s"] => {
  const refusable = site.storage.filter((rule) => rule.category !== NECESSARY);
  return site.trackers.runtimeGuard && refusable.length > 0
    ? refusable.map((rule): [string, string, number] => [
        `^${globSource(rule.key)}$`,
        rule.category,
        AREA_BITS[rule.area],
      ])
    : false;
});

/** The page guard's rules, for a visitor without DNT and for one with it. */
const pageGuards = [false, true].map((doNotTrack) =>
  perSite((site): RuntimeConfig["t"] =>
    site.trackers.runtimeGuard ? guardRules(site.classifyResource, doNotTrack) : false,
  ),
);
const pageGuardRules = (site: Site, doNotTrack: boolean): RuntimeConfig["t"] =>
  (pageGuards[doNotTrack ? 1 : 0] as (site: Site) => RuntimeConfig["t"])(site);

/**
 * The document.cookie guard's rules: the site's own, then, for a site with `"defaults": true`, the
 * default cookie rules the edge classifies by (src/defaults/cookies.ts), so that a script in the
 * page cannot write the `_ga` or `_fbp` the edge drops from Set-Cookie. Each with its need: a rule
 * of a service needs `category:service`, so a script may write it once the service alone is granted,
 * as the edge then keeps it.
 */
const cookieGuardRules = perSite(
  (site): RuntimeConfig["guard"] =>
    site.trackers.cookieGuard &&
    [...site.cookies, ...(site.defaults ? defaultsDecidingFor(site) : [])].map((rule): [string, string] => [
      `^${globSource(rule.pattern)}$`,
      needOf(rule),
    ]),
);

/**
 * The default rules that decide for their own names on this site: the guard refuses a write when
 * any rule of a refused category matches, so a default the site overrides (its `_ga` declared
 * necessary, or a glob of its own that covers the name) must not ship, or the page would refuse what
 * the edge keeps. Asked of the site's own classifier, which puts every site rule first.
 */
function defaultsDecidingFor(site: Site): CookieRule[] {
  return defaultCookieRules().filter((rule) => {
    if (rule.category === NECESSARY) return false;
    const found = site.classifyCookie(rule.pattern);
    return found.kind === "rule" && found.rule === rule;
  });
}

/**
 * The text of the injected script: `RUNTIME(config, cookieGuard, pageGuard, zaraz)`, each guard only
 * for sites that enable it and the Zaraz bundle only for sites with a `zaraz` source (config.z), `0`
 * in its place otherwise; on a page view sampled for the inventory (config.q), the reporter is
 * called with the same config first. All of it is one inline script, run by the page's nonce or by
 * its hash (csp.ts) as one. `<` is escaped so that nothing in the config can close the element.
 */
export function runtimeText(config: RuntimeConfig): string {
  const guards = [
    config.guard ? GUARD_SOURCE_TEXT : "0",
    config.t ? PAGE_GUARD_SOURCE : "0",
    config.z ? ZARAZ_SOURCE : "0",
  ];
  // A trailing bundle the site does not use is left out rather than passed as 0.
  while (guards[guards.length - 1] === "0") guards.pop();
  const args = guards.map((guard) => `,${guard}`).join("");
  const json = JSON.stringify(config).replace(/</g, "\\u003c");
  if (!config.q) return `${RUNTIME_SOURCE}(${json}${args})`;
  // A sampled page view: the reporter first, on the same config object (it hooks config.o for the
  // page guard), and whatever it throws never keeps the runtime and its guards from running.
  return `(function(c){try{${REPORTER_SOURCE}(c)}catch(e){}${RUNTIME_SOURCE}(c${args})})(${json})`;
}

/** The `<script>` element to inject; `nonce` is the page's CSP nonce when it has one. */
export function runtimeElement(text: string, nonce: string | undefined): string {
  return `<script${nonceAttribute(nonce)}>${text}</script>`;
}
