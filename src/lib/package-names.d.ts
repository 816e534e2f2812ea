/**
 * The package's own names, as the examples import them (`consent-edge/hono`), resolved to this
 * repository's source when type-checking here; an installed package resolves them to dist/types.
 * (Ambient modules may not re-export a relative path, so each name is its source's type.)
 */
declare module "consent-edge/hono" {
  type Source = typeof import("./hono");
  export const consentEdge: Source["consentEdge"];
  export const ConsentEdgeConfigError: Source["ConsentEdgeConfigError"];
  export type ConsentEdgeOptions = import("./hono").ConsentEdgeOptions;
  export type Env = import("./hono").Env;
}

declare module "consent-edge/worker" {
  type Source = typeof import("./worker");
  export const createWorker: Source["createWorker"];
  export const createProxy: Source["createProxy"];
  export const createConfigErrorWorker: Source["createConfigErrorWorker"];
  export const missingOrigins: Source["missingOrigins"];
  export type ConsentEdgeWorker = import("./worker").ConsentEdgeWorker;
  export type WorkerOptions = import("./worker").WorkerOptions;
  export type Env = import("./worker").Env;
}
