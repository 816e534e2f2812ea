/** Run the real HTML stage (HTMLRewriter in workerd) over a page delivered in chunks of a given size. */
import { grantsOf } from "../src/consent/grants";
import type { Texts } from "../src/texts/types";
import { parse } from "parse5";
import type { DefaultTreeAdapterMap } from "parse5";
import { compileConfig, type Site } from "../src/config/compile";
import type { SiteInput } from "../src/config/types";
import { enforceHtml } from "../src/html/rewrite-html";
import { runtimeConfig, runtimeElement, runtimeText } from "../src/html/runtime";
import type { EnforcementReport } from "../src/report";
import { testSite } from "./helpers";

type Element = DefaultTreeAdapterMap["element"];
type ParentNode = DefaultTreeAdapterMap["parentNode"];

export const RUNTIME_MARK = "<!-- consent-edge runtime -->";

export function htmlSite(overrides: Partial<SiteInput> = {}): Site {
  const compiled = compileConfig({
    sites: [
      testSite({
        trackers: { rules: [{ host: "maps.example.com", category: "functional", vendor: "Example Maps" }] },
        ...overrides,
      }),
    ],
  });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  const [site] = compiled.config.sites;
  if (!site) throw new Error("no site");
  return site;
}

export function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      const step = size > 0 ? size : bytes.length;
      for (let i = 0; i < bytes.length; i += step) controller.enqueue(bytes.slice(i, i + step));
      controller.close();
    },
  });
}

export function emptyReport(site: Site): EnforcementReport {
  return {
    siteId: site.id,
    mode: site.mode,
    consent: {
      granted: grantsOf(["necessary"]),
      decided: false,
      source: "default",
      reason: "test",
      region: { area: undefined, model: "opt-in" },
      signals: { gpc: false, dnt: false },
      refusedBySignals: [],
      decidedBy: {},
      ignored: [],
    },
    dropped: [],
    neutralised: [],
    hosts: [],
    rewritten: [],
    expired: [],
    withheld: [],
    undeclared: [],
    startedAt: 0,
  };
}

export interface Rewritten {
  text: string;
  report: EnforcementReport;
  headers: Headers;
}

export async function rewrite(
  input: string | Uint8Array,
  granted: string[],
  options: {
    chunk?: number;
    site?: Site;
    contentType?: string;
    headers?: Record<string, string>;
    doNotTrack?: boolean;
    /** Leave the injected runtime in the text instead of replacing it with RUNTIME_MARK. */
    keepRuntime?: boolean;
    /** The visitor's texts, as enforce-request passes them (English when absent). */
    texts?: Texts;
  } = {},
): Promise<Rewritten> {
  const site = options.site ?? htmlSite();
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  const origin = new Response(chunked(bytes, options.chunk ?? 0), {
    headers: { "Content-Type": options.contentType ?? "text/html; charset=utf-8", ...options.headers },
  });
  const headers = new Headers(origin.headers);
  const report = emptyReport(site);
  const grantedSet = new Set(["necessary", ...granted]);
  const body = await enforceHtml(
    origin,
    headers,
    {
      site,
      granted: grantedSet,
      doNotTrack: options.doNotTrack ?? false,
      page: new URL("https://www.example.com/page"),
      method: "GET",
      buffer: false,
      ...(options.texts ? { texts: options.texts } : {}),
    },
    report,
  );
  const raw = await new Response(body).text();
  const runtime = runtimeElement(runtimeText(runtimeConfig(site, grantedSet)), undefined);
  return { text: options.keepRuntime ? raw : raw.replace(runtime, RUNTIME_MARK), report, headers };
}

