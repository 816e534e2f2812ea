/**
 * What a valid config needs from wrangler.toml: a service binding for every `service:` origin and a
 * D1 database bound as CONSENT_DB for receipts. Without them every request to that site fails, or
 * every consent decision, which validation of the config alone cannot see.
 */
import type { CompiledConfig } from "../config/compile";
import type { ConfigProblem } from "../config/problems";

/** The binding names wrangler.toml declares (`binding = "NAME"`), comments left out. */
export function declaredBindings(wranglerToml: string): Set<string> {
  const live = wranglerToml
    .split("\n")
    .filter((line) => !line.trim().startsWith("#"))
    .join("\n");
  return new Set([...live.matchAll(/binding\s*=\s*"([^"]+)"/g)].map((match) => match[1] ?? ""));
}

export function bindingProblems(config: CompiledConfig, declared: Set<string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  config.sites.forEach((site, i) => {
    if (site.consent.receipts && !declared.has("CONSENT_DB")) {
      problems.push({
        path: `sites[${i}].consent.receipts`,
        message: "receipts need a D1 database bound as CONSENT_DB, and wrangler.toml binds none",
        fix: 'create one (`wrangler d1 create consent-receipts`) and add [[d1_databases]] binding = "CONSENT_DB" to wrangler.toml',
      });
    }
    if (site.origin?.kind === "service" && !declared.has(site.origin.binding)) {
      problems.push({
        path: `sites[${i}].origin`,
        message: `service binding ${site.origin.binding} is not declared in wrangler.toml`,
        fix: `add [[services]] binding = "${site.origin.binding}" to wrangler.toml`,
      });
    }
  });
  return problems;
}
