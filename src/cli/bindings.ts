/**
 * What a valid config needs from the Wrangler environment that will be deployed, and what is wrong
 * with that environment's bindings. Without them a site fails on every request (a `service:`
 * origin), every grant (receipts: 503, no consent without proof) or silently records nothing (the
 * inventory), which validation of the config alone cannot see:
 *
 *   consent.receipts                 CONSENT_DB          D1 database     (error)
 *   consent.receipts                 CONSENT_RATE_LIMIT  rate limit      (warning: the isolates' own
 *                                                                         budgets still apply)
 *   inventory.enabled                INVENTORY_DB        D1 database     (error)
 *   origin "service:X"               X                   service binding (error)
 *   var CONSENT_EDGE_REMOTE_CONFIG,  CONFIG_KV           KV namespace    (error)
 *   or a CONFIG_KV declared
 *
 * And a site's debugSecret must not name a var (secretProblems): a var is plain text.
 *
 * A binding of the right name but another kind (CONSENT_DB declared as a KV namespace) is a
 * problem too: the worker finds "no D1 database" at run time. Pure.
 */
import type { CompiledConfig } from "../config/compile";
import { CONFIG_BINDING } from "../config/remote-config-names";
import {
  type BindingKind,
  describeEnvironment,
  environmentOf,
  sectionPath,
  type WranglerConfig,
  type WranglerEnvironment,
} from "./wrangler";

/**
 * A var that says the deployment uses uploaded config. The worker itself reads config from KV
 * whenever CONFIG_KV is bound (src/config/remote-config.ts); the var lets a Wrangler file say it
 * means to, so that a forgotten CONFIG_KV is caught here rather than silently serving the bundle.
 */
export const REMOTE_CONFIG_VAR = "CONSENT_EDGE_REMOTE_CONFIG";
export const CONFIG_KV = CONFIG_BINDING;

export interface BindingNeed {
  name: string;
  kind: Extract<BindingKind, "D1 database" | "KV namespace" | "service binding" | "rate limit">;
  /** What needs it, e.g. `sites[0].consent.receipts` ("shop"). */
  neededBy: string[];
  /** In which file the needs are (the config, or the Wrangler file for CONFIG_KV). */
  neededIn: string;
  why: string;
  level: "error" | "warning";
}

export interface CheckProblem {
  level: "error" | "warning";
  file: string;
  path: string;
  message: string;
  fix: string;
}

/** The Wrangler field a kind is declared in. */
const FIELD: Record<BindingNeed["kind"], string> = {
  "D1 database": "d1_databases",
  "KV namespace": "kv_namespaces",
  "service binding": "services",
  "rate limit": "ratelimits",
};

export function bindingNeeds(
  config: CompiledConfig,
  configFile: string,
  environment: WranglerEnvironment,
  /** `push` uploads to CONFIG_KV, so it needs it whatever the vars say. */
  pushing = false,
): BindingNeed[] {
  const needs = new Map<string, BindingNeed>();
  const need = (
    name: string,
    kind: BindingNeed["kind"],
    by: string,
    why: string,
    level: BindingNeed["level"] = "error",
    file = configFile,
  ) => {
    const known = needs.get(name);
    if (known) known.neededBy.push(by);
    else needs.set(name, { name, kind, neededBy: [by], neededIn: file, why, level });
  };
  config.sites.forEach((site, i) => {
    const at = (path: string) => `sites[${i}].${path} ("${site.id}")`;
    if (site.origin?.kind === "service") {
      need(site.origin.binding, "service binding", at("origin"), "every request to the site goes to it");
    }
    if (site.consent.receipts) {
      need("CONSENT_DB", "D1 database", at("consent.receipts"), "without it every grant fails with 503");
    }
    if (site.inventory.enabled) {
      need("INVENTORY_DB", "D1 database", at("inventory.enabled"), "without it nothing is recorded");
    }
  });
  config.sites.forEach((site, i) => {
    if (site.consent.receipts) {
      need(
        "CONSENT_RATE_LIMIT",
        "rate limit",
        `sites[${i}].consent.receipts ("${site.id}")`,
        "without it receipt writes are limited per isolate only, not per Cloudflare location",
        "warning",
      );
    }
  });
  const remote = environment.vars[REMOTE_CONFIG_VAR];
  const declaresKv = environment.bindings.some((binding) => binding.name === CONFIG_KV);
  if ((remote !== undefined && remote !== false && remote !== "") || declaresKv || pushing) {
    need(
      CONFIG_KV,
      "KV namespace",
      pushing
        ? "consent-edge push"
        : remote !== undefined
          ? sectionPath(environment, `vars.${REMOTE_CONFIG_VAR}`)
          : sectionPath(environment, CONFIG_KV),
      "the uploaded config (`consent-edge push`) is written to it and read from it",
      "error",
      environment.file,
    );
  }
  return [...needs.values()];
}

