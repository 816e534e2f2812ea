/**
 * Elements that first-party script creates, gives a URL or inserts, made inert exactly as the edge
 * makes them in the HTML (src/html/neutralise.ts): each URL attribute waits in its `data-ce-` twin,
 * a script's `type` becomes text/plain (the original in `data-ce-type`), an iframe is hidden, and
 * `data-ce-category` names what it needs. The runtime's one restore path (../restore.ts)
 * re-activates them on grant, in document order, with the edge's own.
 *
 * Where a URL can reach a loading element, in the order a page meets them:
 *   - the URL property setters (`img.src = ...`, `new Image().src`, `script.src`, `link.href`...) and
 *     `setAttribute`/`setAttributeNS`: decided before the browser sees the URL (an img fetches at
 *     once, connected or not);
 *   - the insertion methods (appendChild, insertBefore, replaceChild, append, prepend, before, after,
 *     replaceWith, replaceChildren, insertAdjacentElement) and importNode/adoptNode: whatever is
 *     inserted, and everything under it, is checked first (an element given its URL some other way,
 *     a script's inline text);
 *   - HTML strings (innerHTML, outerHTML, insertAdjacentHTML, document.write/writeln,
 *     createContextualFragment, setHTMLUnsafe, iframe srcdoc): parsed first in an inert template,
 *     where nothing loads or runs; when anything in it needs a refused category, the neutralised
 *     markup is what the page gets, else the page's own string, untouched;
 *   - a MutationObserver, the backstop for anything else (an Attr node's value): it sees elements
 *     the moment after, in time for a parser-inserted script (the parser runs microtasks before it
 *     runs one), too late for an image that already fetched.
 * Elements of granted or unmatched categories are left exactly as the page made them.
 */
import { AUTHOR_CATEGORY, CATEGORY, GRANT, ONCE, PLACEHOLDER, TYPE, UNHIDE } from "../inert";
import type { PageRules } from "./rules";

/**
 * The HTML elements that load, with the properties (and so the attributes, lowercased) each loads
 * from: the edge's LOADERS.
 */
const LOADS: Record<string, string> = {
  script: "src",
  input: "src",
  // A base governs every relative URL after it: one of a refused host is made inert, as at the edge.
  base: "href",
  iframe: "src srcdoc",
  img: "src srcset",
  link: "href imageSrcset",
  source: "src srcset",
  embed: "src",
  object: "data",
  video: "src poster",
  audio: "src",
  track: "src",
};
/**
 * Each tag's attributes, lowercased, made once: every hooked call reads them. Without a prototype, so
 * that an element named `constructor` or `toString` (createElement makes any name) loads nothing.
 */
const ATTRIBUTES = Object.create(null) as Record<string, string[] | undefined>;
Object.keys(LOADS).forEach((tag) => {
  ATTRIBUTES[tag] = (LOADS[tag] as string).toLowerCase().split(" ");
});
/** SVG's elements that load (and an SVG script runs) from `href`, as the edge's LOADERS list them. */
const SVG_LOADS = ["script", "image", "feImage"];
const SELECTOR = Object.keys(LOADS).concat(SVG_LOADS).join();
const PLANTED = `[${CATEGORY}],[${GRANT}],[${ONCE}],[${PLACEHOLDER}]`;
const HTML = "http://www.w3.org/1999/xhtml";
const SVG = "http://www.w3.org/2000/svg";
/** A script type the browser would run (HTML §4.12.1.1), as src/html/inert.ts lists them. */
const RUNS =
  /^(|module|text\/(java|ecma|j|live)script|text\/javascript1\.[0-5]|(text|application)\/(x-)?(java|ecma)script)$/i;
/** Elements whose innerHTML is text (HTML §13.2.5: RCDATA, RAWTEXT), never markup to judge. */
const TEXT = /^(textarea|title|style|xmp|iframe|noembed|noframes|noscript|plaintext)$/;
/** ASCII whitespace (HTML's, not JavaScript's \s, which also splits at U+FEFF the URL parser drops). */
const SPACE = /[\t\n\f\r ]+/;

/**
 * `once`: [iframe, attribute, URL] for what a placeholder's "Load this video" restored (the
 * runtime's list, which grows, of the URLs the edge wrote): exactly those load, and the backstop
 * leaves those iframes be; any other URL given to one is judged as on any element.
 */
