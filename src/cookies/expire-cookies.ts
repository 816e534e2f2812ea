/**
 * Withdrawal: the browser still holds a cookie whose category is no longer granted, so the
 * response deletes it. A cookie is only deleted by a `Set-Cookie` with the same name, domain
 * and path (RFC 6265bis §5.7 step 23), and host-only and `Domain=` cookies are distinct, so we
 * emit every variant that can hold it: host-only and each `Domain=` from the host down to the
 * registrable domain, on `Path=/` and on the rule's own path.
 */

const EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT";
// Only names that are RFC 6265 tokens are echoed back into a header.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

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
  if (!TOKEN.test(name)) return [];
  // RFC 6265bis §4.1.3.2: a __Host- cookie is host-only, Secure, Path=/. Only one variant exists.
  if (name.startsWith("__Host-")) return [`${name}=; Max-Age=0; Expires=${EPOCH}; Path=/; Secure`];
  const secure = context.secure || name.startsWith("__Secure-") ? "; Secure" : "";
  const paths = target.path && target.path !== "/" ? ["/", target.path] : ["/"];
  const lines: string[] = [];
  for (const path of paths) {
    lines.push(`${name}=; Max-Age=0; Expires=${EPOCH}; Path=${path}${secure}`);
    for (const domain of context.domains) {
      lines.push(`${name}=; Max-Age=0; Expires=${EPOCH}; Path=${path}; Domain=${domain}${secure}`);
    }
  }
  return lines;
}
