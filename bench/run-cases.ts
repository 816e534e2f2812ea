/**
 * What `npm run bench` measures: three variants in one workerd, two visitors, and the check that
 * consent-edge really enforces before anything is measured.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "./latency";
import { passthroughModule, type Service } from "./workerd";

/** The three variants, in the order they are reported. */
export const VARIANTS = ["origin", "passthrough", "consent-edge"] as const;
export type Variant = (typeof VARIANTS)[number];

export const HOST = "localhost";
const SITE_ID = "demo";

/** The demo origin and consent-edge as bundled from src/ (entry files), and the passthrough's source. */
export const ENTRIES = { "consent-edge": "demo/edge.ts", origin: "demo/origin/index.ts" } as const;
export const PASSTHROUGH_JS = passthroughModule("DEMO_ORIGIN");

export function services(debugSecret: string): Service<Variant>[] {
  const toOrigin = { name: "DEMO_ORIGIN", service: "origin" };
  return [
    { name: "origin", file: "origin.js", bindings: [] },
    { name: "passthrough", file: "passthrough.js", bindings: [toOrigin] },
    {
      name: "consent-edge",
      file: "consent-edge.js",
      bindings: [toOrigin, { name: "CONSENT_DEBUG_SECRET", text: debugSecret }],
    },
  ];
}

export interface Case {
  id: "no-consent" | "consent-all";
  label: string;
  headers: Record<string, string>;
}

/** The two visitor states: no cookie at all, and a consent cookie granting every category. */
export function cases(root: string): Case[] {
  const config = JSON.parse(readFileSync(join(root, "demo/consent-edge.config.json"), "utf8")) as {
    sites: { id: string; policyRevision: string; categories: string[] }[];
  };
  const site = config.sites.find((s) => s.id === SITE_ID);
  if (!site) throw new Error(`bench: demo/consent-edge.config.json has no site "${SITE_ID}"`);
  const granted = site.categories.filter((c) => c !== "necessary").join("~");
  const givenAt = Math.floor(Date.now() / 1000) - 60;
  return [
    { id: "no-consent", label: "no cookie", headers: { Host: HOST } },
    {
      id: "consent-all",
      label: "consent to all",
      headers: { Host: HOST, Cookie: `ce_consent=1.${site.policyRevision}.${givenAt}.${granted}` },
    },
  ];
}

/** What the demo page must look like through each variant, or we would be measuring the wrong thing. */
const ORIGIN_SET_COOKIES = 22;
const NO_CONSENT_SET_COOKIES = 4;

export interface Check {
  status: number;
  setCookies: number;
  bodyBytes: number;
  fromOrigin: boolean;
}

/** Abort loudly unless consent-edge really enforces: 22 Set-Cookie lines pass through, 4 survive it. */
export async function verify(client: Client<Variant>, benchCase: Case): Promise<Record<Variant, Check>> {
  const checks = {} as Record<Variant, Check>;
  for (const variant of VARIANTS) {
    const reply = await client.get(variant);
    checks[variant] = {
      status: reply.status,
      setCookies: reply.headers["set-cookie"]?.length ?? 0,
      bodyBytes: reply.bodyBytes,
      fromOrigin: reply.headers["x-demo-origin"] === "1",
    };
  }
  const problems: string[] = [];
  for (const variant of VARIANTS) {
    const check = checks[variant];
    if (check.status !== 200) problems.push(`${variant}: HTTP ${check.status}, expected 200`);
    if (!check.fromOrigin)
      problems.push(`${variant}: no X-Demo-Origin header: the demo origin did not answer`);
  }
  for (const variant of ["origin", "passthrough"] as const) {
    if (checks[variant].setCookies !== ORIGIN_SET_COOKIES) {
      problems.push(
        `${variant}: ${checks[variant].setCookies} Set-Cookie lines, expected ${ORIGIN_SET_COOKIES} (the demo origin changed?)`,
      );
    }
  }
  const edge = checks["consent-edge"].setCookies;
  if (benchCase.id === "no-consent" && edge !== NO_CONSENT_SET_COOKIES) {
    problems.push(
      `consent-edge: ${edge} Set-Cookie lines without consent, expected ${NO_CONSENT_SET_COOKIES}: it is not enforcing`,
    );
  }
  if (benchCase.id === "consent-all" && (edge <= NO_CONSENT_SET_COOKIES || edge > ORIGIN_SET_COOKIES)) {
    problems.push(
      `consent-edge: ${edge} Set-Cookie lines with full consent: the consent cookie was not honoured`,
    );
  }
  if (problems.length > 0) {
    throw new Error(
      `bench: verification failed (${benchCase.label}), refusing to measure:\n  ${problems.join("\n  ")}`,
    );
  }
  return checks;
}
