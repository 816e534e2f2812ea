/**
 * The page guard bundle's entry. scripts/build-runtime.ts wraps the bundle in `(function(C,has){...})`,
 * the function the runtime calls with its config (C) and its test of what is granted (has): these
 * two are that function's parameters, not globals.
 */
import type { Granted, RuntimeConfig } from "../config";
import guardPage from "./index";

declare const C: RuntimeConfig;
declare const has: Granted;

guardPage(C, has);
