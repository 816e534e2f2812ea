/**
 * `Link` response headers (RFC 8288) that make a browser fetch or connect before the page is
 * parsed: `<https://www.googletagmanager.com/gtag/js?id=G-1>; rel=preload; as=script` loads the
 * tracker's script (with its cookies) and `rel=preconnect` hands it the visitor's address, exactly
 * as the `<link>` elements the HTML stage neutralises would. Cloudflare also replays such headers
 * as 103 Early Hints to later visitors. A link to a refused category is removed from the header;
 * one that does not parse is removed too (fail closed); every other link stays as it was written.
 * In report-only the header is left as it is and the report lists what enforce would remove.
 */
import { allows, needOf } from "../consent/grants";
import type { ResourceClassifier } from "../html/classify-resource";
import { loadsSomething } from "../html/loading-rels";

export interface LinkContext {
  classifier: ResourceClassifier;
  granted: ReadonlySet<string>;
  doNotTrack: boolean;
  /** The page the response is for: relative link targets resolve against it (RFC 8288 §3.2). */
  page: URL;
}

/** A Link header's links, judged: those that stay, and the targets of those enforce removes. */
export function judgeLinks(value: string, context: LinkContext): { kept: string[]; removed: string[] } {
  const kept: string[] = [];
  const removed: string[] = [];
  for (const link of splitLinks(value)) {
    const parsed = parseLink(link);
    if (parsed && !(loadsSomething(parsed.rels) && refuses(parsed.target, context))) kept.push(link);
    else removed.push(parsed?.target ?? link);
  }
  return { kept, removed };
}

/** Removes from `headers` every link that loads something `context` refuses; the targets removed. */
export function enforceLinkHeader(headers: Headers, context: LinkContext): string[] {
  const value = headers.get("Link");
  if (value === null) return [];
  const { kept, removed } = judgeLinks(value, context);
  if (removed.length === 0) return [];
  if (kept.length > 0) headers.set("Link", kept.join(", "));
  else headers.delete("Link");
  return removed;
}

/** What enforceLinkHeader would remove from `headers`, which stay as they are (report-only). */
export function refusedLinks(headers: Headers, context: LinkContext): string[] {
  const value = headers.get("Link");
  return value === null ? [] : judgeLinks(value, context).removed;
}

/** Link values are separated by commas outside `<...>` and quoted strings (RFC 8288 §3). */
export function splitLinks(value: string): string[] {
  const links: string[] = [];
  let start = 0;
  let inTarget = false;
  let inQuotes = false;
  for (let i = 0; i < value.length; i += 1) {
    const char = value[i];
    if (inQuotes) {
      if (char === "\\") i += 1;
      else if (char === '"') inQuotes = false;
    } else if (inTarget) {
      if (char === ">") inTarget = false;
    } else if (char === "<") inTarget = true;
    else if (char === '"') inQuotes = true;
    else if (char === ",") {
      links.push(value.slice(start, i));
      start = i + 1;
    }
  }
  links.push(value.slice(start));
  return links.map((link) => link.trim()).filter((link) => link !== "");
}

interface ParsedLink {
  target: string;
  rels: string[];
}

/** `<target>; rel="a b"; ...`: the target and the rel tokens (lowercased), or undefined. */
function parseLink(link: string): ParsedLink | undefined {
  const match = /^<([^>]*)>(.*)$/s.exec(link);
  if (!match) return undefined;
  const [, target = "", params = ""] = match;
  const rels: string[] = [];
  // Each parameter: name, optionally `=` and a token or a quoted string (RFC 8288 §3, RFC 9110 §5.6).
  const param = /;\s*([^\s=;,]+)\s*(?:=\s*(?:"((?:[^"\\]|\\.)*)"|([^;,]*)))?/gs;
  for (const [, name = "", quoted, token] of params.matchAll(param)) {
    // The first rel parameter counts (RFC 8288 §3.3); later ones are ignored.
    if (name.toLowerCase() !== "rel" || rels.length > 0) continue;
    const relValue = (quoted ?? token ?? "").replace(/\\(.)/g, "$1");
    rels.push(...relValue.toLowerCase().split(/\s+/).filter(Boolean));
  }
  return { target, rels };
}

function refuses(target: string, { classifier, granted, doNotTrack, page }: LinkContext): boolean {
  const match = classifier.classifyUrl(target, page);
  if (!match) return false;
  return !allows(granted, needOf(match)) || (doNotTrack && match.doNotTrack === true);
}
