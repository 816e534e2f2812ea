/**
 * The consent API only acts on requests from the site's own pages. Fetch Metadata first
 * (Sec-Fetch-Site, sent by every current browser), then Origin (sent on every cross-site POST).
 * A request with neither is not from a browser page (curl, a server): it cannot ride on a
 * visitor's cookies, so it is allowed.
 */
export function isCrossSite(request: Request): boolean {
  const site = request.headers.get("Sec-Fetch-Site");
  if (site !== null) return site !== "same-origin" && site !== "none";
  const origin = request.headers.get("Origin");
  if (origin === null) return false;
  return origin !== new URL(request.url).origin;
}

/** A same-origin path to return to after a form post; anything else goes home. */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.includes("\\"))
    return "/";
  return /[\u0000-\u001f]/.test(value) ? "/" : value;
}
