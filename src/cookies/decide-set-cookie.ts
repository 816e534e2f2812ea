/**
 * Decide what happens to each `Set-Cookie` line of an origin response: keep it verbatim,
 * rewrite it to satisfy its rule, replace it with our own deletion, or drop it because its
 * category is not granted.
 */
import type { UndeclaredPolicy } from "../config/types";
import type { ClassifyCookie } from "./classify-cookie";
import { deletionLine } from "./expire-cookies";
import { type CookieReason, judgeCookie } from "./judge-cookie";
import { lastAttribute, mayDelete, parseSetCookie } from "./parse-set-cookie";
import { rewriteSetCookie } from "./rewrite-set-cookie";

export type SetCookieDecision =
  | { action: "keep"; name: string; line: string; reason: CookieReason }
  | { action: "rewrite"; name: string; line: string; reason: CookieReason; changes: string[] }
  /** A refused cookie the origin deletes: our own deletion line, never the origin's. */
  | { action: "delete"; name: string; line: string; reason: CookieReason }
  | { action: "drop"; name: string; reason: CookieReason };

export interface SetCookieContext {
  classify: ClassifyCookie;
  /** The site's consent cookie: only the consent API, with its receipt, may set it. */
  consentCookieName: string;
  granted: ReadonlySet<string>;
  undeclared: UndeclaredPolicy;
  doNotTrack?: boolean;
  /** Unix seconds. */
  now: number;
}

export function decideSetCookie(raw: string, context: SetCookieContext): SetCookieDecision {
  const line = parseSetCookie(raw);
  // Judged by the name the site reads it back under (`=ce_consent=...` comes back as ce_consent).
  const name = line.readAs;
  // A server parser that trims like String.prototype.trim reads `\u00a0_ga` as `_ga`: the cookie
  // must be allowed under every name it can be read as, or it is refused (fail closed).
  const readings = name === name.trim() ? [name] : [name, name.trim()];
  // Issue 7 item 7: an origin line for the consent cookie would grant consent without a receipt.
  // Cookie names are case-sensitive, but nothing legitimate sets `CE_CONSENT` either, and a
  // reader that folds case (a CMP, a script) would take it: refuse every case variant.
  const consentName = context.consentCookieName.toLowerCase();
  if (readings.some((reading) => reading.toLowerCase() === consentName)) {
    return { action: "drop", name, reason: { kind: "consent-cookie", setByOrigin: true } };
  }
  const cookie = context.classify(name);
  let verdict = judgeCookie(cookie, context.granted, context.undeclared, context.doNotTrack);
  for (const reading of readings.slice(1)) {
    const other = judgeCookie(
      context.classify(reading),
      context.granted,
      context.undeclared,
      context.doNotTrack,
    );
    if (!other.allowed) verdict = other;
  }
  if (!verdict.allowed) {
    // Issue 7 item 2: a refused cookie never passes as the origin wrote it. Whether a line is a
    // deletion is decided by each browser's own date and Max-Age parser, and they disagree
    // (Chromium stores `Expires=1970`, `Max-Age=+31536000` beside a past Expires). When any
    // reading says the origin wants the cookie gone, we send a deletion of our own that stores
    // nothing in any of them; otherwise the line is dropped.
    const deletion = mayDelete(line, context.now) ? deletionFor(line) : undefined;
    if (deletion) return { action: "delete", name, line: deletion, reason: verdict.reason };
    return { action: "drop", name, reason: verdict.reason };
  }
  const rewrite = cookie.kind === "rule" ? rewriteSetCookie(line, cookie.rule, context.now) : undefined;
  if (rewrite) {
    return { action: "rewrite", name, line: rewrite.line, reason: verdict.reason, changes: rewrite.changes };
  }
  return { action: "keep", name, line: raw, reason: verdict.reason };
}

/** The origin's Path, Domain, Secure and Partitioned (the last of each, §5.7), when safe to echo. */
function deletionFor(line: ReturnType<typeof parseSetCookie>): string | undefined {
  // A nameless cookie cannot be deleted by a canonical line (empty name and value is ignored).
  if (line.name !== line.readAs) return undefined;
  return deletionLine({
    name: line.name,
    path: lastAttribute(line, "path")?.value,
    domain: lastAttribute(line, "domain")?.value,
    secure: lastAttribute(line, "secure") !== undefined,
    partitioned: lastAttribute(line, "partitioned") !== undefined,
  });
}
