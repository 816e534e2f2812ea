/**
 * The package's pure entries, as a tool would call them: judge a Set-Cookie line, resolve a
 * visitor's consent, and the typed accessors for the bindings a config names.
 */
import { describe, expect, it } from "vitest";
import { compileConfig } from "../src/lib/config";
import { consentOf } from "../src/lib/consent";
import { judgeSetCookie, parseSetCookie } from "../src/lib/cookies";
import { secretBinding, serviceBinding } from "../src/env";
import { consent, FIXED_NOW, testSite } from "./helpers";

const compiled = compileConfig({ sites: [testSite()] });
if (!compiled.ok) throw new Error("test config invalid");
const [site] = compiled.config.sites;
if (!site) throw new Error("no site");

describe("consent-edge/cookies: judgeSetCookie", () => {
  it.each<[string, string[], string]>([
    ["_ga=GA1.1.1; Path=/", [], "drop"],
    ["_ga=GA1.1.1; Path=/", ["analytics"], "keep"],
    ["_fbp=fb.1; Path=/", ["analytics"], "drop"],
    ["session=s1; Path=/; Secure; HttpOnly; SameSite=Lax", [], "keep"],
    ["ce_consent=forged; Path=/", ["analytics", "marketing"], "drop"],
    ["mystery=1; Path=/", ["analytics", "marketing", "functional"], "drop"],
  ])("%s granted %j: %s", (line, granted, action) => {
    expect(judgeSetCookie(line, site, granted, FIXED_NOW).action).toBe(action);
  });

  it("a rewrite says what it changed and gives the line to send", () => {
    const decision = judgeSetCookie("_ga=GA1.1.1; Path=/; Max-Age=999999999", site, ["analytics"], FIXED_NOW);
    if (decision.action !== "rewrite") throw new Error(`expected a rewrite, got ${decision.action}`);
    expect(parseSetCookie(decision.line).name).toBe("_ga");
    expect(decision.changes.length).toBeGreaterThan(0);
  });
});

describe("consent-edge/consent: consentOf", () => {
  it("reads the site's consent cookie", () => {
    const request = new Request("https://www.example.com/", { headers: { Cookie: consent(["analytics"]) } });
    const state = consentOf(request, site, FIXED_NOW);
    expect([...state.granted].sort()).toEqual(["analytics", "necessary"]);
    expect(state.source).toBe("consent-cookie");
  });

  it("garbage is no consent, with a reason", () => {
    const request = new Request("https://www.example.com/", { headers: { Cookie: "ce_consent=%%%" } });
    const state = consentOf(request, site, FIXED_NOW);
    expect([...state.granted]).toEqual(["necessary"]);
    expect(state.decided).toBe(false);
  });
});

describe("env.ts: the bindings a config names", () => {
  const fetcher = { fetch: () => Promise.resolve(new Response("ok")) };

  it.each<[string, unknown, boolean]>([
    ["a service binding", fetcher, true],
    ["missing", undefined, false],
    ["a string", "https://origin.example.com", false],
    ["an object without fetch", { connect: () => undefined }, false],
    ["null", null, false],
  ])("serviceBinding: %s", (_, value, found) => {
    const env = { ORIGIN: value } as Record<string, unknown>;
    expect(serviceBinding(env, "ORIGIN") !== undefined).toBe(found);
  });

  it.each<[string, unknown, string | undefined]>([
    ["a secret", "s3cret", "s3cret"],
    ["empty", "", undefined],
    ["missing", undefined, undefined],
    ["not a string", 42, undefined],
  ])("secretBinding: %s", (_, value, expected) => {
    expect(secretBinding({ SECRET: value } as Record<string, unknown>, "SECRET")).toBe(expected);
  });
});
