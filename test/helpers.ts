/** Shared test helpers: build the real app from a config and send it real requests. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createProxy } from "../src/worker";
import { compileConfig, type Site } from "../src/config/compile";
import type { SiteInput } from "../src/config/types";
import { serializeConsentCookie } from "../src/consent/consent-cookie";
import { resolveConsent } from "../src/consent/resolve-consent";

export const FIXED_NOW_MS = Date.UTC(2026, 10, 23, 12, 0, 0);
export const FIXED_NOW = FIXED_NOW_MS / 1000;
export const DEBUG_SECRET = "test-debug-secret";
export const REVISION = "2026-04-03";

/** A site in front of the fixture origin, with a small rule set; override what a test needs. */
export function testSite(overrides: Partial<SiteInput> = {}): SiteInput {
  return {
    id: "test",
    hosts: ["www.example.com", "*.example.org"],
    origin: "service:FIXTURE_ORIGIN",
    policyRevision: REVISION,
    debugSecret: "CONSENT_DEBUG_SECRET",
    cookies: [
      { name: "session", category: "necessary", secure: true, httpOnly: true, sameSite: "Lax" },
      { name: "refresh", category: "necessary", path: "/api/auth", maxAge: "7d" },
      { name: "lang", category: "functional", maxAge: "1y" },
      { name: "_ga", category: "analytics", maxAge: "400d" },
      { name: "_ga_*", category: "analytics" },
      { name: "ph_*_posthog", category: "analytics" },
      { name: "_fbp", category: "marketing", maxAge: "3mo" },
      { name: "__Host-ad", category: "marketing" },
      { name: "__Secure-ad", category: "marketing" },
    ],
    ...overrides,
  };
}

export function appFor(sites: SiteInput[] | SiteInput, clock: () => number = () => FIXED_NOW_MS) {
  const compiled = compileConfig({ sites: Array.isArray(sites) ? sites : [sites] });
  if (!compiled.ok) throw new Error(`test config invalid: ${JSON.stringify(compiled.problems)}`);
  return createProxy(compiled.config, { clock });
}

export type App = ReturnType<typeof appFor>;

export interface SendOptions extends RequestInit {
  /** Set-Cookie lines the fixture origin should send back. */
  originSets?: string[];
  debug?: boolean;
}

export async function send(app: App, url: string, options: SendOptions = {}): Promise<Response> {
  const { originSets, debug, ...init } = options;
  const headers = new Headers(init.headers);
  if (originSets) headers.set("X-Fixture-Set-Cookie", JSON.stringify(originSets));
  if (debug) headers.set("X-Consent-Debug", DEBUG_SECRET);
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(url, { ...init, headers }), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** A consent cookie pair as the browser would send it. */
export function consent(
  granted: string[],
  options: { revision?: string; givenAt?: number; name?: string } = {},
) {
  const value = serializeConsentCookie({
    revision: options.revision ?? REVISION,
    givenAt: options.givenAt ?? FIXED_NOW - 3_600,
    granted,
  });
  return `${options.name ?? "ce_consent"}=${value}`;
}

/** Names of the cookies a response sets (deletions included). */
export function setCookieNames(response: Response): string[] {
  return response.headers.getSetCookie().map((line) => line.slice(0, line.indexOf("=")));
}

/** The Cookie header the fixture origin received. */
export function originReceivedCookie(response: Response): string {
  return response.headers.get("X-Fixture-Received-Cookie") ?? "";
}

/** The one site a config compiles to; a config with problems fails the test with them. */
export function compiledSite(input: unknown): Site {
  const result = compileConfig(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const [site] = result.config.sites;
  if (!site) throw new Error("no site");
  return site;
}

/**
 * `resolveConsent` for a request carrying these values of consent-edge's own cookie (several: copies,
 * as a sibling subdomain can add), at FIXED_NOW, from `country` (geolocated: a visitor whose country
 * is unknown always gets opt-in).
 */
export function resolveOwnCookies(
  site: Site,
  values: readonly string[],
  headers: Record<string, string> = {},
  country = "FR",
) {
  return resolveConsent(
    {
      cookies: values.map((value) => ({ name: "ce_consent", value })),
      headers: new Headers(headers),
      now: FIXED_NOW,
      country,
    },
    site,
    site.consentSources,
  );
}
