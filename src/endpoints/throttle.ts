/**
 * Throttling for the consent API's receipt writes (issue 7, item 9). A grant without a receipt is
 * refused, so whoever exhausts the database's write quota blocks every visitor's consent: each
 * client, and each site, gets a budget of decisions per window.
 *
 * Two layers:
 *   - always, a bounded fixed-window counter in the isolate (this file, pure: the clock is passed
 *     in). It holds at most `maxKeys` clients; when full, the oldest window is forgotten first.
 *   - when the worker has a Workers Rate Limiting binding `CONSENT_RATE_LIMIT` (wrangler.toml),
 *     that too, per client: it counts across isolates in a Cloudflare location.
 *
 * The client key is a truncated SHA-256 of the site and the connecting address: it lives only in
 * memory (this isolate's counters, the binding's counters for one window), is never written to D1
 * or a log, and is not the address. Without `CF-Connecting-IP` (which Cloudflare always sets)
 * clients cannot be told apart, so only the site budget applies.
 */

export interface ThrottleLimits {
  /** Decisions one client may make per window. */
  perClient: number;
  /** Decisions one site may record per window, in one isolate. */
  perSite: number;
  windowSeconds: number;
  /** Clients remembered at once. */
  maxKeys: number;
}

/** A person makes a handful of choices a minute; a site of 20 decisions a second is a busy one. */
export const DEFAULT_THROTTLE = {
  perClient: 20,
  perSite: 1_200,
  windowSeconds: 60,
  maxKeys: 10_000,
} as const satisfies ThrottleLimits;

interface Window {
  start: number;
  count: number;
}

export type ThrottleVerdict = { ok: true } | { ok: false; retryAfter: number };

export interface Throttle {
  /** Take one decision from the budgets of this site and this client (undefined: unknown client). */
  take: (site: string, client: string | undefined, now: number) => ThrottleVerdict;
}

export function createThrottle(limits: ThrottleLimits = DEFAULT_THROTTLE): Throttle {
  const windows = new Map<string, Window>();

  function count(key: string, limit: number, now: number): ThrottleVerdict {
    let window = windows.get(key);
    if (!window || now >= window.start + limits.windowSeconds) {
      windows.delete(key);
      window = { start: now, count: 0 };
      // Map keeps insertion order: the first key is the oldest window.
      while (windows.size >= limits.maxKeys) {
        const oldest = windows.keys().next().value;
        if (oldest === undefined) break;
        windows.delete(oldest);
      }
      windows.set(key, window);
    }
    if (window.count >= limit)
      return { ok: false, retryAfter: Math.max(1, window.start + limits.windowSeconds - now) };
    window.count++;
    return { ok: true };
  }

  return {
    take(site, client, now) {
      // The client first: a client over its own budget does not use up the site's.
      if (client !== undefined) {
        const verdict = count(`c:${site}:${client}`, limits.perClient, now);
        if (!verdict.ok) return verdict;
      }
      return count(`s:${site}`, limits.perSite, now);
    },
  };
}

/** The client's key on a site, or undefined when the address is unknown. */
export async function clientKey(request: Request, site: string): Promise<string | undefined> {
  const address = request.headers.get("CF-Connecting-IP");
  if (address === null || address === "") return undefined;
  const bytes = new TextEncoder().encode(`consent-edge throttle\n${site}\n${clientNetwork(address)}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest.slice(0, 12)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * The part of an address one client controls as a whole. An IPv6 end site is given at least a /64
 * (RFC 6177), so one client can rotate through 2^64 addresses: it is throttled as its /64. An IPv4
 * address, or anything that does not parse, counts as itself.
 */
export function clientNetwork(address: string): string {
  const text = address.trim().toLowerCase();
  // IPv4, and IPv6 with an embedded IPv4 address (::ffff:203.0.113.7): each address is one client.
  if (!text.includes(":") || text.includes(".")) return text;
  const [head = "", tail, extra] = text.split("::");
  if (extra !== undefined) return text;
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return text;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...right];
  if (!groups.slice(0, 4).every((group) => /^[0-9a-f]{1,4}$/.test(group))) return text;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/** The Workers Rate Limiting binding's interface (only what we call). */
export interface RateLimitBinding {
  limit: (options: { key: string }) => Promise<{ success: boolean }>;
}

export function rateLimitBinding(value: unknown): RateLimitBinding | undefined {
  return typeof value === "object" &&
    value !== null &&
    typeof (value as RateLimitBinding).limit === "function"
    ? (value as RateLimitBinding)
    : undefined;
}
