/**
 * `consent-edge inventory <site-url>` (alias `drift`): the site's inventory (GET
 * /.consent-edge/admin/inventory, an InventoryDocument) against its config. Undeclared cookies
 * and hosts first, then the declared ones by category with what enforce did or would do, then the
 * config's rules that traffic never showed ("declared, not seen"). The document comes from the
 * network: it is checked entry by entry and its text cleaned before anything is printed. Pure but
 * for `fetchInventory`.
 */
import type { Site } from "../config/compile";
import type { InventoryAction, InventoryDocument, InventoryEntry } from "../inventory/types";
import { adminRequest, adminUrl, type Io } from "./io";
import { clean, MARK, plural, type Style, table, utc } from "./render";

const KINDS = ["cookie", "host"] as const;
const SOURCES = ["set-cookie", "request-cookie", "page", "browser"] as const;
const ACTIONS: readonly InventoryAction[] = [
  "kept",
  "rewritten",
  "dropped",
  "passed",
  "withheld",
  "expired",
  "allowed",
  "neutralised",
  "contacted",
  "refused",
];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown, max = 512): string | undefined =>
  typeof value === "string" ? clean(value.slice(0, max)) : undefined;
const seconds = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

/** The document as the worker should send it, or what is wrong with it; entries that are not are dropped. */
export function readInventoryDocument(
  body: unknown,
): { ok: true; doc: InventoryDocument; dropped: number } | { ok: false; message: string } {
  if (!isRecord(body) || !Array.isArray(body["entries"])) {
    return { ok: false, message: "the answer is not an inventory document (no entries list)" };
  }
  const entries: InventoryEntry[] = [];
  let dropped = 0;
  for (const raw of body["entries"]) {
    const entry = isRecord(raw) ? readEntry(raw) : undefined;
    if (entry) entries.push(entry);
    else dropped++;
  }
  const mode = body["mode"] === "report-only" ? "report-only" : "enforce";
  return {
    ok: true,
    doc: {
      site: text(body["site"], 64) ?? "?",
      generatedAt: seconds(body["generatedAt"]) ?? 0,
      mode,
      entries,
    },
    dropped,
  };
}

function readEntry(raw: Record<string, unknown>): InventoryEntry | undefined {
  const kind = KINDS.find((known) => known === raw["kind"]);
  const source = SOURCES.find((known) => known === raw["source"]);
  const action = ACTIONS.find((known) => known === raw["action"]);
  const name = text(raw["name"]);
  const count = seconds(raw["count"]);
  const firstSeen = seconds(raw["firstSeen"]);
  const lastSeen = seconds(raw["lastSeen"]);
  if (!kind || !source || !action || name === undefined || count === undefined) return undefined;
  if (firstSeen === undefined || lastSeen === undefined) return undefined;
  const rule = raw["rule"] === null ? null : text(raw["rule"]);
  const category = raw["category"] === null ? null : text(raw["category"], 64);
  if (rule === undefined || category === undefined) return undefined;
  const paths = Array.isArray(raw["samplePaths"]) ? raw["samplePaths"] : [];
  return {
    site: text(raw["site"], 64) ?? "",
    kind,
    name,
    source,
    action,
    rule,
    category,
    count,
    firstSeen,
    lastSeen,
    samplePaths: paths
      .flatMap((path) => (typeof path === "string" ? [clean(path.slice(0, 200))] : []))
      .slice(0, 3),
  };
}

export async function fetchInventory(
  siteUrl: string,
  secret: string,
  io: Io,
): Promise<{ ok: true; doc: InventoryDocument; dropped: number } | { ok: false; message: string }> {
  const answer = await adminRequest(io, adminUrl(siteUrl, "inventory"), secret);
  if (!answer.ok) return answer;
  return readInventoryDocument(answer.body);
}

/**
 * The inventory judged by `site`, the config about to be deployed, instead of by the config in force
 * when each entry was seen: a cookie or host that a rule now names is declared (its rule and
 * category this config's), one no rule names is undeclared, whatever the worker said then. What was
 * done with it (`action`) stays what happened. This is the drift: traffic against the config.
 */
export function judgedByConfig(doc: InventoryDocument, site: Site): InventoryDocument {
  const entries = doc.entries.map((entry): InventoryEntry => {
    const judged = entry.kind === "cookie" ? cookieRule(entry.name, site) : hostRule(entry.name, site);
    return judged === undefined ? entry : { ...entry, ...judged };
  });
  return { ...doc, entries };
}

type Judged = Pick<InventoryEntry, "rule" | "category">;

