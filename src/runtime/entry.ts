/**
 * The runtime bundle's entry. scripts/build-runtime.ts wraps the bundle in `(function(C,G,P){...})`;
 * src/html/runtime.ts writes a call of it into the page, with the page's config (C), for sites
 * with `cookieGuard` the cookie guard bundle (G), and for sites with `runtimeGuard` the page guard
 * bundle (P), `0` for a guard the site does not use: these are that function's parameters, not globals.
 */
import type { CookieGuard, PageGuard, RuntimeConfig } from "./config";
import start from "./index";

declare const C: RuntimeConfig;
declare const G: CookieGuard | 0 | undefined;
declare const P: PageGuard | 0 | undefined;

start(C, G, P);
