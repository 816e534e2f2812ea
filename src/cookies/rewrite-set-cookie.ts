/**
 * Rewrite a kept `Set-Cookie` line so it satisfies its rule: cap its lifetime, add the
 * required attributes, restrict its path. Everything else stays as the origin wrote it.
 */
import type { CookieRule } from "../config/validate";
import { isSafeCookiePath } from "./expire-cookies";
import {
  cookieLifetime,
  hasUnambiguousLifetime,
  longestAttributeLifetime,
  lastAttribute,
  type SetCookieAttribute,
  type SetCookieLine,
  serializeSetCookie,
} from "./parse-set-cookie";

export interface Rewrite {
  line: string;
  /** What changed, for debug headers: `max-age`, `session`, `secure`, `httponly`, `samesite`, `path`. */
  changes: string[];
}

/** Returns undefined when the line already satisfies the rule. */
export function rewriteSetCookie(line: SetCookieLine, rule: CookieRule, now: number): Rewrite | undefined {
  let attributes = line.attributes;
  const changes: string[] = [];
  const replace = (key: string, attribute: SetCookieAttribute | undefined) => {
    attributes = attributes.filter((existing) => existing.key !== key);
    if (attribute) attributes = [...attributes, attribute];
  };

  // A session cookie (the rule's `session`): every expiry attribute goes, whichever a browser
  // would read (RFC 6265bis §5.7: without Max-Age and Expires the cookie is not persistent).
  if (rule.session === true) {
    const before = attributes.length;
    attributes = attributes.filter((existing) => !isExpiryAttribute(existing));
    if (attributes.length !== before) changes.push("session");
  } else if (rule.maxAgeSeconds !== undefined) {
    // A cap holds only if every browser reads the lifetime we leave on the line, so a line whose
    // Max-Age or Expires browsers may read differently (RFC 6265bis §5.1.1 and §5.6.2 against
    // Chromium's and Firefox's lenient parsers) is rewritten too, not only one that is too long.
    const lifetime = cookieLifetime(line, now);
    // Every attribute, not only the one the RFC picks: readers disagree on which one wins.
    const longest = longestAttributeLifetime(line, now);
    const tooLong = longest !== undefined && longest > rule.maxAgeSeconds;
    if (tooLong || !hasUnambiguousLifetime(line) || line.attributes.some(isLenientExpiry)) {
      const hadExpires = lastAttribute(line, "expires") !== undefined;
      attributes = attributes.filter((existing) => !isExpiryAttribute(existing));
      // A session cookie by the RFC's reading stays one: every expiry attribute is gone.
      if (lifetime !== undefined) {
        const seconds = Math.max(0, Math.min(lifetime, rule.maxAgeSeconds));
        attributes = [...attributes, { key: "max-age", value: String(seconds), raw: `Max-Age=${seconds}` }];
        if (hadExpires) {
          const expires = new Date((seconds === 0 ? 0 : now + seconds) * 1000).toUTCString();
          attributes = [...attributes, { key: "expires", value: expires, raw: `Expires=${expires}` }];
        }
      }
      changes.push("max-age");
    }
  }
  if (rule.secure && !lastAttribute(line, "secure")) {
    replace("secure", { key: "secure", value: "", raw: "Secure" });
    changes.push("secure");
  }
  if (rule.httpOnly && !lastAttribute(line, "httponly")) {
    replace("httponly", { key: "httponly", value: "", raw: "HttpOnly" });
    changes.push("httponly");
  }
  if (rule.sameSite && isWeakerSameSite(lastAttribute(line, "samesite")?.value, rule.sameSite)) {
    replace("samesite", { key: "samesite", value: rule.sameSite, raw: `SameSite=${rule.sameSite}` });
    changes.push("samesite");
  }
  // The rule's path is the operator's, validated by the config; still, nothing unsafe is echoed.
  if (
    rule.path &&
    isSafeCookiePath(rule.path) &&
    !isPathWithin(lastAttribute(line, "path")?.value, rule.path)
  ) {
    replace("path", { key: "path", value: rule.path, raw: `Path=${rule.path}` });
    changes.push("path");
  }
  if (changes.length === 0) return undefined;
  return { line: serializeSetCookie(line.pair, attributes), changes };
}

/**
 * Max-Age or Expires as any reader sees the name: RFC 6265bis §5.6 trims only SP and HTAB (our
 * parser's `key`), but lenient parsers trim with String.prototype.trim (tough-cookie, and clients
 * built on it), which also eats form feed, vertical tab, NBSP and BOM: `\fMax-Age=31536000` is a
 * year to them. Removing one more attribute than the RFC reads is safe; keeping it is not.
 */
function isExpiryAttribute(attribute: SetCookieAttribute): boolean {
  const key = attribute.key.trim();
  return key === "max-age" || key === "expires";
}

/** An expiry attribute only lenient readers see (its name carries whitespace the RFC keeps). */
function isLenientExpiry(attribute: SetCookieAttribute): boolean {
  return attribute.key !== "max-age" && attribute.key !== "expires" && isExpiryAttribute(attribute);
}

/**
 * The rule's SameSite is a minimum: a cookie the origin already made stricter is left alone.
 * A missing or unknown value counts as the weakest (browsers default to Lax, but not all do).
 */
const SAME_SITE_STRENGTH: Record<string, number> = { none: 0, lax: 1, strict: 2 };

function isWeakerSameSite(value: string | undefined, required: string): boolean {
  const current = SAME_SITE_STRENGTH[value?.toLowerCase() ?? ""] ?? -1;
  return current < (SAME_SITE_STRENGTH[required.toLowerCase()] ?? 0);
}

/** RFC 6265bis §5.1.4 path-match, for a cookie path against the rule's required path. */
function isPathWithin(path: string | undefined, required: string): boolean {
  if (!path?.startsWith("/")) return false;
  if (path === required) return true;
  const base = required.endsWith("/") ? required : `${required}/`;
  return path.startsWith(base);
}
