/**
 * The site's tracker rules in the page (config.t, written by src/html/guard-rules.ts), compiled once
 * into the edge's lookups: hosts probed once per label of a URL's host (`a.b.example.com`,
 * `b.example.com`, ...), URL globs tested against the absolute URL, snippet signatures searched in a
 * script's text together with every host it mentions. The same answers as the edge's classifier
 * (src/html/classify-resource.ts) for the same rules.
 */
import { URL_IN_TEXT } from "../../html/url-in-text";
import type { Granted, GuardRules } from "../config";

/** The categories (space-separated) a refused URL or script text needs, or undefined when it may load. */
export type Refuses = (value: string) => string | undefined;

export interface PageRules {
  /**
   * A URL as a page writes it (absolute, protocol-relative, or relative to the document's base URL,
   * or to `base`, itself resolved against the document's).
   */
  url: (value: string, base?: string) => string | undefined;
  /** An inline script's text: by signature, and by each host it mentions. */
  text: Refuses;
  /** A space-separated category list (an author's marking), when one of them is not granted. */
  refused: Refuses;
}

/**
 * `refusedHost`, when the page view reports to the inventory (the reporter, ../reporter.ts), is told
 * the host of every URL refused.
 */
export function compileRules(
  rules: GuardRules,
  has: Granted,
  refusedHost?: (host: string) => void,
): PageRules {
  // No prototype: a host is looked up as it is (`__proto__` included).
  const hosts = Object.create(null) as Record<string, string | undefined>;
  for (const categories in rules.h)
    (rules.h[categories] as string).split(" ").forEach((host) => {
      hosts[host] = categories;
    });
  const globs = rules.u.map(([source, categories]): [RegExp, string] => [new RegExp(source), categories]);
  /** The categories of the first rule that matches, when one of them is not granted. */
  const refused = (categories: string | undefined) =>
    categories && !categories.split(" ").every(has) ? categories : undefined;
  /** The host categoriesOf last judged. */
  let judged = "";
  const categoriesOf = (raw: string, base?: string): string | undefined => {
    let url: URL;
    try {
      url = new URL(raw.trim(), base ? new URL(base, document.baseURI) : document.baseURI);
    } catch {
      return;
    }
    if (!/^https?:$/.test(url.protocol)) return;
    // The root label's dot (`www.googletagmanager.com.`) names the same host: as the edge, without it.
    url.hostname = judged = url.hostname.replace(/\.+$/, "");
    for (const [regex, categories] of globs) if (regex.test(url.href)) return categories;
    for (let host = url.hostname; ; host = host.slice(host.indexOf(".") + 1)) {
      const categories = hosts[host];
      if (categories) return categories;
      if (!host.includes(".")) return;
    }
  };
  return {
    refused,
    url(raw, base) {
      const categories = refused(categoriesOf(raw, base));
      // Found categories: categoriesOf has just judged this URL's host.
      if (categories && refusedHost) refusedHost(judged);
      return categories;
    },
    text(text) {
      const found: string[] = [];
      rules.i.forEach(([signature, categories]) => {
        if (text.includes(signature)) found.push(categories);
      });
      let m: RegExpExecArray | null;
      URL_IN_TEXT.lastIndex = 0;
      while ((m = URL_IN_TEXT.exec(text))) found.push(categoriesOf(`https://${m[1]}/`) || "");
      const all = found
        .join(" ")
        .split(" ")
        .filter((c, i, list) => c && list.indexOf(c) == i);
      return refused(all.join(" "));
    },
  };
}