export function page(fragment: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Fixture</title></head>\n<body><main><p>Content</p>\n${fragment}</main></body></html>\n`;
}

/**
 * The judge of what a browser would load: the page parsed by a real HTML parser (parse5, which
 * decodes character references and builds the tree as browsers do), every URL an element fetches
 * or navigates to by its attributes resolved against the document base URL (the first <base> with
 * an href, HTML §4.2.3), and those `refused` says a visitor must not reach. An `iframe srcdoc` is
 * judged as the document it is. `scripting: false` reads <noscript> content as markup (JavaScript
 * off); with scripting on it is text, as the browser reads it.
 */
export function liveUrls(
  html: string,
  refused: (url: URL) => boolean,
  options: { page?: URL; scripting?: boolean; restore?: boolean } = {},
): string[] {
  const page = options.page ?? new URL("https://www.example.com/page");
  const document = parse(html, { scriptingEnabled: options.scripting ?? true });
  const elements: Element[] = [];
  const walk = (node: ParentNode) => {
    for (const child of node.childNodes) {
      if ("tagName" in child) {
        elements.push(child);
        walk(child.nodeName === "template" ? (child as unknown as { content: ParentNode }).content : child);
      }
    }
  };
  walk(document);
  const attribute = (element: Element, name: string): string | undefined =>
    element.attrs.find((a) => (a.prefix ? `${a.prefix}:${a.name}` : a.name) === name)?.value;
  if (options.restore) {
    // What the runtime does on grant: every data-ce- twin moves back to its attribute.
    for (const element of elements) {
      if (attribute(element, "data-ce-category") === undefined) continue;
      for (const a of [...element.attrs]) {
        if (!a.name.startsWith("data-ce-") || ["data-ce-category", "data-ce-unhide"].includes(a.name))
          continue;
        const name = a.name.slice("data-ce-".length);
        element.attrs = element.attrs.filter((other) => other.name !== name);
        element.attrs.push({ name, value: a.value });
      }
    }
  }
  const baseElement = elements.find((e) => e.tagName === "base" && attribute(e, "href") !== undefined);
  let base = page;
  try {
    if (baseElement) base = new URL(attribute(baseElement, "href") ?? "", page);
  } catch {
    base = page;
  }
  const found: string[] = [];
  const check = (value: string | undefined, list = false) => {
    if (value === undefined) return;
    const candidates = list
      ? value
          .split(/,(?=\s*\S)|\s+/)
          .map((part) => part.trim())
          .filter((part) => part !== "" && !/^\d+(\.\d+)?[wx]$/.test(part))
      : [value];
    for (const candidate of candidates) {
      try {
        const url = new URL(candidate, base);
        if (refused(url)) found.push(url.href);
      } catch {
        // Not a URL: nothing is fetched.
      }
    }
  };
  /** A URL loaded as a document: a data: URL's markup is judged as a page, a javascript: URL's text by the URLs in it. */
  const checkDocument = (value: string | undefined) => {
    const url = value?.trim();
    const decode = (text: string) => {
      try {
        return decodeURIComponent(text);
      } catch {
        return text;
      }
    };
    const data = url === undefined ? null : /^data:([^,]*),(.*)$/is.exec(url);
    const script = url === undefined ? null : /^javascript:(.*)$/is.exec(url);
    if (data) {
      const body = /;base64$/i.test(data[1] ?? "") ? atob(decode(data[2] ?? "")) : decode(data[2] ?? "");
      found.push(...liveUrls(body, refused, { ...options, page: base }));
    } else if (script) {
      for (const [mentioned] of decode(script[1] ?? "").matchAll(/(?:https?:)?\/\/[^\s'"<>]+/gi))
        check(mentioned);
    } else check(value);
  };
  for (const element of elements) {
    const get = (name: string) => attribute(element, name);
    switch (element.tagName) {
      case "script":
      case "image":
      case "feImage":
        check(get("src"));
        // SVG 2 §16.1.6: xlink:href only counts without href.
        check(get("href") ?? get("xlink:href"));
        break;
      case "img":
      case "source":
        check(get("src"));
        check(get("srcset"), true);
        break;
      case "video":
        check(get("src"));
        check(get("poster"));
        break;
      case "audio":
      case "track":
        check(get("src"));
        break;
      case "embed":
      case "frame":
        checkDocument(get("src"));
        break;
      case "input":
        if (get("type")?.toLowerCase() === "image") check(get("src"));
        break;
      case "object":
        checkDocument(get("data"));
        break;
      case "link":
        check(get("href"));
        check(get("imagesrcset"), true);
        break;
      case "a":
      case "area":
        check(get("ping"), true);
        break;
      case "meta":
        if (get("http-equiv")?.toLowerCase() === "refresh")
          check(/(?:url\s*=\s*)?['"]?((?:[a-z]+:)?\/\/[^'"\s]+)/i.exec(get("content") ?? "")?.[1]);
        break;
      case "iframe": {
        checkDocument(get("src"));
        const srcdoc = get("srcdoc");
        if (srcdoc !== undefined) found.push(...liveUrls(srcdoc, refused, { ...options, page: base }));
        break;
      }
      case "base":
        check(get("href"));
        break;
    }
  }
  return found;
}

/** The tracker hosts the detection tests use: each is refused with nothing granted. */
export function refusedTracker(url: URL): boolean {
  // DNS reads `www.googletagmanager.com.` (the root label's dot) as the same host.
  const host = url.hostname.replace(/\.+$/, "");
  const onHost = (suffix: string) => host === suffix || host.endsWith(`.${suffix}`);
  return (
    ["googletagmanager.com", "google-analytics.com", "doubleclick.net", "clarity.ms", "youtube.com"].some(
      onHost,
    ) ||
    onHost("connect.facebook.net") ||
    (host === "www.facebook.com" && url.pathname.startsWith("/tr"))
  );
}

/** The text of every script a browser would run, as parse5 reads the page (HTML §4.12.1.1 types). */
export function liveScripts(html: string): string[] {
  const scripts: string[] = [];
  const walk = (node: ParentNode) => {
    for (const child of node.childNodes) {
      if (!("tagName" in child)) continue;
      if (child.tagName === "script") {
        const type = child.attrs.find((a) => a.name === "type")?.value;
        const executable =
          type === undefined ||
          ["", "module", "text/javascript", "application/javascript"].includes(type.trim().toLowerCase());
        const text = child.childNodes.map((node) => ("value" in node ? node.value : "")).join("");
        if (executable) scripts.push(text);
      }
      walk(child);
    }
  };
  walk(parse(html));
  return scripts;
}
