/**
 * Config validation: collect every problem at once, each with its path and the fix
 * (the shape of workers-sdk's `parseHeaders`), then normalise into a fully populated `ValidConfig`.
 * Pure: no I/O, no clock. Runs in `npm run check` and once per isolate in the worker.
 */
import { MAX_COOKIE_LIFETIME_SECONDS, parseDuration } from "./duration";
import { validateBanner, type ValidBanner } from "./validate-banner";
import { validateConsent, validateRegions, type ValidConsent, type ValidRegions } from "./validate-consent";
import { validateTrackers, type ValidTrackers } from "./validate-trackers";
import { checkUnknownFields, type ConfigProblem, describeValue, isObject, type Report } from "./problems";
import {
  type ConfigInput,
  DEFAULT_CATEGORIES,
  MODES,
  type Mode,
  NECESSARY,
  SAME_SITE_VALUES,
  type SameSite,
  UNDECLARED_POLICIES,
  type UndeclaredPolicy,
} from "./types";

export type { ConfigProblem } from "./problems";

export type Origin = { kind: "url"; url: string } | { kind: "service"; binding: string };

export interface CookieRule {
  /** As written in config: `_ga`, `_ga_*`. Shown in debug headers as the reason. */
  pattern: string;
  category: string;
  /** Position in the site's list: ties between equally specific globs go to the first. */
  order: number;
  purpose?: string;
  provider?: string;
  maxAgeSeconds?: number;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: SameSite;
  path?: string;
  /** Refused when the visitor sends DNT: 1, whatever they granted. */
  doNotTrack?: boolean;
}

export interface ValidSite {
  id: string;
  hosts: string[];
  /** "" when the site covers every path. Never ends with "/". */
  pathPrefix: string;
  origin: Origin;
  categories: string[];
  policyRevision: string;
  mode: Mode;
  undeclared: UndeclaredPolicy;
  cookies: CookieRule[];
  consentCookie: { name: string; maxAgeSeconds: number };
  /** Seconds to wait for the origin's response headers before answering 504. */
  originTimeoutSeconds: number;
  debugSecret?: string;
  trackers: ValidTrackers;
  consent: ValidConsent;
  regions: ValidRegions;
  banner: ValidBanner;
}

export interface ValidConfig {
  sites: ValidSite[];
}

export type ValidationResult = { ok: true; config: ValidConfig } | { ok: false; problems: ConfigProblem[] };

const SITE_FIELDS = [
  "id",
  "hosts",
  "pathPrefix",
  "origin",
  "categories",
  "policyRevision",
  "mode",
  "undeclared",
  "cookies",
  "consentCookie",
  "debugSecret",
  "originTimeout",
  "trackers",
  "consent",
  "regions",
  "banner",
] as const;
const RULE_FIELDS = [
  "doNotTrack",
  "name",
  "category",
  "purpose",
  "provider",
  "maxAge",
  "secure",
  "httpOnly",
  "sameSite",
  "path",
] as const;
const CONSENT_COOKIE_FIELDS = ["name", "maxAge"] as const;

