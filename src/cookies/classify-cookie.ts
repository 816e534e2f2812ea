/**
 * Cookie name -> rule, compiled once per site so that a rule set of thousands of names costs
 * a hash lookup per cookie, not a loop. Globs are bucketed by their literal prefix: a lookup
 * probes one Map per distinct prefix length (a handful), then tests the few globs in the bucket.
 * A site with `"defaults": true` has a second rule set beneath its own (src/defaults/cookies.ts),
 * asked only for a name none of the site's rules matches: any site rule, exact or glob, wins.
 */
import { globSource } from "../config/glob";
import type { CookieRule } from "../config/validate";

export type CookieClass =
  { kind: "rule"; rule: CookieRule } | { kind: "consent-cookie" } | { kind: "undeclared" };

export type ClassifyCookie = (name: string) => CookieClass;

interface GlobRule {
  rule: CookieRule;
  regex: RegExp;
  /** Literal characters in the pattern: more is more specific. */
  specificity: number;
}

/** Results are cached per isolate; the cache is bounded because names come from visitors. */
const CACHE_LIMIT = 4_096;

const UNDECLARED: CookieClass = { kind: "undeclared" };
const CONSENT_COOKIE: CookieClass = { kind: "consent-cookie" };

export function compileCookieClassifier(
  rules: CookieRule[],
  consentCookieName: string,
  defaults: readonly CookieRule[] = [],
): ClassifyCookie {
  const own = compileRules(rules);
  const beneath = defaults.length > 0 ? compileRules(defaults) : undefined;
  const cache = new Map<string, CookieClass>();

  function lookup(name: string): CookieClass {
    if (name === consentCookieName) return CONSENT_COOKIE;
    const found = own(name);
    return found === UNDECLARED && beneath ? beneath(name) : found;
  }

  return (name) => {
    const cached = cache.get(name);
    if (cached) return cached;
    const result = lookup(name);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(name, result);
    return result;
  };
}

/** One rule set's lookup: the exact name, else the most specific glob (the first of equals). */
function compileRules(rules: readonly CookieRule[]): ClassifyCookie {
  const exact = new Map<string, CookieClass>();
  // prefix length -> literal prefix -> globs starting with it
  const globsByPrefix = new Map<number, Map<string, GlobRule[]>>();

  for (const rule of rules) {
    const star = rule.pattern.indexOf("*");
    if (star === -1) {
      exact.set(rule.pattern, { kind: "rule", rule });
      continue;
    }
    const prefix = rule.pattern.slice(0, star);
    const glob: GlobRule = {
      rule,
      regex: globToRegExp(rule.pattern),
      specificity: rule.pattern.replaceAll("*", "").length,
    };
    let bucket = globsByPrefix.get(prefix.length);
    if (!bucket) {
      bucket = new Map();
      globsByPrefix.set(prefix.length, bucket);
    }
    const list = bucket.get(prefix) ?? [];
    list.push(glob);
    bucket.set(prefix, list);
  }
  const prefixLengths = [...globsByPrefix.keys()].sort((a, b) => b - a);

  return (name) => {
    const hit = exact.get(name);
    if (hit) return hit;
    let best: GlobRule | undefined;
    for (const length of prefixLengths) {
      if (length > name.length) continue;
      const candidates = globsByPrefix.get(length)?.get(name.slice(0, length));
      if (!candidates) continue;
      for (const glob of candidates) {
        if (!glob.regex.test(name)) continue;
        if (
          !best ||
          glob.specificity > best.specificity ||
          (glob.specificity === best.specificity && glob.rule.order < best.rule.order)
        ) {
          best = glob;
        }
      }
    }
    return best ? { kind: "rule", rule: best.rule } : UNDECLARED;
  };
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${globSource(pattern)}$`);
}