export function bindingProblems(
  needs: readonly BindingNeed[],
  environment: WranglerEnvironment,
  wrangler: WranglerConfig,
): CheckProblem[] {
  const problems: CheckProblem[] = [];
  for (const need of needs) {
    const field = FIELD[need.kind];
    const declared = environment.bindings.filter((binding) => binding.name === need.name);
    if (declared.some((binding) => binding.kind === need.kind)) continue;
    const by = need.neededBy.join(", ");
    const file = environment.file;
    const where = describeEnvironment(environment);
    const wrong = declared[0];
    if (wrong) {
      problems.push({
        level: "error",
        file,
        path: sectionPath(environment, wrong.field),
        message: `${need.name} is declared as a ${wrong.kind} in ${where}, but ${by} in ${need.neededIn} needs a ${need.kind} (${need.why})`,
        fix: `move ${need.name} out of ${wrong.field} and add ${snippet(need, environment)}`,
      });
      continue;
    }
    const elsewhere = otherEnvironments(wrangler, environment.name).filter((other) =>
      other.bindings.some((binding) => binding.name === need.name && binding.kind === need.kind),
    );
    const notInherited = elsewhere.length
      ? `; it is declared in ${elsewhere.map(describeEnvironment).join(" and ")} only, and Wrangler does not inherit bindings between environments`
      : "";
    problems.push({
      level: need.level,
      file,
      path: sectionPath(environment, field),
      message: `no ${need.kind} ${need.name} in ${where}, which ${by} in ${need.neededIn} needs (${need.why})${notInherited}`,
      fix: `add ${snippet(need, environment)}${
        environment.name === undefined && elsewhere.length
          ? `, or deploy the environment that has it: ${elsewhere.flatMap((other) => (other.name ? [`--env ${other.name}`] : [])).join(" or ")}`
          : ""
      }`,
    });
  }
  return problems;
}

/**
 * A site's `debugSecret` must name a secret (`wrangler secret put`), never a var: a var's value is
 * plain text in the Wrangler file (and so in the repository) and in the dashboard, and the worker
 * cannot tell the two apart (both are strings in env). The secret opens the debug headers, the
 * receipts (export and purge) and the inventory.
 */
export function secretProblems(
  config: CompiledConfig,
  configFile: string,
  environment: WranglerEnvironment,
): CheckProblem[] {
  return config.sites.flatMap((site, i) => {
    const name = site.debugSecret;
    if (name === undefined || !Object.hasOwn(environment.vars, name)) return [];
    return [
      {
        level: "error" as const,
        file: environment.file,
        path: sectionPath(environment, `vars.${name}`),
        message: `sites[${i}].debugSecret ("${site.id}") in ${configFile} names ${name}, a var in ${describeEnvironment(environment)}: a var is plain text in this file and the dashboard, and the debug secret opens the site's receipts and inventory`,
        fix: `remove ${name} from vars and run \`openssl rand -base64 32 | npx wrangler secret put ${name}${environment.name === undefined ? "" : ` --env ${environment.name}`}\``,
      },
    ];
  });
}

/** The other environments (the top level included) of a Wrangler config. */
function otherEnvironments(config: WranglerConfig, name: string | undefined): WranglerEnvironment[] {
  const names: Array<string | undefined> = [undefined, ...config.environments].filter((n) => n !== name);
  return names.flatMap((n) => {
    const found = environmentOf(config, n);
    return found.ok ? [found.environment] : [];
  });
}

/** What to add, written in the file's own syntax and section. */
export function snippet(
  need: Pick<BindingNeed, "name" | "kind">,
  environment: Pick<WranglerEnvironment, "format" | "name">,
): string {
  const table =
    environment.name === undefined ? FIELD[need.kind] : `env.${environment.name}.${FIELD[need.kind]}`;
  const fields = snippetFields(need);
  if (environment.format === "toml") {
    const lines = Object.entries(fields).map(([key, value]) =>
      typeof value === "object"
        ? `${key} = { limit = 20, period = 60 }`
        : `${key} = ${JSON.stringify(value)}`,
    );
    return `[[${table}]] ${lines.join(" ")}`;
  }
  return `${jsonText(fields)} to "${table}"`;
}

/** `{ "binding": "X", "id": "..." }`: JSON with a space after each colon and comma. */
function jsonText(value: unknown): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  const entries = Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${jsonText(item)}`);
  return `{ ${entries.join(", ")} }`;
}

function snippetFields(need: Pick<BindingNeed, "name" | "kind">): Record<string, unknown> {
  switch (need.kind) {
    case "D1 database": {
      const database = need.name === "INVENTORY_DB" ? "consent-inventory" : "consent-receipts";
      return {
        binding: need.name,
        database_name: database,
        database_id: `<id from wrangler d1 create ${database}>`,
        migrations_dir: need.name === "INVENTORY_DB" ? "migrations/inventory" : "migrations",
      };
    }
    case "KV namespace":
      return { binding: need.name, id: `<id from wrangler kv namespace create ${need.name}>` };
    case "service binding":
      return { binding: need.name, service: "<the origin worker's name>" };
    case "rate limit":
      return {
        name: need.name,
        namespace_id: "<an integer unique in your account>",
        simple: { limit: 20, period: 60 },
      };
  }
}
