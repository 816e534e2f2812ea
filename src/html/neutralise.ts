/**
 * The HTMLRewriter handlers that make trackers of refused categories inert, streaming.
 *
 * Cost model (see README, Performance): a JS handler call costs ~10 µs and lol-html's cost grows
 * with the number of selectors, so there are a handful of narrow selectors (never one per host, never
 * one that fires on every element) and the host decision is a Map lookup in JS.
 */
import {
  embeddedText,
  pingUrls,
  refreshUrl,
  srcsetUrls,
  type ResourceClassifier,
  type ResourceMatch,
} from "./classify-resource";
import {
  AUTHOR_CATEGORY,
  decodeAttribute,
  escapeHtml,
  INERT,
  inertTwin,
  type InertUrlAttribute,
  isExecutableScriptType,
} from "./inert";

export interface Neutralised {
  /** The element's tag name (`img`, `video`, `link`...), or `inline-script` and `noscript`. */
  element: string;
  rule: string;
  category: string;
}

/** How an attribute holds its URLs (`document`: a URL loaded as a document, data: and javascript: too). */
type UrlSyntax = "url" | "document" | "srcset" | "ping" | "refresh" | "srcdoc";

/** A URL-bearing attribute, and the twin its value waits in while the element is inert. */
interface UrlAttribute {
  name: string;
  syntax: UrlSyntax;
  twin: InertUrlAttribute;
}

const attribute = (name: InertUrlAttribute, syntax: UrlSyntax = "url"): UrlAttribute => ({
  name,
  syntax,
  twin: name,
});
/** SVG's legacy `xlink:href` (SVG 2 §16.1.6: `href` wins when both are present). */
const XLINK_HREF: UrlAttribute = { name: "xlink:href", syntax: "url", twin: "href" };
const SRC = attribute("src");
const SRCSET = attribute("srcset", "srcset");
const HREF = attribute("href");

/**
 * The elements that fetch or navigate by an attribute (HTML's fetching elements, SVG's `image`,
 * `feImage` and `script`), with the attributes each loads from. lol-html does no tree building,
 * so `<image src>` arrives as `image`, though the browser builds an `<img>` from it (HTML §13.2.6.4.7).
 */
const LOADERS: Record<string, readonly UrlAttribute[]> = {
  img: [SRC, SRCSET],
  image: [SRC, HREF, XLINK_HREF],
  feimage: [HREF, XLINK_HREF],
  source: [SRC, SRCSET],
  video: [SRC, attribute("poster")],
  audio: [SRC],
  track: [SRC],
  input: [SRC],
  object: [attribute("data", "document")],
  embed: [attribute("src", "document")],
  frame: [attribute("src", "document")],
  link: [HREF, attribute("imagesrcset", "srcset")],
  a: [attribute("ping", "ping")],
  meta: [attribute("content", "refresh")],
  iframe: [attribute("src", "document"), attribute("srcdoc", "srcdoc")],
  script: [SRC],
  "svg-script": [HREF, XLINK_HREF],
};

/**
 * The raw attribute values (lol-html matches selectors against what the page wrote) from which a
 * URL can leave the document's base host: a scheme (`:`), a protocol-relative start (`//`, or `\`
 * which the URL parser reads as `/` for http(s), WHATWG URL §4.4), a character reference that may
 * decode to any of these (`&`), and tab, LF or CR, which the URL parser removes from anywhere
 * (`/\t/host` is `//host`). Anything else is a path on the base's host. In a srcset, whitespace
 * separates a URL from its descriptors (HTML §4.8.4.3.10) and never joins two slashes. CSS escapes:
 * `\\` is `\`, `\9 ` tab, `\a ` LF, `\d ` CR.
 */
const LEAVES_BASE_HOST = [":", "//", "\\\\", "&"];
const LEAVES_BASE_HOST_IN_URL = [...LEAVES_BASE_HOST, "\\9 ", "\\a ", "\\d "];
const leavingBaseHost = (tag: string, name: string, shapes = LEAVES_BASE_HOST_IN_URL) =>
  shapes.map((shape) => `${tag}[${name}*="${shape}"]`);

