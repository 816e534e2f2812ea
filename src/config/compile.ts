/**
 * Validated config -> what requests use: the site router and one cookie classifier per site.
 * Runs once per isolate; requests never loop over rules.
 */
import { buildSources } from "../consent/sources/build-sources";
import type { ConsentSource } from "../consent/sources/source";
import { type ClassifyCookie, compileCookieClassifier } from "../cookies/classify-cookie";
import { compileResourceClassifier, type ResourceClassifier } from "../html/classify-resource";
import { defaultCookieRules } from "../defaults/cookies";
import { defaultTrackerRules } from "../defaults/tracker-rules";
import { compileSiteMatcher, type MatchSite } from "../route/match-site";
import type { TrackerRule } from "./trackers";
import { type ConfigProblem, type ValidSite, validateConfig } from "./validate";

export interface Site extends ValidSite {
  classifyCookie: ClassifyCookie;
  classifyResource: ResourceClassifier;
  consentSources: ConsentSource[];
}

export interface CompiledConfig {
  sites: Site[];
  matchSite: MatchSite<Site>;
}

export type CompileResult = { ok: true; config: CompiledConfig } | { ok: false; problems: ConfigProblem[] };

export function compileConfig(input: unknown): CompileResult {
  const validated = validateConfig(input);
  if (!validated.ok) return validated;
  const sites = validated.config.sites.map((site): Site => ({
    ...site,
    // `defaults`: the curated tables (src/defaults/) beneath the site's own rules and the built-in ones.
    classifyCookie: compileCookieClassifier(
      site.cookies,
      site.consentCookie.name,
      site.defaults ? defaultCookieRules() : [],
    ),
    classifyResource: compileResourceClassifier(
      site.trackers.rules,
      site.trackers.builtin,
      site.defaults ? defaultsOffSiteHosts(site.hosts) : [],
    ),
    consentSources: buildSources(site.consent.sources),
  }));
  return { ok: true, config: { sites, matchSite: compileSiteMatcher(sites) } };
}

/**
 * The default host rules less those that cover one of the site's own hosts (the host itself or a
 * parent domain of it): the dataset lists vendors' own domains (intercom.io, hubspot.com,
 * vimeo.com), and on the vendor's own site such a rule would neutralise every first-party script,
 * image and fetch until the visitor granted a category for the site itself. A tracker subdomain
 * beneath the site's domain (stats.wp.com on www.wp.com) stays.
 */
function defaultsOffSiteHosts(hosts: readonly string[]): TrackerRule[] {
  const own = hosts.map((host) => host.replace(/^\*\./, "").toLowerCase());
  return defaultTrackerRules().filter(
    (rule) => !own.some((host) => host === rule.match || host.endsWith(`.${rule.match}`)),
  );
}