const SITE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const CATEGORY = /^[a-z][a-z0-9_]{0,31}$/;
const REVISION = /^[A-Za-z0-9_-]{1,32}$/;
const BINDING = /^[A-Za-z_][A-Za-z0-9_]*$/;
// RFC 6265 §4.1.1 cookie-name is an RFC 2616 token; `*` is our glob wildcard.
const COOKIE_NAME_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const PATH = /^\/[^\s;,?#*]*$/;
const LOCAL_HOST = /^(localhost|127\.0\.0\.1|\[::1\]|.+\.localhost|.+\.test)$/;
const DEFAULT_CONSENT_COOKIE = "ce_consent";
const DEFAULT_CONSENT_MAX_AGE = 180 * 86_400;
/**
 * How long the worker waits for the origin's response headers. The body, once it streams, has no
 * limit. Cloudflare's own proxy gives up after 100 s (error 524), so a longer wait is never reached.
 */
const DEFAULT_ORIGIN_TIMEOUT = 30;
const MAX_ORIGIN_TIMEOUT = 100;

/** Validates and normalises a config. Reports every problem, never only the first. */
export function validateConfig(input: unknown): ValidationResult {
  const problems: ConfigProblem[] = [];
  const report: Report = (path, message, fix) => {
    problems.push({ path, message, fix });
  };

  if (!isObject(input) || !Array.isArray(input.sites)) {
    report("sites", "the config has no `sites` list", 'write `{ "sites": [ { "id": "...", ... } ] }`');
    return { ok: false, problems };
  }
  const root = input as unknown as ConfigInput;
  if (root.sites.length === 0) {
    report("sites", "no site is configured, so every request would be refused", "add at least one site");
  }
  checkUnknownFields(input, ["sites", "$schema"], "", report);

  const sites: ValidSite[] = [];
  const seenIds = new Map<string, number>();
  const seenRoutes = new Map<string, number>();
  root.sites.forEach((raw, index) => {
    const at = `sites[${index}]`;
    const site = validateSite(raw, at, report);
    if (!site) return;
    const firstWithId = seenIds.get(site.id);
    if (firstWithId !== undefined) {
      report(
        `${at}.id`,
        `"${site.id}" is also the id of sites[${firstWithId}]`,
        "give every site its own id",
      );
    } else {
      seenIds.set(site.id, index);
    }
    for (const host of site.hosts) {
      const route = `${host}${site.pathPrefix}`;
      const other = seenRoutes.get(route);
      if (other !== undefined && other !== index) {
        report(
          `${at}.hosts`,
          `"${route}" is already served by sites[${other}]`,
          "remove the host from one site, or give one of them a different pathPrefix",
        );
      }
      seenRoutes.set(route, index);
    }
    sites.push(site);
  });

  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: { sites } };
}

function validateSite(raw: unknown, at: string, report: Report): ValidSite | undefined {
  if (!isObject(raw)) {
    report(at, "a site must be an object", 'write `{ "id": "...", "hosts": [...], "origin": "...", ... }`');
    return undefined;
  }
  checkUnknownFields(raw, SITE_FIELDS, at, report);

  const id = typeof raw.id === "string" ? raw.id : "";
  if (!SITE_ID.test(id)) {
    report(
      `${at}.id`,
      "missing or invalid site id",
      'use 1-63 lowercase letters, digits and dashes, e.g. "shop"',
    );
  }

  const hosts = validateHosts(raw.hosts, `${at}.hosts`, report);
  const pathPrefix = validatePathPrefix(raw.pathPrefix, `${at}.pathPrefix`, report);
  const origin = validateOrigin(raw.origin, `${at}.origin`, report);

  const categories = validateCategories(raw.categories, `${at}.categories`, report);

  const policyRevision = typeof raw.policyRevision === "string" ? raw.policyRevision : "";
  if (!REVISION.test(policyRevision)) {
    report(
      `${at}.policyRevision`,
      "missing or invalid policy revision",
      'use 1-32 letters, digits, "-" or "_", e.g. the policy date "2026-04-03"; bump it to ask every visitor again',
    );
  }

  const mode = oneOf(raw.mode, MODES, "enforce", `${at}.mode`, report);
  const undeclared = oneOf(raw.undeclared, UNDECLARED_POLICIES, "block", `${at}.undeclared`, report);
  const consentCookie = validateConsentCookie(raw.consentCookie, `${at}.consentCookie`, report);
  const cookies = validateRules(raw.cookies, categories, consentCookie.name, `${at}.cookies`, report);
  const trackers = validateTrackers(raw.trackers, categories, `${at}.trackers`, report);
  const consent = validateConsent(raw.consent, categories, `${at}.consent`, report);
  const regions = validateRegions(raw.regions, `${at}.regions`, report);
  const banner = validateBanner(raw.banner, categories, `${at}.banner`, report);

  const originTimeoutSeconds = validateOriginTimeout(raw.originTimeout, `${at}.originTimeout`, report);

  let debugSecret: string | undefined;
  if (raw.debugSecret !== undefined) {
    if (typeof raw.debugSecret === "string" && BINDING.test(raw.debugSecret)) {
      debugSecret = raw.debugSecret;
    } else {
      report(
        `${at}.debugSecret`,
        "debugSecret must name a Worker secret, not hold the secret itself",
        'write the binding name, e.g. "CONSENT_DEBUG_SECRET", and run `wrangler secret put CONSENT_DEBUG_SECRET`',
      );
    }
  }

  return {
    id,
    hosts,
    pathPrefix,
    origin: origin ?? { kind: "url", url: "https://invalid.invalid" },
    categories,
    policyRevision,
    mode,
    undeclared,
    cookies,
    consentCookie,
    originTimeoutSeconds,
    trackers,
    consent,
    regions,
    banner,
    ...(debugSecret ? { debugSecret } : {}),
  };
}

