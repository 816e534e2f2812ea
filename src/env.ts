/**
 * The Worker's bindings, declared once. Those with fixed names (wrangler.toml declares them); the
 * others are named by the config (a site's `"origin": "service:NAME"` and its `debugSecret`), so
 * they are read through one accessor each, which checks at run time what the type cannot promise:
 * a binding the operator forgot, or one of another kind, is "not there", never a crash.
 */

export interface Env {
  /** Consent receipts (a site's `"consent": { "receipts": true }`): wrangler.toml `[[d1_databases]]`. */
  CONSENT_DB?: D1Database;
  /**
   * The inventory (a site's `"inventory": { "enabled": true }`): wrangler.toml `[[d1_databases]]`
   * with `migrations_dir = "migrations/inventory"`. Only src/inventory/store.ts touches it.
   */
  INVENTORY_DB?: D1Database;
  /** The consent API's per-location budget: wrangler.toml `[[ratelimits]]`. */
  CONSENT_RATE_LIMIT?: RateLimit;
  /**
   * The uploaded config (key "config", written by `consent-edge push`), read by
   * `createWorker(config, { remoteConfig: true })`: wrangler.toml `[[kv_namespaces]]`. Read through
   * configStore() (src/config/remote-config.ts), which checks it is one.
   */
  CONFIG_KV?: KVNamespace;
  /** Each isolate's refresh interval for CONFIG_KV, whole seconds (default 30): wrangler.toml `[vars]`. */
  CONSENT_CONFIG_REFRESH_SECONDS?: string;
  /** Each isolate's inventory flush interval, whole seconds (default 30): wrangler.toml `[vars]`. */
  CONSENT_INVENTORY_FLUSH_SECONDS?: string;
}

/** Bindings by a name only the config knows. */
type NamedBindings = Readonly<Record<string, unknown>>;

/** The service binding a site's origin names (`"service:NAME"`), if it is one. */
export function serviceBinding(env: Env, name: string): Fetcher | undefined {
  const value = (env as NamedBindings)[name];
  return typeof value === "object" && value !== null && typeof (value as Fetcher).fetch === "function"
    ? (value as Fetcher)
    : undefined;
}

/** The secret a site's `debugSecret` names (`wrangler secret put NAME`), if it is a non-empty string. */
export function secretBinding(env: Env, name: string): string | undefined {
  const value = (env as NamedBindings)[name];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}
