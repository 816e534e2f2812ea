/**
 * `consent-edge explain <url>`: one request through a running worker with the debug secret, and
 * what the debug headers (src/debug/debug-headers.ts) say happened, readably. The parsing and the
 * rendering are pure; the request is the thin shell at the end. Every header value is text an
 * origin or visitor chose (cookie names, hosts), so it is printed only through `clean`.
 */
import { DEBUG_COUNTRY_HEADER, DEBUG_REQUEST_HEADER, SERVICES_HEADER } from "../debug/debug-header-names";
import type { Io } from "./io";
import { clean, MARK, plural, type Style, table } from "./render";

/** One item of a debug header list: `name (detail)`, or what follows the name. */
export interface Item {
  name: string;
  detail: string;
}

/** A debug header's list, and how many items the worker left out (`, ... (+N more)`). */
export interface List {
  items: Item[];
  more: number;
}

export interface Neutralised {
  element: string;
  rule: string;
  /** The category the element needs, or `category/service` for a rule of a service. */
  category: string;
}

export interface HostSeen {
  host: string;
  /** The rule that matched, or null: undeclared. */
  rule: string | null;
  action: string;
}

export interface Explained {
  status: number;
  site: string;
  mode: string;
  granted: string[];
  /** Services granted on their own, besides `granted`'s categories (none from a worker older than services). */
  services: string[];
  source: string;
  decidedBy: string[];
  region: string;
  signals: string;
  sourcesIgnored: List;
  cookies: {
    dropped: List;
    rewritten: List;
    expired: List;
    withheld: List;
    notExpired: List;
    undeclared: List;
  };
  html: string | null;
  elements: { count: number; items: Neutralised[]; more: number } | null;
  hosts: { items: HostSeen[]; more: number } | null;
  timing: Array<{ name: string; ms: number; desc: string }>;
  failure: string | null;
  /** Link header entries dropped (preloads of refused resources). */
  linkDropped: List;
}

const MORE = /^\.\.\. \(\+(\d+) more\)$/;

/** Splits at `, ` outside parentheses: a reason can hold a comma (`analytics: _ga, DNT`). */
export function splitList(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === "(") depth++;
    else if (char === ")") depth = Math.max(0, depth - 1);
    else if (char === "," && value[i + 1] === " " && depth === 0) {
      parts.push(value.slice(start, i));
      start = i + 2;
    }
  }
  parts.push(value.slice(start));
  return parts.filter((part) => part !== "");
}

/** `none`, or items with the cap's `... (+N more)` counted rather than listed. */
export function parseList(value: string | null): List {
  if (value === null || value === "none" || value === "") return { items: [], more: 0 };
  const list: List = { items: [], more: 0 };
  for (const part of splitList(value)) {
    const more = MORE.exec(part);
    if (more) {
      list.more += Number(more[1]);
      continue;
    }
    // `name (detail)` or `name (detail): more detail` (not expired: the reason, then why).
    const open = part.indexOf(" (");
    list.items.push(
      open < 0
        ? { name: part, detail: "" }
        : { name: part.slice(0, open), detail: unwrap(part.slice(open + 1)) },
    );
  }
  return list;
}

/** `(a b)` → `a b`; `(a): why` → `a: why`. */
function unwrap(detail: string): string {
  const close = detail.lastIndexOf(")");
  if (!detail.startsWith("(") || close < 0) return detail;
  return `${detail.slice(1, close)}${detail.slice(close + 1)}`;
}

/** The cap's marker at the end of a list: `, ... (+N more)`. */
const MORE_AT_END = /(?:^|, )\.\.\. \(\+(\d+) more\)$/;
/**
 * One element: `element kind:rule (category)`, the kind one of src/html's (host:, url:, inline:,
 * attribute:), the category a config category name (src/config/site.ts), followed for a rule of a
 * service by `/service` (src/config/service.ts). A rule never runs into the next item: it stops
 * before `, element kind:`.
 */
const ELEMENT =
  /(\S+) ((?:host|url|inline|attribute):(?:(?!, \S+ (?:host|url|inline|attribute):).)+?) \(([a-z][a-z0-9_]{0,31}(?:\/[a-z0-9][a-z0-9_-]{0,31})?)\)(?:, |$)/y;

/**
 * `3: script host:googletagmanager.com (analytics), ...`. A rule is a snippet's text and may hold
 * commas and unbalanced parentheses (`inline:gtag('config', 'G-`), so items are found by their
 * ending, ` (category)`, not split at commas.
 */
