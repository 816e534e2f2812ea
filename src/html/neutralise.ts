/**
 * The HTMLRewriter handlers that make trackers of refused categories inert, streaming.
 *
 * Cost model (see README, Performance): a JS handler call costs ~10 µs and lol-html's cost grows
 * with the number of selectors, so there are a handful of narrow selectors (never one per host, never
 * one that fires on every element) and the host decision is a Map lookup in JS.
 */
import { allows, needOf, parseNeed } from "../consent/grants";
import { fill, joinList } from "../texts/fill";
import { ENGLISH_TEXTS } from "../texts/languages/en";
import type { Texts } from "../texts/types";
import { LOADING_RELS, loadsSomething } from "./loading-rels";
import {
  embeddedText,
  pingUrls,
  refreshUrl,
  srcsetUrls,
  type LocatedUrl,
  type ResourceClassifier,
  type ResourceMatch,
} from "./classify-resource";
import type { HostSink } from "./hosts-seen";
import {
  AUTHOR_CATEGORY,
  decodeAttribute,
  DO_NOT_TRACK,
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
  /** The visitor's texts, for the placeholder after a blocked embed (English when absent). */
  texts?: Texts;
  /**
   * When set (the inventory observes, or the debug headers are read), every URL an element is
   * judged by goes here with the element's outcome. Unset, URLs are classified exactly as before.
   * With `nothingToNeutralise`, the elements are still judged (nothing is changed) so that a page
   * whose visitor granted everything reports its hosts too.
   */
  hosts?: HostSink;
}

/** Links that load (loading-rels.ts); canonical, alternate and other describing links never reach a handler. */
const LOADING_LINK_SELECTORS = LOADING_RELS.map((rel) => `link[rel~="${rel}" i]`);
/** The namespace of HTML elements, as HTMLRewriter's `Element.namespaceURI` reports it. */
const HTML_NAMESPACE = "http://www.w3.org/1999/xhtml";

/**
 * What loads in <noscript> content for a visitor without JavaScript: the same elements as in the
 * page (scripts do not run there), whatever their URL, and anything the page author marked.
 */
const NOSCRIPT_LOADING = [
  ...Object.keys(LOADERS).filter((tag) => tag !== "script" && tag !== "svg-script" && tag !== "a"),
  "a[ping]",
  "area[ping]",
  `[${AUTHOR_CATEGORY}]`,
].join(", ");

/**
 * Documents inside documents (an iframe's srcdoc holding an iframe's srcdoc...) are parsed to this
 * depth; deeper ones are judged by every URL-like token in them (see `urlCandidates`).
 */
const MAX_NESTED_DOCUMENTS = 3;
const NOTHING_GRANTED: ReadonlySet<string> = new Set();

type Need = { categories: string[]; rule: string; vendor: string | undefined };

/** `f(value)`, after the value when it is a promise: keeps the common, synchronous path synchronous. */
function andThen<T, U>(value: T | Promise<T>, f: (value: T) => U): U | Promise<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}

export { DO_NOT_TRACK };

/**
 * `depth` counts the documents this one is nested in (srcdoc, data: documents): the neutraliser
 * parses each of them with a neutraliser of its own to find what they load.
 */
