/**
 * Worker entry: compile the bundled config once per isolate and serve.
 * `npm run check` validates the same file before deploy; this is the last line of defence.
 */
import config from "../consent-edge.config.json";
import { createApp, createConfigErrorApp } from "./app";
import { compileConfig } from "./config/compile";
import { formatProblems } from "./config/validate";

const compiled = compileConfig(config);

export default compiled.ok
  ? createApp(compiled.config)
  : createConfigErrorApp(formatProblems(compiled.problems));
