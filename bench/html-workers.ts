/**
 * The workers `npm run bench:html` serves, each bound to an origin worker as ORIGIN: the origin's
 * module, pass-through, one HTMLRewriter selector, and consent-edge with generated configs.
 * The module builders are reusable for ad-hoc variants (ablations, experiments).
 *
 * Each variant runs in a workerd process of its own, beside its own copy of the origin
 * (processServices), so that a process's CPU time and peak memory are that variant's plus the
 * origin's, and the pass-through's process, measured alike, is the origin's and the proxying's.
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
/** consent-edge with 10 rules: the variant measured at every page size. */
export const EDGE_10 = EDGE[0] ?? "consent-edge-10";

/** The one-selector variant's selector: it matches the page's 5 external scripts (3 first-party, 2 gtag.js). */
export const ONE_SELECTOR = "script[src]";

/**
 * The origin's slowly streaming copy of the page: the head (through `</head>`) at once, then the
 * rest in SLOW_PIECES pieces, one every SLOW_INTERVAL_MS: the last byte leaves about a second after
 * the first, as from an origin that renders the page while it sends it.
 */
export const SLOW_PATH = "/slow";
export const SLOW_PIECES = 10;
export const SLOW_INTERVAL_MS = 100;

/**
 * The origin: the same page on every request, as a string (no cookies, cacheable for a minute);
 * at SLOW_PATH the same page streamed slowly.
 */
export function originModule(page: string): string {
  return `const PAGE = ${JSON.stringify(page)};
const HEADERS = { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "public, max-age=60" };
const HEAD_END = PAGE.indexOf("</head>") + "</head>".length;
const PIECES = ${SLOW_PIECES};
const INTERVAL_MS = ${SLOW_INTERVAL_MS};
const encoder = new TextEncoder();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function sendSlowly(writer) {
  await writer.write(encoder.encode(PAGE.slice(0, HEAD_END)));
  const rest = PAGE.slice(HEAD_END);
  const size = Math.ceil(rest.length / PIECES);
  for (let i = 0; i < PIECES; i++) {
    await sleep(INTERVAL_MS);
    await writer.write(encoder.encode(rest.slice(i * size, (i + 1) * size)));
  }
  await writer.close();
}

export default {
  fetch(request) {
    if (new URL(request.url).pathname === ${JSON.stringify(SLOW_PATH)}) {
      const { readable, writable } = new TransformStream();
      const writer = writable.getWriter();
      sendSlowly(writer).catch((error) => writer.abort(error).catch(() => {}));
      return new Response(readable, { headers: HEADERS });
    }
    return new Response(PAGE, { headers: HEADERS });
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

/** A page the origin serves, by its short name ("100k"). */
export interface OriginPage {
  id: string;
  html: string;
}

/** The origin's module file for a page. */
export function originFile(pageId: string): string {
  return `origin-${pageId}.js`;
}

/**
 * One process's services: the origin serving `pageId`'s page, and `variant` bound to it as ORIGIN.
 * Both get a socket (the origin's for the slow-stream reference and the checks).
 */
export function processServices(pageId: string, variant: string): Service[] {
  return [
    { name: ORIGIN_SERVICE, file: originFile(pageId), bindings: [] },
    { name: variant, file: `${variant}.js`, bindings: [{ name: "ORIGIN", service: ORIGIN_SERVICE }] },
  ];
}

/**
 * Write and bundle every worker into `buildDir`: an origin per page, each variant once, serving
 * `host`. Returns each bundle's size and hash.
 */
export async function buildWorkers(
  root: string,
  buildDir: string,
  pages: readonly OriginPage[],
  host: string,
): Promise<Record<string, BundleInfo>> {
  mkdirSync(buildDir, { recursive: true });
  for (const page of pages) writeFileSync(join(buildDir, originFile(page.id)), originModule(page.html));
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
  const files = [...pages.map((p) => originFile(p.id)), ...VARIANTS.map((v) => `${v}.js`)];
  return Object.fromEntries(files.map((file) => [file, describeBundle(join(buildDir, file))]));
}