function validateOriginTimeout(raw: unknown, at: string, report: Report): number {
  if (raw === undefined) return DEFAULT_ORIGIN_TIMEOUT;
  const seconds = parseDuration(raw);
  if (seconds === undefined || seconds < 1 || seconds > MAX_ORIGIN_TIMEOUT) {
    report(
      at,
      `${describeValue(raw)} is not a timeout between 1 and ${MAX_ORIGIN_TIMEOUT} seconds`,
      `write seconds (30) or a duration such as "30s" or "1m"; Cloudflare itself stops waiting after 100 s`,
    );
    return DEFAULT_ORIGIN_TIMEOUT;
  }
  return seconds;
}

function validateHosts(raw: unknown, at: string, report: Report): string[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    report(
      at,
      "a site needs at least one host",
      'list its hostnames, e.g. ["www.example.com", "*.example.com"]',
    );
    return [];
  }
  const hosts: string[] = [];
  raw.forEach((host, i) => {
    const where = `${at}[${i}]`;
    if (typeof host !== "string") {
      report(where, "a host must be a string", 'write it like "www.example.com"');
      return;
    }
    const bare = host.startsWith("*.") ? host.slice(2) : host;
    const labels = bare.split(".");
    if (host !== host.toLowerCase()) {
      report(
        where,
        `"${host}" has uppercase letters`,
        `write "${host.toLowerCase()}"; hostnames are matched lowercase`,
      );
    } else if (/[/:]/.test(host)) {
      report(
        where,
        `"${host}" is not a bare hostname`,
        "drop the scheme, port and path; use pathPrefix for paths",
      );
    } else if (bare.includes("*") || !labels.every((label) => HOST_LABEL.test(label))) {
      report(
        where,
        `"${host}" is not a valid hostname`,
        'use "www.example.com", or "*.example.com" for every subdomain',
      );
    } else {
      hosts.push(host);
    }
  });
  return hosts;
}

function validatePathPrefix(raw: unknown, at: string, report: Report): string {
  if (raw === undefined || raw === "/") return "";
  if (typeof raw !== "string" || !PATH.test(raw)) {
    report(
      at,
      "pathPrefix must be a path starting with /",
      'write it like "/shop", without wildcards or query',
    );
    return "";
  }
  return raw.replace(/\/+$/, "");
}

function validateOrigin(raw: unknown, at: string, report: Report): Origin | undefined {
  if (typeof raw !== "string" || raw === "") {
    report(at, "a site needs an origin", 'write "https://origin.example.com" or "service:MY_ORIGIN_BINDING"');
    return undefined;
  }
  if (raw.startsWith("service:")) {
    const binding = raw.slice("service:".length);
    if (BINDING.test(binding)) return { kind: "service", binding };
    report(
      at,
      `"${binding}" is not a binding name`,
      'write "service:" and the binding name, e.g. "service:ORIGIN"',
    );
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    report(at, `"${raw}" is not a URL`, 'write "https://origin.example.com"');
    return undefined;
  }
  if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) {
    report(
      at,
      "the origin must be a scheme, host and optional port only",
      `write "${url.protocol}//${url.host}"`,
    );
    return undefined;
  }
  const local = LOCAL_HOST.test(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) {
    report(
      at,
      `"${raw}" would send visitors' cookies over ${url.protocol.replace(":", "")}`,
      "use https:// (plain http:// is accepted only for localhost and .test hosts)",
    );
    return undefined;
  }
  return { kind: "url", url: `${url.protocol}//${url.host}` };
}

