/**
 * The page's Content-Security-Policy, as far as the HTML stage cares: the nonce to give the
 * injected runtime (and banner), the hash to add when no nonce lets it run, and the strict policy a
 * page falls back to when it cannot be rewritten.
 *
 * The decisions follow CSP Level 3, read as the browser reads them:
 * - `Content-Security-Policy` is a comma-separated list of policies (§3.1; the Headers API joins
 *   several header lines with ", "), every one of them enforced: an inline element runs only if
 *   each policy allows it. `Content-Security-Policy-Report-Only` never blocks, so it is never read.
 * - In a policy, directives are split on ";", names are case-insensitive, and only the first
 *   directive of a name counts (§2.2.1 "parse a serialized CSP").
 * - An inline `<script>` is governed by `script-src-elem`, else `script-src`, else `default-src`;
 *   an inline `<style>` by `style-src-elem`, else `style-src`, else `default-src` (§6.8.3
 *   "effective directive", §6.8.4 "directive fallback list"). A policy with none of them does
 *   not restrict that kind of element.
 * - A source list allows every inline element only if it has `'unsafe-inline'`, no nonce or hash
 *   source and, for scripts, no `'strict-dynamic'` (§6.7.3.2). Otherwise an element runs when it
 *   carries one of the list's nonces or its text hashes to one of the list's hashes (§6.7.3.3);
 *   `'unsafe-hashes'` only concerns event-handler attributes and changes nothing here.
 */

export type InlineKind = "script" | "style";

const FALLBACK_LISTS: Record<InlineKind, readonly string[]> = {
  script: ["script-src-elem", "script-src", "default-src"],
  style: ["style-src-elem", "style-src", "default-src"],
};

// CSP3 §2.3.1: nonce-source and hash-source; keywords are case-insensitive, base64 values are not.
const NONCE_SOURCE = /^'nonce-([A-Za-z0-9+/_-]+={0,2})'$/i;
const HASH_SOURCE = /^'sha(256|384|512)-([A-Za-z0-9+/_-]+={0,2})'$/i;
const ASCII_WHITESPACE = /[\t\n\f\r ]+/;

interface Directive {
  /** The source expressions, as written. */
  values: string[];
  /** Offset just past the directive's last character in the header value: where a source is added. */
  end: number;
}

type Policy = Map<string, Directive>;

/**
 * Every enforced policy of a `Content-Security-Policy` value, with each directive's position in
 * that value (so that a hash can be added without rewriting anything else).
 */
function parsePolicies(list: string): Policy[] {
  const policies: Policy[] = [];
  let policy: Policy = new Map();
  for (const match of list.matchAll(/([^,;]*)([,;]|$)/g)) {
    const text = match[1] ?? "";
    const tokens = text.split(ASCII_WHITESPACE).filter((token) => token !== "");
    const name = tokens[0]?.toLowerCase();
    if (name !== undefined && !policy.has(name)) {
      const trimmed = text.replace(/[\t\n\f\r ]+$/, "");
      policy.set(name, { values: tokens.slice(1), end: match.index + trimmed.length });
    }
    if (match[2] === ";") continue;
    if (policy.size > 0) policies.push(policy);
    policy = new Map();
    if (match[2] === "") break;
  }
  return policies;
}

/** The source list that governs an inline element of `kind` in `policy`, if the policy restricts it. */
function governingDirective(policy: Policy, kind: InlineKind): Directive | undefined {
  for (const name of FALLBACK_LISTS[kind]) {
    const directive = policy.get(name);
    if (directive) return directive;
  }
  return undefined;
}

function noncesOf(directive: Directive): string[] {
  return directive.values.flatMap((value) => {
    const nonce = NONCE_SOURCE.exec(value)?.[1];
    return nonce === undefined ? [] : [nonce];
  });
}

/** CSP3 §6.7.3.2 "Does a source list allow all inline behavior for type?". */
function allowsAllInline(directive: Directive, kind: InlineKind): boolean {
  let unsafeInline = false;
  for (const value of directive.values) {
    if (NONCE_SOURCE.test(value) || HASH_SOURCE.test(value)) return false;
    const keyword = value.toLowerCase();
    if (kind === "script" && keyword === "'strict-dynamic'") return false;
    if (keyword === "'unsafe-inline'") unsafeInline = true;
  }
  return unsafeInline;
}

/** CSP3 §6.7.3.3: does the list allow an inline element carrying `nonce`, whose text hashes to `sha256`? */
function allowsElement(directive: Directive, kind: InlineKind, nonce: string | undefined, sha256: string) {
  if (allowsAllInline(directive, kind)) return true;
  if (nonce !== undefined && noncesOf(directive).includes(nonce)) return true;
  // base64url and base64 spell the same digest: browsers compare them normalised (WPT
  // content-security-policy/script-src/scripthash-base64url-converts-to-base64).
  const normal = (value: string) => value.replace(/-/g, "+").replace(/_/g, "/");
  return directive.values.some((value) => {
    const hash = HASH_SOURCE.exec(value);
    return hash?.[1] === "256" && normal(hash[2] ?? "") === normal(sha256);
  });
}

