/**
 * Issue 12 item 3: the consent API grants services on their own (docs/services.md). A whole choice's
 * `services` is the complete list, a scoped grant's adds to those so far; the cookie (version 2 only
 * with a service), the receipt in miniflare's D1 and the response say the same. The cookie lines are
 * stored by tough-cookie as a browser would, and read back with parseConsentCookie.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { compileConfig } from "../src/config/compile";
import {
  type ConsentChoice,
  parseConsentCookie,
  serializeConsentCookie,
} from "../src/consent/consent-cookie";
import { createProxy } from "../src/worker";
import { applyLines, liveCookies, newJar } from "./cookie-jar";
import { type App, appFor, DEBUG_SECRET, FIXED_NOW, FIXED_NOW_MS, REVISION, send, testSite } from "./helpers";

const API = "https://www.example.com/.consent-edge/consent";
const db = (env as unknown as { CONSENT_DB: D1Database }).CONSENT_DB;

/** YouTube's and Vimeo's cookies as services, beside the built-in YouTube (marketing) and Vimeo (analytics) rules. */
const servicesSite = (overrides: Parameters<typeof testSite>[0] = {}) =>
  testSite({
    consent: { receipts: true },
    cookies: [
      ...(testSite().cookies ?? []),
      { name: "YSC", category: "marketing", service: "youtube", provider: "YouTube" },
      { name: "VISITOR_INFO1_LIVE", category: "marketing", service: "youtube", provider: "YouTube" },
      { name: "vuid", category: "analytics", service: "vimeo", provider: "Vimeo" },
    ],
    ...overrides,
  });
const app = appFor(servicesSite());

function jsonPost(body: unknown, headers: Record<string, string> = {}) {
  return {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", Origin: "https://www.example.com", ...headers },
  };
}

/** The consent cookie a browser stores from the response (tough-cookie), parsed. */
function storedChoice(res: Response): { value: string; choice: ConsentChoice } {
  const jar = newJar();
  applyLines(jar, res.headers.getSetCookie(), API, FIXED_NOW_MS);
  const stored = liveCookies(jar, FIXED_NOW_MS).filter((cookie) => cookie.key === "ce_consent");
  expect(stored).toHaveLength(1);
  const value = stored[0]?.value ?? "";
  const parsed = parseConsentCookie(value);
  if (!parsed.ok) throw new Error(`the stored consent cookie does not parse: ${value}`);
  return { value, choice: parsed.choice };
}

/** A consent cookie header from a choice made an hour ago. */
function cookieOf(choice: Partial<ConsentChoice>): string {
  return `ce_consent=${serializeConsentCookie({ revision: REVISION, givenAt: FIXED_NOW - 3_600, granted: [], ...choice })}`;
}

async function receiptRow(id: string | undefined) {
  return db
    .prepare("SELECT granted, services, action, method FROM consent_receipts WHERE id = ?")
    .bind(id ?? "")
    .first<{ granted: string; services: string | null; action: string; method: string }>();
}

