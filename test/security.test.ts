/**
 * Threats that cut across stages (SECURITY.md names a test per threat; the stage-specific ones live
 * beside their code). Each test is what an attacker would try, through the whole worker.
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { appFor, consent, DEBUG_SECRET, send, testSite } from "./helpers";

const WWW = "https://www.example.com/";
const PAGE =
  '<!doctype html><html><head><meta charset="utf-8"></head><body>' +
  '<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script><p>hi</p></body></html>';
const pageHeaders = (extra: Record<string, string> = {}) => ({
  "X-Fixture-Body": btoa(PAGE),
  "X-Fixture-Header": JSON.stringify({ "Content-Type": "text/html; charset=utf-8" }),
  "X-Fixture-Cache-Control": "public, max-age=600, s-maxage=86400",
  ...extra,
});

describe("cache poisoning across consent states", () => {
  const app = appFor(testSite());

  it.each([
    ["no consent", {}],
    ["analytics granted", { Cookie: consent(["analytics"]) }],
    ["everything granted", { Cookie: consent(["functional", "analytics", "marketing"]) }],
    ["GPC", { "Sec-GPC": "1" }],
    ["DNT", { DNT: "1" }],
  ])("a rewritten page (%s) is never stored by a shared cache, and varies on Cookie", async (_, extra) => {
    const res = await send(app, WWW, { headers: pageHeaders(extra) });
    const cacheControl = res.headers.get("Cache-Control") ?? "";
    expect(cacheControl.split(/\s*,\s*/)).toContain("private");
    expect(cacheControl).not.toMatch(/public|s-maxage/);
    expect(res.headers.get("Vary") ?? "").toMatch(/cookie/i);
    await res.arrayBuffer();
  });

  it("the page differs by consent state, so the privacy marking is not decorative", async () => {
    const refused = await (await send(app, WWW, { headers: pageHeaders() })).text();
    const granted = await (
      await send(app, WWW, { headers: pageHeaders({ Cookie: consent(["analytics"]) }) })
    ).text();
    expect(refused).not.toBe(granted);
  });
});

describe("debug secret", () => {
  const app = appFor(testSite());

  it("is never echoed back, and the debug headers never reach the origin", async () => {
    const res = await send(app, WWW, { debug: true });
    const received = await res.json<{ headers: Record<string, string> }>();
    const everything = [...res.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
    expect(everything).not.toContain(DEBUG_SECRET);
    expect(JSON.stringify(received.headers)).not.toContain(DEBUG_SECRET);
    expect(received.headers["x-consent-debug"]).toBeUndefined();
  });

  it("a debug response is private even when the page is not", async () => {
    const res = await send(app, WWW, {
      debug: true,
      headers: { "X-Fixture-Cache-Control": "public, max-age=60" },
    });
    expect(res.headers.get("Cache-Control")).toMatch(/^private/);
  });

  it("without the secret, a visitor cannot pretend to be elsewhere (X-Consent-Debug-Country)", async () => {
    const regional = appFor(
      testSite({ regions: { default: "opt-in", "opt-out": ["US"] }, cookies: testSite().cookies ?? [] }),
    );
    const ask = async (headers: Record<string, string>) => {
      const request = new Request(WWW, {
        headers: { "X-Fixture-Set-Cookie": JSON.stringify(["_ga=1"]), ...headers },
        cf: { country: "DE" },
      });
      return regional.fetch(request, env, createExecutionContext());
    };
    const spoofed = await ask({ "X-Consent-Debug-Country": "US" });
    expect(spoofed.headers.getSetCookie().some((line) => line.startsWith("_ga="))).toBe(false);
    // With the secret the same header is honoured: the test could fail.
    const debug = await ask({ "X-Consent-Debug-Country": "US", "X-Consent-Debug": DEBUG_SECRET });
    expect(debug.headers.getSetCookie().some((line) => line.startsWith("_ga="))).toBe(true);
  });
});

describe("header injection and response splitting", () => {
  const app = appFor(testSite());

  it.each([
    ["a cookie name with Latin-1 bytes", "caf\u00e9=1; _fbp=2"],
    ["a cookie name with a comma and quotes", '"a,b"=1; _fbp=2'],
    ["a cookie name that looks like an attribute", "Domain=evil.test; _fbp=2"],
    ["hundreds of names", Array.from({ length: 400 }, (_, i) => `_ga_${i}=1`).join("; ")],
  ])("%s in the visitor's Cookie header: no 5xx, no header built from it unescaped", async (_, cookie) => {
    const res = await send(app, WWW, { headers: { Cookie: cookie }, debug: true });
    expect(res.status).toBe(200);
    for (const line of res.headers.getSetCookie()) {
      // Every line the worker writes for a visitor's cookie is a deletion of an RFC 6265 token name.
      expect(line).toMatch(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+=; Max-Age=0; /);
    }
    await res.arrayBuffer();
  });
});
