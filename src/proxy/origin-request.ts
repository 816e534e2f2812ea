/**
 * The request the origin receives: the visitor's request, minus refused cookies, minus anything
 * a visitor could use to impersonate consent-edge, plus the resolved consent state.
 */
import type { Site } from "../config/compile";
import type { ConsentState } from "../consent/types";
import { type RequestCookie, serializeCookieHeader } from "../cookies/parse-cookie-header";
import { DEBUG_COUNTRY_HEADER, DEBUG_REQUEST_HEADER } from "../debug/debug-gate";
import { SERVICES_HEADER } from "../debug/debug-header-names";

/** Headers consent-edge owns in both directions; a visitor's or an origin's copies are removed. */
export const CONSENT_HEADER_PREFIX = "x-consent-";
/** The granted categories, comma-separated, `necessary` first: `necessary,analytics`. */
export const ORIGIN_GRANTED_HEADER = "X-Consent-Granted";
/**
 * The services granted on their own, beside those categories (docs/services.md), comma-separated:
 * `youtube`, empty when none. A category in X-Consent-Granted grants all its services, so an origin
 * that asks "may I embed YouTube?" checks both: marketing granted, or youtube here.
 */
export const ORIGIN_SERVICES_HEADER = SERVICES_HEADER;
export const ORIGIN_SOURCE_HEADER = "X-Consent-Source";
export const ORIGIN_DECIDED_HEADER = "X-Consent-Decided";

/**
 * The URL the origin is asked for: the configured origin with only the visitor's path and query
 * set on it, never `new URL(path, origin)`. Resolving a path against a base treats `//host`,
 * `/\host`, `///host` and `/\t/host` as another authority (WHATWG URL §4.4, "special authority
 * slashes" / "relative slash" states); the `pathname` setter starts in "path start state" with a
 * state override, so whatever the visitor sent stays path. A service-binding origin gets the
 * visitor's own URL (the binding, not the host, decides where it goes).
 *
 * The origin check at the end does not trust the construction above: if the result's origin is
 * not the configured one, the request is refused (undefined) and nothing is fetched.
 */
export function originUrlFor(requestUrl: URL, site: Site): URL | undefined {
  // A site without one is for the middleware only (worker.ts refuses such a config).
  const origin = site.origin;
  if (!origin) return undefined;
  if (origin.kind === "service") return new URL(requestUrl.href);
  const configured = new URL(origin.url);
  const url = new URL(configured.href);
  url.pathname = requestUrl.pathname;
  url.search = requestUrl.search;
  if (url.origin !== configured.origin || url.username !== "" || url.password !== "") return undefined;
  return url;
}

/**
 * Request headers a visitor may send that say where the request is going or came from. The origin
 * gets them from consent-edge only: Host is the configured origin's (the URL sets it), and the
 * forwarding headers describe the request consent-edge routed (RFC 7239, and the de facto
 * X-Forwarded-* family), never what the visitor claims.
 */
const ROUTING_HEADERS = [
  "host",
  "forwarded",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "x-forwarded-server",
  "x-forwarded-prefix",
  "x-original-url",
  "x-rewrite-url",
  "x-original-host",
  "x-host",
  "x-forwarded-for",
  "x-real-ip",
];

/**
 * The visitor's request as the origin may see it, still addressed to the visitor's URL: refused
 * cookies removed (when `keptCookies` is given), consent-edge's own headers and the routing headers
 * a visitor could forge replaced, the resolved consent added. The middleware hands this to the
 * downstream handler as it is; the stand-alone worker retargets it to the origin.
 */
export function filterRequest(
  request: Request,
  keptCookies: RequestCookie[] | undefined,
  consent: ConsentState,
): Request {
  const incoming = new URL(request.url);
  const headers = new Headers(request.headers);
  for (const name of [...headers.keys()]) {
    if (name.startsWith(CONSENT_HEADER_PREFIX)) headers.delete(name);
  }
  for (const name of ROUTING_HEADERS) headers.delete(name);
  headers.delete(DEBUG_REQUEST_HEADER);
  headers.delete(DEBUG_COUNTRY_HEADER);
  if (keptCookies) {
    if (keptCookies.length > 0) headers.set("Cookie", serializeCookieHeader(keptCookies));
    else headers.delete("Cookie");
  }
  const acceptEncoding = headers.get("Accept-Encoding");
  if (acceptEncoding !== null) headers.set("Accept-Encoding", decodableEncodings(acceptEncoding));
  headers.set(ORIGIN_GRANTED_HEADER, [...consent.granted].join(","));
  headers.set(ORIGIN_SERVICES_HEADER, [...consent.granted.services].join(","));
  headers.set(ORIGIN_SOURCE_HEADER, consent.source);
  headers.set(ORIGIN_DECIDED_HEADER, consent.decided ? "1" : "0");
  // The host the site was routed by (one the site claims), and the scheme the visitor used.
  headers.set("X-Forwarded-Host", incoming.host);
  headers.set("X-Forwarded-Proto", incoming.protocol.replace(":", ""));
  // Cloudflare sets CF-Connecting-IP itself (a visitor's copy never survives its edge); a visitor's
  // X-Forwarded-For chain could name anyone.
  const client = request.headers.get("CF-Connecting-IP");
  if (client !== null) headers.set("X-Forwarded-For", client);
  // Everything else (method, body, `cf`, signal) stays the visitor's.
  return new Request(request, { headers });
}

/**
 * A filtered request sent to `url` (originUrlFor's, for the visitor's URL) instead of the visitor's
 * URL. The worker refuses a request originUrlFor gives no URL for with 400, before the pipeline runs.
 */
export function retargetToOrigin(request: Request, url: URL): Request {
  return new Request(url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    // 3xx go back to the visitor, with their Set-Cookie headers filtered like any other response.
    redirect: "manual",
  });
}

/**
 * Only ask the origin for encodings the Workers runtime decodes (gzip, br), so that an HTML body
 * always reaches the rewriter as text. Quality values are kept as the visitor sent them.
 */
const DECODABLE = new Set(["gzip", "x-gzip", "br", "identity"]);

export function decodableEncodings(acceptEncoding: string): string {
  const kept = acceptEncoding
    .split(",")
    .map((part) => part.trim())
    .filter((part) => DECODABLE.has((part.split(";")[0] ?? "").trim().toLowerCase()));
  return kept.length > 0 ? kept.join(", ") : "identity";
}