export function parseElements(value: string | null): Explained["elements"] {
  if (value === null) return null;
  const colon = value.indexOf(": ");
  const count = Number(colon < 0 ? value : value.slice(0, colon));
  let list = colon < 0 ? "" : value.slice(colon + 2);
  const more = MORE_AT_END.exec(list);
  if (more) list = list.slice(0, more.index);
  const items: Neutralised[] = [];
  let at = 0;
  while (at < list.length) {
    ELEMENT.lastIndex = at;
    const match = ELEMENT.exec(list);
    if (match) {
      items.push({ element: match[1] ?? "", rule: match[2] ?? "", category: match[3] ?? "" });
      at = ELEMENT.lastIndex;
      continue;
    }
    // An item the worker cut at 128 characters has lost its category: keep what there is.
    const end = list.indexOf(", ", at);
    const part = list.slice(at, end < 0 ? undefined : end);
    const space = part.indexOf(" ");
    items.push({
      element: space < 0 ? part : part.slice(0, space),
      rule: space < 0 ? "" : part.slice(space + 1),
      category: "?",
    });
    at = end < 0 ? list.length : end + 2;
  }
  return { count: Number.isFinite(count) ? count : items.length, items, more: more ? Number(more[1]) : 0 };
}

/** `host (rule|undeclared) allowed|neutralised, ...` (X-Consent-Hosts). */
export function parseHosts(value: string | null): Explained["hosts"] {
  if (value === null) return null;
  const list = parseList(value);
  return {
    items: list.items.map(({ name, detail }) => {
      const close = detail.indexOf(")");
      // parseList unwrapped "(rule) action" to "rule action".
      const [rule = "", ...action] = (close < 0 ? detail : detail).split(" ");
      return { host: name, rule: rule === "undeclared" ? null : rule, action: action.join(" ") };
    }),
    more: list.more,
  };
}

/** `consent-edge;dur=3;desc="worker", consent-edge-origin;dur=12;desc="origin"` */
export function parseServerTiming(value: string | null): Explained["timing"] {
  if (value === null) return [];
  return value.split(",").flatMap((metric) => {
    const [name = "", ...params] = metric.trim().split(";");
    const dur = params.find((param) => param.startsWith("dur="))?.slice(4);
    const desc = params
      .find((param) => param.startsWith("desc="))
      ?.slice(5)
      .replace(/^"|"$/g, "");
    return name.startsWith("consent-edge") && dur !== undefined
      ? [{ name, ms: Number(dur), desc: desc ?? name }]
      : [];
  });
}

/** The debug headers of an answer, or undefined when there are none (no or a wrong secret). */
export function parseExplain(status: number, headers: Headers): Explained | undefined {
  const get = (name: string) => {
    const value = headers.get(name);
    return value === null ? null : clean(value);
  };
  const site = get("X-Consent-Site");
  if (site === null) return undefined;
  return {
    status,
    site,
    mode: get("X-Consent-Mode") ?? "?",
    granted: (get("X-Consent-Granted") ?? "").split(",").filter(Boolean),
    services: (get(SERVICES_HEADER) ?? "none").split(",").filter((id) => id !== "" && id !== "none"),
    source: get("X-Consent-Source") ?? "?",
    decidedBy: splitList(get("X-Consent-Decided-By") ?? ""),
    region: get("X-Consent-Region") ?? "?",
    signals: get("X-Consent-Signals") ?? "none",
    sourcesIgnored: parseList(get("X-Consent-Sources-Ignored")),
    cookies: {
      dropped: parseList(get("X-Consent-Cookies-Dropped")),
      rewritten: parseList(get("X-Consent-Cookies-Rewritten")),
      expired: parseList(get("X-Consent-Cookies-Expired")),
      withheld: parseList(get("X-Consent-Cookies-Withheld")),
      notExpired: parseList(get("X-Consent-Cookies-Not-Expired")),
      undeclared: parseList(get("X-Consent-Cookies-Undeclared")),
    },
    html: get("X-Consent-Html"),
    elements: parseElements(get("X-Consent-Elements-Neutralised")),
    hosts: parseHosts(get("X-Consent-Hosts")),
    timing: parseServerTiming(get("Server-Timing")),
    failure: get("X-Consent-Failure"),
    linkDropped: parseList(get("X-Consent-Link-Dropped")),
  };
}

const CAPPED = "(the worker caps each debug header at 1 KB)";

/** What the cookie lines say of each list. */
const COOKIE_ROWS = [
  ["dropped", "dropped", "the origin's Set-Cookie removed"],
  ["rewritten", "rewritten", "kept, attributes changed"],
  ["expired", "expired", "deleted in the browser"],
  ["withheld", "withheld", "not sent on to the origin"],
  ["notExpired", "not expired", "refused but not deletable here"],
  ["undeclared", "undeclared", "no rule names it"],
] as const;

