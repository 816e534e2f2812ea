/**
 * Decide what happens to each `Set-Cookie` line of an origin response: keep it verbatim,
 * rewrite it to satisfy its rule, or drop it because its category is not granted.
 */
import type { UndeclaredPolicy } from "../config/types";
import type { ClassifyCookie } from "./classify-cookie";
import { type CookieReason, judgeCookie } from "./judge-cookie";
import { cookieLifetime, parseSetCookie } from "./parse-set-cookie";
import { rewriteSetCookie } from "./rewrite-set-cookie";

export type SetCookieDecision =
  | { action: "keep"; name: string; line: string; reason: CookieReason | { kind: "deletion" } }
  | { action: "rewrite"; name: string; line: string; reason: CookieReason; changes: string[] }
  | { action: "drop"; name: string; reason: CookieReason };

export interface SetCookieContext {
  classify: ClassifyCookie;
  granted: ReadonlySet<string>;
  undeclared: UndeclaredPolicy;
  doNotTrack?: boolean;
  /** Unix seconds. */
  now: number;
}

export function decideSetCookie(raw: string, context: SetCookieContext): SetCookieDecision {
  const line = parseSetCookie(raw);
  const cookie = context.classify(line.name);
  const verdict = judgeCookie(cookie, context.granted, context.undeclared, context.doNotTrack);
  if (!verdict.allowed) {
    // An origin deleting a cookie never stores an identifier: let deletions through.
    const lifetime = cookieLifetime(line, context.now);
    if (lifetime !== undefined && lifetime <= 0) {
      return { action: "keep", name: line.name, line: raw, reason: { kind: "deletion" } };
    }
    return { action: "drop", name: line.name, reason: verdict.reason };
  }
  const rewrite = cookie.kind === "rule" ? rewriteSetCookie(line, cookie.rule, context.now) : undefined;
  if (rewrite) {
    return {
      action: "rewrite",
      name: line.name,
      line: rewrite.line,
      reason: verdict.reason,
      changes: rewrite.changes,
    };
  }
  return { action: "keep", name: line.name, line: raw, reason: verdict.reason };
}
