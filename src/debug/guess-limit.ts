/**
 * Wrong debug secrets, counted per client: the secret opens the debug headers and, since the
 * inventory and receipts, the operator's endpoints (`/.consent-edge/admin/`), so guessing it online
 * must not be free. A client that presents a wrong secret MAX_WRONG_GUESSES times in a window is
 * refused for the rest of it whatever it presents, the right secret included (the operator behind
 * the same address waits the window out). Counted in the isolate, like the consent API's own
 * budgets (../endpoints/throttle.ts, whose client key it uses: a hash, never the address); a guesser
 * spread over many isolates and addresses is what MIN_ADMIN_SECRET_LENGTH is for.
 */
import { createThrottle, type Throttle } from "../endpoints/throttle";

/** Wrong secrets one client may present per window before it is refused. */
export const MAX_WRONG_GUESSES = 10;
export const GUESS_WINDOW_SECONDS = 600;

/**
 * The operator's endpoints answer only when the secret is at least this long: 16 random characters
 * are out of reach of online guessing (the README says to make it with `openssl rand -hex 32`).
 */
export const MIN_ADMIN_SECRET_LENGTH = 16;

export interface GuessLimit {
  /** Whether this client is past its wrong guesses (undefined: unknown client, never refused here). */
  refused(site: string, client: string | undefined, now: number): boolean;
  /** Counts a wrong secret; true when that was one too many. */
  wrong(site: string, client: string | undefined, now: number): boolean;
}

export function createGuessLimit(
  limits: { maxWrong: number; windowSeconds: number; maxKeys: number } = {
    maxWrong: MAX_WRONG_GUESSES,
    windowSeconds: GUESS_WINDOW_SECONDS,
    maxKeys: 10_000,
  },
): GuessLimit {
  // One budget of wrong guesses per client; the site-wide one is not used (a site's operator must
  // never be locked out by other people's guesses).
  const throttle: Throttle = createThrottle({
    perClient: limits.maxWrong,
    perSite: Number.MAX_SAFE_INTEGER,
    windowSeconds: limits.windowSeconds,
    maxKeys: limits.maxKeys,
  });
  const over = new Map<string, number>();
  return {
    refused(site, client, now) {
      if (client === undefined) return false;
      const until = over.get(`${site}\n${client}`);
      if (until === undefined) return false;
      if (now < until) return true;
      over.delete(`${site}\n${client}`);
      return false;
    },
    wrong(site, client, now) {
      if (client === undefined) return false;
      const verdict = throttle.take(site, client, now);
      if (verdict.ok) return false;
      if (over.size >= limits.maxKeys) over.delete(over.keys().next().value ?? "");
      over.set(`${site}\n${client}`, now + verdict.retryAfter);
      return true;
    },
  };
}
