/**
 * The Wrangler config, read as wrangler reads it: wrangler.json, wrangler.jsonc (comments and
 * trailing commas allowed) or wrangler.toml (smol-toml), in that order of preference when several
 * sit in one folder (workers-sdk packages/workers-utils/src/config/config-helpers.ts,
 * findWranglerConfig). An environment's bindings are its own: wrangler's `notInheritable` fields
 * (packages/workers-utils/src/config/validation.ts: vars, d1_databases, kv_namespaces, services,
 * ratelimits, unsafe, r2_buckets, queues, durable_objects, ...) are never inherited by `[env.X]`
 * from the top level, nor the other way round. So a D1 database declared only under `[env.demo]`
 * does not exist for `wrangler deploy`, which deploys the top level. Pure.
 */
import { parse as parseToml, TomlError } from "smol-toml";
import { parseJsonc } from "./jsonc";

/** wrangler's own order: the first of these found in a folder is the config. */
export const WRANGLER_FILES = ["wrangler.json", "wrangler.jsonc", "wrangler.toml"] as const;

export type BindingKind =
  | "D1 database"
  | "KV namespace"
  | "service binding"
  | "rate limit"
  | "var"
  | "R2 bucket"
  | "queue"
  | "Durable Object"
  | "Analytics Engine dataset"
  | "Hyperdrive"
  | "Vectorize index"
  | "Workflow"
  | "dispatch namespace"
  | "mTLS certificate"
  | "email"
  | "secret"
  | "other";

export interface DeclaredBinding {
  name: string;
  kind: BindingKind;
  /** The field it is declared in: `d1_databases`, `unsafe.bindings`. */
  field: string;
}

export interface WranglerEnvironment {
  /** The file, as given. */
  file: string;
  format: "toml" | "json";
  /** undefined: the top level, what `wrangler deploy` deploys without `--env`. */
  name: string | undefined;
  bindings: DeclaredBinding[];
  vars: Record<string, unknown>;
}

export interface WranglerConfig {
  file: string;
  format: "toml" | "json";
  raw: Record<string, unknown>;
  /** The named environments (`[env.X]`), in file order. */
  environments: string[];
}

export interface WranglerProblem {
  file: string;
  path: string;
  message: string;
  fix: string;
}

/** Where each binding-holding field's names are, and what kind of binding they declare. */
const ARRAY_FIELDS: ReadonlyArray<[field: string, kind: BindingKind, key: "binding" | "name"]> = [
  ["d1_databases", "D1 database", "binding"],
  ["kv_namespaces", "KV namespace", "binding"],
  ["services", "service binding", "binding"],
  ["ratelimits", "rate limit", "name"],
  ["r2_buckets", "R2 bucket", "binding"],
  ["analytics_engine_datasets", "Analytics Engine dataset", "binding"],
  ["hyperdrive", "Hyperdrive", "binding"],
  ["vectorize", "Vectorize index", "binding"],
  ["workflows", "Workflow", "binding"],
  ["dispatch_namespaces", "dispatch namespace", "binding"],
  ["mtls_certificates", "mTLS certificate", "binding"],
  ["send_email", "email", "name"],
  ["secrets_store_secrets", "secret", "binding"],
];

/** Fields holding one binding object (`ai = { binding = "AI" }`). */
const SINGLE_FIELDS = ["ai", "browser", "images", "version_metadata", "media", "stream"] as const;

