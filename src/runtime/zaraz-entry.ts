/**
 * The Zaraz bundle's entry, only for sites with a `zaraz` source (config.z). scripts/build-runtime.ts
 * wraps the bundle in `(function(C,has,whole){...})`, the function the runtime calls after its boot's
 * check with its config (C), its test of what is granted (has) and whether consent-edge's cookie
 * holds a whole choice (whole): these are that function's parameters, not globals. The push goes
 * back on the config (C.u), which the runtime calls after every choice and on sync.
 */
import type { Granted, RuntimeConfig } from "./config";
import { zaraz } from "./zaraz";

declare const C: RuntimeConfig;
declare const has: Granted;
declare const whole: () => boolean;

C.u = zaraz(C, has, whole);
