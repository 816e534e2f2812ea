/**
 * Render an enforcement report as response headers. Names, categories and reasons only,
 * never a cookie value; each header capped so a page with hundreds of cookies stays sendable.
 * The formats are read back by `consent-edge explain` (src/cli): change them together. In
 * report-only the same headers say what enforce would do (`X-Consent-Mode: report-only`).
 */
import { describeRegion } from "../consent/region";
import { parseNeed } from "../consent/grants";
import { describeReason } from "../cookies/judge-cookie";
import { SERVICES_HEADER } from "./debug-header-names";
import type { EnforcementReport, NamedReason } from "../report";

export const MAX_DEBUG_HEADER_LENGTH = 1_024;
const MAX_DEBUG_ITEM_LENGTH = 128;

export function renderDebugHeaders(report: EnforcementReport, now: number): Array<[string, string]> {
  const { consent } = report;
  const source = consent.decided
    ? `${consent.source} (${consent.reason})`
    : `default: undecided (${consent.reason})`;
  const totalMs = now - report.startedAt;
  const timing = [`consent-edge;dur=${Math.max(0, totalMs - (report.originMs ?? 0))};desc="worker"`];
  if (report.originMs !== undefined) timing.push(`consent-edge-origin;dur=${report.originMs};desc="origin"`);
  const headers: Array<[string, string]> = [
    ["X-Consent-Site", report.siteId],
    ["X-Consent-Granted", [...consent.granted].join(",")],
    // Granted on their own, besides X-Consent-Granted's categories (which grant all their services).
    [SERVICES_HEADER, [...consent.granted.services].join(",") || "none"],
    ["X-Consent-Source", source],
    ["X-Consent-Mode", report.mode],
    ["X-Consent-Cookies-Dropped", list(report.dropped.map(named))],
    [
      "X-Consent-Cookies-Rewritten",
      list(report.rewritten.map(({ name, changes }) => `${name} (${changes.join(" ")})`)),
    ],
    ["X-Consent-Cookies-Expired", list(report.expired.map(named))],
    ["X-Consent-Cookies-Withheld", list(report.withheld.map(named))],
    ["Server-Timing", timing.join(", ")],
  ];
  const decidedBy = Object.entries(consent.decidedBy).map(([category, by]) => `${category}=${by}`);
  headers.push(
    ["X-Consent-Region", describeRegion(consent.region)],
    ["X-Consent-Decided-By", cap(decidedBy)],
    ["X-Consent-Sources-Ignored", list(consent.ignored)],
    [
      "X-Consent-Signals",
      [consent.signals.gpc ? "gpc" : "", consent.signals.dnt ? "dnt" : ""].filter(Boolean).join(", ") ||
        "none",
    ],
  );
  if (report.html) {
    headers.push(["X-Consent-Html", report.html]);
    const fired = report.neutralised.map(
      ({ element, rule, category }) => `${element} ${rule} (${describeNeed(category)})`,
    );
    headers.push([
      "X-Consent-Elements-Neutralised",
      `${fired.length}${fired.length ? `: ${cap(fired)}` : ""}`,
    ]);
  }
  if (report.hosts.length > 0) {
    // `host (rule|undeclared) allowed|neutralised`: in report-only, what enforce would do.
    const hosts = report.hosts.map(
      ({ host, rule, neutralised }) =>
        `${host} (${rule ?? "undeclared"}) ${neutralised ? "neutralised" : "allowed"}`,
    );
    headers.push(["X-Consent-Hosts", cap(hosts)]);
  }
  if (report.linkDropped?.length) headers.push(["X-Consent-Link-Dropped", list(report.linkDropped)]);
  if (report.notExpired?.length) {
    const items = report.notExpired.map((item) => `${named(item)}: ${item.why}`);
    headers.push(["X-Consent-Cookies-Not-Expired", list(items)]);
  }
  if (report.undeclared.length > 0) headers.push(["X-Consent-Cookies-Undeclared", list(report.undeclared)]);
  if (report.failure) headers.push(["X-Consent-Failure", cap([report.failure])]);
  return headers;
}

/**
 * A need as the debug headers write it: `marketing`, or `marketing/youtube` for a service's, as
 * describeReason writes a cookie's (the page's `data-ce-category` keeps `marketing:youtube`).
 */
export function describeNeed(need: string): string {
  const { category, service } = parseNeed(need);
  return service === undefined ? category : `${category}/${service}`;
}

function named({ name, reason }: NamedReason): string {
  return `${name} (${describeReason(reason)})`;
}

function list(items: string[]): string {
  return items.length === 0 ? "none" : cap(items);
}

/** Joins items, cutting at an item boundary so that the header stays under the cap. */
export function cap(items: string[]): string {
  let out = "";
  for (let i = 0; i < items.length; i++) {
    // Names come from visitors and can be kilobytes long: shorten any one of them first.
    const item = (items[i] ?? "").slice(0, MAX_DEBUG_ITEM_LENGTH);
    const next = out === "" ? item : `${out}, ${item}`;
    const after = items.length - i - 1;
    const reserve = after > 0 ? `, ... (+${after} more)`.length : 0;
    if (next.length + reserve > MAX_DEBUG_HEADER_LENGTH) return `${out}, ... (+${items.length - i} more)`;
    out = next;
  }
  return out;
}
