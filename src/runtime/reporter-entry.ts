/**
 * The reporter bundle's entry. scripts/build-runtime.ts wraps the bundle in `(function(C){...})`;
 * src/html/runtime.ts calls it with the page's config (C) before the runtime, on sampled page views
 * only: C is that function's parameter, not a global.
 */
import type { RuntimeConfig } from "./config";
import reportHosts from "./reporter";

declare const C: RuntimeConfig;

reportHosts(C);
