/**
 * The runtime bundle's entry. scripts/build-runtime.ts wraps the bundle in `(function(C,G){...})`;
 * src/html/runtime.ts writes a call of it into the page, with the page's config (C) and, for sites
 * with `cookieGuard`, the guard bundle (G): these two are that function's parameters, not globals.
 */
import type { CookieGuard, RuntimeConfig } from "./config";
import start from "./index";

declare const C: RuntimeConfig;
declare const G: CookieGuard | undefined;

start(C, G);
