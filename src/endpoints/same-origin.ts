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