/** The governing source lists of every policy in `list` that restricts inline elements of `kind`. */
function restrictingDirectives(list: string, kind: InlineKind): Directive[] {
  return parsePolicies(list)
    .map((policy) => governingDirective(policy, kind))
    .filter((directive): directive is Directive => directive !== undefined);
}

/**
 * The nonce to put on an injected inline `<script>` (or `<style>`): one that every enforced policy
 * restricting that kind of element accepts. Undefined when no policy needs one, or when no single
 * nonce satisfies them all (two policies with different nonces, or one policy without any): then
 * the element runs by its hash instead, which `allowInlineScript` adds to each policy that needs it.
 */
export function cspNonce(headers: Headers, kind: InlineKind = "script"): string | undefined {
  return policyNonce(headers.get("Content-Security-Policy") ?? "", kind);
}

/**
 * `cspNonce` for a policy list as text: a header value, or the `content` of a
 * `<meta http-equiv="Content-Security-Policy">` (CSP3 §3.3), which is one more enforced policy.
 */
export function policyNonce(list: string, kind: InlineKind = "script"): string | undefined {
  const restricting = restrictingDirectives(list, kind).filter(
    (directive) => !allowsAllInline(directive, kind),
  );
  const [first, ...others] = restricting;
  if (!first) return undefined;
  return noncesOf(first).find((nonce) => others.every((directive) => noncesOf(directive).includes(nonce)));
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
 * Lets an injected inline element (carrying `nonce`, what `cspNonce` answered) run under every
 * enforced policy: each policy whose governing directive would block it gets the element's own
 * SHA-256 hash added to that directive, and nothing else changes. A directive that already allows
 * it (by `'unsafe-inline'`, the nonce or the hash) is left alone: adding a hash to a list with
 * `'unsafe-inline'` would switch `'unsafe-inline'` off for the page's own scripts (CSP3 §6.7.3.2).
 * A hash allows exactly this text, so no other inline script gains anything.
 */
export async function allowInline(
  headers: Headers,
  kind: InlineKind,
  text: string,
  nonce?: string,
): Promise<void> {
  const list = headers.get("Content-Security-Policy");
  if (!list) return;
  const rewritten = allowInlineInPolicy(list, kind, await sha256Base64(text), nonce);
  if (rewritten !== list) headers.set("Content-Security-Policy", rewritten);
}

/** The SHA-256 of `text` (UTF-8), base64: what a `'sha256-...'` source names (CSP3 §2.3.1). */
export async function sha256Base64(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/**
 * `allowInline` for a policy list as text (a header value, or a `<meta>` policy's `content`),
 * given the element's hash: the list with `'sha256-<sha256>'` added to each governing directive
 * that would block the element, everything else byte for byte.
 */
export function allowInlineInPolicy(list: string, kind: InlineKind, sha256: string, nonce?: string): string {
  const blocking = restrictingDirectives(list, kind).filter(
    (directive) => !allowsElement(directive, kind, nonce, sha256),
  );
  let rewritten = list;
  // From the end, so that the earlier offsets stay valid.
  for (const directive of blocking.sort((a, b) => b.end - a.end)) {
    rewritten = `${rewritten.slice(0, directive.end)} 'sha256-${sha256}'${rewritten.slice(directive.end)}`;
  }
  return rewritten;
}

/** `allowInline` for the runtime's and the banner's `<script>`. */
export function allowInlineScript(headers: Headers, scriptText: string, nonce?: string): Promise<void> {
  return allowInline(headers, "script", scriptText, nonce);
}

/** `allowInline` for the banner's `<style>`. */
export function allowInlineStyle(headers: Headers, styleText: string, nonce?: string): Promise<void> {
  return allowInline(headers, "style", styleText, nonce);
}

/**
 * Lets the runtime create its Trusted Types policy `name` (Trusted Types §4 "trusted-types"
 * directive): every enforced policy whose `trusted-types` directive would refuse the name gets it
 * added. Policies without the directive, or with `*`, allow any name and are left alone. Only the
 * first `createPolicy(name)` succeeds without `'allow-duplicates'`, and the runtime runs before any
 * page script, so a page script cannot take the name over.
 */
export function allowTrustedTypesPolicy(headers: Headers, name: string): void {
  const list = headers.get("Content-Security-Policy");
  if (!list) return;
  const refusing = parsePolicies(list)
    .map((policy) => policy.get("trusted-types"))
    .filter((directive): directive is Directive => directive !== undefined)
    .filter((directive) => !directive.values.includes("*") && !directive.values.includes(name));
  let rewritten = list;
  for (const directive of refusing.sort((a, b) => b.end - a.end)) {
    // 'none' forbids every policy only when it stands alone.
    rewritten = `${rewritten.slice(0, directive.end)} ${name}${rewritten.slice(directive.end)}`;
  }
  if (refusing.length > 0) headers.set("Content-Security-Policy", rewritten);
}

/** ` nonce="..."` for an injected element: only what a nonce may contain (base64, base64url) is kept. */
export function nonceAttribute(nonce: string | undefined): string {
  const clean = nonce?.replace(/[^A-Za-z0-9+/=_-]/g, "");
  return clean ? ` nonce="${clean}"` : "";
}