export interface NeutraliseContext {
  classifier: ResourceClassifier;
  granted: ReadonlySet<string>;
  /** DNT: 1 was sent: rules marked `doNotTrack` need the never-granted DO_NOT_TRACK category too. */
  doNotTrack: boolean;
  page: URL;
  /** The runtime's `<script>` element, injected before the first element that could load anything. */
  runtime: string;
  /** consent-edge's banner, inserted at the start of <body>. */
  banner?: string;
  /**
   * Every category is granted and DNT is off: nothing can be neutralised, so only the runtime and
   * the banner are injected, with three cheap handlers instead of the full set.
   */
  nothingToNeutralise?: boolean;
  /** Each neutralised element is reported here. */
  neutralised: Neutralised[];
}

/**
 * Links that fetch or connect by themselves (HTML §4.6.7): a preconnect leaks the visitor's IP
 * before any script runs; a stylesheet or icon on a tracker host is a request with its cookies.
 * Canonical, alternate and other links that only describe never reach a handler.
 */
const LOADING_RELS = [
  "preconnect",
  "dns-prefetch",
  "preload",
  "prefetch",
  "modulepreload",
  "prerender",
  "stylesheet",
  "icon",
  "manifest",
];
const LOADING_LINK_SELECTORS = LOADING_RELS.map((rel) => `link[rel~="${rel}" i]`);
// In <noscript> text: a whole <iframe>...</iframe>, or the start tag of another element that loads.
const NOSCRIPT_LOADER =
  /<iframe\b([^>]*)>[\s\S]*?<\/iframe\s*>|<(?:img|image|video|audio|source|track|embed|object|input|link|frame)\b([^>]*)>/gi;
const NOSCRIPT_URL_ATTRIBUTE =
  /\s(src|srcset|href|poster|data|imagesrcset)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;

/**
 * A pseudo-category nobody can grant: an element that needs it (a `doNotTrack` rule, for a visitor
 * who sent DNT: 1) stays inert, and the runtime never restores it.
 */
export const DO_NOT_TRACK = "do-not-track";

