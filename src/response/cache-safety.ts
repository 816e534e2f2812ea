/**
 * A response whose headers depend on this visitor's consent must not be stored by a shared
 * cache and replayed to another visitor (RFC 9111 §5.2.2.7 `private`). Browser caching stays.
 */

const SHARED_ONLY = new Set(["public", "s-maxage", "proxy-revalidate"]);
const ALREADY_PRIVATE = new Set(["private", "no-store"]);

const directiveName = (directive: string) => (directive.split("=")[0] ?? "").trim().toLowerCase();

export function markPrivate(headers: Headers): void {
  const kept = (headers.get("Cache-Control") ?? "")
    .split(",")
    .map((directive) => directive.trim())
    .filter((directive) => directive !== "" && !SHARED_ONLY.has(directiveName(directive)));
  const alreadyPrivate = kept.some((directive) => ALREADY_PRIVATE.has(directiveName(directive)));
  headers.set("Cache-Control", (alreadyPrivate ? kept : ["private", ...kept]).join(", "));
}
