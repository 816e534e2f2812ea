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

/**
 * A page whose CSP allows inline scripts neither by nonce nor by 'unsafe-inline' (a hash-based
 * policy) would block the injected runtime: add the runtime's own hash to the directive that
 * governs scripts (CSP3 §6.7.2.9: script-src-elem, else script-src, else default-src). Policies
 * with 'unsafe-inline' are left alone: adding a hash would switch 'unsafe-inline' off.
 */
export async function allowInlineScript(headers: Headers, scriptText: string): Promise<void> {
  const policy = headers.get("Content-Security-Policy");
  if (!policy) return;
  const directives = policy.split(";").map((directive) => directive.trim());
  const names = directives.map((directive) => (directive.split(/\s+/)[0] ?? "").toLowerCase());
  const index = ["script-src-elem", "script-src", "default-src"]
    .map((name) => names.indexOf(name))
    .find((i) => i !== -1);
  if (index === undefined) return;
  const directive = directives[index] ?? "";
  if (/'unsafe-inline'|'nonce-/i.test(directive)) return;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(scriptText));
  const hash = btoa(String.fromCharCode(...new Uint8Array(digest)));
  directives[index] = `${directive} 'sha256-${hash}'`;
  headers.set("Content-Security-Policy", directives.filter((d) => d !== "").join("; "));
}

/** ` nonce="..."` for an injected element: only what a nonce may contain (base64, base64url) is kept. */
export function nonceAttribute(nonce: string | undefined): string {
  const clean = nonce?.replace(/[^A-Za-z0-9+/=_-]/g, "");
  return clean ? ` nonce="${clean}"` : "";
}
