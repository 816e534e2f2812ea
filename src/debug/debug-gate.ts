/**
 * Debug output is behind the site's secret, presented in a request header. The comparison is
 * constant-time: both sides are hashed to equal length, then compared with timingSafeEqual.
 */
import { DEBUG_COUNTRY_HEADER, DEBUG_REQUEST_HEADER } from "./debug-header-names";

export { DEBUG_COUNTRY_HEADER, DEBUG_REQUEST_HEADER };

const encoder = new TextEncoder();

export async function isDebugAllowed(request: Request, secret: unknown): Promise<boolean> {
  const presented = request.headers.get(DEBUG_REQUEST_HEADER);
  if (presented === null || typeof secret !== "string" || secret.length === 0) return false;
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(presented)),
    crypto.subtle.digest("SHA-256", encoder.encode(secret)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}

export function debugGeo(request: Request): { country?: string; regionCode?: string } | undefined {
  const value = request.headers.get(DEBUG_COUNTRY_HEADER);
  const match = value ? /^([A-Za-z]{2})(?:-([A-Za-z0-9]{1,3}))?$/.exec(value.trim()) : null;
  if (!match?.[1]) return undefined;
  return { country: match[1].toUpperCase(), ...(match[2] ? { regionCode: match[2].toUpperCase() } : {}) };
}
