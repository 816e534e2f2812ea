/**
 * `consent-edge policy`: the cookie declaration a site's config makes (src/policy/), printed as
 * Markdown (to publish), JSON or the HTML page the worker serves. What the declaration cannot
 * state (a cookie without purpose, provider, duration or setter) is a warning on stderr, one per
 * row: the policy still prints, and the exit code is 0.
 */
import type { Site } from "../config/compile";
import { type Declaration, declarationFor } from "../policy/declaration";
import { renderPolicyHtml } from "../policy/render-html";
import { renderPolicyJson } from "../policy/render-json";
import { renderPolicyMarkdown } from "../policy/render-markdown";
import { textsFor } from "../texts/texts-for";

export const POLICY_FORMATS = ["markdown", "json", "html"] as const;
export type PolicyFormat = (typeof POLICY_FORMATS)[number];

export const POLICY_HELP = `usage: consent-edge policy [--config FILE] [--site ID] [--format markdown|json|html] [--lang TAG]

Prints the cookie policy the config declares, per category: each cookie (name, provider, purpose,
duration, who sets it, first or third party), the storage keys, the third parties and the
visitor's choices. The worker serves the same at the site's policy.path (HTML) and
policy.jsonPath (JSON).

  --config FILE     the config (default consent-edge.config.json)
  --site ID         the site, when the config has more than one
  --format F        markdown (default), json, or html (the page as the worker serves it)
  --lang TAG        the language of the texts (default: the site's default language)

Rows the declaration cannot state (no purpose, provider, duration, or who sets the cookie) are
warnings on stderr. Exit 0 when printed, 1 when the config is not valid, 2 on a usage error.`;

export function isPolicyFormat(format: string): format is PolicyFormat {
  return (POLICY_FORMATS as readonly string[]).includes(format);
}

/** The site to print: the one named, or the only one; otherwise what is wrong. */
export function pickSite(sites: readonly Site[], id: string | undefined): Site | string {
  if (id !== undefined) {
    return sites.find((site) => site.id === id) ?? `no site "${id}" (the config has ${idsOf(sites)})`;
  }
  const [only, ...others] = sites;
  if (only && others.length === 0) return only;
  return `the config has ${sites.length} sites: give --site with one of ${idsOf(sites)}`;
}

function idsOf(sites: readonly Site[]): string {
  return sites.map((site) => site.id).join(", ");
}

export function renderPolicy(site: Site, format: PolicyFormat, lang: string | undefined): string {
  const chosen = textsFor(site, lang ?? null);
  const declaration = declarationFor(site, chosen.texts);
  if (format === "json") return renderPolicyJson(declaration).trimEnd();
  if (format === "html") return renderPolicyHtml(declaration, chosen);
  return renderPolicyMarkdown(declaration, chosen).trimEnd();
}

/** One line per thing a row of the declaration cannot state, with what to add to the rule. */
export function policyWarnings(site: Site, declaration: Declaration = declarationFor(site)): string[] {
  const warnings: string[] = [];
  for (const category of declaration.categories) {
    category.cookies.forEach((cookie) => {
      const where = `${site.id}: cookie "${cookie.name}" (${category.id})`;
      if (cookie.purpose === undefined) warnings.push(`${where}: no purpose (fix: add "purpose")`);
      if (cookie.provider === undefined) warnings.push(`${where}: no provider (fix: add "provider")`);
      if (cookie.duration.kind === "unknown")
        warnings.push(`${where}: no duration (fix: add "maxAge", or "session": true)`);
      if (cookie.setBy === undefined)
        warnings.push(`${where}: who sets it is unknown (fix: add "setBy": "http" or "script")`);
    });
    for (const item of category.storage) {
      const where = `${site.id}: storage key "${item.key}" (${category.id})`;
      if (item.purpose === undefined) warnings.push(`${where}: no purpose (fix: add "purpose")`);
      if (item.provider === undefined) warnings.push(`${where}: no provider (fix: add "provider")`);
    }
  }
  return warnings;
}
