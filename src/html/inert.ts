/**
 * The inert form of a neutralised element, shared by the rewriter (which writes it) and the
 * runtime (which restores it). An element is inert when it carries `data-ce-category`; its
 * original URL attributes (INERT_URL_ATTRIBUTES) and script `type` wait in `data-ce-*` twins
 * until consent arrives.
 */
import { decodeHTMLAttribute } from "entities/decode";

export const INERT = {
  category: "data-ce-category",
  src: "data-ce-src",
  srcset: "data-ce-srcset",
  href: "data-ce-href",
  type: "data-ce-type",
  /** The iframe was hidden by us (not by the page) and is shown again on restore. */
  unhide: "data-ce-unhide",
  placeholder: "data-ce-placeholder",
  grant: "data-ce-grant",
  /**
   * A placeholder's "Load this video": restores the inert element just before the placeholder, for
   * this page view only (no cookie, no consent API call, no receipt).
   */
  once: "data-ce-once",
} as const;

/**
 * Every attribute the rewriter may move to its `data-ce-` twin, and the runtime moves back: the
 * attributes through which an element fetches or navigates (HTML's URL-bearing content attributes
 * of the elements that load). SVG's legacy `xlink:href` moves to `data-ce-href` and comes back as
 * `href`, which SVG 2 gives precedence anyway (SVG 2 §16.1.6).
 */
export const INERT_URL_ATTRIBUTES = [
  "src",
  "srcset",
  "href",
  "poster",
  "data",
  "ping",
  "srcdoc",
  "content",
  "imagesrcset",
] as const;
export type InertUrlAttribute = (typeof INERT_URL_ATTRIBUTES)[number];

/** The `data-ce-` twin an attribute's value waits in. */
export function inertTwin(attribute: InertUrlAttribute): `data-ce-${InertUrlAttribute}` {
  return `data-ce-${attribute}`;
}

/**
 * A pseudo-category nobody can grant: an element that needs it (a `doNotTrack` rule, for a visitor
 * who sent DNT: 1) stays inert, and the runtime never restores it.
 */
export const DO_NOT_TRACK = "do-not-track";

/** Page authors mark their own elements with the category they need. */
export const AUTHOR_CATEGORY = "data-consent-category";

/** A script type the browser would execute (HTML §4.12.1.1: empty, a JavaScript MIME type, or module). */
export function isExecutableScriptType(type: string | null): boolean {
  if (type === null) return true;
  const t = type.trim().toLowerCase();
  return t === "" || t === "module" || JAVASCRIPT_TYPES.has(t);
}

const JAVASCRIPT_TYPES = new Set([
  "text/javascript",
  "application/javascript",
  "application/ecmascript",
  "application/x-ecmascript",
  "application/x-javascript",
  "text/ecmascript",
  "text/javascript1.0",
  "text/javascript1.1",
  "text/javascript1.2",
  "text/javascript1.3",
  "text/javascript1.4",
  "text/javascript1.5",
  "text/jscript",
  "text/livescript",
  "text/x-ecmascript",
  "text/x-javascript",
]);

/**
 * lol-html hands attribute values over raw, as written in the page (`https&#58;//`), while the
 * browser decodes character references before it ever sees a URL (HTML §13.2.5.38 and following,
 * the attribute value states; in an attribute, a legacy reference without `;` followed by `=` or an
 * alphanumeric stays literal, §13.2.5.73). Decode exactly that way before classifying anything.
 */
export function decodeAttribute(value: string): string {
  return value.includes("&") ? decodeHTMLAttribute(value) : value;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
