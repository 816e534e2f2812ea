/**
 * The names the uploaded config is found by, shared by the worker (./remote-config.ts), the CLI
 * (`consent-edge push`, `check`) and the demo (scripts/demo.ts, which runs in Node and cannot import
 * the worker's module).
 */

/** The KV key `consent-edge push` writes. */
export const CONFIG_KEY = "config";
/** The binding the worker reads it through (wrangler.toml `[[kv_namespaces]] binding = "CONFIG_KV"`). */
export const CONFIG_BINDING = "CONFIG_KV";
/**
 * A worker variable (wrangler.toml `[vars]`) that sets the refresh interval: longer for fewer KV
 * reads; shorter only helps where KV's cache does not apply (locally: miniflare has none).
 */
export const REFRESH_VARIABLE = "CONSENT_CONFIG_REFRESH_SECONDS";
