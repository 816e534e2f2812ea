/**
 * The demo's edge worker: consent-edge's stand-alone worker (the same createWorker as src/index.ts)
 * with the demo's config, demo/consent-edge.config.json, whose origin is the demo origin's service
 * binding. `npm start`, the demo tests and the benchmarks run this; `wrangler deploy` ships
 * src/index.ts with the root consent-edge.config.json instead. As in production, a config uploaded
 * to a CONFIG_KV binding replaces the bundled one (src/config/remote-config.ts); without that
 * binding the bundled one is in force.
 */
import config from "./consent-edge.config.json";
import { createWorker } from "../src/worker";

export default createWorker(config, { remoteConfig: true });
