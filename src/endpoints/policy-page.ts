/**
 * The generated cookie policy, served in the origin's place at the site's `policy.path` (HTML, in
 * the visitor's language) and `policy.jsonPath` (JSON). It holds no visitor state, so it is the
 * same for everyone who reads the same language: cacheable publicly for a short time (a config
 * change shows within CACHE_SECONDS), `Vary: Accept-Language` for the page. Nothing is read from
 * the request but its method and `Accept-Language`: no cookie, no consent.
 */
import type { Site } from "../config/compile";
import { sha256Base64 } from "../html/csp";
import { routedPath } from "../middleware/routed-path";
import { declarationFor } from "../policy/declaration";
import { POLICY_STYLE, renderPolicyHtml } from "../policy/render-html";
import { renderPolicyJson } from "../policy/render-json";
import { textsFor } from "../texts/texts-for";

/** Five minutes: long enough to absorb a burst, short enough that a new config shows soon. */
export const CACHE_SECONDS = 300;

/**
 * Which of the site's policy paths `path` (the site-relative path, decoded as the router reads it:
 * src/middleware/routed-path.ts) is, if any. The config's path is decoded the same way: it can
 * only be ASCII, so `/confidentialit%C3%A9` is how a site writes its path, and compared as written
 * it never equalled the decoded request path (the page was never served, its link reached the
 * origin).
 */
export function policyPathKind(site: Site, path: string): "html" | "json" | undefined {
  if (!site.policy.enabled) return undefined;
  if (path === routedPath(site.policy.path)) return "html";
  if (path === routedPath(site.policy.jsonPath)) return "json";
  return undefined;
}

let styleHash: Promise<string> | undefined;

export async function policyPage(site: Site, request: Request, kind: "html" | "json"): Promise<Response> {
  const method = request.method.toUpperCase();
  if (method !== "GET" && method !== "HEAD") {
    return new Response("Method Not Allowed: the cookie policy is read with GET or HEAD.\n", {
      status: 405,
      headers: {
        Allow: "GET, HEAD",
        "Content-Type": "text/plain; charset=UTF-8",
        "Cache-Control": "no-store",
      },
    });
  }
  const headers = new Headers({
    "Cache-Control": `public, max-age=${CACHE_SECONDS}`,
    "X-Content-Type-Options": "nosniff",
  });
  let body: string;
  if (kind === "json") {
    body = renderPolicyJson(declarationFor(site));
    headers.set("Content-Type", "application/json; charset=UTF-8");
    // A public document without credentials: tools on other origins may read it.
    headers.set("Access-Control-Allow-Origin", "*");
  } else {
    const { lang, texts } = textsFor(site, request.headers.get("Accept-Language"));
    body = renderPolicyHtml(declarationFor(site, texts), { lang, texts });
    styleHash ??= sha256Base64(POLICY_STYLE);
    headers.set("Content-Type", "text/html; charset=UTF-8");
    headers.set("Content-Language", lang);
    headers.set("Vary", "Accept-Language");
    // Nothing runs and nothing loads: the one style is allowed by its hash.
    headers.set(
      "Content-Security-Policy",
      `default-src 'none'; style-src 'sha256-${await styleHash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`,
    );
  }
  // HEAD: the same headers, no body (RFC 9110 §9.3.2); workerd sets the length of a GET's body.
  return new Response(method === "HEAD" ? null : body, { status: 200, headers });
}
