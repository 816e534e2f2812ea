/**
 * The names the tests and older callers use for the stand-alone worker (worker.ts).
 */
export {
  createConfigErrorWorker as createConfigErrorApp,
  createProxy as createApp,
  type WorkerOptions as AppOptions,
} from "./worker";
