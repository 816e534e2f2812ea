/**
 * The HTMLRewriter handlers that make trackers of refused categories inert, streaming.
 *
 * Cost model (see README, Performance): a JS handler call costs ~10 µs and lol-html's cost grows
 * with the number of selectors, so there are a handful of narrow selectors (never one per host, never
 * one that fires on every element) and the host decision is a Map lookup in JS.
 */
import type { ResourceClassifier, ResourceMatch } from "./classify-resource";
import { AUTHOR_CATEGORY, decodeAttribute, escapeHtml, INERT, isExecutableScriptType } from "./inert";

export interface Neutralised {
  element: "script" | "inline-script" | "iframe" | "img" | "link" | "noscript";
  rule: string;
  category: string;
}

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

const PRELOAD_RELS = ["preconnect", "dns-prefetch", "preload", "prefetch", "modulepreload"];
/** Only links that open a connection or fetch early: stylesheets and icons never reach a handler. */
const PRELOAD_LINK_SELECTOR = PRELOAD_RELS.map((rel) => `link[rel~="${rel}" i][href]`).join(", ");
// In <noscript> text: a whole <iframe>...</iframe>, or an <img>; and the src inside its attributes.
const NOSCRIPT_LOADER = /<iframe\b([^>]*)>[\s\S]*?<\/iframe\s*>|<img\b([^>]*)>/gi;
const SRC_ATTRIBUTE = /\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;

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
    match: () => ResourceMatch | undefined,
  ): { categories: string[]; rule: string } | undefined => {
    if (authorCategories !== null) {
      const categories = authorCategories.split(/\s+/).filter((category) => category !== "");
      return categories.length > 0 ? { categories, rule: `attribute:${categories.join(" ")}` } : undefined;
    }
    const found = match();
    return found ? needsOf([found]) : undefined;
  };
  const needsOf = (matches: ResourceMatch[]): { categories: string[]; rule: string } | undefined => {
    if (matches.length === 0) return undefined;
    const categories = new Set(matches.map((match) => match.category));
    if (context.doNotTrack && matches.some((match) => match.doNotTrack)) categories.add(DO_NOT_TRACK);
    return { categories: [...categories], rule: matches.map((match) => match.rule).join(" + ") };
  };
  const refused = (categories: string[]) => categories.filter((category) => !granted.has(category));

  let injected = false;
  const injectBefore = (element: Element) => {
    if (injected) return;
    injected = true;
    element.before(context.runtime, { html: true });
  };
  const report = (element: Neutralised["element"], rule: string, categories: string[]) => {
    for (const category of categories) context.neutralised.push({ element, rule, category });
  };

  const externalScript = (element: Element) => {
    injectBefore(element);
    if (element.hasAttribute(INERT.category)) return;
    const type = element.getAttribute("type");
    if (!isExecutableScriptType(type)) return;
    const src = element.getAttribute("src") ?? "";
    const need = requirement(element.getAttribute(AUTHOR_CATEGORY), () =>
      classifier.classifyUrl(decodeAttribute(src), page),
    );
    const blocked = need ? refused(need.categories) : [];
    if (!need || blocked.length === 0) return;
    element.removeAttribute("src");
    element.setAttribute(INERT.src, src);
    if (type !== null) element.setAttribute(INERT.type, type);
    element.setAttribute("type", "text/plain");
    element.setAttribute(INERT.category, need.categories.join(" "));
    report("script", need.rule, blocked);
  };

  // Inline scripts are decided by their text, which arrives in chunks after the start tag has
  // been written. The text is held back; at its end it is either written back unchanged, or the
  // (now empty) original is closed and an inert copy carrying the text is opened in its place.
  let inline: { author: string | null; nonce: string | null; type: string | null; text: string } | undefined;
  const inlineScript: HTMLRewriterElementContentHandlers = {
    element(element) {
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
          ? requirement(script.author, () => undefined)
          : needsOf(classifier.classifyInline(script.text, page));
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

  /**
   * Makes an element inert by its URL attribute when its categories are not all granted: the URL
   * moves to its `data-ce-` twin and the categories are recorded. Undefined when it stays live.
   */
  const makeInert = (
    element: Element,
    attribute: "src" | "href",
  ): { rule: string; blocked: string[]; url: string } | undefined => {
    injectBefore(element);
    if (element.hasAttribute(INERT.category)) return undefined;
    const url = element.getAttribute(attribute);
    const need = requirement(element.getAttribute(AUTHOR_CATEGORY), () =>
      url ? classifier.classifyUrl(decodeAttribute(url), page) : undefined,
    );
    const blocked = need ? refused(need.categories) : [];
    if (!need || blocked.length === 0 || url === null) return undefined;
    element.removeAttribute(attribute);
    element.setAttribute(attribute === "src" ? INERT.src : INERT.href, url);
    element.setAttribute(INERT.category, need.categories.join(" "));
    return { rule: need.rule, blocked, url };
  };

  const iframe = (element: Element) => {
    const inert = makeInert(element, "src");
    if (!inert) return;
    if (!element.hasAttribute("hidden")) {
      element.setAttribute("hidden", "");
      element.setAttribute(INERT.unhide, "");
    }
    const vendor =
      classifier.classifyUrl(decodeAttribute(inert.url), page)?.vendor ?? "This embedded content";
    element.after(placeholder(vendor, inert.blocked), { html: true });
    report("iframe", inert.rule, inert.blocked);
  };

  const image = (element: Element) => {
    const inert = makeInert(element, "src");
    if (!inert) return;
    const srcset = element.getAttribute("srcset");
    if (srcset !== null) {
      element.removeAttribute("srcset");
      element.setAttribute(INERT.srcset, srcset);
    }
    report("img", inert.rule, inert.blocked);
  };

  const link = (element: Element) => {
    const rels = (element.getAttribute("rel") ?? "").toLowerCase().split(/\s+/);
    if (!rels.some((rel) => PRELOAD_RELS.includes(rel))) return;
    const inert = makeInert(element, "href");
    if (inert) report("link", inert.rule, inert.blocked);
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

  // lol-html reads <noscript> content as text (scripting enabled), so pixels in it are found by
  // scanning that text. They only ever load with JavaScript off, so they are removed, not made restorable.
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
        (tag: string, iframeAttributes?: string, imgAttributes?: string) => {
          const src = SRC_ATTRIBUTE.exec(` ${iframeAttributes ?? imgAttributes ?? ""}`);
          const url = src?.[1] ?? src?.[2] ?? src?.[3];
          if (url === undefined) return tag;
          const match = classifier.classifyUrl(decodeAttribute(url), page);
          if (!match || granted.has(match.category)) return tag;
          report("noscript", match.rule, [match.category]);
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

  return new HTMLRewriter()
    .on("meta[charset]", metaCharsetHandler)
    .on("script[src]", { element: externalScript })
    .on("script:not([src])", inlineScript)
    .on("iframe", { element: iframe })
    .on('img[src^="http"], img[src^="//"], img[data-consent-category]', { element: image })
    .on(PRELOAD_LINK_SELECTOR, { element: link })
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
