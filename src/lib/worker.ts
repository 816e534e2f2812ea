/**
 * The stand-alone worker in front of each site's origin:
 * `export default createWorker(config)` in your worker's entry, with the bindings of env.ts;
 * `createWorker(config, { remoteConfig: true })` also reads the config uploaded to Workers KV
 * (binding CONFIG_KV, key "config"), the bundled one being the fallback.
 */
export {
  CONFIG_HEADER,
  createConfigErrorWorker,
  createProxy,
  createWorker,
  missingBindings,
  missingOrigins,
  type ConsentEdgeWorker,
  type WorkerOptions,
} from "../worker";
export {
  CONFIG_BINDING,
  CONFIG_KEY,
  FIRST_READ_TIMEOUT_MS,
  KV_CACHE_TTL_SECONDS,
  MAX_CONFIG_BYTES,
  REFRESH_SECONDS,
  REFRESH_VARIABLE,
  type RemoteConfigOptions,
} from "../config/remote-config";
export type { Env } from "../env";
