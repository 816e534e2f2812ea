/**
 * Worker entry: the stand-alone worker for the bundled config, compiled once per isolate, or for
 * the config uploaded to Workers KV (binding CONFIG_KV, key "config": `consent-edge push`) when the
 * worker has that binding; the bundled config stays the fallback (src/config/remote-config.ts).
 * `npm run check` validates the bundled file before deploy, and the worker checks an uploaded one
 * before it takes effect; this is the last line of defence.
 */
import config from "../consent-edge.config.json";
import { createWorker } from "./worker";

export default createWorker(config, { remoteConfig: true });
