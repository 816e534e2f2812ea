/**
 * The inert form's attribute names (src/html/inert.ts, which the rewriter writes), as plain
 * constants so that the bundle carries only the names it uses. Each is typed as the rewriter's own
 * constant: if one changes without the other, the typecheck fails.
 */
import type { AUTHOR_CATEGORY as AUTHOR, INERT, INERT_URL_ATTRIBUTES } from "../html/inert";

export const CATEGORY: typeof INERT.category = "data-ce-category";
export const SRC: typeof INERT.src = "data-ce-src";
export const HREF: typeof INERT.href = "data-ce-href";
export const TYPE: typeof INERT.type = "data-ce-type";
export const UNHIDE: typeof INERT.unhide = "data-ce-unhide";
export const PLACEHOLDER: typeof INERT.placeholder = "data-ce-placeholder";
export const GRANT: typeof INERT.grant = "data-ce-grant";
export const ONCE: typeof INERT.once = "data-ce-once";
/** The page author's own marking of the categories an element needs: it wins over the rules. */
export const AUTHOR_CATEGORY: typeof AUTHOR = "data-consent-category";
/** Every URL attribute that waits in its `data-ce-` twin. */
export const URL_ATTRIBUTES: typeof INERT_URL_ATTRIBUTES = [
  "src",
  "srcset",
  "href",
  "poster",
  "data",
  "ping",
  "srcdoc",
  "content",
  "imagesrcset",
];