/** `unsafe.bindings` entries by their `type`. */
const UNSAFE_KINDS: Readonly<Record<string, BindingKind>> = {
  ratelimit: "rate limit",
  d1: "D1 database",
  kv_namespace: "KV namespace",
  service: "service binding",
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function parseWrangler(
  text: string,
  file: string,
): { ok: true; config: WranglerConfig } | { ok: false; problems: WranglerProblem[] } {
  const format = file.endsWith(".toml") ? "toml" : "json";
  let raw: unknown;
  if (format === "toml") {
    try {
      raw = parseToml(text);
    } catch (error) {
      const where = error instanceof TomlError ? `${file}:${error.line}:${error.column}` : file;
      const message = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
      return {
        ok: false,
        problems: [
          {
            file,
            path: where.slice(file.length + 1) || "1:1",
            message: `not valid TOML: ${message.replace(/^Invalid TOML document: /, "")}`,
            fix: "correct the TOML there (wrangler would refuse it too)",
          },
        ],
      };
    }
  } else {
    const parsed = parseJsonc(text);
    if (!parsed.ok) {
      return {
        ok: false,
        problems: [
          {
            file,
            path: `${parsed.line}:${parsed.column}`,
            message: `not valid JSON: ${parsed.message}`,
            fix: "correct the JSON there (comments and trailing commas are allowed)",
          },
        ],
      };
    }
    raw = parsed.value;
  }
  if (!isRecord(raw)) {
    return {
      ok: false,
      problems: [{ file, path: "1:1", message: "is not an object", fix: 'write `{ "name": "my-worker" }`' }],
    };
  }
  const env = raw["env"];
  return {
    ok: true,
    config: { file, format, raw, environments: isRecord(env) ? Object.keys(env) : [] },
  };
}

/** The bindings and vars of one environment: the top level (`name` undefined) or `[env.name]`. */
export function environmentOf(
  config: WranglerConfig,
  name: string | undefined,
): { ok: true; environment: WranglerEnvironment } | { ok: false; problem: WranglerProblem } {
  let section: Record<string, unknown> = config.raw;
  if (name !== undefined) {
    const envs = config.raw["env"];
    const found = isRecord(envs) ? envs[name] : undefined;
    if (!isRecord(found)) {
      const known = config.environments;
      return {
        ok: false,
        problem: {
          file: config.file,
          path: config.format === "toml" ? `[env.${name}]` : `env.${name}`,
          message: `there is no environment "${name}"`,
          fix: known.length
            ? `use one of --env ${known.join(", --env ")}, or leave --env out for the top level`
            : `this file has no named environments: leave --env out, or add ${config.format === "toml" ? `[env.${name}]` : `"env": { "${name}": { ... } }`}`,
        },
      };
    }
    section = found;
  }
  return {
    ok: true,
    environment: {
      file: config.file,
      format: config.format,
      name,
      bindings: bindingsIn(section),
      vars: isRecord(section["vars"]) ? section["vars"] : {},
    },
  };
}

function bindingsIn(section: Record<string, unknown>): DeclaredBinding[] {
  const found: DeclaredBinding[] = [];
  const add = (name: unknown, kind: BindingKind, field: string) => {
    if (typeof name === "string" && name !== "") found.push({ name, kind, field });
  };
  for (const [field, kind, key] of ARRAY_FIELDS) {
    const list = section[field];
    if (Array.isArray(list)) for (const item of list) if (isRecord(item)) add(item[key], kind, field);
  }
  for (const field of SINGLE_FIELDS) {
    const item = section[field];
    if (isRecord(item)) add(item["binding"], "other", field);
  }
  const queues = section["queues"];
  if (isRecord(queues) && Array.isArray(queues["producers"])) {
    for (const item of queues["producers"])
      if (isRecord(item)) add(item["binding"], "queue", "queues.producers");
  }
  const objects = section["durable_objects"];
  if (isRecord(objects) && Array.isArray(objects["bindings"])) {
    for (const item of objects["bindings"]) {
      if (isRecord(item)) add(item["name"], "Durable Object", "durable_objects.bindings");
    }
  }
  const unsafe = section["unsafe"];
  if (isRecord(unsafe) && Array.isArray(unsafe["bindings"])) {
    for (const item of unsafe["bindings"]) {
      if (isRecord(item)) {
        const type = typeof item["type"] === "string" ? item["type"] : "";
        add(item["name"], UNSAFE_KINDS[type] ?? "other", "unsafe.bindings");
      }
    }
  }
  const vars = section["vars"];
  if (isRecord(vars)) for (const name of Object.keys(vars)) add(name, "var", "vars");
  return found;
}

/** `[env.production] d1_databases` (TOML) or `env.production.d1_databases` (JSON); top level: the field. */
export function sectionPath(
  environment: Pick<WranglerEnvironment, "format" | "name">,
  field: string,
): string {
  if (environment.name === undefined) return `${field} (top level)`;
  return environment.format === "toml"
    ? `[env.${environment.name}] ${field}`
    : `env.${environment.name}.${field}`;
}

/** How the environment is named in a sentence. */
export function describeEnvironment(environment: Pick<WranglerEnvironment, "format" | "name">): string {
  if (environment.name === undefined) return "the top level (what `wrangler deploy` deploys)";
  return environment.format === "toml" ? `[env.${environment.name}]` : `env.${environment.name}`;
}
