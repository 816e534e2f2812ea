/** The consent API and its receipts in D1 (miniflare's local D1: a real SQLite database). */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseConsentCookie } from "../src/consent/consent-cookie";
import { appFor, consent, FIXED_NOW, send, testSite } from "./helpers";

const app = appFor(testSite({ consent: { receipts: true } }));
const noReceipts = appFor(testSite());
const API = "https://www.example.com/.consent-edge/consent";
const db = (env as unknown as { CONSENT_DB: D1Database }).CONSENT_DB;

function form(fields: Array<[string, string]>, headers: Record<string, string> = {}) {
  return {
    method: "POST",
    body: new URLSearchParams(fields).toString(),
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "Sec-Fetch-Site": "same-origin",
      ...headers,
    },
  };
}

function jsonPost(body: unknown, headers: Record<string, string> = {}) {
  return {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", Origin: "https://www.example.com", ...headers },
  };
}

function consentCookieOf(res: Response) {
  const line = res.headers.getSetCookie().find((l) => l.startsWith("ce_consent=")) ?? "";
  const value = line.slice("ce_consent=".length, line.indexOf(";"));
  const parsed = parseConsentCookie(value);
  if (!parsed.ok) throw new Error(`no consent cookie in ${line}`);
  return { line, choice: parsed.choice };
}