export function renderExplain(url: string, report: Explained, style: Style): string[] {
  const lines: string[] = [];
  const mode =
    report.mode === "report-only" ? `${report.mode} (nothing changed: what enforce would do)` : report.mode;
  lines.push(style.bold(`${clean(url)} → ${report.status}`));
  lines.push(
    ...table(
      [
        ["site", `${report.site}, ${mode}`],
        ["granted", report.granted.join(", ") || "nothing"],
        // Only when some are granted on their own: most sites name none.
        ...(report.services.length ? [["services", report.services.join(", ")]] : []),
        ["from", report.source],
        ["decided by", report.decidedBy.join(", ") || "-"],
        ["region", report.region],
        ["signals", report.signals],
        ["ignored", listText(report.sourcesIgnored)],
      ],
      "  ",
    ),
  );
  if (report.failure) lines.push(`  ${style.bad(`${MARK.bad} failure`)}  ${report.failure}`);

  const cookieRows: string[][] = [];
  let changes = 0;
  for (const [key, label, meaning] of COOKIE_ROWS) {
    const list = report.cookies[key];
    changes += list.items.length + list.more;
    for (const item of list.items) {
      const mark =
        key === "rewritten" ? "~" : key === "undeclared" || key === "notExpired" ? MARK.warn : MARK.bad;
      const paint = mark === MARK.bad ? style.bad : style.warn;
      cookieRows.push([paint(mark), label, item.name, item.detail || meaning]);
    }
    if (list.more > 0) cookieRows.push([" ", label, `+${list.more} more`, CAPPED]);
  }
  lines.push("", style.bold(`cookies: ${changes ? plural(changes, "change") : "nothing changed"}`));
  if (cookieRows.length) lines.push(...table(cookieRows, "  "));
  else lines.push("  (kept cookies are not listed: every Set-Cookie not shown here went out as sent)");
  if (report.linkDropped.items.length || report.linkDropped.more) {
    lines.push(`  Link header entries dropped: ${listText(report.linkDropped)}`);
  }

  lines.push("", style.bold(`html: ${report.html ?? "not an HTML page (or the HTML stage did not run)"}`));
  if (report.elements) {
    const verb = report.mode === "report-only" ? "would be neutralised" : "neutralised";
    lines.push(`  elements ${verb}: ${report.elements.count}`);
    const rows = report.elements.items.map((item) => [
      style.bad(MARK.bad),
      item.element,
      item.rule,
      item.category,
    ]);
    if (report.elements.more) rows.push([" ", `+${report.elements.more} more`, CAPPED, ""]);
    lines.push(...table(rows, "    "));
  }
  if (report.hosts) {
    lines.push(`  third-party hosts: ${report.hosts.items.length + report.hosts.more}`);
    const rows = report.hosts.items.map((item) => [
      item.rule === null
        ? style.warn(MARK.warn)
        : item.action === "allowed"
          ? style.ok(MARK.ok)
          : style.bad(MARK.bad),
      item.host,
      item.rule ?? "undeclared",
      item.action,
    ]);
    if (report.hosts.more) rows.push([" ", `+${report.hosts.more} more`, CAPPED, ""]);
    lines.push(...table(rows, "    "));
  }
  if (report.timing.length) {
    lines.push("", `timing: ${report.timing.map((metric) => `${metric.desc} ${metric.ms} ms`).join(", ")}`);
  }
  return lines;
}

function listText(list: List): string {
  const names = list.items.map((item) => (item.detail ? `${item.name} (${item.detail})` : item.name));
  if (list.more) names.push(`+${list.more} more ${CAPPED}`);
  return names.join(", ") || "none";
}

export interface ExplainOptions {
  secret: string;
  cookie?: string | undefined;
  country?: string | undefined;
  gpc?: boolean;
  dnt?: boolean;
}

/** The request `explain` sends: the secret, and what the visitor would send. */
export function explainHeaders(options: ExplainOptions): Record<string, string> {
  return {
    [DEBUG_REQUEST_HEADER]: options.secret,
    Accept: "text/html,application/xhtml+xml,*/*;q=0.8",
    ...(options.cookie ? { Cookie: options.cookie } : {}),
    ...(options.country ? { [DEBUG_COUNTRY_HEADER]: options.country } : {}),
    ...(options.gpc ? { "Sec-GPC": "1" } : {}),
    ...(options.dnt ? { DNT: "1" } : {}),
  };
}

export type ExplainResult = { ok: true; report: Explained } | { ok: false; message: string };

export async function requestExplain(url: string, options: ExplainOptions, io: Io): Promise<ExplainResult> {
  const fetcher = io.fetch ?? fetch;
  let response: Response;
  try {
    response = await fetcher(url, { headers: explainHeaders(options), redirect: "manual" });
  } catch (error) {
    return {
      ok: false,
      message: `cannot reach ${clean(url)}: ${clean(error instanceof Error ? error.message : String(error))}`,
    };
  }
  await response.body?.cancel().catch(() => undefined);
  const report = parseExplain(response.status, response.headers);
  if (!report) {
    return {
      ok: false,
      message: `${clean(url)} answered ${response.status} without debug headers (no X-Consent-Site): the debug secret is wrong, the site has no "debugSecret", or the URL is not served by consent-edge`,
    };
  }
  return { ok: true, report };
}