function validateCategories(raw: unknown, at: string, report: Report): string[] {
  if (raw === undefined) return [...DEFAULT_CATEGORIES];
  if (!Array.isArray(raw)) {
    report(at, "categories must be a list", `write ${JSON.stringify(DEFAULT_CATEGORIES)}`);
    return [...DEFAULT_CATEGORIES];
  }
  const categories: string[] = [NECESSARY];
  raw.forEach((category, i) => {
    if (typeof category !== "string" || !CATEGORY.test(category)) {
      report(
        `${at}[${i}]`,
        `${describeValue(category)} is not a valid category name`,
        'use lowercase letters, digits and "_", starting with a letter',
      );
    } else if (category !== NECESSARY && categories.includes(category)) {
      report(`${at}[${i}]`, `"${category}" is listed twice`, "list each category once");
    } else if (category !== NECESSARY) {
      categories.push(category);
    }
  });
  return categories;
}

function validateConsentCookie(raw: unknown, at: string, report: Report): ValidSite["consentCookie"] {
  const result = { name: DEFAULT_CONSENT_COOKIE, maxAgeSeconds: DEFAULT_CONSENT_MAX_AGE };
  if (raw === undefined) return result;
  if (!isObject(raw)) {
    report(at, "consentCookie must be an object", 'write { "name": "ce_consent", "maxAge": "180d" }');
    return result;
  }
  checkUnknownFields(raw, CONSENT_COOKIE_FIELDS, at, report);
  if (raw.name !== undefined) {
    if (typeof raw.name === "string" && COOKIE_NAME_PATTERN.test(raw.name) && !raw.name.includes("*")) {
      result.name = raw.name;
    } else {
      report(
        `${at}.name`,
        "not a valid cookie name",
        "use letters, digits, '_' and '-', e.g. \"ce_consent\"",
      );
    }
  }
  if (raw.maxAge !== undefined) {
    const seconds = checkLifetime(raw.maxAge, `${at}.maxAge`, report);
    if (seconds !== undefined) result.maxAgeSeconds = seconds;
  }
  return result;
}

function checkLifetime(raw: unknown, at: string, report: Report): number | undefined {
  const seconds = parseDuration(raw);
  if (seconds === undefined || seconds === 0) {
    report(
      at,
      `${describeValue(raw)} is not a duration`,
      'write seconds (3600) or a duration such as "30m", "24h", "7d", "13mo", "1y"',
    );
    return undefined;
  }
  if (seconds > MAX_COOKIE_LIFETIME_SECONDS) {
    report(
      at,
      `${describeValue(raw)} is longer than browsers keep a cookie`,
      'use "400d" or less (RFC 6265bis caps lifetimes at 400 days)',
    );
    return undefined;
  }
  return seconds;
}

