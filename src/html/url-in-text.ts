/**
 * Hosts mentioned in script text: "https://x.y", "//x.y" (protocol-relative). One pattern for the
 * edge's inline classifier (classify-resource.ts) and the page guard's (src/runtime/guard/rules.ts),
 * so that both find the same hosts in the same text.
 */
export const URL_IN_TEXT = /(?:https?:)?\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi;
