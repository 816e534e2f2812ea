/** Validate and compile a consent-edge config, and print its problems as `consent-edge check` does. */
export { type CompiledConfig, type CompileResult, compileConfig, type Site } from "../config/compile";
export { type ConfigProblem, formatProblems, validateConfig } from "../config/validate";
export type { ConfigInput, SiteInput } from "../config/types";
