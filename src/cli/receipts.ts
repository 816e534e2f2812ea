/**
 * `consent-edge receipts get <id> | export --from DATE --to DATE | purge [--older-than DURATION]
 * <site-url>`: consent receipts through the admin endpoints (src/endpoints/admin.ts). `export`
 * reads the range a page at a time and prints each page as it comes (JSON lines with --json), so
 * a range of millions never sits in memory, here or in the worker.
 */
import { parseDuration } from "../config/duration";
import { parseInstant } from "../config/instant";
import type { ParsedArgs } from "./args";
import { stringFlag } from "./args";
import { adminRequest, adminUrl, cleartextProblem, type Io, SECRET_ENV, secretOf } from "./io";
import { clean, MARK, plural, safeJson, type Style, table, utc } from "./render";

export const RECEIPTS_HELP = `usage: consent-edge receipts get <id> <site-url> [--secret S] [--json]
       consent-edge receipts export <site-url> --from DATE --to DATE [--secret S] [--json]
       consent-edge receipts purge <site-url> [--older-than DURATION] [--secret S] [--json]

  get      one receipt, by the id in the visitor's consent cookie
  export   the receipts created from --from (inclusive) to --to (exclusive): dates (2026-12-01,
           2026-12-01T10:00:00Z) or Unix seconds; read a page of 1,000 at a time. --json prints
           one JSON receipt per line (JSON lines)
  purge    delete receipts older than --older-than (a duration: 400d, 3y). Default: the site's
           consent lifetime (consent.maxAge) plus 3 years, since a receipt is the proof of a
           consent and must outlive it by the time in which a complaint can be brought. A value
           shorter than the consent lifetime is refused: it would delete proof of consents still
           in force.

  --secret S        the site's debug secret (default: $${SECRET_ENV})

Exit 0 on success, 1 when the worker refuses or cannot answer, 2 on a usage error.`;

/** Pages `export` reads at most (1,000 receipts each): ten million receipts. */
const MAX_PAGES = 10_000;
/** Rounds of `purge` (each deletes up to 20,000). */
const MAX_PURGE_ROUNDS = 1_000;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function usage(io: Io, message: string): number {
  io.stderr(`consent-edge receipts: ${message}\n\n${RECEIPTS_HELP}`);
  return 2;
}

