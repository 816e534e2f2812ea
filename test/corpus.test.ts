/**
 * Real Set-Cookie lines from top sites and the IETF http-state suite: never throw, keep verbatim when
 * granted, and when refused drop each line or replace it with our own deletion (never the origin's).
 * What a jar stores from each outcome is judged in test/cookie-jar.test.ts.
 */
import { describe, expect, inject, it } from "vitest";
import { compileCookieClassifier } from "../src/cookies/classify-cookie";
import { decideSetCookie } from "../src/cookies/decide-set-cookie";
import { parseSetCookie } from "../src/cookies/parse-set-cookie";

const NOW = 1_795_000_000;
const topSetCookie = inject("topSetCookie");
const httpState = inject("httpStateParser");

function linesOf(): string[] {
  const top = topSetCookie ? Object.values(JSON.parse(topSetCookie) as Record<string, string[]>).flat() : [];
  const state = httpState
    ? (JSON.parse(httpState) as Array<{ received: string[] }>).flatMap((c) => c.received)
    : [];
  return [...top, ...state];
}

describe.skipIf(topSetCookie === null || httpState === null)(
  "real Set-Cookie corpora (skipped: ../shared/testdata absent)",
  () => {
    const lines = linesOf();

    it("has the corpora", () => {
      expect(lines.length).toBeGreaterThan(300);
    });

    it("keeps every line byte for byte when its cookie is declared and granted", () => {
      const names = [...new Set(lines.map((line) => parseSetCookie(line).name))];
      const classify = compileCookieClassifier(
        names
          .filter((name) => name !== "")
          .map((pattern, order) => ({ pattern: pattern.replaceAll("*", ""), category: "analytics", order })),
        "ce_consent",
      );
      const granted = new Set(["necessary", "analytics"]);
      const notKept = lines.filter((line) => {
        const decision = decideSetCookie(line, {
          classify,
          consentCookieName: "ce_consent",
          granted,
          undeclared: "block",
          now: NOW,
        });
        const name = parseSetCookie(line).name;
        return name !== "" && !name.includes("*") && !(decision.action === "keep" && decision.line === line);
      });
      expect(notKept).toEqual([]);
    });

    it("drops or replaces every line when nothing is declared: none passes as the origin wrote it", () => {
      const classify = compileCookieClassifier([], "ce_consent");
      const granted = new Set(["necessary"]);
      const leaked = lines.filter((line) => {
        const decision = decideSetCookie(line, {
          classify,
          consentCookieName: "ce_consent",
          granted,
          undeclared: "block",
          now: NOW,
        });
        if (decision.action === "delete")
          return decision.line === line || !/^[^=]+=; Max-Age=0; /.test(decision.line);
        return decision.action !== "drop";
      });
      expect(leaked).toEqual([]);
    });
  },
);
