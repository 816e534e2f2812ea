/**
 * The document.cookie guard bundle's entry. scripts/build-runtime.ts wraps the bundle in
 * `(function(C,has){...})`, the function the runtime calls with its config (C) and its test of what
 * is granted (has): these two are that function's parameters, not globals.
 */
import type { Granted, RuntimeConfig } from "./config";
import guardCookies from "./cookie-guard";

declare const C: RuntimeConfig;
declare const has: Granted;

guardCookies(C, has);