export async function runReceipts(args: ParsedArgs, io: Io, style: Style): Promise<number> {
  const [action, ...rest] = args.positionals;
  const secret = secretOf(stringFlag(args, "secret"), io);
  const json = args.flags["json"] === true;
  const expected = action === "get" ? 2 : 1;
  if (action !== "get" && action !== "export" && action !== "purge")
    return usage(io, "say get, export or purge");
  if (rest.length !== expected)
    return usage(io, action === "get" ? "give the receipt id and the site URL" : "give the site URL");
  const siteUrl = rest[rest.length - 1] ?? "";
  if (!/^https?:\/\//.test(siteUrl)) return usage(io, `"${siteUrl}" is not an http(s) URL`);
  const cleartext = cleartextProblem(siteUrl);
  if (cleartext !== undefined) return usage(io, cleartext);
  if (secret === undefined) return usage(io, `give the debug secret with --secret or $${SECRET_ENV}`);

  if (action === "get") {
    const id = rest[0] ?? "";
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return usage(io, `"${id}" is not a receipt id`);
    const answer = await adminRequest(io, adminUrl(siteUrl, `receipts/${id}`), secret);
    if (!answer.ok) return fail(io, style, answer.message);
    if (json) io.stdout(safeJson(answer.body));
    else io.stdout(table(receiptFields(answer.body)).join("\n"));
    return 0;
  }

  if (action === "export") {
    const from = stringFlag(args, "from");
    const to = stringFlag(args, "to");
    if (from === undefined || to === undefined) return usage(io, "export needs --from DATE and --to DATE");
    const start = parseInstant(from);
    const end = parseInstant(to);
    if (start === undefined || end === undefined)
      return usage(io, "--from and --to are dates (2026-12-01) or Unix seconds");
    let after: string | null = null;
    let count = 0;
    let header = false;
    for (let page = 0; page < MAX_PAGES; page++) {
      const url = adminUrl(siteUrl, "receipts");
      url.searchParams.set("from", String(start));
      url.searchParams.set("to", String(end));
      if (after) url.searchParams.set("after", after);
      const answer = await adminRequest(io, url, secret);
      if (!answer.ok) return fail(io, style, answer.message);
      const body = isRecord(answer.body) ? answer.body : {};
      const receipts = Array.isArray(body["receipts"]) ? body["receipts"] : [];
      count += receipts.length;
      if (json) for (const receipt of receipts) io.stdout(safeJson(receipt));
      else {
        const rows = receipts.map(receiptRow);
        if (!header && rows.length)
          rows.unshift(["created", "id", "action", "granted", "services", "method", "region", "policy"]);
        header ||= rows.length > 0;
        for (const line of table(rows)) io.stdout(line);
      }
      after = typeof body["next"] === "string" ? body["next"] : null;
      if (after === null) break;
    }
    io.stderr(`${style.ok(MARK.ok)} ${plural(count, "receipt")} from ${utc(start)} to ${utc(end)}`);
    return 0;
  }

  const olderThanText = stringFlag(args, "older-than");
  const olderThan = olderThanText === undefined ? undefined : parseDuration(olderThanText);
  if (olderThanText !== undefined && olderThan === undefined) {
    return usage(io, `--older-than "${olderThanText}" is not a duration (write 400d or 3y)`);
  }
  let deleted = 0;
  let last: Record<string, unknown> = {};
  for (let round = 0; round < MAX_PURGE_ROUNDS; round++) {
    const answer = await adminRequest(io, adminUrl(siteUrl, "receipts/purge"), secret, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(olderThan === undefined ? {} : { olderThan }),
    });
    if (!answer.ok) return fail(io, style, answer.message);
    last = isRecord(answer.body) ? answer.body : {};
    deleted += typeof last["deleted"] === "number" ? last["deleted"] : 0;
    if (last["more"] !== true) break;
  }
  const before = typeof last["before"] === "number" ? last["before"] : NaN;
  if (json) io.stdout(safeJson({ ...last, deleted }));
  else io.stdout(`${style.ok(MARK.ok)} ${plural(deleted, "receipt")} created before ${utc(before)} deleted`);
  return 0;
}

function fail(io: Io, style: Style, message: string): number {
  io.stderr(`${style.bad(MARK.bad)} ${message}`);
  return 1;
}

function field(receipt: unknown, name: string): string {
  const value = isRecord(receipt) ? receipt[name] : undefined;
  const text = (item: unknown) => (typeof item === "string" ? item : JSON.stringify(item));
  if (Array.isArray(value)) return value.length === 0 ? "-" : clean(value.map(text).join(" "));
  return value === null || value === undefined ? "-" : clean(text(value));
}

function receiptRow(receipt: unknown): string[] {
  const created =
    isRecord(receipt) && typeof receipt["createdAt"] === "number" ? utc(receipt["createdAt"]) : "?";
  return [
    created,
    ...["id", "action", "granted", "services", "method", "region", "policyRevision"].map((name) =>
      field(receipt, name),
    ),
  ];
}

function receiptFields(receipt: unknown): string[][] {
  const created =
    isRecord(receipt) && typeof receipt["createdAt"] === "number" ? utc(receipt["createdAt"]) : "?";
  return [
    ["id", field(receipt, "id")],
    ["site", field(receipt, "site")],
    ["created", created],
    ["action", field(receipt, "action")],
    ["granted", field(receipt, "granted")],
    // Granted on their own, besides their category; "-" for none (and for a worker older than services).
    ["services", field(receipt, "services")],
    ["method", field(receipt, "method")],
    ["region", field(receipt, "region")],
    ["policy", field(receipt, "policyRevision")],
    ["replaces", field(receipt, "previousId")],
  ];
}
