/**
 * The default tracker rules a site with `"defaults": true` gets: the dataset's rows
 * (trackers.generated.ts) with the additions (additions.ts) in place of the rows for the same
 * host, as host rules the resource classifier compiles. Built once per isolate, on first use.
 */
import type { TrackerRule } from "../config/trackers";
import { ADDED_HOSTS } from "./additions";
import { TPW_VENDOR_ROWS } from "./trackers.generated";

function hostRule(host: string, category: string, vendor: string): TrackerRule {
  return { kind: "host", match: host, category, vendor };
}

/** `category|vendor|host host ...` -> one host rule per host. */
export function decodeVendorRow(row: string): TrackerRule[] {
  const [category = "", vendor = "", hosts = ""] = row.split("|");
  return hosts.split(" ").map((host) => hostRule(host, category, vendor));
}

let rules: readonly TrackerRule[] | undefined;

/** Every default host rule, additions last so that they win for the same host. */
export function defaultTrackerRules(): readonly TrackerRule[] {
  if (rules) return rules;
  const added = new Set(ADDED_HOSTS.map((addition) => addition.host));
  rules = [
    ...TPW_VENDOR_ROWS.flatMap(decodeVendorRow).filter((rule) => !added.has(rule.match)),
    ...ADDED_HOSTS.map((addition) => hostRule(addition.host, addition.category, addition.vendor)),
  ];
  return rules;
}
