/**
 * Resource URL or inline snippet -> the category it needs. Compiled once per site: hosts in a
 * Map probed once per label of the URL's host (`a.b.example.com`, `b.example.com`, ...), URL globs
 * bucketed by their literal host, and every snippet signature in one combined regular expression.
 * A rule set of 10 or 10,000 hosts costs the same per element.
 */
import { escapeRegExp, globSource } from "../config/glob";
import type { TrackerRule } from "../config/validate-trackers";
import { BUILTIN_TRACKERS } from "./builtin-trackers";

export interface ResourceMatch {
  category: string;
  /** `host:googletagmanager.com`, `url:https://...`, `inline:_paq.push`: for the debug headers. */
  rule: string;
  vendor?: string;
  /** Refused when the visitor sends DNT: 1. */
  doNotTrack?: true;
}

export interface ResourceClassifier {
  /** `raw` as written in the page (absolute, protocol-relative or relative to `page`). */
  classifyUrl(raw: string, page: URL): ResourceMatch | undefined;
  /** Every rule an inline script matches: by signature, and by each URL it mentions. */
  classifyInline(text: string, page: URL): ResourceMatch[];
}

interface UrlGlob {
  regex: RegExp;
  match: ResourceMatch;
}

// Hosts mentioned in script text: "https://x.y", "//x.y" (protocol-relative).
const URL_IN_TEXT = /(?:https?:)?\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi;

export function compileResourceClassifier(siteRules: TrackerRule[], builtin: boolean): ResourceClassifier {
  const hosts = new Map<string, ResourceMatch>();
  const urlGlobs = new Map<string, UrlGlob[]>();
  const signatures = new Map<string, ResourceMatch>();

  // Site rules are added last so that they replace built-in rules for the same key.
  for (const rule of [...(builtin ? BUILTIN_TRACKERS : []), ...siteRules]) {
    const match: ResourceMatch = { category: rule.category, rule: `${rule.kind}:${rule.match}` };
    if (rule.vendor) match.vendor = rule.vendor;
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

  function classifyUrl(raw: string, page: URL): ResourceMatch | undefined {
    let url: URL;
    try {
      url = new URL(raw.trim(), page);
    } catch {
      return undefined;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
    const host = url.hostname.toLowerCase();
    const globs = urlGlobs.get(host);
    if (globs) {
      // Match the scheme-less form too, so "https://x/y*" also covers "//x/y" in the page.
      const href = url.href;
      for (const glob of globs) if (glob.regex.test(href)) return glob.match;
    }
    return byHost(host);
  }

  function classifyInline(text: string, page: URL): ResourceMatch[] {
    const found = new Map<string, ResourceMatch>();
    if (signatureRegex) {
      for (const [signature] of text.matchAll(signatureRegex)) {
        const match = signatures.get(signature);
        if (match) found.set(match.rule, match);
      }
    }
    for (const [, host] of text.matchAll(URL_IN_TEXT)) {
      const match = host ? classifyUrl(`https://${host}/`, page) : undefined;
      if (match) found.set(match.rule, match);
    }
    return [...found.values()];
  }

  return { classifyUrl, classifyInline };
}

/** `*` is any run of characters; the scheme may be written as `https:`, `http:` or left off (`//host`). */
function globToRegExp(glob: string): RegExp {
  const withoutScheme = glob.replace(/^(?:https?:)?\/\//, "");
  return new RegExp(`^https?://${globSource(withoutScheme)}$`);
}
