/**
 * Resource URL or inline snippet -> the category it needs. Compiled once per site: hosts in a
 * Map probed once per label of the URL's host (`a.b.example.com`, `b.example.com`, ...), URL globs
 * bucketed by their literal host, and every snippet signature in one combined regular expression.
 * A rule set of 10 or 10,000 hosts costs the same per element.
 */
import { escapeRegExp, globSource } from "../config/glob";
import type { TrackerRule } from "../config/trackers";
import { BUILTIN_TRACKERS } from "./builtin-trackers";
import { URL_IN_TEXT } from "./url-in-text";

export interface ResourceMatch {
  category: string;
  /** The service within the category (config/service.ts): live when either is granted (consent/grants.ts). */
  service?: string;
  /** `host:googletagmanager.com`, `url:https://...`, `inline:_paq.push`: for the debug headers. */
  rule: string;
  vendor?: string;
  /** Refused when the visitor sends DNT: 1. */
  doNotTrack?: true;
}

/** An http(s) URL's host (lowercase, no port, no root dot) and the rule it matches, if any. */
export interface LocatedUrl {
  host: string;
  match: ResourceMatch | undefined;
}

export interface ResourceClassifier {
  /** `raw` as written in the page (absolute, protocol-relative or relative to `page`). */
  classifyUrl(raw: string, page: URL): ResourceMatch | undefined;
  /**
   * `classifyUrl` that also says which host the URL is on (undefined for a URL that does not parse
   * or is not http(s)): for the inventory, which records hosts no rule matches too. One URL parse.
   */
  locateUrl(raw: string, page: URL): LocatedUrl | undefined;
  /**
   * Every rule an inline script matches: by signature, and by each URL it mentions. `onUrl`, when
   * given, is told each host mentioned (matched or not).
   */
  classifyInline(text: string, page: URL, onUrl?: (located: LocatedUrl) => void): ResourceMatch[];
  /**
   * Every rule that could match some URL on `url`'s host (its host rule and each URL glob of that
   * exact host): what a relative URL resolved against a `<base href>` there may need.
   */
  classifyHost(url: URL): ResourceMatch[];
  /** The compiled rules, site rules already in place of the built-in ones they replace. */
  readonly compiled: CompiledRules;
}

export interface CompiledRules {
  hosts: ReadonlyMap<string, ResourceMatch>;
  /** Every URL glob, as the regular expression its absolute URL is tested with. */
  urlGlobs: ReadonlyArray<{ regex: RegExp; match: ResourceMatch }>;
  signatures: ReadonlyMap<string, ResourceMatch>;
  /**
   * Every category a rule needs. It can hold one the site does not have (a built-in or default rule
   * for marketing on a site without it): nothing short-cuts the HTML stage until these are granted.
   */
  categories: ReadonlySet<string>;
}

interface UrlGlob {
  regex: RegExp;
  match: ResourceMatch;
}

/**
 * `defaults`: the curated default host rules (src/defaults/tracker-rules.ts) of a site with
 * `"defaults": true`, beneath the built-in and the site's rules: a default is left out where one of
 * those has a host rule for its host or a parent of it, so that a site's `example.com` rule decides
 * for every subdomain whatever the defaults list (precedence: site > built-in > default).
 */
