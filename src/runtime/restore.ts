/**
 * Re-activates the inert elements whose needs (categories, or `category:service`) are all granted, in document order, and removes
 * the placeholders they no longer need. Restored scripts keep their CSP nonce (read from the `nonce`
 * property: browsers hide the attribute) and every other attribute but the inert form's; external
 * classic scripts run in order, each after the one before it has loaded (or failed to).
 */
import { CATEGORY, HREF, PLACEHOLDER, SRC, TYPE, UNHIDE, URL_ATTRIBUTES } from "./inert";

/** `all("analytics marketing")`: whether every category of a space-separated list is granted. */
export type AllGranted = (categories: string) => boolean;

/**
 * `only`: that one element, whatever is granted (a placeholder's "Load this video"), leaving every
 * other inert element and placeholder as it is.
 */
export function restore(all: AllGranted, only?: Element): void {
  const d = document;
  const list = only
    ? [only]
    : [...d.querySelectorAll(`[${CATEGORY}]`)].filter((e) => all(e.getAttribute(CATEGORY) as string));
  const next = (i: number): void => {
    const o = list[i];
    if (!o) return;
    const go = () => {
      next(i + 1);
    };
    const p = o.parentNode as Node & { load?: () => void };
    const l = o.localName;
    if (l == "script") {
      const n = freshScript(o);
      const src = o.getAttribute(SRC);
      const href = o instanceof SVGElement ? o.getAttribute(HREF) : null;
      if (src != null || href != null) {
        // An SVG script has no `async`: the expando still says whether to wait for it.
        n.async = o.hasAttribute("async");
        if (src != null) n.src = src;
        else n.setAttribute("href", href as string);
        // The page may be waiting on the element it made (`script.onload = init`, made inert by the
        // page guard): it hears the copy's load or error.
        n.onload = n.onerror = (e: Event | string) => {
          o.dispatchEvent(new Event((e as Event).type));
          if (!n.async) go();
        };
        if (!n.async) {
          p.replaceChild(n, o);
          return;
        }
      } else n.textContent = o.textContent;
      p.replaceChild(n, o);
    } else {
      // Not inert any more before its URLs come back, so that the page guard lets them through.
      o.removeAttribute(CATEGORY);
      URL_ATTRIBUTES.forEach((a) => {
        const v = o.getAttribute(`data-ce-${a}`);
        if (v != null) o.setAttribute(a, v);
      });
      if (o.hasAttribute(UNHIDE)) o.removeAttribute("hidden");
      if (l == "source" && p.load) p.load();
      // A refresh is read once, when the element is inserted: insert it again.
      if (l == "meta") p.replaceChild(o.cloneNode(), o);
    }
    go();
  };
  next(0);
  if (!only)
    d.querySelectorAll(`[${PLACEHOLDER}]`).forEach((p) => {
      if (all(p.getAttribute(PLACEHOLDER) as string)) p.remove();
    });
}

/**
 * A script element only runs when it is inserted as a new element: a copy of the inert one with its
 * attributes (but the `data-ce-` ones) and its original `type`.
 */
function freshScript(o: Element): HTMLScriptElement {
  const n = document.createElementNS(o.namespaceURI, "script") as HTMLScriptElement;
  for (const a of o.attributes)
    if (a.name.indexOf("data-ce-") && a.name != "type") n.setAttribute(a.name, a.value);
  const type = o.getAttribute(TYPE);
  if (type != null) n.setAttribute("type", type);
  n.nonce = (o as HTMLScriptElement).nonce as string;
  return n;
}
