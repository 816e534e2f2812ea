/**
 * consent-edge, the package: `consentEdge(config)` for a Hono app of your own, `createWorker(config)`
 * for the stand-alone worker in front of an origin, and the types both take. The pure functions
 * are under `consent-edge/cookies`, `consent-edge/consent` and `consent-edge/config`.
 */
export { type ConsentEdgeOptions, ConsentEdgeConfigError, consentEdge } from "../middleware/consent-edge";
export { createWorker, missingOrigins, type ConsentEdgeWorker, type WorkerOptions } from "../worker";
export type { Env } from "../env";
export type { ConfigInput, SiteInput } from "../config/types";
export type { CompiledConfig, Site } from "../config/compile";
export type { ConfigProblem } from "../config/validate";
export type { ConsentState } from "../consent/types";
