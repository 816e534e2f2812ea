/**
 * tough-cookie's CookieJar (RFC 6265: the cookie date algorithm, domain and path matching, public
 * suffixes) as the judge of what a browser stores from the lines the worker emits. Runs in workerd.
 */
import { Cookie, CookieJar } from "tough-cookie";

export function newJar(): CookieJar {
  // Strict prefixes (`__Host-`, `__Secure-`) and public-suffix rejection, as browsers do.
  return new CookieJar(undefined, { rejectPublicSuffixes: true, prefixSecurity: "strict" });
}

/** Applies each line as a browser at `url` would; a line the jar refuses stores nothing. */
export function applyLines(jar: CookieJar, lines: string[], url: string, nowMs: number): void {
  for (const line of lines) {
    try {
      jar.setCookieSync(line, url, { now: new Date(nowMs), ignoreError: true });
    } catch {
      // A line tough-cookie rejects outright (bad prefix, public suffix) stores nothing.
    }
  }
}

/** Every cookie in the jar that is still alive at `nowMs`, whatever its domain and path. */
export function liveCookies(jar: CookieJar, nowMs: number): Cookie[] {
  const cookies = jar.serializeSync()?.cookies ?? [];
  return cookies
    .map((json) => Cookie.fromJSON(json))
    .filter((cookie): cookie is Cookie => cookie !== undefined)
    .filter((cookie) => (cookie.expiryTime(new Date(nowMs)) ?? Infinity) > nowMs);
}

/** What a browser stores from these lines at `url`: name, value and expiry (ms, Infinity = session). */
export function storedFrom(lines: string[], url: string, nowMs: number): Cookie[] {
  const jar = newJar();
  applyLines(jar, lines, url, nowMs);
  return liveCookies(jar, nowMs);
}

export function expiryOf(cookie: Cookie, nowMs: number): number {
  return cookie.expiryTime(new Date(nowMs)) ?? Infinity;
}
