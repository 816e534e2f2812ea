import { describe, expect, it } from "vitest";
import type { CookieRule } from "../src/config/validate";
import { compileCookieClassifier } from "../src/cookies/classify-cookie";

const rule = (pattern: string, category: string, order: number): CookieRule => ({ pattern, category, order });

const RULES = [
  rule("_ga", "analytics", 0),
  rule("_ga_*", "analytics", 1),
  rule("ph_*_posthog", "analytics", 2),
  rule("ph_*", "marketing", 3),
  rule("_pk_id*", "analytics", 4),
  rule("*_session", "necessary", 5),
  rule("a*", "functional", 6),
  rule("a*", "marketing", 7),
];

describe("compileCookieClassifier", () => {
  const classify = compileCookieClassifier(RULES, "ce_consent");
  const patternOf = (name: string) => {
    const result = classify(name);
    return result.kind === "rule" ? result.rule.pattern : result.kind;
  };

  it.each([
    ["_ga", "_ga"], // exact beats the glob that would also match
    ["_ga_ABC123", "_ga_*"],
    ["_ga_", "_ga_*"], // `*` matches the empty run
    ["_gab", "undeclared"],
    ["ph_phc_abc_posthog", "ph_*_posthog"], // more literal characters beat `ph_*`
    ["ph_other", "ph_*"],
    ["_pk_id.1.1fff", "_pk_id*"],
    ["_pk_id", "_pk_id*"],
    ["app_session", "*_session"],
    ["abc", "a*"], // equally specific: the first declared wins
    ["_GA", "undeclared"], // cookie names are case-sensitive
    ["ce_consent", "consent-cookie"],
    ["", "undeclared"],
    ["__proto__", "undeclared"],
    ["constructor", "undeclared"],
  ])("%j -> %s", (name, expected) => {
    expect(patternOf(name)).toBe(expected);
  });

  it("picks the first declared of two equally specific globs", () => {
    const result = classify("abc");
    expect(result.kind === "rule" && result.rule.category).toBe("functional");
  });

  it("treats regex metacharacters in names literally", () => {
    const dotted = compileCookieClassifier([rule("a.b*", "analytics", 0)], "ce_consent");
    expect(dotted("a.bc").kind).toBe("rule");
    expect(dotted("axbc").kind).toBe("undeclared");
  });

  it("classifies against 10,000 rules by lookup, not by a loop per cookie", () => {
    const many: CookieRule[] = [];
    for (let i = 0; i < 10_000; i++) many.push(rule(`exact_${i}`, "analytics", i));
    for (let i = 0; i < 2_000; i++) many.push(rule(`glob_${i}_*`, "marketing", 10_000 + i));
    const big = compileCookieClassifier(many, "ce_consent");
    const names = Array.from({ length: 20_000 }, (_, i) =>
      i % 2 ? `exact_${i % 10_000}` : `glob_${i % 2_000}_x${i}`,
    );
    let matched = 0;
    for (const name of names) if (big(name).kind === "rule") matched++;
    expect(matched).toBe(20_000);
    const last = big("glob_1999_zzz");
    expect(last.kind === "rule" && last.rule.pattern).toBe("glob_1999_*");
    expect(big("glob_2000_zzz").kind).toBe("undeclared");
  });
});