export function compileResourceClassifier(
  siteRules: TrackerRule[],
  builtin: boolean,
  defaults: readonly TrackerRule[] = [],
): ResourceClassifier {
  const hosts = new Map<string, ResourceMatch>();
  const urlGlobs = new Map<string, UrlGlob[]>();
  const signatures = new Map<string, ResourceMatch>();

  const ruled = [...(builtin ? BUILTIN_TRACKERS : []), ...siteRules];
  // Site rules are added last so that they replace built-in rules for the same key.
  for (const rule of [...defaultsBeneath(ruled, defaults), ...ruled]) {
    const match: ResourceMatch = { category: rule.category, rule: `${rule.kind}:${rule.match}` };
    if (rule.vendor) match.vendor = rule.vendor;
    if (rule.service) match.service = rule.service;
    if (rule.doNotTrack) match.doNotTrack = true;
    if (rule.kind === "host") hosts.set(rule.match, match);
    else if (rule.kind === "inline") signatures.set(rule.match, match);
    else {
      const host = /^(?:https?:)?\/\/([^/:]+)/.exec(rule.match)?.[1]?.toLowerCase() ?? "";
      const list = (urlGlobs.get(host) ?? []).filter((glob) => glob.match.rule !== match.rule);
      list.push({ regex: globToRegExp(rule.match), match });
      urlGlobs.set(host, list);
    }
  }
  const signatureRegex =
    signatures.size > 0 ? new RegExp([...signatures.keys()].map(escapeRegExp).join("|"), "g") : undefined;

  function byHost(host: string): ResourceMatch | undefined {
    let current = host;
    for (;;) {
      const hit = hosts.get(current);
      if (hit) return hit;
      const dot = current.indexOf(".");
      if (dot === -1) return undefined;
      current = current.slice(dot + 1);
    }
  }

  /** The http(s) URL `raw` is, without the root dot; undefined otherwise. */
  function parseHttpUrl(raw: string, page: URL): URL | undefined {
    let url: URL;
    try {
      url = new URL(raw.trim(), page);
    } catch {
      return undefined;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
    return withoutRootDot(url);
  }

  function matchUrl(url: URL, host: string): ResourceMatch | undefined {
    const globs = urlGlobs.get(host);
    if (globs) {
      // Match the scheme-less form too, so "https://x/y*" also covers "//x/y" in the page.
      const href = url.href;
      for (const glob of globs) if (glob.regex.test(href)) return glob.match;
    }
    return byHost(host);
  }

  function classifyUrl(raw: string, page: URL): ResourceMatch | undefined {
    const url = parseHttpUrl(raw, page);
    return url && matchUrl(url, url.hostname.toLowerCase());
  }

  function locateUrl(raw: string, page: URL): LocatedUrl | undefined {
    const url = parseHttpUrl(raw, page);
    if (!url) return undefined;
    const host = url.hostname.toLowerCase();
    return { host, match: matchUrl(url, host) };
  }

  function classifyInline(text: string, page: URL, onUrl?: (located: LocatedUrl) => void): ResourceMatch[] {
    const found = new Map<string, ResourceMatch>();
    if (signatureRegex) {
      for (const [signature] of text.matchAll(signatureRegex)) {
        const match = signatures.get(signature);
        if (match) found.set(match.rule, match);
      }
    }
    for (const [, host] of text.matchAll(URL_IN_TEXT)) {
      if (!host) continue;
      let match: ResourceMatch | undefined;
      if (onUrl) {
        const located = locateUrl(`https://${host}/`, page);
        if (located) onUrl(located);
        match = located?.match;
      } else match = classifyUrl(`https://${host}/`, page);
      if (match) found.set(match.rule, match);
    }
    return [...found.values()];
  }

  function classifyHost(base: URL): ResourceMatch[] {
    if (base.protocol !== "https:" && base.protocol !== "http:") return [];
    const url = withoutRootDot(new URL(base.href));
    const host = url.hostname.toLowerCase();
    const found = (urlGlobs.get(host) ?? []).map((glob) => glob.match);
    const byItsHost = byHost(host);
    if (byItsHost) found.push(byItsHost);
    return found;
  }

  const flatGlobs = [...urlGlobs.values()].flat();
  const categories = new Set(
    [...hosts.values(), ...signatures.values(), ...flatGlobs.map((glob) => glob.match)].map(
      (match) => match.category,
    ),
  );
  const compiled: CompiledRules = { hosts, urlGlobs: flatGlobs, signatures, categories };
  return { classifyUrl, locateUrl, classifyInline, classifyHost, compiled };
}

/** The default rules no built-in or site host rule covers (for their host or a parent of it). */
function defaultsBeneath(ruled: readonly TrackerRule[], defaults: readonly TrackerRule[]): TrackerRule[] {
  if (defaults.length === 0) return [];
  const ruledHosts = new Set(ruled.filter((rule) => rule.kind === "host").map((rule) => rule.match));
  return defaults.filter((rule) => {
    for (let host = rule.match; ; host = host.slice(host.indexOf(".") + 1)) {
      if (ruledHosts.has(host)) return false;
      if (!host.includes(".")) return true;
    }
  });
}

/**
 * `www.googletagmanager.com.` is the same host to DNS (the root label) and loads the same tracker;
 * the URL parser keeps the dot. Rules are written without it: drop it before any lookup.
 */
function withoutRootDot(url: URL): URL {
  if (url.hostname.endsWith(".")) url.hostname = url.hostname.replace(/\.+$/, "");
  return url;
}

const ASCII_WHITESPACE = /[\t\n\f\r ]/;

/**
 * The URLs of a `srcset` (or `imagesrcset`), as HTML §4.8.4.3.10 splits it: candidates are
 * separated by commas, a URL runs to the next whitespace (trailing commas end the candidate),
 * descriptors run to the next comma outside parentheses. Never throws.
 */
export function srcsetUrls(srcset: string): string[] {
  const urls: string[] = [];
  const n = srcset.length;
  let i = 0;
  while (i < n) {
    while (i < n && (ASCII_WHITESPACE.test(srcset.charAt(i)) || srcset.charAt(i) === ",")) i++;
    const start = i;
    while (i < n && !ASCII_WHITESPACE.test(srcset.charAt(i))) i++;
    let url = srcset.slice(start, i);
    if (url.endsWith(",")) url = url.replace(/,+$/, "");
    else {
      let inParens = false;
      for (; i < n; i++) {
        const c = srcset.charAt(i);
        if (c === "(") inParens = true;
        else if (c === ")") inParens = false;
        else if (c === "," && !inParens) break;
      }
    }
    if (url !== "") urls.push(url);
  }
  return urls;
}

/** `<a ping>`: a set of space-separated URLs (HTML §4.6.5), each pinged on a click. */
export function pingUrls(ping: string): string[] {
  return ping.split(/[\t\n\f\r ]+/).filter((url) => url !== "");
}

/**
 * The URL of a `<meta http-equiv="refresh" content="5; url='...'">`, as the shared declarative
 * refresh steps read it (HTML §4.2.5.3): a time, a `;` or `,` or whitespace, then an optional
 * `url=` and optional quotes. Undefined when it refreshes the page itself or is not a refresh.
 */
export function refreshUrl(content: string): string | undefined {
  const match = /^[\t\n\f\r ]*[0-9]*(?:\.[0-9.]*)?(?:[\t\n\f\r ;,]+([\s\S]*))?$/.exec(content);
  let rest = match?.[1];
  if (rest === undefined || rest === "") return undefined;
  const named = /^url[\t\n\f\r ]*=[\t\n\f\r ]*/i.exec(rest);
  if (named) rest = rest.slice(named[0].length);
  const quote = rest.charAt(0);
  if (quote === "'" || quote === '"') {
    rest = rest.slice(1);
    const end = rest.indexOf(quote);
    if (end !== -1) rest = rest.slice(0, end);
  }
  return rest === "" ? undefined : rest;
}

/** `*` is any run of characters; the scheme may be written as `https:`, `http:` or left off (`//host`). */
function globToRegExp(glob: string): RegExp {
  const withoutScheme = glob.replace(/^(?:https?:)?\/\//, "");
  return new RegExp(`^https?://${globSource(withoutScheme)}$`);
}

/**
 * The markup or script a `data:` or `javascript:` URL carries, for the elements that load it as a
 * document (iframe, frame, object, embed): a data: URL's payload after its first `,` (base64 when
 * its type says so, RFC 2397), a javascript: URL's text, percent-decoded as the browser decodes it
 * before running it (HTML §7.4.4.3). Undefined for any other URL, or a payload that does not decode.
 */
export function embeddedText(url: string): string | undefined {
  // The URL parser strips leading/trailing C0 controls and spaces, and tabs and newlines anywhere.
  const normalised = url.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").replace(/[\t\n\r]/g, "");
  const scheme = /^(data|javascript):/i.exec(normalised)?.[1]?.toLowerCase();
  if (scheme === undefined) return undefined;
  const rest = normalised.slice(scheme.length + 1);
  const percentDecoded = (text: string) =>
    text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  if (scheme === "javascript") return percentDecoded(rest);
  const comma = rest.indexOf(",");
  if (comma === -1) return undefined;
  const payload = percentDecoded(rest.slice(comma + 1));
  if (!/;\s*base64\s*$/i.test(rest.slice(0, comma))) return payload;
  try {
    return atob(payload.replace(/[\t\n\f\r ]/g, ""));
  } catch {
    return undefined;
  }
}