export function buildNeutraliser(context: NeutraliseContext): HTMLRewriter {
  const { classifier, granted, page } = context;

  /** What an element needs: the author's own marking wins over the rules. */
  const requirement = (
    authorCategories: string | null,
    matches: () => ResourceMatch[],
  ): { categories: string[]; rule: string; vendor: string | undefined } | undefined => {
    if (authorCategories !== null) {
      const categories = authorCategories.split(/\s+/).filter((category) => category !== "");
      return categories.length > 0
        ? { categories, rule: `attribute:${categories.join(" ")}`, vendor: undefined }
        : undefined;
    }
    return needsOf(matches());
  };
  const needsOf = (
    matches: ResourceMatch[],
  ): { categories: string[]; rule: string; vendor: string | undefined } | undefined => {
    if (matches.length === 0) return undefined;
    const categories = new Set(matches.map((match) => match.category));
    if (context.doNotTrack && matches.some((match) => match.doNotTrack)) categories.add(DO_NOT_TRACK);
    const rules = [...new Set(matches.map((match) => match.rule))];
    return {
      categories: [...categories],
      rule: rules.join(" + "),
      vendor: matches.find((match) => match.vendor !== undefined)?.vendor,
    };
  };
  const refused = (categories: string[]) => categories.filter((category) => !granted.has(category));

  // The document base URL (HTML §4.2.3): the first <base> with an href governs every relative URL
  // after it. When that base is itself made inert (its host could serve a refused tracker), the
  // browser resolves against the page instead until it is restored: a URL is judged against both.
  let bases: URL[] = [page];
  let baseSeen = false;
  const classifyUrls = (urls: string[]): ResourceMatch[] => {
    const found: ResourceMatch[] = [];
    for (const url of urls)
      for (const base of bases) {
        const match = classifier.classifyUrl(url, base);
        if (match) found.push(match);
      }
    return found;
  };
  /** Every rule an attribute's value matches, decoded as the browser decodes it first. */
  const classifyAttribute = (syntax: UrlSyntax, raw: string): ResourceMatch[] => {
    const value = decodeAttribute(raw);
    switch (syntax) {
      case "url":
        return classifyUrls([value]);
      case "srcset":
        return classifyUrls(srcsetUrls(value));
      case "ping":
        return classifyUrls(pingUrls(value));
      case "refresh": {
        const url = refreshUrl(value);
        return url === undefined ? [] : classifyUrls([url]);
      }
      case "document": {
        // A data: or javascript: URL carries the document (or script) itself.
        const embedded = embeddedText(value);
        return embedded === undefined
          ? classifyUrls([value])
          : bases.flatMap((base) => classifier.classifyInline(scannable(embedded), base));
      }
      case "srcdoc":
        return bases.flatMap((base) => classifier.classifyInline(scannable(value), base));
    }
  };
  /**
   * Markup of a document of its own, ready to scan for URLs: its character references decode once
   * more, and the URL parser would drop tabs and newlines from its URLs and read `\` as `/`.
   */
  const scannable = (markup: string): string =>
    decodeAttribute(markup)
      .replace(/[\t\n\r]/g, "")
      .replace(/\\/g, "/");
  let injected = false;
  const injectBefore = (element: Element) => {
    if (injected) return;
    injected = true;
    element.before(context.runtime, { html: true });
  };
  const report = (element: string, rule: string, categories: string[]) => {
    for (const category of categories) context.neutralised.push({ element, rule, category });
  };

  /**
   * Makes an element inert when its URLs need a category that is not granted: each URL attribute
   * moves to its `data-ce-` twin (the runtime moves it back on grant) and the categories are
   * recorded. Undefined when it stays live.
   */
  const makeInert = (
    element: Element,
    attributes: readonly UrlAttribute[],
    beforeCategory?: () => void,
  ): { rule: string; blocked: string[]; vendor: string | undefined } | undefined => {
    if (element.hasAttribute(INERT.category)) return undefined;
    const present: Array<[UrlAttribute, string]> = [];
    for (const url of attributes) {
      const value = element.getAttribute(url.name);
      if (value !== null) present.push([url, value]);
    }
    const need = requirement(element.getAttribute(AUTHOR_CATEGORY), () =>
      present.flatMap(([url, value]) => classifyAttribute(url.syntax, value)),
    );
    const blocked = need ? refused(need.categories) : [];
    if (!need || blocked.length === 0) return undefined;
    for (const [url, value] of present) {
      element.removeAttribute(url.name);
      // `href` beside `xlink:href`: the first listed (href) is the one SVG 2 uses, and it stays.
      if (!element.hasAttribute(inertTwin(url.twin))) element.setAttribute(inertTwin(url.twin), value);
    }
    beforeCategory?.();
    element.setAttribute(INERT.category, need.categories.join(" "));
    return { rule: need.rule, blocked, vendor: need.vendor };
  };

  /** An element that loads by its attributes only, restored by setting them back. */
  const loader = (kind: keyof typeof LOADERS) => (element: Element) => {
    // A refresh or a base executes nothing: the runtime need not precede them (nor <meta charset>).
    if (kind !== "meta") injectBefore(element);
    const inert = makeInert(element, LOADERS[kind] ?? []);
    if (inert) report(element.tagName, inert.rule, inert.blocked);
  };

  const externalScript = (element: Element, attributes: readonly UrlAttribute[]) => {
    injectBefore(element);
    const type = element.getAttribute("type");
    if (!isExecutableScriptType(type)) return;
    const inert = makeInert(element, attributes, () => {
      if (type !== null) element.setAttribute(INERT.type, type);
      element.setAttribute("type", "text/plain");
    });
    if (inert) report("script", inert.rule, inert.blocked);
  };

  // Inline scripts are decided by their text, which arrives in chunks after the start tag has
  // been written. The text is held back; at its end it is either written back unchanged, or the
  // (now empty) original is closed and an inert copy carrying the text is opened in its place.
  let inline: { author: string | null; nonce: string | null; type: string | null; text: string } | undefined;
  const inlineScript: HTMLRewriterElementContentHandlers = {
    element(element) {
      inline = undefined;
      // An SVG <script> loads from href (or xlink:href), not src (SVG 2 §15.2). lol-html cannot tell
      // SVG from HTML, where href means nothing and the text runs: the text is still judged below,
      // unless the href already made it inert (its type is text/plain by then).
      if (element.hasAttribute("href") || element.hasAttribute("xlink:href"))
        externalScript(element, LOADERS["svg-script"] ?? []);
      injectBefore(element);
      const type = element.getAttribute("type");
      inline = isExecutableScriptType(type)
        ? {
            author: element.getAttribute(AUTHOR_CATEGORY),
            nonce: element.getAttribute("nonce"),
            type,
            text: "",
          }
        : undefined;
    },
    text(chunk) {
      if (!inline) return;
      inline.text += chunk.text;
      chunk.remove();
      if (!chunk.lastInTextNode) return;
      const script = inline;
      inline = undefined;
      const need =
        script.author !== null
          ? requirement(script.author, () => [])
          : needsOf(bases.flatMap((base) => classifier.classifyInline(script.text, base)));
      const blocked = need ? refused(need.categories) : [];
      if (!need || blocked.length === 0) {
        chunk.before(script.text, { html: true });
        return;
      }
      const attributes = [
        `type="text/plain"`,
        `${INERT.category}="${escapeHtml(need.categories.join(" "))}"`,
        script.type !== null ? `${INERT.type}="${escapeHtml(script.type)}"` : "",
        script.nonce !== null ? `nonce="${escapeHtml(script.nonce)}"` : "",
      ].filter((attribute) => attribute !== "");
      chunk.before(`</script><script ${attributes.join(" ")}>${script.text}`, { html: true });
      report("inline-script", need.rule, blocked);
    },
  };

  const iframe = (element: Element) => {
    injectBefore(element);
    const inert = makeInert(element, LOADERS.iframe ?? []);
    if (!inert) return;
    if (!element.hasAttribute("hidden")) {
      element.setAttribute("hidden", "");
      element.setAttribute(INERT.unhide, "");
    }
    element.after(placeholder(inert.vendor ?? "This embedded content", inert.blocked), { html: true });
    report("iframe", inert.rule, inert.blocked);
  };

  /** The rarer loading elements share one selector list (cheaper for lol-html than one each). */
  const byTag = (element: Element) => {
    const kind = element.tagName === "area" ? "a" : element.tagName;
    if (kind === "link") {
      const rels = (element.getAttribute("rel") ?? "").toLowerCase().split(/[\t\n\f\r ]+/);
      if (!rels.some((rel) => LOADING_RELS.includes(rel))) return;
    }
    if (kind in LOADERS) loader(kind)(element);
  };

  const baseHandler = (element: Element) => {
    if (baseSeen) return;
    baseSeen = true;
    const raw = element.getAttribute("href") ?? "";
    let base: URL;
    try {
      base = new URL(decodeAttribute(raw), page);
    } catch {
      return; // An href that does not parse leaves the page's own URL as the base (HTML §4.2.3).
    }
    if (base.protocol === "data:" || base.protocol === "javascript:") return;
    bases = [base];
    // A base on a host whose URLs could need a refused category is made inert: otherwise every
    // relative URL after it (most never reach a handler) would load from that host. Until it is
    // restored the page's relative URLs resolve against the page itself, a first-party request.
    const need = requirement(element.getAttribute(AUTHOR_CATEGORY), () => classifier.classifyHost(base));
    const blocked = need ? refused(need.categories) : [];
    if (!need || blocked.length === 0) return;
    element.removeAttribute("href");
    element.setAttribute(INERT.href, raw);
    element.setAttribute(INERT.category, need.categories.join(" "));
    bases = [base, page];
    report("base", need.rule, blocked);
  };

  // Only the edge writes the inert form. A page's own data-ce- attributes (user content that a
  // sanitiser let through as data-*) would otherwise have the runtime set an iframe's srcdoc or a
  // javascript: src, or grant a category from a disguised button, on the visitor's behalf: they are
  // removed before any other handler sees the element. (The one attribute-only selector: lol-html
  // then reads every element's attributes, about 6% of the HTML stage on the bench page.)
  const planted = (element: Element) => {
    const names: string[] = [];
    for (const [name] of element.attributes) if (name?.startsWith("data-ce-")) names.push(name);
    for (const name of names) element.removeAttribute(name);
  };

  // The charset declaration must stay within the first 1024 bytes (HTML §4.2.5.4): inject after it.
  const metaCharsetHandler: HTMLRewriterElementContentHandlers = {
    element: (element) => {
      if (injected) return;
      injected = true;
      element.after(context.runtime, { html: true });
    },
  };
  const bodyHandler: HTMLRewriterElementContentHandlers = {
    element: (element) => {
      const first = injected ? "" : context.runtime;
      injected = true;
      const content = `${first}${context.banner ?? ""}`;
      if (content !== "") element.prepend(content, { html: true });
    },
  };
  const headHandler: HTMLRewriterElementContentHandlers = {
    element: (element) => {
      // Without a meta charset or an earlier loading element, the end of <head> still precedes the body.
      element.onEndTag((end) => {
        if (injected) return;
        injected = true;
        end.before(context.runtime, { html: true });
      });
    },
  };

  // lol-html reads <noscript> content as text (scripting enabled), so what loads in it is found by
  // scanning that text. It only ever loads with JavaScript off, so it is removed, not made restorable.
  let noscript = "";
  const noscriptText: HTMLRewriterElementContentHandlers = {
    text(chunk) {
      noscript += chunk.text;
      chunk.remove();
      if (!chunk.lastInTextNode) return;
      const text = noscript;
      noscript = "";
      const cleaned = text.replace(
        NOSCRIPT_LOADER,
        (tag: string, iframeAttributes?: string, otherAttributes?: string) => {
          const matches: ResourceMatch[] = [];
          for (const [, name, ...values] of ` ${iframeAttributes ?? otherAttributes ?? ""}`.matchAll(
            NOSCRIPT_URL_ATTRIBUTE,
          )) {
            // One of the three value groups matched (quoted "", quoted '', unquoted); the others are undefined.
            const raw = values.join("");
            const syntax = (name ?? "").toLowerCase().endsWith("srcset") ? "srcset" : "url";
            matches.push(...classifyAttribute(syntax, raw));
          }
          // DNT: 1 refuses a `doNotTrack` rule's pixel whatever was granted (needsOf adds DO_NOT_TRACK).
          const need = needsOf(matches);
          const blocked = need ? refused(need.categories) : [];
          if (!need || blocked.length === 0) return tag;
          report("noscript", need.rule, blocked);
          return "";
        },
      );
      chunk.before(cleaned, { html: true });
    },
  };

  if (context.nothingToNeutralise) {
    return new HTMLRewriter()
      .on("meta[charset]", metaCharsetHandler)
      .on("body", bodyHandler)
      .on("head", headHandler);
  }

  // Narrow selectors only (see the cost model above): every <script> and <iframe>, the rare
  // loading elements whatever their URL, and <img> only when its URL could leave the base host.
  const tags = (list: string[]) => list.join(", ");
  return new HTMLRewriter()
    .on(`[${INERT.category}], [${INERT.grant}]`, { element: planted })
    .on("meta[charset]", metaCharsetHandler)
    .on("base[href]", { element: baseHandler })
    .on("script[src]", {
      element: (element) => {
        externalScript(element, LOADERS.script ?? []);
      },
    })
    .on("script:not([src])", inlineScript)
    .on("iframe", { element: iframe })
    .on(
      tags([
        ...leavingBaseHost("img", "src"),
        ...leavingBaseHost("img", "srcset", LEAVES_BASE_HOST),
        `img[${AUTHOR_CATEGORY}]`,
      ]),
      { element: loader("img") },
    )
    .on(
      tags([
        "image",
        "feimage",
        "source",
        "video",
        "audio[src]",
        "track[src]",
        'input[type="image" i]',
        "object[data]",
        "embed[src]",
        "frame[src]",
        "a[ping]",
        "area[ping]",
        'meta[http-equiv="refresh" i]',
        ...LOADING_LINK_SELECTORS,
      ]),
      { element: byTag },
    )
    .on("noscript", noscriptText)
    .on("body", bodyHandler)
    .on("head", headHandler);
}

function placeholder(vendor: string, categories: string[]): string {
  const list = categories.join(" and ");
  const label = `${vendor} is blocked`;
  return (
    `<div ${INERT.placeholder}="${escapeHtml(categories.join(" "))}" role="region" aria-label="${escapeHtml(label)}" ` +
    `style="border:1px dashed currentColor;padding:1em;margin:1em 0">` +
    `<p>${escapeHtml(vendor)} is not shown because it sets ${escapeHtml(list)} cookies, which you have not accepted.</p>` +
    `<button type="button" ${INERT.grant}="${escapeHtml(categories.join(" "))}">Accept ${escapeHtml(list)} cookies and show it</button>` +
    `</div>`
  );
}
