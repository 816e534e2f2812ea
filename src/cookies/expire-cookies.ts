/**
 * Withdrawal: the browser still holds a cookie whose category is no longer granted, so the
 * response deletes it. A cookie is only deleted by a `Set-Cookie` with the same name, domain
 * and path (RFC 6265bis §5.7 step 23), and host-only and `Domain=` cookies are distinct, so we
 * emit every variant that can hold it: host-only and each `Domain=` from the host down to the
 * registrable domain, on `Path=/` and on the rule's own path.
 *
 * Every deletion line is built here, from parts checked to be safe to echo into a header: a
 * name, path or domain that could carry `;`, a control character or a second attribute is
 * never written out (header and cookie-attribute injection).
 */

const EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT";
// Only names that are RFC 6265 tokens are echoed back into a header.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 6265bis §4.1.1 path-value: any CHAR except CTLs or ";", starting with "/" (§5.6.4).
// Spaces and commas are left out too: they would be trimmed or split by some reader on the way.
const SAFE_PATH = /^\/[\x21-\x2b\x2d-\x3a\x3c-\x7e]{0,1023}$/;
// A hostname in its ASCII form, optionally with the leading dot RFC 6265bis §5.6.3 ignores.
const SAFE_DOMAIN =
  /^\.?(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

export function isCookieToken(name: string): boolean {
  return TOKEN.test(name);
}

export function isSafeCookiePath(path: string): boolean {
  return SAFE_PATH.test(path);
}

export function isSafeCookieDomain(domain: string): boolean {
  return SAFE_DOMAIN.test(domain);
}

/** RFC 6265bis §4.1.3: the prefixes are matched case-insensitively (§5.7 steps 19 and 20). */
export function cookiePrefix(name: string): "__Host-" | "__Secure-" | undefined {
  const lower = name.slice(0, 9).toLowerCase();
  if (lower.startsWith("__host-")) return "__Host-";
  if (lower === "__secure-") return "__Secure-";
  return undefined;
}

export interface DeletionTarget {
  name: string;
  path?: string | undefined;
  domain?: string | undefined;
  secure?: boolean | undefined;
  /** A CHIPS cookie lives in its own partition: only a `Partitioned` line reaches it. */
  partitioned?: boolean | undefined;
}

/**
 * One line that stores nothing in any browser: an empty value, `Max-Age=0` (RFC 6265bis §5.6.2:
 * "less than or equal to zero" is "the earliest representable date") and an epoch `Expires` in
 * the fixed date format for readers without `Max-Age`. Undefined when the name is not a token;
 * a path or domain that is not safe is left out (the browser then uses its default, as it would
 * have for the origin's own invalid value).
 */
export function deletionLine(target: DeletionTarget): string | undefined {
  const { name } = target;
  if (!isCookieToken(name)) return undefined;
  const prefix = cookiePrefix(name);
  // RFC 6265bis §4.1.3.2: a __Host- cookie is host-only, Secure, Path=/. Only one variant exists.
  if (prefix === "__Host-") {
    return `${name}=; Max-Age=0; Expires=${EPOCH}; Path=/; Secure${target.partitioned ? "; Partitioned" : ""}`;
  }
  let line = `${name}=; Max-Age=0; Expires=${EPOCH}`;
  if (target.path !== undefined && isSafeCookiePath(target.path)) line += `; Path=${target.path}`;
  if (target.domain !== undefined && isSafeCookieDomain(target.domain)) line += `; Domain=${target.domain}`;
  // A Secure cookie can only be replaced by a Secure line (§5.7 step 16); __Secure- requires it.
  if (target.secure || target.partitioned || prefix === "__Secure-") line += "; Secure";
  if (target.partitioned) line += "; Partitioned";
  return line;
}

export interface ExpiryTarget {
  name: string;
  /** The rule's configured path, if any. */
  path?: string;
}

export interface ExpiryContext {
  /** Host-only plus these `Domain=` values (from `cookieDomains`). */
  domains: string[];
  /** Whether the request came over https: Secure cookies can only be replaced from a secure origin. */
  secure: boolean;
}

export function expiryLines(target: ExpiryTarget, context: ExpiryContext): string[] {
  const { name } = target;
  if (!isCookieToken(name)) return [];
  if (cookiePrefix(name) === "__Host-") return [deletionLine({ name })].filter(isString);
  const paths =
    target.path && target.path !== "/" && isSafeCookiePath(target.path) ? ["/", target.path] : ["/"];
  const lines: Array<string | undefined> = [];
  for (const path of paths) {
    lines.push(deletionLine({ name, path, secure: context.secure }));
    for (const domain of context.domains)
      lines.push(deletionLine({ name, path, domain, secure: context.secure }));
  }
  return lines.filter(isString);
}

function isString(line: string | undefined): line is string {
  return line !== undefined;
}
