/**
 * The request the origin receives: the visitor's request, minus refused cookies, minus anything
 * a visitor could use to impersonate consent-edge, plus the resolved consent state.
 */
import type { Site } from "../config/compile";
import type { ConsentState } from "../consent/types";
import { type RequestCookie, serializeCookieHeader } from "../cookies/parse-cookie-header";
import { DEBUG_COUNTRY_HEADER, DEBUG_REQUEST_HEADER } from "../debug/debug-gate";

/** Headers consent-edge owns in both directions; a visitor's or an origin's copies are removed. */
export const CONSENT_HEADER_PREFIX = "x-consent-";
export const ORIGIN_GRANTED_HEADER = "X-Consent-Granted";
export const ORIGIN_SOURCE_HEADER = "X-Consent-Source";
export const ORIGIN_DECIDED_HEADER = "X-Consent-Decided";

export function buildOriginRequest(
  request: Request,
  site: Site,
  keptCookies: RequestCookie[] | undefined,
  consent: ConsentState,
): Request {
  const incoming = new URL(request.url);
  const url =
    site.origin.kind === "url"
      ? new URL(`${incoming.pathname}${incoming.search}`, site.origin.url)
      : incoming;

  const headers = new Headers(request.headers);
  for (const name of [...headers.keys()]) {
    if (name.startsWith(CONSENT_HEADER_PREFIX)) headers.delete(name);
  }
  headers.delete(DEBUG_REQUEST_HEADER);
  headers.delete(DEBUG_COUNTRY_HEADER);
  if (keptCookies) {
    if (keptCookies.length > 0) headers.set("Cookie", serializeCookieHeader(keptCookies));
    else headers.delete("Cookie");
  }
  const acceptEncoding = headers.get("Accept-Encoding");
  if (acceptEncoding !== null) headers.set("Accept-Encoding", decodableEncodings(acceptEncoding));
  headers.set(ORIGIN_GRANTED_HEADER, [...consent.granted].join(","));
  headers.set(ORIGIN_SOURCE_HEADER, consent.source);
  headers.set(ORIGIN_DECIDED_HEADER, consent.decided ? "1" : "0");
  if (site.origin.kind === "url") {
    headers.set("X-Forwarded-Host", incoming.host);
    headers.set("X-Forwarded-Proto", incoming.protocol.replace(":", ""));
  }

  return new Request(url, {
    method: request.method,
    headers,
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
