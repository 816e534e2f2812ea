/** Validation of a site's `trackers` section: resource rules for the HTML stage. */
import { checkUnknownFields, describeValue, isObject, type Report } from "./problems";

export interface TrackerRule {
  kind: "host" | "url" | "inline";
  /** The host (lowercase), URL glob or snippet text, as written. */
  match: string;
  category: string;
  vendor?: string;
  /** Refused when the visitor sends DNT: 1, whatever they granted. */
  doNotTrack?: boolean;
}

export interface ValidTrackers {
  builtin: boolean;
  rules: TrackerRule[];
  googleConsentMode: boolean;
  cookieGuard: boolean;
}

const TRACKERS_FIELDS = ["builtin", "rules", "googleConsentMode", "cookieGuard"] as const;
const RULE_FIELDS = ["host", "url", "inline", "category", "vendor", "doNotTrack"] as const;
const HOST = /^(?!-)[a-z0-9-]{1,63}(?:\.(?!-)[a-z0-9-]{1,63})+$/;

export const DEFAULT_TRACKERS: ValidTrackers = {
  builtin: true,
  rules: [],
  googleConsentMode: false,
  cookieGuard: false,
};

export function validateTrackers(
  raw: unknown,
  categories: string[],
  at: string,
  report: Report,
): ValidTrackers {
  if (raw === undefined) return { ...DEFAULT_TRACKERS };
  if (!isObject(raw)) {
    report(
      at,
      "trackers must be an object",
      'write { "rules": [{ "host": "example-tracker.com", "category": "analytics" }] }',
    );
    return { ...DEFAULT_TRACKERS };
  }
  checkUnknownFields(raw, TRACKERS_FIELDS, at, report);
  const trackers = { ...DEFAULT_TRACKERS, rules: [] as TrackerRule[] };
  for (const flag of ["builtin", "googleConsentMode", "cookieGuard"] as const) {
    if (raw[flag] === undefined) continue;
    if (typeof raw[flag] === "boolean") trackers[flag] = raw[flag];
    else report(`${at}.${flag}`, `${flag} must be true or false`, `write "${flag}": true`);
  }
  if (raw.rules === undefined) return trackers;
  if (!Array.isArray(raw.rules)) {
    report(
      `${at}.rules`,
      "rules must be a list",
      'write [{ "host": "example-tracker.com", "category": "analytics" }]',
    );
    return trackers;
  }
  const seen = new Map<string, number>();
  raw.rules.forEach((entry, i) => {
    const where = `${at}.rules[${i}]`;
    if (!isObject(entry)) {
      report(
        where,
        "a tracker rule must be an object",
        'write { "host": "example-tracker.com", "category": "analytics" }',
      );
      return;
    }
    checkUnknownFields(entry, RULE_FIELDS, where, report);
    const kinds = (["host", "url", "inline"] as const).filter((kind) => entry[kind] !== undefined);
    const [kind] = kinds;
    if (kinds.length !== 1 || kind === undefined) {
      report(
        where,
        "a tracker rule needs exactly one of host, url or inline",
        'keep one, e.g. "host": "hotjar.com"',
      );
      return;
    }
    const match = entry[kind];
    let valid = true;
    if (typeof match !== "string" || match.trim() === "") {
      report(`${where}.${kind}`, `${kind} must be a non-empty string`, `write the ${kind} to match`);
      valid = false;
    } else if (kind === "host" && !HOST.test(match)) {
      report(
        `${where}.host`,
        `"${match}" is not a lowercase hostname`,
        'write a bare host such as "static.hotjar.com", no scheme or path',
      );
      valid = false;
    } else if (kind === "url" && !/^(https?:)?\/\/[^/*]+\//.test(match)) {
      report(
        `${where}.url`,
        `"${match}" does not start with a scheme and host`,
        'write "https://host/path*"; the host must be literal so the rule can be looked up by host',
      );
      valid = false;
    } else if (kind === "inline" && match.length < 4) {
      report(
        `${where}.inline`,
        `"${match}" is too short to identify a snippet`,
        "use a distinctive piece of the vendor's snippet, at least 4 characters",
      );
      valid = false;
    }
    const category = typeof entry.category === "string" ? entry.category : "";
    if (!categories.includes(category)) {
      report(
        `${where}.category`,
        `${describeValue(entry.category)} is not a category of this site`,
        `use one of ${categories.join(", ")}`,
      );
      valid = false;
    }
    const key = `${kind}:${String(match)}`;
    const first = seen.get(key);
    if (first !== undefined) {
      report(`${where}.${kind}`, `also declared at ${at}.rules[${first}]`, "declare each resource once");
      valid = false;
    }
    seen.set(key, i);
    if (!valid || typeof match !== "string") return;
    const rule: TrackerRule = { kind, match, category };
    if (typeof entry.vendor === "string") rule.vendor = entry.vendor;
    else if (entry.vendor !== undefined) {
      report(`${where}.vendor`, "vendor must be text", 'write the vendor\'s name, e.g. "vendor": "Hotjar"');
    }
    if (entry.doNotTrack === true) rule.doNotTrack = true;
    else if (entry.doNotTrack !== undefined && entry.doNotTrack !== false) {
      report(`${where}.doNotTrack`, "doNotTrack must be true or false", 'write "doNotTrack": true');
    }
    trackers.rules.push(rule);
  });
  return trackers;
}
