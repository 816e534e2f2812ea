/**
 * The page's Content-Security-Policy, as far as the HTML stage cares: the nonce to give the
 * injected runtime, and the strict policy a page falls back to when it cannot be rewritten.
 */

/** The first script nonce of the page's CSP (CSP3 §2.3.1 nonce-source), if any. */
export function cspNonce(headers: Headers): string | undefined {
  const policy = headers.get("Content-Security-Policy");
  return policy ? /'nonce-([A-Za-z0-9+/=_-]+)'/.exec(policy)?.[1] : undefined;
}

/**
 * When a page cannot be rewritten and some category is refused, it is served as the origin sent it
 * under this extra policy (a second CSP header: browsers enforce both, so it only ever tightens):
 * first-party scripts, frames, images and connections only, and no inline script. The page keeps
 * its content and first-party behaviour; no third-party tracker can load or run.
 */
export const FALLBACK_CSP =
  "script-src 'self'; frame-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'";