function validateRules(
  raw: unknown,
  categories: string[],
  consentCookieName: string,
  at: string,
  report: Report,
): CookieRule[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    report(at, "cookies must be a list of rules", 'write [{ "name": "_ga", "category": "analytics" }]');
    return [];
  }
  const rules: CookieRule[] = [];
  const seen = new Map<string, number>();
  raw.forEach((entry, order) => {
    const where = `${at}[${order}]`;
    if (!isObject(entry)) {
      report(where, "a cookie rule must be an object", 'write { "name": "_ga", "category": "analytics" }');
      return;
    }
    checkUnknownFields(entry, RULE_FIELDS, where, report);
    let valid = true;
    const fail = (field: string, message: string, fix: string) => {
      valid = false;
      report(`${where}.${field}`, message, fix);
    };

    const name = typeof entry.name === "string" ? entry.name : "";
    if (!COOKIE_NAME_PATTERN.test(name)) {
      fail(
        "name",
        `${describeValue(entry.name)} is not a cookie name or pattern`,
        'write an exact name ("_ga") or a glob ("_ga_*")',
      );
    } else if (/^\*+$/.test(name)) {
      fail(
        "name",
        "a rule that matches every cookie hides undeclared cookies",
        'declare names, and set the site\'s "undeclared" policy for the rest',
      );
    } else if (name === consentCookieName) {
      fail(
        "name",
        `"${name}" is consent-edge's own consent cookie`,
        "remove this rule; the consent cookie is always necessary",
      );
    } else if (seen.has(name)) {
      fail("name", `"${name}" is also declared at ${at}[${seen.get(name)}]`, "declare each cookie once");
    }
    seen.set(name, order);

    const category = typeof entry.category === "string" ? entry.category : "";
    if (!categories.includes(category)) {
      fail(
        "category",
        `${describeValue(entry.category)} is not a category of this site`,
        `use one of ${categories.join(", ")}, or add it to the site's categories`,
      );
    }

    const rule: CookieRule = { pattern: name, category, order };
    for (const text of ["purpose", "provider"] as const) {
      const value = entry[text];
      if (typeof value === "string") rule[text] = value;
      else if (value !== undefined)
        fail(text, `${text} must be text`, `write "${text}": "..." or leave it out`);
    }
    if (entry.maxAge !== undefined) {
      const seconds = checkLifetime(entry.maxAge, `${where}.maxAge`, report);
      if (seconds === undefined) valid = false;
      else rule.maxAgeSeconds = seconds;
    }
    for (const flag of ["secure", "httpOnly", "doNotTrack"] as const) {
      if (entry[flag] === undefined) continue;
      if (typeof entry[flag] === "boolean") rule[flag] = entry[flag];
      else fail(flag, `${flag} must be true or false`, `write "${flag}": true`);
    }
    if (entry.sameSite !== undefined) {
      if (SAME_SITE_VALUES.includes(entry.sameSite as SameSite)) rule.sameSite = entry.sameSite as SameSite;
      else
        fail(
          "sameSite",
          `${describeValue(entry.sameSite)} is not a SameSite value`,
          `use one of ${SAME_SITE_VALUES.join(", ")}`,
        );
    }
    if (rule.sameSite === "None" && rule.secure !== true) {
      fail("secure", "browsers reject SameSite=None without Secure", 'add "secure": true');
    }
    if (entry.path !== undefined) {
      if (typeof entry.path === "string" && PATH.test(entry.path)) rule.path = entry.path;
      else
        fail(
          "path",
          `${describeValue(entry.path)} is not a cookie path`,
          'write a path starting with "/", e.g. "/api/auth"',
        );
    }
    if (name.startsWith("__Host-") && rule.path !== undefined && rule.path !== "/") {
      fail(
        "path",
        "a __Host- cookie must have Path=/ (RFC 6265bis §4.1.3.2)",
        'remove "path" or set it to "/"',
      );
    }
    if (name.startsWith("__Host-") || name.startsWith("__Secure-")) {
      if (rule.secure === false)
        fail("secure", "__Host- and __Secure- cookies must be Secure", 'remove "secure": false');
    }
    if (valid) rules.push(rule);
  });
  return rules;
}

function oneOf<T extends string>(
  raw: unknown,
  allowed: readonly T[],
  fallback: T,
  at: string,
  report: Report,
): T {
  if (raw === undefined) return fallback;
  if (allowed.includes(raw as T)) return raw as T;
  report(at, `${describeValue(raw)} is not allowed here`, `use one of ${allowed.join(", ")}`);
  return fallback;
}

/** One line per problem, for `npm run check` and the worker's log. */
export function formatProblems(problems: ConfigProblem[]): string {
  return problems.map((p) => `  ${p.path}: ${p.message}.\n    fix: ${p.fix}`).join("\n");
}
