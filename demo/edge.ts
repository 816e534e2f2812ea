/**
 * The demo's edge worker: consent-edge's stand-alone worker (the same createWorker as src/index.ts)
 * with the demo's config, demo/consent-edge.config.json, whose origin is the demo origin's service
 * binding. `npm start`, the demo tests and the benchmarks run this; `wrangler deploy` ships
 * src/index.ts with the root consent-edge.config.json instead.
 */
import config from "./consent-edge.config.json";
import { createWorker } from "../src/worker";

export default createWorker(config);
