/**
 * The request `Cookie` header (RFC 6265 §5.4): `name=value; name2=value2`.
 * Keeps every pair, duplicates included, with its original text so that the header can be
 * rebuilt without the refused ones and without re-encoding anything. Never throws.
 */

export interface RequestCookie {
  name: string;
  value: string;
  /** The pair exactly as the browser sent it. */
  raw: string;
}

export function parseCookieHeader(header: string | null): RequestCookie[] {
  if (!header) return [];
  const cookies: RequestCookie[] = [];
  for (const part of header.split(";")) {
    const raw = part.trim();
    if (raw === "") continue;
    const eq = raw.indexOf("=");
    // A pair without "=" is a cookie with an empty name (RFC 6265bis §5.6 step 5).
    const name = eq === -1 ? "" : raw.slice(0, eq).trim();
    const value = eq === -1 ? raw : raw.slice(eq + 1).trim();
    cookies.push({ name, value, raw });
  }
  return cookies;
}

export function serializeCookieHeader(cookies: RequestCookie[]): string {
  return cookies.map((cookie) => cookie.raw).join("; ");
}