describe("a whole choice with services", () => {
  it("grants YouTube without marketing: a version 2 cookie, the receipt and the response agree", async () => {
    const res = await send(app, API, jsonPost({ granted: ["analytics"], services: ["youtube"] }));
    expect(res.status).toBe(200);
    const body = await res.json<{ granted: string[]; services: string[]; receiptId: string }>();
    expect(body.granted).toEqual(["necessary", "analytics"]);
    expect(body.services).toEqual(["youtube"]);
    const { value, choice } = storedChoice(res);
    expect(value.startsWith("2.")).toBe(true);
    expect(choice).toMatchObject({
      granted: ["analytics"],
      services: ["youtube"],
      receiptId: body.receiptId,
    });
    expect(choice.scoped).toBeUndefined();
    expect(await receiptRow(body.receiptId)).toEqual({
      granted: "necessary analytics",
      services: "youtube",
      action: "grant",
      method: "json",
    });
    // The edge then reads it back: GET says what is granted on its own.
    const state = await send(app, API, { headers: { Cookie: `ce_consent=${value}` } });
    expect(await state.json()).toMatchObject({ granted: ["necessary", "analytics"], services: ["youtube"] });
  });

  it("a services-only choice is a grant (it needs its receipt), not a withdrawal", async () => {
    const res = await send(app, API, jsonPost({ granted: [], services: ["youtube", "youtube"] }));
    const body = await res.json<{ services: string[]; receiptId: string }>();
    expect(body.services).toEqual(["youtube"]);
    expect(storedChoice(res).choice).toMatchObject({ granted: [], services: ["youtube"] });
    expect((await receiptRow(body.receiptId))?.action).toBe("grant");
  });

  it("replaces the services so far: the list is complete, and absent means none", async () => {
    const before = cookieOf({ granted: ["analytics"], services: ["youtube", "vimeo"] });
    const onlyVimeo = await send(
      app,
      API,
      jsonPost({ granted: [], services: ["vimeo"] }, { Cookie: before }),
    );
    expect(storedChoice(onlyVimeo).choice).toMatchObject({ granted: [], services: ["vimeo"] });
    const none = await send(app, API, jsonPost({ granted: ["analytics"] }, { Cookie: before }));
    expect(await none.json()).toMatchObject({ services: [] });
    // No service: version 1, which every earlier edge and runtime reads.
    const { value, choice } = storedChoice(none);
    expect(value.startsWith("1.")).toBe(true);
    expect(choice.services).toBeUndefined();
  });

  it("a service whose category is granted too is granted through it, not recorded on its own", async () => {
    const res = await send(app, API, jsonPost({ granted: ["marketing"], services: ["youtube", "vimeo"] }));
    expect((await res.json<{ services: string[] }>()).services).toEqual(["vimeo"]);
    expect(storedChoice(res).choice).toMatchObject({ granted: ["marketing"], services: ["vimeo"] });
  });

  it.each([
    ["accept-all", { choice: "accept-all", services: ["youtube"] }],
    ["reject-all", { choice: "reject-all", services: ["youtube"] }],
  ])("%s grants no service on its own: version 1", async (_, body) => {
    const res = await send(app, API, jsonPost(body, { Cookie: cookieOf({ services: ["youtube"] }) }));
    const { value, choice } = storedChoice(res);
    expect(value.startsWith("1.")).toBe(true);
    expect(choice.services).toBeUndefined();
  });

  it("withdrawing everything drops the services too", async () => {
    const res = await send(app, "https://www.example.com/.consent-edge/withdraw", {
      method: "POST",
      headers: { Origin: "https://www.example.com", Cookie: cookieOf({ services: ["youtube"] }) },
    });
    expect(storedChoice(res).choice).toMatchObject({ granted: [] });
    expect(storedChoice(res).choice.services).toBeUndefined();
  });

  it("a form post names services with repeated `service` fields (the no-JavaScript settings page)", async () => {
    const res = await send(app, API, {
      method: "POST",
      body: new URLSearchParams([
        ["choice", "save"],
        ["category", "analytics"],
        ["service", "youtube"],
        ["return", "/watch"],
      ]).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/watch");
    const { choice } = storedChoice(res);
    expect(choice).toMatchObject({ granted: ["analytics"], services: ["youtube"] });
    expect((await receiptRow(choice.receiptId))?.method).toBe("form");
  });
});

describe("a scoped grant of services", () => {
  it('"Always allow YouTube" for an undecided visitor: `+-` with the service, still undecided', async () => {
    const res = await send(app, API, jsonPost({ grant: [], services: ["youtube"], method: "placeholder" }));
    expect(res.status).toBe(200);
    const { value, choice } = storedChoice(res);
    expect(value).toMatch(
      new RegExp(`^2\\.${REVISION}\\.${FIXED_NOW}\\.\\+-\\.youtube\\.[A-Za-z0-9_-]{22}$`),
    );
    expect(choice).toMatchObject({ granted: [], services: ["youtube"], scoped: true });
    const row = await receiptRow(choice.receiptId);
    expect(row).toMatchObject({ granted: "necessary", services: "youtube", method: "placeholder" });

    // A second one adds Vimeo to YouTube, and stays scoped.
    const next = await send(
      app,
      API,
      jsonPost({ grant: [], services: ["vimeo"], method: "placeholder" }, { Cookie: `ce_consent=${value}` }),
    );
    expect(storedChoice(next).choice).toMatchObject({
      granted: [],
      services: ["youtube", "vimeo"],
      scoped: true,
    });
  });

  it("on top of a decision it is a whole choice again: the decision's categories and services plus these", async () => {
    const decided = cookieOf({ granted: ["analytics"], services: ["vimeo"] });
    // Vimeo is granted with analytics now: only YouTube is granted on its own.
    const res = await send(app, API, jsonPost({ grant: [], services: ["youtube"] }, { Cookie: decided }));
    const { choice } = storedChoice(res);
    expect(choice).toMatchObject({ granted: ["analytics"], services: ["youtube"] });
    expect(choice.scoped).toBeUndefined();
  });

  it("a grant of a category keeps the services granted so far", async () => {
    const res = await send(
      app,
      API,
      jsonPost(
        { grant: ["functional"] },
        { Cookie: cookieOf({ granted: [], services: ["youtube"], scoped: true }) },
      ),
    );
    expect(storedChoice(res).choice).toMatchObject({
      granted: ["functional"],
      services: ["youtube"],
      scoped: true,
    });
  });

  it("naming neither a category nor a service is no grant: 400, no cookie", async () => {
    const res = await send(app, API, jsonPost({ grant: [], services: [] }));
    expect(res.status).toBe(400);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});

describe("services a signal refuses", () => {
  // GPC refuses marketing by default, binding in opt-in (an unknown country is opt-in).
  const gpc = { "Sec-GPC": "1" };

  it("a whole choice does not record YouTube (marketing) under GPC, and records Vimeo (analytics)", async () => {
    const res = await send(app, API, jsonPost({ granted: [], services: ["youtube", "vimeo"] }, gpc));
    expect((await res.json<{ services: string[] }>()).services).toEqual(["vimeo"]);
    expect(storedChoice(res).choice).toMatchObject({ granted: [], services: ["vimeo"] });
  });

  it("a whole choice of only refused services is a refusal: version 1, a withdraw receipt", async () => {
    const res = await send(app, API, jsonPost({ granted: [], services: ["youtube"] }, gpc));
    const { value, choice } = storedChoice(res);
    expect(value.startsWith("1.")).toBe(true);
    expect((await receiptRow(choice.receiptId))?.action).toBe("withdraw");
  });

  it('"Always allow YouTube" under GPC grants nothing: 409, no cookie', async () => {
    const res = await send(
      app,
      API,
      jsonPost({ grant: [], services: ["youtube"], method: "placeholder" }, gpc),
    );
    expect(res.status).toBe(409);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});

describe("services that are not the site's", () => {
  it.each([
    [
      "an unknown id",
      { granted: [], services: ["hotjar"] },
      "unknown services; this site's are youtube, vimeo",
    ],
    ["__proto__", { granted: [], services: ["__proto__"] }, "unknown services"],
    ["constructor", { grant: [], services: ["constructor"] }, "unknown services"],
    ["a string, not a list", { granted: [], services: "youtube" }, "services must be a list"],
    ["a number in the list", { granted: [], services: [1] }, "services must be a list"],
    ["an object", { grant: [], services: { youtube: true } }, "services must be a list"],
  ])("%s is a 400 naming the problem, and no cookie", async (_, body, error) => {
    const res = await send(app, API, jsonPost(body));
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toContain(error);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it.each([
    ["1,000 unknown ids (under the 8 KiB cap)", Array.from({ length: 1_000 }, (_, i) => `s${i}`), 400],
    ["2,000 unknown ids (over it)", Array.from({ length: 2_000 }, (_, i) => `s${i}`), 413],
    ["1,200 copies of a known one (over it)", Array.from({ length: 1_200 }, () => "vimeo"), 413],
  ])("%s: a 4xx, no cookie, no receipt", async (_, services, status) => {
    const before = await db.prepare("SELECT COUNT(*) AS n FROM consent_receipts").first<{ n: number }>();
    const res = await send(app, API, jsonPost({ granted: [], services }));
    expect(res.status).toBe(status);
    expect(res.headers.getSetCookie()).toEqual([]);
    const after = await db.prepare("SELECT COUNT(*) AS n FROM consent_receipts").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });

  it("300 copies of a known one (under the size cap) record it once", async () => {
    const res = await send(
      app,
      API,
      jsonPost({ granted: [], services: Array.from({ length: 300 }, () => "vimeo") }),
    );
    expect(res.status).toBe(200);
    expect(storedChoice(res).choice.services).toEqual(["vimeo"]);
  });

  it("a site that names no service says so", async () => {
    const plain = appFor(testSite({ trackers: { builtin: false } }));
    const res = await send(plain, API, jsonPost({ granted: [], services: ["youtube"] }));
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toBe("this site names no services");
  });

  it("a cross-site post with services is refused as any other (403)", async () => {
    const res = await send(
      app,
      API,
      jsonPost({ granted: [], services: ["youtube"] }, { Origin: "https://evil.example.net" }),
    );
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});

describe("throttling", () => {
  it("a services-only grant counts against the budget as a grant: 429, no cookie", async () => {
    const compiled = compileConfig({ sites: [servicesSite({ id: "throttle-services" })] });
    if (!compiled.ok) throw new Error("fixture config invalid");
    const limited: App = createProxy(compiled.config, {
      clock: () => FIXED_NOW_MS,
      throttle: { perClient: 1, perSite: 100, windowSeconds: 60, maxKeys: 100 },
    });
    const ip = { "CF-Connecting-IP": "198.51.100.20" };
    const first = await send(limited, API, jsonPost({ granted: [], services: ["youtube"] }, ip));
    const second = await send(limited, API, jsonPost({ granted: [], services: ["vimeo"] }, ip));
    expect([first.status, second.status]).toEqual([200, 429]);
    expect(second.headers.getSetCookie()).toEqual([]);
  });
});

describe("receipts", () => {
  it("GET receipts/<id> shows the services", async () => {
    const res = await send(app, API, jsonPost({ granted: [], services: ["vimeo"] }));
    const { receiptId } = await res.json<{ receiptId: string }>();
    const receipt = await send(app, `https://www.example.com/.consent-edge/receipts/${receiptId}`);
    expect(await receipt.json()).toMatchObject({ granted: ["necessary"], services: ["vimeo"] });
  });

  it("a row written before the services column existed reads as no services", async () => {
    // The INSERT the previous version made (no services column): the column is NULL.
    await db
      .prepare(
        "INSERT INTO consent_receipts (id, site, created_at, policy_revision, action, granted, method, region, previous_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .bind(
        "old-receipt-1",
        "test",
        FIXED_NOW - 86_400,
        REVISION,
        "grant",
        "necessary analytics",
        "json",
        "FR (opt-in)",
        null,
      )
      .run();
    const receipt = await send(app, "https://www.example.com/.consent-edge/receipts/old-receipt-1");
    expect(await receipt.json()).toMatchObject({ granted: ["necessary", "analytics"], services: [] });
    const admin = await send(app, "https://www.example.com/.consent-edge/admin/receipts/old-receipt-1", {
      headers: { "X-Consent-Debug": DEBUG_SECRET },
    });
    expect(await admin.json()).toMatchObject({ services: [] });
  });
});
