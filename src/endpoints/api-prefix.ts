/**
 * The consent API's reserved path below every site's pathPrefix (consent-api.ts serves it). On its
 * own so that what only needs the path (the runtime's config, src/html/runtime.ts) does not import
 * the API and, through it, the Worker's bindings.
 */
export const API_PREFIX = "/.consent-edge/";
