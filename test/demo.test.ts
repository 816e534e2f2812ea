/** The demo's worker (demo/edge.ts: createWorker + demo/consent-edge.config.json) in front of the demo origin, as `npm start` runs it. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import demoConfig from "../demo/consent-edge.config.json";
import demoWorker from "../demo/edge";
import aktok from "../examples/aktok.json";
import { FALLBACK_PAGES } from "../demo/origin/fallback-pages";
import { consent } from "./helpers";

/** The demo worker as workerd calls it: with the pool's bindings (DEMO_ORIGIN, CONSENT_DB, the debug secret). */
const worker = {
  async fetch(request: Request): Promise<Response> {
    const ctx = createExecutionContext();
    const response = await demoWorker.fetch(request, env, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  },
};
const NECESSARY = ["aktok_session", "aktok_access", "aktok_refresh", "aktok_csrf"];

async function get(path: string, cookie?: string, method = "GET"): Promise<Response> {
  return worker.fetch(
    new Request(`http://localhost:8787${path}`, { method, headers: cookie ? { Cookie: cookie } : {} }),
  );
}

const names = (res: Response) => res.headers.getSetCookie().map((line) => line.slice(0, line.indexOf("=")));

describe("the demo", () => {
  it("with no consent, curl -i shows only necessary cookies", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Demo-Origin")).toBe("1");
    expect(names(res)).toEqual(NECESSARY);
    expect(res.headers.get("Cache-Control")).toBe("private, max-age=60");
    expect(await res.text()).toContain("googletagmanager.com/gtag/js");
  });

  it.each(["/pricing", "/blog/hello", "/redirect", "/not-modified", "/api/auth/refresh", "/missing"])(
    "%s sets no analytics or marketing cookie without consent",
    async (path) => {
      const res = await get(path);
      for (const name of names(res)) expect(NECESSARY).toContain(name);
    },
  );

  it("HEAD is enforced like GET", async () => {
    const res = await get("/", undefined, "HEAD");
    expect(names(res)).toEqual(NECESSARY);
  });

  it("granting everything lets every declared cookie through, and the undeclared one stays out", async () => {
    const res = await get("/", consent(["functional", "analytics", "marketing"]));
    const set = names(res);
    expect(set).toEqual(
      expect.arrayContaining([
        ...NECESSARY,
        "aktok_lang",
        "_pk_id.1.1fff",
        "ph_phc_demo123_posthog",
        "_ga",
        "_fbp",
        "__gads",
      ]),
    );
    expect(set).toHaveLength(21);
    expect(set).not.toContain("ab_bucket");
  });

  it("the origin never sees a refused cookie", async () => {
    const res = await get(
      "/",
      `aktok_session=1; _ga=GA1; _fbp=fb; aktok_lang=en; ${consent(["functional"])}`,
    );
    expect(res.headers.get("X-Origin-Received-Cookie-Names")).toBe("aktok_session, aktok_lang, ce_consent");
  });

  it("uses the aktok example's cookie rules, so the demo shows the real policy", () => {
    const [demoSite] = demoConfig.sites;
    const [aktokSite] = aktok.sites;
    // Plus what the /sdks page's SDKs store beyond aktok's policy (their purposes say so).
    const aktokOnly = (rule: { purpose?: string }) => !rule.purpose?.includes("the /sdks demo page's");
    expect(demoSite?.cookies.filter(aktokOnly)).toEqual(aktokSite?.cookies);
    expect(demoSite?.storage.filter(aktokOnly)).toEqual(aktokSite?.storage);
    expect(demoSite?.policyRevision).toBe(aktokSite?.policyRevision);
  });

  it("refuses hosts it does not serve", async () => {
    const res = await worker.fetch(new Request("http://example.net/"));
    expect(res.status).toBe(421);
  });

  // The README's "When a page cannot be rewritten": in workerd itself, a page lol-html rejects is
  // served as the origin sent it, under the strict CSP. (Under wrangler dev the same pages come back
  // empty or never: test/e2e/demo.e2e.test.ts.)
  it.each([
    ["/fallback/select-noscript", /^fallback: ambiguous markup\b.*; strict CSP$/],
    ["/fallback/utf-16", /^fallback: charset\b.*; strict CSP$/],
  ])("%s: the original page, byte for byte, under the strict CSP", async (path, reason) => {
    const res = await worker.fetch(
      new Request(`http://localhost:8787${path}`, { headers: { "X-Consent-Debug": "test-debug-secret" } }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Consent-Html")).toMatch(reason);
    expect(res.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
    expect(names(res)).toEqual(NECESSARY);
    const body = new Uint8Array(await res.arrayBuffer());
    expect(body).toEqual(FALLBACK_PAGES.get(path)?.body);
  });
});
