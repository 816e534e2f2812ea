/**
 * The link relations that make a browser fetch or connect by themselves (HTML §4.6.7), in a `<link>`
 * element and in a `Link` response header alike: a preconnect hands the visitor's address to the
 * host before any script runs; a stylesheet or icon on a tracker host is a request with its cookies.
 * Canonical, alternate and other links that only describe are not among them.
 */
export const LOADING_RELS: readonly string[] = [
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

/** Whether any of `rels` (lowercased tokens) loads something. */
export function loadsSomething(rels: readonly string[]): boolean {
  return rels.some((rel) => LOADING_RELS.includes(rel));
}
