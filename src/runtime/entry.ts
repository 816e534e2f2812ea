/**
 * The runtime bundle's entry. scripts/build-runtime.ts wraps the bundle in `(function(C,G,P,Z){...})`;
 * src/html/runtime.ts writes a call of it into the page, with the page's config (C), for sites
 * with `cookieGuard` the cookie guard bundle (G), for sites with `runtimeGuard` the page guard
 * bundle (P), and for sites with a `zaraz` source the Zaraz bundle (Z), `0` for one the site does
 * not use (a trailing one left out): these are that function's parameters, not globals.
 */
import type { CookieGuard, PageGuard, RuntimeConfig, ZarazBundle } from "./config";
import start from "./index";

declare const C: RuntimeConfig;
declare const G: CookieGuard | 0 | undefined;
declare const P: PageGuard | 0 | undefined;
declare const Z: ZarazBundle | 0 | undefined;

start(C, G, P, Z);
