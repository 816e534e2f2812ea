import { describe, expect, it } from "vitest";
import type { CookieRule } from "../src/config/validate";
import { compileCookieClassifier } from "../src/cookies/classify-cookie";
import { decideSetCookie } from "../src/cookies/decide-set-cookie";
import { cookieLifetime, parseSetCookie } from "../src/cookies/parse-set-cookie";
import { rewriteSetCookie } from "../src/cookies/rewrite-set-cookie";

const NOW = 1_795_000_000; // 2026-11-18T...Z
const httpDate = (unix: number) => new Date(unix * 1000).toUTCString();

describe("parseSetCookie", () => {
  it.each([
    ["a=b", "a", "a=b", []],
    ["  a = b ; Path=/ ;HttpOnly", "a", "a = b", ["path", "httponly"]],
    ["noequals; Secure", "", "noequals", ["secure"]],
    ["=value", "", "=value", []],
    ["a=b=c; Max-Age=10; max-age=20", "a", "a=b=c", ["max-age", "max-age"]],
    ["", "", "", []],
    [";;;", "", "", []],
  ])("%j", (raw, name, pair, keys) => {
    const line = parseSetCookie(raw);
    expect(line.name).toBe(name);
    expect(line.pair).toBe(pair);
    expect(line.attributes.map((a) => a.key)).toEqual(keys);
  });

  it.each([
    ["a=1; Max-Age=60", 60],
    ["a=1; Max-Age=60; Max-Age=5", 5], // the last one wins
    ["a=1; Max-Age=abc; Expires=" + httpDate(NOW + 100), 100], // invalid Max-Age is ignored
    ["a=1; Expires=" + httpDate(NOW - 10), -10],
    ["a=1; Max-Age=-1", -1],
    ["a=1; Expires=not a date", undefined],
    ["a=1", undefined],
  ])("lifetime of %j is %s", (raw, lifetime) => {
    expect(cookieLifetime(parseSetCookie(raw), NOW)).toBe(lifetime);
  });
});

describe("rewriteSetCookie", () => {
  const base: CookieRule = { pattern: "x", category: "analytics", order: 0 };
  it.each<[string, Partial<CookieRule>, string | undefined, string[]]>([
    ["x=1; Max-Age=100", { maxAgeSeconds: 200 }, undefined, []],
    ["x=1; Max-Age=300; Path=/", { maxAgeSeconds: 200 }, "x=1; Path=/; Max-Age=200", ["max-age"]],
    [
      `x=1; Expires=${httpDate(NOW + 1_000)}; Path=/`,
      { maxAgeSeconds: 200 },
      `x=1; Path=/; Max-Age=200; Expires=${httpDate(NOW + 200)}`,
      ["max-age"],
    ],
    ["x=1", { maxAgeSeconds: 200 }, undefined, []], // a session cookie is already shorter than any cap
    [
      "x=1; Path=/",
      { secure: true, httpOnly: true },
      "x=1; Path=/; Secure; HttpOnly",
      ["secure", "httponly"],
    ],
    ["x=1; secure; HTTPONLY", { secure: true, httpOnly: true }, undefined, []],
    ["x=1; SameSite=None; Secure", { sameSite: "Lax" }, "x=1; Secure; SameSite=Lax", ["samesite"]],
    ["x=1; samesite=lax", { sameSite: "Lax" }, undefined, []],
    ["x=1; SameSite=Strict", { sameSite: "Lax" }, undefined, []], // never weakened to the rule's minimum
    ["x=1; SameSite=Bogus", { sameSite: "Lax" }, "x=1; SameSite=Lax", ["samesite"]],
    ["x=1; SameSite=Lax", { sameSite: "Strict" }, "x=1; SameSite=Strict", ["samesite"]],
    ["x=1; Path=/", { path: "/api/auth" }, "x=1; Path=/api/auth", ["path"]],
    ["x=1", { path: "/api/auth" }, "x=1; Path=/api/auth", ["path"]],
    ["x=1; Path=/api/auth/refresh", { path: "/api/auth" }, undefined, []],
    ["x=1; Path=/api/authz", { path: "/api/auth" }, "x=1; Path=/api/auth", ["path"]],
  ])("%j with %j", (raw, rule, expected, changes) => {
    const result = rewriteSetCookie(parseSetCookie(raw), { ...base, ...rule }, NOW);
    expect(result?.line).toBe(expected);
    expect(result?.changes ?? []).toEqual(changes);
  });
});

describe("decideSetCookie", () => {
  const classify = compileCookieClassifier(
    [
      { pattern: "sid", category: "necessary", order: 0, httpOnly: true },
      { pattern: "_ga", category: "analytics", order: 1, maxAgeSeconds: 3_600 },
    ],
    "ce_consent",
  );
  const decide = (raw: string, granted: string[], undeclared: "block" | "allow" | "report" = "block") =>
    decideSetCookie(raw, { classify, granted: new Set(["necessary", ...granted]), undeclared, now: NOW });

  it.each([
    ["sid=1; HttpOnly", [], "keep"],
    ["sid=1", [], "rewrite"],
    ["_ga=GA1; Max-Age=60", [], "drop"],
    ["_ga=GA1; Max-Age=60", ["analytics"], "keep"],
    ["_ga=GA1; Max-Age=99999", ["analytics"], "rewrite"],
    ["_ga=; Max-Age=0", [], "keep"], // an origin deleting a refused cookie is let through
    [`_ga=; Expires=${httpDate(0)}`, [], "keep"],
    ["ce_consent=1.r.1.-", [], "keep"],
    ["unknown=1", [], "drop"],
    ["noequals", [], "drop"],
  ])("%j granted %j -> %s", (raw, granted, action) => {
    expect(decide(raw, granted).action).toBe(action);
  });

  it.each([
    ["allow", "keep"],
    ["report", "keep"],
    ["block", "drop"],
  ] as const)("undeclared cookies under %s -> %s", (policy, action) => {
    const decision = decide("mystery=1", [], policy);
    expect(decision.action).toBe(action);
    expect(decision.reason).toEqual({ kind: "undeclared", policy });
  });

  it("keeps a kept line byte for byte", () => {
    const raw = "sid=a%20b==; httponly;   Path=/x ; Weird";
    const decision = decide(raw, []);
    expect(decision.action === "keep" && decision.line).toBe(raw);
  });
});
