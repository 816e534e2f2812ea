/** Config patterns: `*` matches any run of characters; everything else is literal. */

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The regular-expression source of a glob's body, without anchors: `_ga_*` -> `_ga_.*`. */
export function globSource(glob: string): string {
  return glob.split("*").map(escapeRegExp).join(".*");
}