export function buildNeutraliser(context: NeutraliseContext, depth = 0): HTMLRewriter {
  const { classifier, granted, page } = context;

  /** What an element needs: the author's own marking wins over the rules. */
  const requirement = (authorCategories: string | null, matches: () => ResourceMatch[]): Need | undefined => {
    if (authorCategories !== null) {
      const categories = authorCategories.split(/\s+/).filter((category) => category !== "");
      return categories.length > 0
        ? { categories, rule: `attribute:${categories.join(" ")}`, vendor: undefined }
        : undefined;
    }
    return needsOf(matches());
  };
  const needsOf = (matches: ResourceMatch[]): Need | undefined => {
    if (matches.length === 0) return undefined;
    // A rule of a service needs `category:service`: granted with the category or the service alone.
    const categories = new Set(matches.map((match) => needOf(match)));
    if (context.doNotTrack && matches.some((match) => match.doNotTrack)) categories.add(DO_NOT_TRACK);
    const rules = [...new Set(matches.map((match) => match.rule))];
    return {
      categories: [...categories],
      rule: rules.join(" + "),
      vendor: matches.find((match) => match.vendor !== undefined)?.vendor,
    };
  };
  const refused = (needs: string[]) => needs.filter((need) => !allows(granted, need));

  // The document base URL (HTML §4.2.3): the first <base> with an href governs every relative URL
  // after it. When that base is itself made inert (its host could serve a refused tracker), the
  // browser resolves against the page instead until it is restored: a URL is judged against both.
  let bases: URL[] = [page];
  let baseSeen = false;
  /** `seen`, when hosts are recorded: where each URL's host goes, matched or not. */
  const classifyUrls = (urls: string[], seen?: LocatedUrl[]): ResourceMatch[] => {
    const found: ResourceMatch[] = [];
    for (const url of urls)
      for (const base of bases) {
        if (seen) {
          const located = classifier.locateUrl(url, base);
          if (!located) continue;
          seen.push(located);
          if (located.match) found.push(located.match);
          continue;
        }
        const match = classifier.classifyUrl(url, base);
        if (match) found.push(match);
      }
    return found;
  };
  /**
   * Every rule an attribute's value matches, decoded as the browser decodes it first. A document
   * carried in the value (srcdoc, a data: or javascript: URL) is parsed: a promise then.
   */
  const classifyAttribute = (
    syntax: UrlSyntax,
    raw: string,
    seen?: LocatedUrl[],
  ): ResourceMatch[] | Promise<ResourceMatch[]> => {
    const value = decodeAttribute(raw);
    switch (syntax) {
      case "url":
        return classifyUrls([value], seen);
      case "srcset":
        return classifyUrls(srcsetUrls(value), seen);
      case "ping":
        return classifyUrls(pingUrls(value), seen);
      case "refresh": {
        const url = refreshUrl(value);
        return url === undefined ? [] : classifyUrls([url], seen);
      }
      case "document": {
        // A data: or javascript: URL carries the document (or script) itself.
        const embedded = embeddedText(value);
        return embedded === undefined ? classifyUrls([value], seen) : classifyDocument(embedded, seen);
      }
      case "srcdoc":
        return classifyDocument(value, seen);
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
  /**
   * Every token of a markup that could be a URL attribute's value (split where a tag or a quoted
   * value ends, and after `name=` of an unquoted one, and at srcset commas): a superset of its URLs,
   * for a document that cannot be parsed.
   */
  const urlCandidates = (markup: string): string[] =>
    scannable(markup)
      .split(/[\t\n\f\r "'<>`]+/)
      .flatMap((token) => [token, token.slice(token.indexOf("=") + 1), ...token.split(",")])
      .filter((token) => token !== "");
  /**
   * What a document nested in an attribute (an iframe's srcdoc, a data: document) needs: it is
   * parsed with a neutraliser of its own, nothing granted, and each element it would neutralise
   * names a rule, so its URLs are classified exactly as the page's own (the host mentions of
   * `classifyInline` are kept too). Its base URL is the page's (HTML §4.2.3: an about:srcdoc
   * document's fallback base URL is its container document's base URL), unless it has a <base>.
   * One that the rewriter cannot parse, or nested too deep, is judged by every URL-like token in it.
   */
  const classifyDocument = async (markup: string, seen?: LocatedUrl[]): Promise<ResourceMatch[]> => {
    const onUrl = seen ? (located: LocatedUrl) => void seen.push(located) : undefined;
    const found = bases.flatMap((base) => classifier.classifyInline(scannable(markup), base, onUrl));
    if (depth >= MAX_NESTED_DOCUMENTS) return [...found, ...classifyUrls(urlCandidates(markup), seen)];
    // Every URL the nested document's elements are judged by counts as this element's, whatever
    // the nested neutraliser (nothing granted) made of it: this element's outcome is theirs.
    const nestedHosts: HostSink | undefined = seen
      ? {
          record(urls) {
            seen.push(...urls);
          },
        }
      : undefined;
    for (const base of bases) {
      const neutralised: Neutralised[] = [];
      const nested = buildNeutraliser(
        {
          classifier,
          granted: NOTHING_GRANTED,
          doNotTrack: context.doNotTrack,
          page: base,
          runtime: "",
          neutralised,
          ...(nestedHosts ? { hosts: nestedHosts } : {}),
        },
        depth + 1,
      );
      try {
        await nested.transform(new Response(markup)).arrayBuffer();
      } catch {
        found.push(...classifyUrls(urlCandidates(markup), seen));
        continue;
      }
      for (const { rule, category } of neutralised) found.push({ category, rule });
    }
    return found;
  };
  /** What an element needs, by the author's marking or else by its URL attributes. */
  const needOfElement = (
    element: Element,
    attributes: readonly UrlAttribute[],
    seen?: LocatedUrl[],
  ): Need | undefined | Promise<Need | undefined> => {
    const author = element.getAttribute(AUTHOR_CATEGORY);
    if (author !== null) {
      // The marking decides; its URLs are located only for the hosts (documents inside are not parsed).
      if (seen) for (const url of attributes) locateOnly(element, url, seen);
      return requirement(author, () => []);
    }
    const found: ResourceMatch[] = [];
    const pending: Array<Promise<ResourceMatch[]>> = [];
    for (const url of attributes) {
      const value = element.getAttribute(url.name);
      if (value === null) continue;
      const matches = classifyAttribute(url.syntax, value, seen);
      if (matches instanceof Promise) pending.push(matches);
      else found.push(...matches);
    }
    if (pending.length === 0) return needsOf(found);
    return Promise.all(pending).then((more) => needsOf([...found, ...more.flat()]));
  };
  /** An attribute's URLs into `seen`, without parsing a document it carries. */
  const locateOnly = (element: Element, url: UrlAttribute, seen: LocatedUrl[]) => {
    const raw = element.getAttribute(url.name);
    if (raw === null || url.syntax === "srcdoc") return;
    if (url.syntax === "document" && embeddedText(decodeAttribute(raw)) !== undefined) return;
    void classifyAttribute(url.syntax === "document" ? "url" : url.syntax, raw, seen);
  };
  /** An element's URLs and its outcome to the host sink; the author's marking stands for its rules. */
  const recordHosts = (seen: LocatedUrl[] | undefined, neutralised: boolean, need: Need | undefined) => {
    if (!seen || !context.hosts || seen.length === 0) return;
    const marked = need?.rule.startsWith("attribute:") ? need : undefined;
    context.hosts.record(
      seen,
      neutralised,
      marked ? { rule: marked.rule, category: marked.categories.join(" ") } : undefined,
    );
  };
  // With nothing to neutralise the runtime goes where the cheap handler set puts it (after
  // <meta charset>, at the end of <head>, or at the start of <body>), also when the full set runs
  // only to record hosts: the page is the same whether hosts are recorded or not.
  const injectsBeforeLoaders = !context.nothingToNeutralise;
  let injected = false;
  const inject = (element: Element) => {
    if (injected || !injectsBeforeLoaders) return;
    injected = true;
    element.before(context.runtime, { html: true });
  };
  // How many <svg> and <math> start tags are open, as written (one closed implicitly, by a tag that
  // breaks out of foreign content, is counted open to the end: only iframe notices are lost).
  let foreignDepth = 0;
  const foreignRoot = (element: Element) => {
    inject(element);
    try {
      element.onEndTag(() => {
        foreignDepth--;
      });
      foreignDepth++;
    } catch {
      // A self-closing `<svg/>` holds nothing and has no end tag (HTML §13.2.6.5): workerd throws.
    }
  };
  // A <script> inserted in SVG or MathML content is a foreign element whose text is parsed as
  // markup (HTML §13.2.6.5): the runtime goes before the <svg> or <math> element instead (see the
  // handler below), never inside one.
  const injectBefore = (element: Element) => {
    if (element.namespaceURI === HTML_NAMESPACE) inject(element);
  };
  const report = (element: string, rule: string, categories: string[]) => {
    for (const category of categories) context.neutralised.push({ element, rule, category });
  };

  /**
   * Makes an element inert when its URLs need a category that is not granted: each URL attribute
   * moves to its `data-ce-` twin (the runtime moves it back on grant) and the categories are
   * recorded. Undefined when it stays live; a promise when the element carries a document to parse.
   */
  type Inert = { rule: string; blocked: string[]; vendor: string | undefined } | undefined;
  const makeInert = (
    element: Element,
    attributes: readonly UrlAttribute[],
    beforeCategory?: () => void,
  ): Inert | Promise<Inert> => {
    if (element.hasAttribute(INERT.category)) return undefined;
    const seen = context.hosts ? [] : undefined;
    return andThen(needOfElement(element, attributes, seen), (need): Inert => {
      const blocked = need ? refused(need.categories) : [];
      recordHosts(seen, blocked.length > 0, need);
      if (!need || blocked.length === 0) return undefined;
      for (const url of attributes) {
        const value = element.getAttribute(url.name);
        if (value === null) continue;
        element.removeAttribute(url.name);
        // `href` beside `xlink:href`: the first listed (href) is the one SVG 2 uses, and it stays.
        if (!element.hasAttribute(inertTwin(url.twin))) element.setAttribute(inertTwin(url.twin), value);
      }
      beforeCategory?.();
      element.setAttribute(INERT.category, need.categories.join(" "));
      return { rule: need.rule, blocked, vendor: need.vendor };
    });
  };

  /** An element that loads by its attributes only, restored by setting them back. */
  const loader = (kind: keyof typeof LOADERS) => (element: Element) => {
    // A refresh or a base executes nothing: the runtime need not precede them (nor <meta charset>).
    if (kind !== "meta") injectBefore(element);
    return andThen(makeInert(element, LOADERS[kind] ?? []), (inert) => {
      if (inert) report(element.tagName, inert.rule, inert.blocked);
    });
  };

  const externalScript = (element: Element, attributes: readonly UrlAttribute[]) => {
    injectBefore(element);
    const type = element.getAttribute("type");
    if (!isExecutableScriptType(type)) return;
    const inert = makeInert(element, attributes, () => {
      if (type !== null) element.setAttribute(INERT.type, type);
      element.setAttribute("type", "text/plain");
    });
    // Script URLs carry no document: makeInert answers at once.
    if (inert && !(inert instanceof Promise)) report("script", inert.rule, inert.blocked);
  };

  // Inline scripts are decided by their text, which arrives in chunks after the start tag has
  // been written. The text is held back; at its end it is either written back unchanged, or the
  // (now empty) original is closed and an inert copy carrying the text is opened in its place.
  // A script lol-html reads as SVG or MathML content parses its content as markup, so a snippet in an
  // HTML comment (`<script><!--\ngtag(...)\n--></script>`) reaches us as a comment, not as text. Its
  // namespace may also be lol-html's mistake (`<svg><foreignObject><title>..</title><script>` is an
  // HTML script to a browser, HTML §13.2.6.5): so for such a script the text and comments are held
  // to its end tag and judged together, the way a browser reading it as HTML would see them.
  let inline:
    | { author: string | null; nonce: string | null; type: string | null; text: string; foreign: boolean }
    | undefined;
  /** The held text goes back unchanged, or into an inert copy of the script when it needs a refused category. */
  const decideInline = (
    script: NonNullable<typeof inline>,
    at: { before: (content: string, options: { html: boolean }) => unknown },
  ) => {
    const seen: LocatedUrl[] | undefined = context.hosts ? [] : undefined;
    const onUrl = seen ? (located: LocatedUrl) => void seen.push(located) : undefined;
    const need =
      script.author !== null
        ? requirement(script.author, () => [])
        : needsOf(bases.flatMap((base) => classifier.classifyInline(script.text, base, onUrl)));
    const blocked = need ? refused(need.categories) : [];
    recordHosts(seen, blocked.length > 0, need);
    if (!need || blocked.length === 0) {
      at.before(script.text, { html: true });
      return;
    }
    const attributes = [
      `type="text/plain"`,
      `${INERT.category}="${escapeHtml(need.categories.join(" "))}"`,
      script.type !== null ? `${INERT.type}="${escapeHtml(script.type)}"` : "",
      script.nonce !== null ? `nonce="${escapeHtml(script.nonce)}"` : "",
    ].filter((attribute) => attribute !== "");
    at.before(`</script><script ${attributes.join(" ")}>${script.text}`, { html: true });
    report("inline-script", need.rule, blocked);
  };
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
      if (!isExecutableScriptType(type)) return;
      const script = {
        author: element.getAttribute(AUTHOR_CATEGORY),
        nonce: element.getAttribute("nonce"),
        type,
        text: "",
        foreign: element.namespaceURI !== HTML_NAMESPACE,
      };
      inline = script;
      if (!script.foreign) return;
      try {
        element.onEndTag((end) => {
          if (inline === script) inline = undefined;
          decideInline(script, end);
        });
      } catch {
        // A self-closed foreign <script/> has no end tag and no content: nothing to judge.
        inline = undefined;
      }
    },
    comments(comment) {
      if (!inline?.foreign) return;
      inline.text += `<!--${comment.text}-->`;
      comment.remove();
    },
    text(chunk) {
      if (!inline) return;
      inline.text += chunk.text;
      chunk.remove();
      if (!chunk.lastInTextNode || inline.foreign) return;
      const script = inline;
      inline = undefined;
      decideInline(script, chunk);
    },
  };

  const iframe = (element: Element) => {
    injectBefore(element);
    return andThen(makeInert(element, LOADERS.iframe ?? []), (inert) => {
      if (!inert) return;
      if (!element.hasAttribute("hidden")) {
        element.setAttribute("hidden", "");
        element.setAttribute(INERT.unhide, "");
      }
      // An <iframe> in SVG or MathML content is a foreign element of that name (HTML §13.2.6.5:
      // only the listed HTML tags break out of foreign content, and iframe is not one): it loads
      // nothing, and an HTML placeholder after it would end the <svg> and turn what follows into
      // live HTML. It is still made inert (harmless if it is foreign): lol-html's namespace
      // tracking is simpler than tree construction and may call an HTML iframe foreign
      // (`<svg><foreignObject><title>..</title><iframe>`), and that must not leave it live.
      // Nor after any iframe between an <svg> or <math> and its end tag: lol-html can also call a
      // foreign iframe HTML (`<svg><math><annotation-xml encoding=text/html><iframe>`, where that
      // math is an SVG element and no integration point). Only the notice is lost there.
      if (element.namespaceURI === HTML_NAMESPACE && foreignDepth === 0)
        element.after(placeholder(inert.vendor, inert.blocked, context.texts ?? ENGLISH_TEXTS), {
          html: true,
        });
      report("iframe", inert.rule, inert.blocked);
    });
  };

  /** The rarer loading elements share one selector list (cheaper for lol-html than one each). */
  const byTag = (element: Element) => {
    const kind = element.tagName === "area" ? "a" : element.tagName;
    if (kind === "link") {
      const rels = (element.getAttribute("rel") ?? "").toLowerCase().split(/[\t\n\f\r ]+/);
      if (!loadsSomething(rels)) return;
    }
    return kind in LOADERS ? loader(kind)(element) : undefined;
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
    if (context.hosts) {
      // The base's host, by the rule its own URL matches, else any rule of that host.
      const located = classifier.locateUrl(base.href, page);
      const match = located?.match ?? classifier.classifyHost(base)[0];
      recordHosts(located ? [{ host: located.host, match }] : [], blocked.length > 0, need);
    }
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

  // lol-html reads <noscript> content as text (scripting enabled), but a visitor without JavaScript
  // gets it parsed as markup (HTML §13.2.6.4.7, "noscript" with the scripting flag disabled). So the
  // text is parsed as markup too, by an HTMLRewriter of its own (lol-html's tokenizer, HTML §13.2.5,
  // not a regex), and every element in it that loads for a refused category is removed: it only ever
  // loads with JavaScript off, so there is nothing for the runtime to restore.
  const noscriptText = (): HTMLRewriterElementContentHandlers => {
    let held = "";
    return {
      text(chunk) {
        held += chunk.text;
        chunk.remove();
        if (!chunk.lastInTextNode) return;
        const text = held;
        held = "";
        if (!text.includes("<")) {
          chunk.before(text, { html: true });
          return;
        }
        return cleanNoscript(text).then((cleaned) => {
          chunk.before(cleaned, { html: true });
        });
      },
    };
  };
  const cleanNoscript = async (markup: string): Promise<string> => {
    const removeRefused = (element: Element) => {
      const kind = element.tagName === "area" ? "a" : element.tagName;
      const refresh = (element.getAttribute("http-equiv") ?? "").trim().toLowerCase() === "refresh";
      const attributes = kind === "meta" && !refresh ? [] : (LOADERS[kind] ?? []);
      // DNT: 1 refuses a `doNotTrack` rule's pixel whatever was granted (needsOf adds DO_NOT_TRACK).
      const seen = context.hosts ? [] : undefined;
      return andThen(needOfElement(element, attributes, seen), (need) => {
        const blocked = need ? refused(need.categories) : [];
        recordHosts(seen, blocked.length > 0, need);
        if (!need || blocked.length === 0) return;
        element.remove();
        report("noscript", need.rule, blocked);
      });
    };
    try {
      return await new HTMLRewriter()
        .on(NOSCRIPT_LOADING, { element: removeRefused })
        // A <noscript> inside: markup too without JavaScript, text to this parser.
        .on("noscript", noscriptText())
        .transform(new Response(markup))
        .text();
    } catch {
      // Markup the rewriter refuses: removed whole when any URL-like token in it, or an author's
      // marking, needs a refused category (a superset of what its elements could load).
      const marked = /data-consent-category/i.test(markup);
      const seen = context.hosts ? [] : undefined;
      const need = needsOf(classifyUrls(urlCandidates(markup), seen));
      const blocked = need ? refused(need.categories) : [];
      recordHosts(seen, marked || blocked.length > 0, need);
      if (!marked && blocked.length === 0) return markup;
      report("noscript", need?.rule ?? `attribute:${AUTHOR_CATEGORY}`, blocked);
      return "";
    }
  };

  if (context.nothingToNeutralise && !context.hosts) {
    return new HTMLRewriter()
      .on("meta[charset]", metaCharsetHandler)
      .on("body", bodyHandler)
      .on("head", headHandler);
  }

  // Narrow selectors only (see the cost model above): every <script> and <iframe>, the rare
  // loading elements whatever their URL, and <img> only when its URL could leave the base host.
  // With nothing to neutralise (only recording hosts) the page's own data-ce- attributes stay, as
  // the cheap set leaves them.
  const tags = (list: string[]) => list.join(", ");
  const start = context.nothingToNeutralise
    ? new HTMLRewriter()
    : new HTMLRewriter().on(`[${INERT.category}], [${INERT.grant}]`, { element: planted });
  return (
    start
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
      .on("noscript", noscriptText())
      // The runtime goes before the first <svg> or <math> when nothing earlier took it, so it never
      // lands in foreign content (see injectBefore). Rare elements: a cheap selector.
      .on("svg, math", { element: foreignRoot })
      // Nor in a <template>, whose content never runs until a page script clones it (HTML §4.12.3).
      .on("template", { element: inject })
      .on("body", bodyHandler)
      .on("head", headHandler)
  );
}

/**
 * The notice shown after an HTML iframe made inert (never after an SVG or MathML one, where a
 * `<div>` would end the foreign content: see the iframe handler), in the visitor's language, each
 * category by its label there, with two buttons. "Show it just this once" (`data-ce-once`) restores
 * this iframe alone for this page view: the runtime records nothing, so the next page shows the
 * notice again. The grant button's attribute keeps the needs, which the runtime grants: a category
 * as a scoped grant, and for a need `category:service` the service alone, so an embed of a service
 * (YouTube) offers "Always allow YouTube" rather than its whole category.
 */
function placeholder(vendor: string | undefined, needs: string[], texts: Texts): string {
  const parsed = needs.map(parseNeed);
  const labels = joinList([...new Set(parsed.map((need) => categoryLabel(texts, need.category)))], texts.and);
  const who = vendor ?? texts.placeholderSomeone;
  const ids = escapeHtml(needs.join(" "));
  const button = (attribute: string, text: string) =>
    `<button type="button" ${attribute}>${escapeHtml(text)}</button>`;
  return (
    `<div ${INERT.placeholder}="${ids}" role="region" aria-label="${escapeHtml(fill(texts.placeholderLabel, { vendor: who }))}" ` +
    `style="border:1px dashed currentColor;padding:1em;margin:1em 0">` +
    `<p>${escapeHtml(fill(texts.placeholderText, { vendor: who, categories: labels }))}</p>` +
    `${button(INERT.once, texts.placeholderOnce)} ${button(`${INERT.grant}="${ids}"`, grantText(vendor, parsed, labels, texts))}` +
    `</div>`
  );
}

/**
 * The grant button's words: "Accept Marketing cookies and show it" for categories; "Always allow
 * YouTube" when a need names a service, which it grants on its own (by the rule's vendor when it is
 * the one service, as config/service.ts labels it, else by its id), beside any plain category's label.
 */
function grantText(
  vendor: string | undefined,
  needs: ReturnType<typeof parseNeed>[],
  labels: string,
  texts: Texts,
): string {
  const services = new Set(needs.map((need) => need.service).filter((service) => service !== undefined));
  if (services.size === 0) return fill(texts.placeholderButton, { categories: labels });
  const names = needs.map(({ category, service }) =>
    service === undefined ? categoryLabel(texts, category) : services.size === 1 && vendor ? vendor : service,
  );
  return fill(texts.placeholderAlways, { services: joinList([...new Set(names)], texts.and) });
}

/** A category's label in `texts` (an own key only: "constructor" is a category name, not a text), else its id. */
function categoryLabel(texts: Texts, category: string): string {
  return Object.hasOwn(texts.categories, category)
    ? (texts.categories[category]?.label ?? category)
    : category;
}
