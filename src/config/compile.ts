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
      site.defaults ? defaultTrackerRules() : [],
    ),
    consentSources: buildSources(site.consent.sources),
  }));
  return { ok: true, config: { sites, matchSite: compileSiteMatcher(sites) } };
}
