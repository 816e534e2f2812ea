/**
 * The one decision every cookie stage shares: given what a cookie is and what the visitor
 * granted, may it exist? Pure; the reason travels with the verdict for the debug headers.
 */
import type { UndeclaredPolicy } from "../config/types";
import type { CookieClass } from "./classify-cookie";
import { allows, needOf } from "../consent/grants";

export type CookieReason =
  | { kind: "rule"; pattern: string; category: string; service?: string; doNotTrack?: true }
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
      const service = cookie.rule.service;
      if (doNotTrack && cookie.rule.doNotTrack) {
        return { allowed: false, reason: { kind: "rule", pattern, category, doNotTrack: true } };
      }
      // A rule of a service is kept when its category is granted, or the service on its own.
      return {
        allowed: allows(granted, needOf(cookie.rule)),
        reason: { kind: "rule", pattern, category, ...(service !== undefined ? { service } : {}) },
      };
    }
    case "undeclared":
      // "report" lets the cookie through and names it in the debug headers.
      return { allowed: undeclared !== "block", reason: { kind: "undeclared", policy: undeclared } };
  }
}

/**
 * A reason as the debug headers show it: `marketing: _fbp`, and for a rule of a service
 * `marketing/youtube: YSC` (the service is what a visitor can grant on its own). Read back by
 * `consent-edge explain` (src/cli/explain.ts).
 */
export function describeReason(reason: CookieReason): string {
  switch (reason.kind) {
    case "rule": {
      const need = reason.service === undefined ? reason.category : `${reason.category}/${reason.service}`;
      return `${need}: ${reason.pattern}${reason.doNotTrack ? ", DNT" : ""}`;
    }
    case "undeclared":
      return `undeclared: ${reason.policy}`;
    case "consent-cookie":
      return reason.setByOrigin ? "consent cookie: only the consent API sets it" : "consent cookie";
  }
}