describe("setting consent", () => {
  it.each([
    ["accept-all", [], ["functional", "analytics", "marketing"]],
    ["reject-all", [], []],
    ["save", ["analytics"], ["analytics"]],
    ["save", [], []],
  ])(
    "a form post choosing %s %j works without JavaScript: cookie, receipt, 303 back",
    async (choice, categories, granted) => {
      const res = await send(
        app,
        API,
        form([
          ["choice", choice],
          ...categories.map((c): [string, string] => ["category", c]),
          ["return", "/pricing?x=1"],
        ]),
      );
      expect(res.status).toBe(303);
      expect(res.headers.get("Location")).toBe("/pricing?x=1");
      const { line, choice: stored } = consentCookieOf(res);
      expect(stored.granted).toEqual(granted);
      expect(stored.revision).toBe("2026-04-03");
      expect(line).toMatch(/; Path=\/; Max-Age=15552000; SameSite=Lax; Secure$/);
      expect(stored.receiptId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const row = await db
        .prepare("SELECT * FROM consent_receipts WHERE id = ?")
        .bind(stored.receiptId)
        .first();
      expect(row).toMatchObject({
        site: "test",
        policy_revision: "2026-04-03",
        action: granted.length ? "grant" : "withdraw",
        granted: ["necessary", ...granted].join(" "),
        method: "form",
        region: "unknown (opt-in)",
      });
    },
  );

  it("JSON works too, and the receipt can be looked up by its id", async () => {
    const res = await send(app, API, jsonPost({ granted: ["marketing", "analytics"] }));
    expect(res.status).toBe(200);
    const body = await res.json<{ granted: string[]; receiptId: string }>();
    expect(body.granted).toEqual(["necessary", "analytics", "marketing"]);
    const lookup = await send(app, `https://www.example.com/.consent-edge/receipts/${body.receiptId}`);
    const receipt = await lookup.json<Record<string, unknown>>();
    expect(receipt).toMatchObject({
      id: body.receiptId,
      site: "test",
      action: "grant",
      granted: ["necessary", "analytics", "marketing"],
      method: "json",
      previousId: null,
    });
    expect(typeof receipt.createdAt).toBe("number");
  });

  it("stores no IP address or other identifier: only the columns of the receipt", async () => {
    await send(
      app,
      API,
      jsonPost({ granted: ["analytics"] }, { "CF-Connecting-IP": "203.0.113.7", "User-Agent": "Secret/1.0" }),
    );
    const columns = await db.prepare("PRAGMA table_info(consent_receipts)").all<{ name: string }>();
    expect(columns.results.map((c) => c.name)).toEqual([
      "id",
      "site",
      "created_at",
      "policy_revision",
      "action",
      "granted",
      "method",
      "region",
      "previous_id",
    ]);
    const dump = JSON.stringify((await db.prepare("SELECT * FROM consent_receipts").all()).results);
    expect(dump).not.toContain("203.0.113.7");
    expect(dump).not.toContain("Secret/1.0");
  });

  it("withdrawal is recorded, linked to the receipt it replaces", async () => {
    const first = await send(app, API, jsonPost({ granted: ["analytics"] }));
    const { receiptId } = await first.json<{ receiptId: string }>();
    const cookie = `ce_consent=1.2026-04-03.${FIXED_NOW}.analytics.${receiptId}`;
    const res = await send(
      app,
      "https://www.example.com/.consent-edge/withdraw",
      form([["return", "/"]], { Cookie: cookie }),
    );
    expect(res.status).toBe(303);
    const { choice } = consentCookieOf(res);
    expect(choice.granted).toEqual([]);
    const row = await db
      .prepare("SELECT action, previous_id FROM consent_receipts WHERE id = ?")
      .bind(choice.receiptId)
      .first();
    expect(row).toEqual({ action: "withdraw", previous_id: receiptId });
  });

  it("without receipts configured, sets the cookie and writes nothing", async () => {
    const before = await db.prepare("SELECT COUNT(*) AS n FROM consent_receipts").first<{ n: number }>();
    const res = await send(noReceipts, API, jsonPost({ choice: "accept-all" }));
    expect(await res.json()).toEqual({
      granted: ["necessary", "functional", "analytics", "marketing"],
      receiptId: null,
    });
    const after = await db.prepare("SELECT COUNT(*) AS n FROM consent_receipts").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });

  it("GET describes the visitor's consent", async () => {
    const res = await send(app, API, { headers: { Cookie: consent(["analytics"]) } });
    expect(await res.json()).toMatchObject({
      site: "test",
      granted: ["necessary", "analytics"],
      decided: true,
      source: "consent-cookie",
    });
  });
});

describe("refusing bad requests", () => {
  it.each([
    ["Sec-Fetch-Site: cross-site", { "Sec-Fetch-Site": "cross-site" }],
    ["Sec-Fetch-Site: same-site (a sibling subdomain)", { "Sec-Fetch-Site": "same-site" }],
    ["a foreign Origin", { "Sec-Fetch-Site": "", Origin: "https://evil.example" }],
  ])("%s: 403, no cookie, no receipt", async (_, headers) => {
    const init = form([["choice", "accept-all"]], headers);
    if (headers["Sec-Fetch-Site"] === "") delete (init.headers as Record<string, string>)["Sec-Fetch-Site"];
    const res = await send(app, API, init);
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it.each([
    ["an unknown category", jsonPost({ granted: ["analytics", "telepathy"] }), 400],
    ["a wrong type", jsonPost({ granted: "analytics" }), 400],
    ["an unknown choice", jsonPost({ choice: "accept-some" }), 400],
    ["broken JSON", { ...jsonPost({}), body: "{nope" }, 400],
    ["a JSON array", jsonPost(["analytics"]), 400],
    ["plain text", { method: "POST", body: "x", headers: { "Content-Type": "text/plain" } }, 415],
    ["a huge body", jsonPost({ granted: ["analytics"], pad: "x".repeat(10_000) }), 413],
  ])("%s: %i and no cookie", async (_, init, status) => {
    const res = await send(app, API, init);
    expect(res.status).toBe(status);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it.each(["//evil.example/", "https://evil.example/", "javascript:alert(1)", "/\\evil.example"])(
    "never redirects off-site (return=%s)",
    async (target) => {
      const res = await send(
        app,
        API,
        form([
          ["choice", "reject-all"],
          ["return", target],
        ]),
      );
      expect(res.headers.get("Location")).toBe("/");
    },
  );

  it("a grant is not applied when its receipt cannot be written; a refusal is", async () => {
    const broken = appFor(testSite({ consent: { receipts: true }, debugSecret: "CONSENT_DEBUG_SECRET" }));
    const grant = await broken.fetch(new Request(API, jsonPost({ granted: ["analytics"] })), {
      CONSENT_DEBUG_SECRET: "x",
    });
    expect(grant.status).toBe(503);
    expect(grant.headers.getSetCookie()).toEqual([]);
    const refuse = await broken.fetch(new Request(API, jsonPost({ choice: "reject-all" })), {
      CONSENT_DEBUG_SECRET: "x",
    });
    expect(refuse.status).toBe(200);
    expect(consentCookieOf(refuse).choice.granted).toEqual([]);
  });
});
