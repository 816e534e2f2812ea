/**
 * The workers `npm run bench:html` serves, each bound to the same origin worker as ORIGIN: the
 * origin's module, pass-through, one HTMLRewriter selector, and consent-edge with generated configs.
 * The module builders are reusable for ad-hoc variants (ablations, experiments).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BundleInfo, describeBundle } from "./results";
import { bundle, passthroughModule, type Service } from "./workerd";
import { MAX_PAGE_GUARD_RULES } from "../src/config/trackers";

export const ORIGIN_SERVICE = "origin";
export const RULE_COUNTS = [10, 1_000, 10_000] as const;
export const EDGE = RULE_COUNTS.map((n) => `consent-edge-${n >= 1000 ? `${n / 1000}k` : n}`);
export const VARIANTS = ["passthrough", "one-selector", ...EDGE];

/** The one-selector variant's selector: it matches the page's 5 external scripts (3 first-party, 2 gtag.js). */
export const ONE_SELECTOR = "script[src]";

/** The origin: the same page on every request, as a string (no cookies, cacheable for a minute). */
export function originModule(page: string): string {
  return `const PAGE = ${JSON.stringify(page)};
export default {
  fetch() {
    return new Response(PAGE, {
      headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "public, max-age=60" },
    });
  },
};
`;
}

/** HTMLRewriter with one selector and an empty handler over the origin's body. */
export function oneSelectorModule(selector: string): string {
  return `const noop = { element() {} };
export default {
  async fetch(req, env) {
    return new HTMLRewriter().on(${JSON.stringify(selector)}, noop).transform(await env.ORIGIN.fetch(req));
  },
};
`;
}

/** consent-edge's stand-alone worker with an inline config (src/worker.ts createProxy + src/config/compile.ts). */
export function consentEdgeEntry(config: unknown): string {
  return `import { createProxy } from "./worker";
import { compileConfig } from "./config/compile";
const compiled = compileConfig(${JSON.stringify(config)});
if (!compiled.ok) throw new Error("bench: generated config is invalid: " + JSON.stringify(compiled.problems));
export default createProxy(compiled.config);
`;
}

/**
 * One site on `host`, origin `service:ORIGIN`, `ruleCount` host rules (Matomo's self-hosted host
 * first), the page guard on when the rules fit its cap.
 */
export function benchConfig(host: string, ruleCount: number): unknown {
  const rules: { host: string; category: string; vendor?: string }[] = [
    // The demo's Matomo is self-hosted: its noscript pixel is only recognised through this rule.
    { host: "analytics.aktok.com", category: "analytics", vendor: "Matomo (self-hosted)" },
  ];
  for (let i = 0; rules.length < ruleCount; i++)
    rules.push({ host: `tracker-${i}.example`, category: "marketing" });
  return {
    sites: [
      {
        id: "bench",
        hosts: [host],
        origin: "service:ORIGIN",
        categories: ["necessary", "functional", "analytics", "marketing"],
        policyRevision: "2026-04-03",
        mode: "enforce",
        // Over the page guard's cap (1,000 rules, each shipped in every page) the guard is off.
        trackers: { rules, googleConsentMode: true, runtimeGuard: ruleCount <= MAX_PAGE_GUARD_RULES },
      },
    ],
  };
}

/**
 * Write and bundle every worker into `buildDir`, serving `page` for `host`. Returns the services,
 * origin first, and each bundle's size and hash.
 */
export async function buildWorkers(
  root: string,
  buildDir: string,
  page: string,
  host: string,
): Promise<{ services: Service[]; bundles: Record<string, BundleInfo> }> {
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(join(buildDir, "origin.js"), originModule(page));
  writeFileSync(join(buildDir, "passthrough.js"), passthroughModule("ORIGIN"));
  writeFileSync(join(buildDir, "one-selector.js"), oneSelectorModule(ONE_SELECTOR));
  await Promise.all(
    RULE_COUNTS.map((rules, i) =>
      bundle(
        {
          source: consentEdgeEntry(benchConfig(host, rules)),
          resolveDir: join(root, "src"),
          nodeModules: join(root, "node_modules"),
        },
        join(buildDir, `${EDGE[i] ?? ""}.js`),
      ),
    ),
  );
  const toOrigin = [{ name: "ORIGIN", service: ORIGIN_SERVICE }];
  const services: Service[] = [
    { name: ORIGIN_SERVICE, file: "origin.js", bindings: [] },
    ...VARIANTS.map((name) => ({ name, file: `${name}.js`, bindings: toOrigin })),
  ];
  const bundles = Object.fromEntries(services.map((s) => [s.name, describeBundle(join(buildDir, s.file))]));
  return { services, bundles };
}
