/**
 * The stand-alone worker in front of each site's origin:
 * `export default createWorker(config)` in your worker's entry, with the bindings of env.ts.
 */
export {
  createConfigErrorWorker,
  createProxy,
  createWorker,
  missingOrigins,
  type ConsentEdgeWorker,
  type WorkerOptions,
} from "../worker";
export type { Env } from "../env";
