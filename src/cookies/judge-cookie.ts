/**
 * The one decision every cookie stage shares: given what a cookie is and what the visitor
 * granted, may it exist? Pure; the reason travels with the verdict for the debug headers.
 */
import type { UndeclaredPolicy } from "../config/types";
import type { CookieClass } from "./classify-cookie";

export type CookieReason =
  | { kind: "rule"; pattern: string; category: string; doNotTrack?: true }
  | { kind: "undeclared"; policy: UndeclaredPolicy }
  /** `setByOrigin`: the origin sent a Set-Cookie for it, which only the consent API may do. */
  | { kind: "consent-cookie"; setByOrigin?: true };

export interface CookieVerdict {
  allowed: boolean;
  reason: CookieReason;
}

export function judgeCookie(
  cookie: CookieClass,
  granted: ReadonlySet<string>,
  undeclared: UndeclaredPolicy,
  /** The visitor sent DNT: 1: rules marked `doNotTrack` are refused whatever was granted. */
  doNotTrack = false,
): CookieVerdict {
  switch (cookie.kind) {
    case "consent-cookie":
      return { allowed: true, reason: { kind: "consent-cookie" } };
    case "rule": {
      const { pattern, category } = cookie.rule;
      if (doNotTrack && cookie.rule.doNotTrack) {
        return { allowed: false, reason: { kind: "rule", pattern, category, doNotTrack: true } };
      }
      return { allowed: granted.has(category), reason: { kind: "rule", pattern, category } };
    }
    case "undeclared":
      // "report" lets the cookie through and names it in the debug headers.
      return { allowed: undeclared !== "block", reason: { kind: "undeclared", policy: undeclared } };
  }
}

export function describeReason(reason: CookieReason): string {
  switch (reason.kind) {
    case "rule":
      return `${reason.category}: ${reason.pattern}${reason.doNotTrack ? ", DNT" : ""}`;
    case "undeclared":
      return `undeclared: ${reason.policy}`;
    case "consent-cookie":
      return reason.setByOrigin ? "consent cookie: only the consent API sets it" : "consent cookie";
  }
}
