/** The aktok example at its full policy (examples/aktok.json), against the fixture origin. */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import aktok from "../examples/aktok.json";
import { appFor, consent, setCookieNames } from "./helpers";

const app = appFor(aktok.sites as never);
const SETS = ["aktok_session=1", "aktok_lang=en", "_pk_id.1.1fff=abc", "_ga=GA1", "_fbp=fb"];

async function visit(
  cf: { country: string; regionCode?: string } | undefined,
  headers: Record<string, string> = {},
) {
  const request = new Request("https://www.aktok.com/", {
    headers: { "X-Fixture-Set-Cookie": JSON.stringify(SETS), ...headers },
    ...(cf ? { cf } : {}),
  });
  return app.fetch(request, env, createExecutionContext());
}

describe("aktok: EEA/UK opt-in, a notice elsewhere, DNT for Matomo, GPC for marketing", () => {
  it.each([
    ["DE", ["aktok_session"]],
    ["GB", ["aktok_session"]],
    ["CH", ["aktok_session"]],
    ["CA", ["aktok_session", "aktok_lang", "_pk_id.1.1fff", "_ga", "_fbp"]],
    ["US", ["aktok_session", "aktok_lang", "_pk_id.1.1fff", "_ga", "_fbp"]],
  ])("an undecided visitor from %s", async (country, cookies) => {
    expect(setCookieNames(await visit({ country }))).toEqual(cookies);
  });

  it("Matomo honours Do Not Track, the other analytics tools do not (policy §6.2, §6.3)", async () => {
    const res = await visit({ country: "DE" }, { DNT: "1", Cookie: consent(["analytics"]) });
    expect(setCookieNames(res)).toEqual(["aktok_session", "_ga"]);
  });

  it("Global Privacy Control refuses marketing, even over a consent cookie", async () => {
    const res = await visit(
      { country: "DE" },
      { "Sec-GPC": "1", Cookie: consent(["functional", "analytics", "marketing"]) },
    );
    expect(setCookieNames(res)).toEqual(["aktok_session", "aktok_lang", "_pk_id.1.1fff", "_ga"]);
  });

  it("keeps a log of consent decisions (policy §5.1.4)", async () => {
    const res = await app.fetch(
      new Request("https://www.aktok.com/.consent-edge/consent", {
        method: "POST",
        body: JSON.stringify({ choice: "reject-all" }),
        headers: { "Content-Type": "application/json", "Sec-Fetch-Site": "same-origin" },
        cf: { country: "DE" },
      }),
      env,
      createExecutionContext(),
    );
    const { receiptId } = await res.json<{ receiptId: string }>();
    const row = await (env as unknown as { CONSENT_DB: D1Database }).CONSENT_DB.prepare(
      "SELECT site, action, region FROM consent_receipts WHERE id = ?",
    )
      .bind(receiptId)
      .first();
    expect(row).toEqual({ site: "aktok", action: "withdraw", region: "DE (opt-in)" });
  });
});
