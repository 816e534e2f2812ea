/**
 * The inert form of a neutralised element, shared by the rewriter (which writes it) and the
 * runtime (which restores it). An element is inert when it carries `data-ce-category`; its
 * original `src`/`href`/`srcset`/`type` wait in `data-ce-*` attributes until consent arrives.
 */
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
} as const;

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

/** Attribute values from lol-html are raw HTML: decode the entities URLs commonly carry. */
export function decodeAttribute(value: string): string {
  return value.includes("&")
    ? value
        .replace(/&amp;/g, "&")
        .replace(/&#38;/g, "&")
        .replace(/&quot;/g, '"')
    : value;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
