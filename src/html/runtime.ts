/**
 * The runtime injected first into every rewritten page: it restores neutralised elements, in
 * document order, the moment the visitor grants their category, without a reload, and gives the page
 * `window.consentEdge`. Its source is TypeScript for the browser in src/runtime/ (index.ts says what
 * it does); scripts/build-runtime.ts bundles and minifies it into src/html/runtime.generated.ts, the
 * strings shipped here and measured by the tests. This file builds what the edge hands it per page.
 */
import type { Site } from "../config/compile";
import { globSource } from "../config/glob";
import type { RuntimeConfig } from "../runtime/config";
import { nonceAttribute } from "./csp";
import { GUARD_SOURCE_TEXT, RUNTIME_SOURCE } from "./runtime.generated";

export { GUARD_SOURCE_TEXT, RUNTIME_SOURCE };
export type { RuntimeConfig };

export function runtimeConfig(site: Site, granted: ReadonlySet<string>): RuntimeConfig {
  return {
    n: site.consentCookie.name,
    r: site.policyRevision,
    m: site.consentCookie.maxAgeSeconds,
    k: site.categories,
    g: [...granted].filter((category) => category !== "necessary"),
    gcm: site.trackers.googleConsentMode,
    guard: cookieGuardRules(site),
  };
}

/** The guard's rules depend only on the site: built once per isolate, not per page. */
const guards = new WeakMap<Site, RuntimeConfig["guard"]>();

function cookieGuardRules(site: Site): RuntimeConfig["guard"] {
  let rules = guards.get(site);
  if (rules === undefined) {
    rules = site.trackers.cookieGuard
      ? site.cookies.map((rule): [string, string] => [`^${globSource(rule.pattern)}$`, rule.category])
      : false;
    guards.set(site, rules);
  }
  return rules;
}

/** The text of the injected script. `<` is escaped so that nothing in the config can close the element. */
export function runtimeText(config: RuntimeConfig): string {
  const guard = config.guard ? `,${GUARD_SOURCE_TEXT}` : "";
  return `${RUNTIME_SOURCE}(${JSON.stringify(config).replace(/</g, "\\u003c")}${guard})`;
}

/** The `<script>` element to inject; `nonce` is the page's CSP nonce when it has one. */
export function runtimeElement(text: string, nonce: string | undefined): string {
  return `<script${nonceAttribute(nonce)}>${text}</script>`;
}