function cookieRule(name: string, site: Site): Judged | undefined {
  const found = site.classifyCookie(name);
  if (found.kind === "rule") return { rule: found.rule.pattern, category: found.rule.category };
  if (found.kind === "consent-cookie") return { rule: "consent cookie", category: "necessary" };
  return { rule: null, category: null };
}

function hostRule(host: string, site: Site): Judged | undefined {
  let url: URL;
  try {
    url = new URL(`https://${host}/`);
  } catch {
    // Not a host (the overflow entry): as the worker recorded it.
    return undefined;
  }
  // A host rule, or a URL glob on this host: some URL there is declared.
  const [match] = site.classifyResource.classifyHost(url);
  return match ? { rule: match.rule, category: match.category } : { rule: null, category: null };
}

/** The rules of a site's config that no entry names: declared, never seen. */
export function declaredNotSeen(
  doc: InventoryDocument,
  site: Site,
): Array<{ kind: "cookie" | "host"; rule: string; category: string }> {
  const seen = new Set(doc.entries.map((entry) => `${entry.kind} ${entry.rule ?? ""}`));
  const cookies = site.cookies
    .filter((rule) => !seen.has(`cookie ${rule.pattern}`))
    .map((rule) => ({ kind: "cookie" as const, rule: rule.pattern, category: rule.category }));
  // Tracker rules are named as the debug headers name them: `host:googletagmanager.com`, `url:...`.
  const hosts = site.trackers.rules
    .filter((rule) => !seen.has(`host ${rule.kind}:${rule.match}`))
    .map((rule) => ({ kind: "host" as const, rule: `${rule.kind}:${rule.match}`, category: rule.category }));
  return [...cookies, ...hosts];
}

const WHERE: Record<InventoryEntry["source"], string> = {
  "set-cookie": "Set-Cookie",
  "request-cookie": "Cookie",
  page: "page",
  browser: "browser",
};

function row(entry: InventoryEntry, style: Style, undeclared: boolean): string[] {
  return [
    undeclared ? style.warn(MARK.warn) : " ",
    entry.kind,
    entry.name,
    undeclared ? "undeclared" : `${entry.category ?? "?"} (${entry.rule ?? ""})`,
    `${WHERE[entry.source]}: ${entry.action}`,
    String(entry.count),
    utc(entry.firstSeen),
    utc(entry.lastSeen),
    entry.samplePaths.join(" "),
  ];
}

const HEADER = [
  "",
  "kind",
  "name",
  "rule",
  "seen in: action",
  "count",
  "first seen",
  "last seen",
  "sample paths",
];

export function renderInventory(
  doc: InventoryDocument,
  site: Site | undefined,
  style: Style,
  dropped = 0,
): string[] {
  const undeclared = doc.entries.filter((entry) => entry.rule === null);
  const declared = doc.entries
    .filter((entry) => entry.rule !== null)
    .sort((a, b) => (a.category ?? "").localeCompare(b.category ?? "") || b.count - a.count);
  const acted =
    doc.mode === "report-only"
      ? "what enforce would do (report-only: nothing was changed)"
      : "what enforce did";
  const lines = [
    style.bold(
      `inventory of ${doc.site} (${doc.mode}), ${utc(doc.generatedAt)}: ${plural(doc.entries.length, "entry", "entries")}; the action is ${acted}`,
    ),
  ];
  if (dropped)
    lines.push(
      style.warn(
        `${MARK.warn} ${plural(dropped, "entry", "entries")} of the answer were malformed and left out`,
      ),
    );
  lines.push(
    "",
    style.bold(
      undeclared.length ? style.warn(`undeclared: ${undeclared.length}`) : `${MARK.ok} undeclared: none`,
    ),
  );
  if (undeclared.length)
    lines.push(...table([HEADER, ...undeclared.map((entry) => row(entry, style, true))], "  "));
  lines.push("", style.bold(`declared: ${declared.length}`));
  if (declared.length)
    lines.push(...table([HEADER, ...declared.map((entry) => row(entry, style, false))], "  "));
  if (site) {
    const unseen = declaredNotSeen(doc, site);
    lines.push("", style.bold(`declared, not seen: ${unseen.length}`));
    if (unseen.length)
      lines.push(
        ...table(
          unseen.map((rule) => [style.dim("·"), rule.kind, rule.rule, rule.category]),
          "  ",
        ),
      );
  } else {
    lines.push("", style.dim("(declared, not seen: give --config to compare with the site's rules)"));
  }
  if (undeclared.length) {
    lines.push(
      "",
      `${style.warn(MARK.warn)} ${plural(undeclared.length, "undeclared entry", "undeclared entries")}: \`consent-edge suggest\` proposes rules for them`,
    );
  }
  return lines;
}
