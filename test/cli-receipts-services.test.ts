/**
 * `consent-edge receipts get | export` show the services a decision granted on their own (issue 12
 * item 3), through main() against the real admin endpoints and miniflare's D1; a receipt written
 * before services existed shows none.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main";
import { type Receipt, writeReceipt } from "../src/endpoints/receipts";
import { appFor, DEBUG_SECRET, FIXED_NOW, send, testSite } from "./helpers";

const db = (env as unknown as { CONSENT_DB: D1Database }).CONSENT_DB;
const SITE = "receipt-services";
const app = appFor(testSite({ id: SITE, hosts: [`${SITE}.example.com`], consent: { receipts: true } }));

function receipt(id: string, createdAt: number, services?: string[]): Receipt {
  return {
    id,
    site: SITE,
    createdAt,
    policyRevision: "2026-04-03",
    action: "grant",
    granted: ["necessary", "analytics"],
    ...(services ? { services } : {}),
    method: "placeholder",
    region: "DE (opt-in)",
    previousId: null,
  };
}

function cli() {
  const stdout: string[] = [];
  const io = {
    readFile: (path: string): string => {
      throw new Error(`ENOENT: ${path}`);
    },
    stdout: (line: string) => stdout.push(line),
    stderr: () => undefined,
    fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
      send(
        app,
        typeof input === "string" ? input : input instanceof URL ? input.href : input.url,
        init,
      )) as typeof fetch,
    env: { CONSENT_EDGE_DEBUG_SECRET: DEBUG_SECRET },
  };
  return { io, stdout };
}

const URL_OF_SITE = `https://${SITE}.example.com/`;

describe("receipts with services in the CLI", () => {
  it("get shows the services, and - for none", async () => {
    await writeReceipt(db, receipt("svc1", FIXED_NOW - 60, ["youtube", "vimeo"]));
    await writeReceipt(db, receipt("svc0", FIXED_NOW - 60));
    const one = cli();
    expect(await main(["receipts", "get", "svc1", URL_OF_SITE], one.io)).toBe(0);
    expect(one.stdout.join("\n")).toMatch(/^services +youtube vimeo$/m);
    const none = cli();
    expect(await main(["receipts", "get", "svc0", URL_OF_SITE], none.io)).toBe(0);
    expect(none.stdout.join("\n")).toMatch(/^services +-$/m);
  });

  it("export has a services column; --json carries the list", async () => {
    const base = Date.UTC(2026, 8, 1) / 1000;
    await writeReceipt(db, receipt("exp1", base + 10, ["youtube"]));
    await writeReceipt(db, receipt("exp2", base + 20));
    const range = ["--from", "2026-09-01", "--to", "2026-09-02"];
    const table = cli();
    expect(await main(["receipts", "export", URL_OF_SITE, ...range], table.io)).toBe(0);
    const [header, first, second] = table.stdout;
    expect(header?.split(/ +/)).toEqual([
      "created",
      "id",
      "action",
      "granted",
      "services",
      "method",
      "region",
      "policy",
    ]);
    expect(first).toMatch(/ exp1 +grant +necessary analytics +youtube +placeholder /);
    expect(second).toMatch(/ exp2 +grant +necessary analytics +- +placeholder /);
    const json = cli();
    expect(await main(["receipts", "export", URL_OF_SITE, ...range, "--json"], json.io)).toBe(0);
    expect(json.stdout.map((line) => (JSON.parse(line) as Receipt).services)).toEqual([["youtube"], []]);
  });
});
