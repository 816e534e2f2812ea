/**
 * `consent-edge suggest <site-url>`: for what the inventory saw and no rule declares, a config patch
 * (RFC 6902 JSON Patch) for the operator to review. Cookies get their category from the curated
 * table of vendors' cookies (src/defaults/cookies.ts, the table `"defaults": true` uses), hosts from the built-in tracker rules
 * (src/html/builtin-trackers.ts); each operation says which vendor and why. What neither knows is
 * "needs your decision" and stays out of the patch: a guess would set a category the policy never
 * states. Pure: building and applying the patch; the command's shell is in main.ts.
 */
import type { Site } from "../config/compile";
import type { KnownCookie } from "../config/known-cookies";
import { defaultCookieFor } from "../defaults/cookies";
import type { TrackerRule } from "../config/trackers";
import { BUILTIN_TRACKERS } from "../html/builtin-trackers";
import { OVERFLOW_NAME } from "../inventory/types";
import type { InventoryDocument } from "../inventory/types";

/** RFC 6902 `add`: the only operation suggest makes. */
export interface AddOperation {
  op: "add";
  /** A JSON Pointer (RFC 6901) into the config file; `-` appends to an array. */
  path: string;
  value: unknown;
}

export interface Suggestion {
  kind: "cookie" | "host";
  /** The names the inventory saw that the new rule covers. */
  seen: string[];
  rule: Record<string, unknown>;
  category: string;
  vendor: string;
  why: string;
  source?: string;
}

export interface Undecided {
  kind: "cookie" | "host";
  name: string;
  why: string;
}

export interface SuggestResult {
  operations: AddOperation[];
  suggestions: Suggestion[];
  undecided: Undecided[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The table's first-party entry for a cookie the inventory saw (a third party's never reaches it). */
export function knownCookie(name: string): KnownCookie | undefined {
  const known = defaultCookieFor(name);
  return known?.thirdParty === undefined ? known : undefined;
}

/** The built-in host rule that covers a host (itself or a subdomain of it). */
export function builtinHostRule(host: string): TrackerRule | undefined {
  return BUILTIN_TRACKERS.find(
    (rule) => rule.kind === "host" && (host === rule.match || host.endsWith(`.${rule.match}`)),
  );
}

/** The index of the site in the config file's `sites`, by id. */
export function siteIndex(config: unknown, id: string): number {
  const sites = isRecord(config) && Array.isArray(config["sites"]) ? config["sites"] : [];
  return sites.findIndex((site) => isRecord(site) && site["id"] === id);
}

export function buildSuggestions(
  doc: InventoryDocument,
  config: unknown,
  index: number,
  site: Site,
): SuggestResult {
  const suggestions = new Map<string, Suggestion>();
  const undecided: Undecided[] = [];
  const seenNames = new Set<string>();
  for (const entry of doc.entries) {
    if (entry.rule !== null || entry.name === OVERFLOW_NAME) continue;
    const key = `${entry.kind} ${entry.name}`;
    if (seenNames.has(key)) continue;
    seenNames.add(key);
    const found = entry.kind === "cookie" ? cookieSuggestion(entry.name) : hostSuggestion(entry.name);
    if ("why" in found && !("rule" in found)) {
      undecided.push({ kind: entry.kind, name: entry.name, why: found.why });
      continue;
    }
    if (!site.categories.includes(found.category)) {
      undecided.push({
        kind: entry.kind,
        name: entry.name,
        why: `${found.vendor} (${found.why}) is ${found.category}, and this site has no category "${found.category}": choose one of ${site.categories.join(", ")}`,
      });
      continue;
    }
    const ruleKey = `${entry.kind} ${JSON.stringify(found.rule)}`;
    const known = suggestions.get(ruleKey);
    if (known) known.seen.push(entry.name);
    else suggestions.set(ruleKey, { ...found, kind: entry.kind, seen: [entry.name] });
  }

  const operations: AddOperation[] = [];
  const sites: unknown[] = isRecord(config) && Array.isArray(config["sites"]) ? config["sites"] : [];
  const raw = sites[index];
  const rawSite = isRecord(raw) ? raw : {};
  const list = [...suggestions.values()];
  const cookies = list.filter((suggestion) => suggestion.kind === "cookie");
  const hosts = list.filter((suggestion) => suggestion.kind === "host");
  const base = `/sites/${index}`;
  if (cookies.length) {
    if (!Array.isArray(rawSite["cookies"]))
      operations.push({ op: "add", path: `${base}/cookies`, value: [] });
    for (const suggestion of cookies)
      operations.push({ op: "add", path: `${base}/cookies/-`, value: suggestion.rule });
  }
  if (hosts.length) {
    const trackers = rawSite["trackers"];
    if (!isRecord(trackers)) operations.push({ op: "add", path: `${base}/trackers`, value: { rules: [] } });
    else if (!Array.isArray(trackers["rules"]))
      operations.push({ op: "add", path: `${base}/trackers/rules`, value: [] });
    for (const suggestion of hosts) {
      operations.push({ op: "add", path: `${base}/trackers/rules/-`, value: suggestion.rule });
    }
  }
  // By kind and name: the order the operator reads, whatever order the inventory's counts gave.
  undecided.sort((a, b) => a.kind.localeCompare(b.kind) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { operations, suggestions: list, undecided };
}

type Found = Omit<Suggestion, "kind" | "seen"> | { why: string };

function cookieSuggestion(name: string): Found {
  const known = knownCookie(name);
  if (!known) return { why: "not a cookie of a vendor consent-edge knows: only you know what it is for" };
  return {
    rule: { name: known.name, category: known.category, provider: known.vendor, purpose: known.purpose },
    category: known.category,
    vendor: known.vendor,
    why: `${known.vendor} sets ${known.name}: ${known.purpose}`,
    source: known.source,
  };
}

function hostSuggestion(host: string): Found {
  const rule = builtinHostRule(host);
  if (!rule)
    return { why: "no built-in rule names this host: a vendor consent-edge does not know, or your own CDN" };
  const vendor = rule.vendor ?? rule.match;
  return {
    rule: { host: rule.match, category: rule.category, vendor },
    category: rule.category,
    vendor,
    why: `the built-in rule for ${vendor} (host ${rule.match}, src/html/builtin-trackers.ts)`,
  };
}

/** RFC 6901: `/a/b~1c` → ["a", "b/c"]. */
function pointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw new Error(`"${path}" is not a JSON Pointer`);
  return path
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** RFC 6902 `add` operations applied to a copy of `document`; throws when a path does not exist. */
export function applyPatch(document: unknown, operations: readonly AddOperation[]): unknown {
  const root = structuredClone<unknown>(document);
  for (const operation of operations) {
    const tokens = pointer(operation.path);
    const last = tokens.pop();
    if (last === undefined) throw new Error("cannot replace the whole document");
    let parent: unknown = root;
    for (const token of tokens) {
      parent = Array.isArray(parent) ? parent[Number(token)] : isRecord(parent) ? parent[token] : undefined;
      if (parent === undefined) throw new Error(`${operation.path}: /${tokens.join("/")} does not exist`);
    }
    const value = structuredClone<unknown>(operation.value);
    if (Array.isArray(parent)) {
      const at = last === "-" ? parent.length : Number(last);
      if (!Number.isInteger(at) || at < 0 || at > parent.length)
        throw new Error(`${operation.path}: no index ${last}`);
      parent.splice(at, 0, value);
    } else if (isRecord(parent)) {
      parent[last] = value;
    } else {
      throw new Error(`${operation.path}: the parent is not an object or array`);
    }
  }
  return root;
}