export function guardElements(rules: PageRules, once: Array<[object, string, string]>): void {
  const d = document;
  const E = Element.prototype;
  const N = Node.prototype;
  // The native setAttribute, which the guard replaces below (getAttribute and removeAttribute it does not).
  // eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call
  const set = E.setAttribute;
  const markupOf = Object.getOwnPropertyDescriptor(E, "innerHTML") as {
    get: (this: Element) => string;
    set: (this: Element, markup: string) => void;
  };

  const loads = (e: Element) =>
    e.namespaceURI == HTML
      ? ATTRIBUTES[e.localName]
      : e.namespaceURI == SVG && SVG_LOADS.includes(e.localName) && ["href"];
  const runs = (script: Element) => RUNS.test((script.getAttribute("type") || "").trim());
  const inert = (e: Element) => e.hasAttribute(CATEGORY);

  /**
   * What `name="value"` on `e` needs, when refused: the author's marking wins (as at the edge);
   * srcset candidates are URLs up to whitespace; a srcdoc is a document, judged by what it holds.
   */
  const needOf = (e: Element, name: string, value: string): string | undefined => {
    const author = e.getAttribute(AUTHOR_CATEGORY);
    if (author != null) return refusedAuthor(author);
    if (name == "srcdoc") return html(value).n;
    if (/srcset$/.test(name))
      return value
        .split(",")
        .map((candidate) => url(candidate.split(SPACE).filter((part) => part)[0] || ""))
        .find((need) => need);
    return url(value);
  };
  /**
   * The <base href> of the HTML string being judged: once the string is in, its relative URLs
   * resolve against it (a srcdoc's against its own), so each is judged against both, as at the edge.
   */
  let base: string | null | undefined;
  const url = (value: string) => rules.url(value) || (base ? rules.url(value, base) : undefined);
  /** The author's categories (`data-consent-category`), when one of them is refused. */
  const refusedAuthor = (author: string) => rules.refused(author.trim().split(/\s+/).join(" "));

  /** Makes `e` inert for `categories`: every URL attribute into its twin, as the edge writes it. */
  const makeInert = (e: Element, categories: string) => {
    // Only loading elements are made inert.
    (loads(e) as string[]).forEach((a) => {
      const v = e.getAttribute(a);
      if (v == null) return;
      e.removeAttribute(a);
      if (!e.hasAttribute(`data-ce-${a}`)) set.call(e, `data-ce-${a}`, v);
    });
    const l = e.localName;
    if (l == "script") {
      const type = e.getAttribute("type");
      if (type != null) set.call(e, TYPE, type);
      set.call(e, "type", "text/plain");
    }
    if (l == "iframe" && !e.hasAttribute("hidden")) {
      set.call(e, "hidden", "");
      set.call(e, UNHIDE, "");
    }
    set.call(e, CATEGORY, categories);
  };

  /** Checks one element as the edge would: what it needed when it was made inert. */
  const check = (e: Element) => {
    const list = loads(e);
    if (!list || inert(e) || once.some((x) => x[0] == e)) return;
    const script = e.localName == "script";
    if (script && !runs(e)) return;
    let need: string | undefined;
    list.forEach((a) => {
      const v = e.getAttribute(a);
      if (v != null) need = need || needOf(e, a, v);
    });
    if (!need && script && !e.hasAttribute("src")) {
      const author = e.getAttribute(AUTHOR_CATEGORY);
      need = author != null ? refusedAuthor(author) : rules.text(e.textContent);
    }
    if (need) makeInert(e, need);
    return need;
  };
  /**
   * Checks a node and every element under it. `inserted`: by script (an insertion method), where a
   * grant or load-once button is planted (user content rendered as nodes): only the edge writes one, in the HTML.
   */
  const scan = (node: unknown, inserted?: 1) => {
    const n = node as Partial<Element>;
    const each = (f: (e: Element) => unknown, selector: string) => {
      if (n.nodeType == 1 && (n as Element).matches(selector)) f(n as Element);
      if (n.firstElementChild) (n as ParentNode).querySelectorAll(selector).forEach(f);
    };
    each(check, SELECTOR);
    if (inserted)
      each((e) => {
        e.removeAttribute(GRANT);
        e.removeAttribute(ONCE);
      }, `[${GRANT}],[${ONCE}]`);
  };
  /**
   * An HTML string, parsed in an inert template (nothing loads or runs there): `s` is the markup to
   * hand the page's sink (its own string when nothing needed neutralising), `n` what it needed.
   */
  const html = (markup: string, parse: unknown = markup): { s: string; n?: string } => {
    if (!/=/.test(markup)) return { s: markup };
    // A whole document (document.write of a doctype or <html>) is parsed as one, in a document
    // without a browsing context, so that its doctype and html, head and body tags survive.
    const whole =
      /^\s*<(!doctype|html)/i.test(markup) && new DOMParser().parseFromString(parse as string, "text/html");
    const t = d.createElement("template");
    if (!whole) markupOf.set.call(t, parse as string);
    const root = whole || t.content;
    const found: string[] = [];
    // Only the edge and this guard write the inert form: a string's own (user content a sanitiser
    // let through as data-*) would have the runtime load or grant on the visitor's behalf.
    let planted = 0;
    root.querySelectorAll(PLANTED).forEach((e) => {
      for (const { name } of [...e.attributes])
        if (!name.indexOf("data-ce-")) {
          e.removeAttribute(name);
          planted++;
        }
    });
    const outer = base;
    const b = root.querySelector("base[href]");
    if (b) base = b.getAttribute("href");
    root.querySelectorAll(SELECTOR).forEach((e) => {
      const need = check(e);
      if (need) found.push(need);
    });
    base = outer;
    const serialised = () =>
      whole
        ? `${whole.doctype ? `<!DOCTYPE ${whole.doctype.name}>` : ""}${whole.documentElement.outerHTML}`
        : markupOf.get.call(t);
    // `n` is "" when nothing is refused: every reader takes it as "nothing needed".
    return { s: found.length || planted ? serialised() : markup, n: found.join(" ") };
  };
  /**
   * The markup an HTML sink gets: converted once, as the sink converts it (an object's toString
   * answers once: what is judged is what is written), and judged; null (the empty string to these
   * sinks), a Trusted Types object and anything that cannot be converted go to the sink as they are.
   */
  const clean = (markup: unknown) => {
    if (typeof markup == "string") return html(markup).s;
    try {
      if (markup == null) return markup;
      // eslint-disable-next-line @typescript-eslint/restrict-template-expressions, @typescript-eslint/no-base-to-string -- ToString, as above
      const s = `${markup}`;
      // A TrustedHTML (every markup a Trusted Types page may pass) is parsed as itself, which the
      // page's policy allows, and handed on as itself when nothing needed neutralising; else the
      // neutralised string, which that policy refuses: the sink throws instead of loading.
      if (!trusted(markup)) return html(s).s;
      const r = html(s, markup).s;
      return r == s ? markup : r;
    } catch {
      return markup;
    }
  };
  const tt = (window as { trustedTypes?: { isHTML(v: unknown): boolean; isScriptURL(v: unknown): boolean } })
    .trustedTypes;
  /** A Trusted Types object: the sink reads its own value, which a page cannot change. */
  const trusted = (value: unknown) => !!tt && (tt.isHTML(value) || tt.isScriptURL(value));

  /**
   * `name="args[i]"` about to be set on `e`: true when the guard stored it in its twin instead. The
   * value is converted once, as the native converts it, and passed on converted, so that what is
   * judged is what is set (a Trusted Types object is passed on as it is).
   */
  const attribute = (e: Element, name: string, args: unknown[], i: number): true | undefined => {
    const list = loads(e);
    if (!list) return;
    name = name.toLowerCase();
    let v: string;
    try {
      // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- ToString, as the native
      v = trusted(args[i]) ? `${args[i]}` : (args[i] = `${args[i]}`);
    } catch {
      return; // A Symbol, a throwing toString: the native throws its own error.
    }
    if (name == "type" && e.localName == "script" && inert(e)) {
      set.call(e, TYPE, v);
      return true;
    }
    if (!list.includes(name) || once.some((x) => x[0] == e && x[1] == name && x[2] == v)) return;
    const need = inert(e) ? e.getAttribute(CATEGORY) : needOf(e, name, v);
    if (!need) return;
    set.call(e, `data-ce-${name}`, v);
    if (!inert(e)) makeInert(e, need);
    // An image the page points at a refused URL (`new Image().src`, a pixel) fails as one that
    // CSP blocks: an `error` event, after the script's task.
    if (e.localName == "img")
      setTimeout(() => {
        e.dispatchEvent(new Event("error"));
      });
    return true;
  };

  // The URL properties of the loading elements, and a script's type.
  type Method = (this: Node, ...args: unknown[]) => unknown;
  /** What runs before a hooked method or setter, on `this` and the arguments (which it may change). */
  type Before = (self: Node, args: unknown[]) => boolean | undefined | void; // eslint-disable-line @typescript-eslint/no-invalid-void-type
  /** `f` behind `before`: the native call is skipped when `before` answers true. */
  const guarded = (f: Method, before: Before) =>
    // The platform's length (feature tests read it), which a rest parameter would make 0.
    Object.defineProperty(
      function (this: Node, ...args: unknown[]) {
        if (!before(this, args)) return f.apply(this, args);
      },
      "length",
      { value: f.length },
    );
  const ours: unknown[] = [];
  /**
   * Redefines the `name` setter `proto` or its nearest prototype has (video and audio share
   * HTMLMediaElement's `src`: once), behind `before`, which sees the value as `args[0]`.
   */
  const setter = (proto: object | null | undefined, name: string, before: Before) => {
    for (; proto; proto = Object.getPrototypeOf(proto) as object | null) {
      const p = Object.getOwnPropertyDescriptor(proto, name);
      // eslint-disable-next-line @typescript-eslint/unbound-method -- called with .apply
      const native = p && (p.set as Method | undefined);
      if (!native) continue;
      if (!ours.includes(native)) {
        ours.push((p.set = guarded(native, before)));
        Object.defineProperty(proto, name, p);
      }
      return;
    }
  };
  Object.keys(LOADS).forEach((tag) => {
    `${LOADS[tag] as string}${tag == "script" ? " type" : ""}`.split(" ").forEach((name) => {
      setter(Object.getPrototypeOf(d.createElement(tag)) as object, name, (e, args) =>
        attribute(e as Element, name, args, 0),
      );
    });
  });

  // `new Audio(url)` sets its src attribute without the setter: the same element, its src set after.
  const w = window as unknown as { Audio?: new (src?: unknown) => HTMLAudioElement };
  const NativeAudio = w.Audio;
  if (NativeAudio) {
    const Audio = function (this: unknown, ...args: unknown[]) {
      const audio = Reflect.construct(NativeAudio, [], new.target) as HTMLAudioElement;
      if (args[0] !== undefined) audio.src = args[0] as string;
      return audio;
    };
    (Audio as { prototype: unknown }).prototype = NativeAudio.prototype;
    w.Audio = Audio as unknown as typeof NativeAudio;
  }

  /** Replaces `proto[name]`, when it has one, by the method behind `before`. */
  const wrap = (proto: object | undefined, name: string, before: Before) => {
    const methods = proto as Record<string, Method | undefined> | undefined;
    const f = methods && methods[name];
    if (f) (methods as Record<string, Method>)[name] = guarded(f, before);
  };
  /** An attribute name, converted once (as the value): undefined when it cannot be. */
  const nameAt = (args: unknown[], i: number): string | undefined => {
    try {
      // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- ToString, as the native
      return (args[i] = `${args[i]}`);
    } catch {
      return;
    }
  };
  wrap(E, "setAttribute", (e, args) => {
    const name = args.length > 1 ? nameAt(args, 0) : undefined;
    return name != null && !!attribute(e as Element, name, args, 1);
  });
  // The null namespace, which "" is too (DOM §4.9, "validate and extract").
  wrap(E, "setAttributeNS", (e, args) => {
    const name = args.length > 2 && !args[0] ? nameAt(args, 1) : undefined;
    return name != null && !!attribute(e as Element, name, args, 2);
  });
  // Attr nodes: set on an element (setAttributeNode, attributes.setNamedItem), or given a value
  // while on one (value, nodeValue, textContent). A NamedNodeMap does not say whose it is: the
  // attributes getter remembers.
  const owners = new WeakMap<object, Element>();
  const attrNode = (e: Element | null | undefined, a: unknown, value?: unknown[]) => {
    const at = a as Partial<Attr>;
    return (
      !!e && at.nodeType == 2 && !at.namespaceURI && !!attribute(e, at.name as string, value || [at.value], 0)
    );
  };
  ["setAttributeNode", "setAttributeNodeNS"].forEach((name) => {
    wrap(E, name, (e, args) => attrNode(e as Element, args[0]));
  });
  ["setNamedItem", "setNamedItemNS"].forEach((name) => {
    wrap(NamedNodeMap.prototype, name, (map, args) => attrNode(owners.get(map), args[0]));
  });
  const attributes = Object.getOwnPropertyDescriptor(E, "attributes") as {
    get: (this: Element) => NamedNodeMap;
  };
  const attributesGet = attributes.get;
  attributes.get = function () {
    const map = attributesGet.call(this);
    owners.set(map, this);
    return map;
  };
  Object.defineProperty(E, "attributes", attributes);
  setter(Attr.prototype, "value", (a, args) => attrNode((a as Attr).ownerElement, a, args));
  // A script first inserted empty is not started: the text it gets later runs it (HTML §4.12.1.1).
  const scriptText = (self: Node, text: unknown) => {
    if (
      self instanceof HTMLScriptElement &&
      !inert(self) &&
      !self.hasAttribute("src") &&
      !self.textContent &&
      runs(self) &&
      self.getAttribute(AUTHOR_CATEGORY) == null
    ) {
      const need = rules.text(String(text));
      if (need) makeInert(self, need);
    }
  };
  ["nodeValue", "textContent"].forEach((name) => {
    setter(N, name, (self, args) => {
      scriptText(self, args[0]);
      return self.nodeType == 2 && attrNode((self as Attr).ownerElement, self, args);
    });
  });
  // From the script element's prototype up: Chromium's has textContent and innerText of its own
  // (Trusted Types' TrustedScript), which Node's and HTMLElement's setters never see.
  "text textContent innerText".split(" ").forEach((name) => {
    setter(HTMLScriptElement.prototype, name, (self, args) => {
      scriptText(self, args[0]);
    });
  });

  // Whatever is inserted is checked first; text put into a script is judged with its text.
  const nodes = (self: Node, args: unknown[]) => {
    args.forEach((node) => {
      if (node instanceof Node) scan(node, 1);
    });
    if (self instanceof HTMLScriptElement && !inert(self) && !self.hasAttribute("src") && runs(self)) {
      const text = args.map((a) => (a instanceof Node ? a.textContent : String(a))).join("");
      const need = self.getAttribute(AUTHOR_CATEGORY) == null && rules.text(self.textContent + text);
      if (need) makeInert(self, need);
    }
  };
  ["appendChild", "insertBefore", "replaceChild"].forEach((name) => {
    wrap(N, name, (self, args) => {
      nodes(self, args.slice(0, 1));
    });
  });
  [E, Document.prototype, DocumentFragment.prototype, CharacterData.prototype].forEach((proto) => {
    "append prepend before after replaceWith replaceChildren".split(" ").forEach((name) => {
      // The platform's prototypes: none has a hasOwnProperty of its own.
      // eslint-disable-next-line no-prototype-builtins
      if (proto.hasOwnProperty(name)) wrap(proto, name, nodes);
    });
  });
  wrap(E, "insertAdjacentElement", (self, args) => {
    nodes(self, args.slice(1));
  });
  ["insertNode", "surroundContents"].forEach((name) => {
    wrap(Range.prototype, name, (_, args) => {
      scan(args[0], 1);
    });
  });
  ["importNode", "adoptNode"].forEach((name) => {
    wrap(Document.prototype, name, (_, args) => {
      scan(args[0]);
    });
  });

  // HTML strings.
  const cleanFirst: Before = (_, args) => {
    args[0] = clean(args[0]);
  };
  // Some ES2017 browsers have no ShadowRoot.
  const shadow = (window as Partial<typeof globalThis>).ShadowRoot;
  [E, shadow && shadow.prototype].forEach((proto) => {
    // A script's, a textarea's or a title's innerHTML is text: a script's is judged as its text.
    setter(proto, "innerHTML", (self, args) => {
      if (TEXT.test((self as Element).localName)) return;
      if ((self as Element).localName == "script") scriptText(self, args[0]);
      else cleanFirst(self, args);
    });
    wrap(proto, "setHTMLUnsafe", cleanFirst);
    // The Sanitizer API's setHTML keeps what its config allows (a comment system's allows images).
    wrap(proto, "setHTML", cleanFirst);
  });
  setter(E, "outerHTML", cleanFirst);
  wrap(E, "insertAdjacentHTML", (_, args) => {
    args[1] = clean(args[1]);
  });
  ["write", "writeln"].forEach((name) => {
    wrap(Document.prototype, name, (_, args) => {
      args[0] = clean(args.join(""));
      args.length = 1;
    });
  });
  wrap(Range.prototype, "createContextualFragment", cleanFirst);

  // The backstop.
  new MutationObserver((records) => {
    records.forEach((r) => {
      if (r.type == "attributes") scan(r.target);
      else
        r.addedNodes.forEach((node) => {
          scan(node);
        });
    });
  }).observe(d, {
    childList: true,
    subtree: true,
    // `attributes` is implied by the filter (DOM §4.3.3, observe() step 2).
    attributeFilter: `${Object.values(LOADS).join(" ")} type`.toLowerCase().split(" "),
  });
}
