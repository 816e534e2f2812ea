/**
 * Worker entry: the stand-alone worker for the bundled config, compiled once per isolate.
 * `npm run check` validates the same file before deploy; this is the last line of defence.
 */
import config from "../consent-edge.config.json";
import { createWorker } from "./worker";

export default createWorker(config);
