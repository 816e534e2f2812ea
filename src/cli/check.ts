/**
 * `consent-edge check [config...] [--wrangler file] [--env name] [--json]`: each config validated
 * and compiled as the worker compiles it, then the bindings its sites need checked against the
 * Wrangler environment that will be deployed (./bindings.ts). The Wrangler config is the one given
 * with --wrangler or, for a file named consent-edge.config.json, the one beside it
 * (wrangler.json, wrangler.jsonc, wrangler.toml: wrangler's own order). Every problem is printed
 * as `file: path: message (fix: ...)`; exit 1 when there is any (warnings alone do not fail).
 */
import { compileConfig, type CompiledConfig } from "../config/compile";
import { parseConfigText } from "../config/parse-text";
import type { ConfigProblem } from "../config/problems";
import { bindingNeeds, bindingProblems, type CheckProblem, secretProblems } from "./bindings";
import type { Io } from "./io";
import { MARK, plural, type Style } from "./render";
import { environmentOf, parseWrangler, WRANGLER_FILES } from "./wrangler";

export const DEFAULT_CONFIG = "consent-edge.config.json";

export interface CheckOptions {
  wrangler?: string | undefined;
  env?: string | undefined;
  /** Checking for `push`: CONFIG_KV is needed. */
  pushing?: boolean;
}

export interface FileCheck {
  file: string;
  ok: boolean;
  sites: Array<{ id: string; mode: string; cookieRules: number }>;
  /** The Wrangler environment checked, when there was a Wrangler config. */
  wrangler?: { file: string; environment: string | null; environments: string[] };
  /** Errors and warnings, in the order found. */
  problems: CheckProblem[];
  /** The compiled config, for `push` and `suggest`. */
  compiled?: CompiledConfig;
}

async function readText(path: string, io: Io): Promise<string | Error> {
  try {
    return await io.readFile(path);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

const fromConfig = (file: string, problem: ConfigProblem): CheckProblem => {
  // A syntax error's path is already `file:line:column`.
  const located = problem.path.startsWith(`${file}:`);
  return {
    level: "error",
    file,
    path: located ? problem.path.slice(file.length + 1) : problem.path,
    message: problem.message,
    fix: problem.fix,
  };
};

/** The Wrangler file to check a config against, if any: given, or beside a consent-edge.config.json. */
async function findWrangler(
  file: string,
  options: CheckOptions,
  io: Io,
): Promise<{ path: string; text: string } | { path: string; error: Error } | undefined> {
  if (options.wrangler !== undefined) {
    const text = await readText(options.wrangler, io);
    return typeof text === "string"
      ? { path: options.wrangler, text }
      : { path: options.wrangler, error: text };
  }
  if (file !== DEFAULT_CONFIG && !file.endsWith(`/${DEFAULT_CONFIG}`)) return undefined;
  const dir = file.slice(0, file.length - DEFAULT_CONFIG.length);
  for (const name of WRANGLER_FILES) {
    const text = await readText(`${dir}${name}`, io);
    if (typeof text === "string") return { path: `${dir}${name}`, text };
  }
  return undefined;
}

export async function checkFile(file: string, options: CheckOptions, io: Io): Promise<FileCheck> {
  const result: FileCheck = { file, ok: false, sites: [], problems: [] };
  const text = await readText(file, io);
  let compiled: CompiledConfig | undefined;
  if (text instanceof Error) {
    result.problems.push({
      level: "error",
      file,
      path: "1:1",
      message: `cannot be read: ${text.message}`,
      fix: "check the file name",
    });
  } else {
    const parsed = parseConfigText(text, file);
    const outcome = parsed.ok ? compileConfig(parsed.value) : parsed;
    if (outcome.ok) compiled = outcome.config;
    else result.problems.push(...outcome.problems.map((problem) => fromConfig(file, problem)));
  }
  if (compiled) {
    result.compiled = compiled;
    result.sites = compiled.sites.map((site) => ({
      id: site.id,
      mode: site.mode,
      cookieRules: site.cookies.length,
    }));
  }

  const wrangler = await findWrangler(file, options, io);
  if (!wrangler) {
    if (options.env !== undefined) {
      result.problems.push({
        level: "error",
        file,
        path: "--env",
        message: `--env ${options.env} needs a Wrangler config, and there is none beside ${file}`,
        fix: "name it with --wrangler wrangler.toml",
      });
    }
  } else if ("error" in wrangler) {
    result.problems.push({
      level: "error",
      file: wrangler.path,
      path: "1:1",
      message: `cannot be read: ${wrangler.error.message}`,
      fix: "check the --wrangler file name",
    });
  } else {
    const parsed = parseWrangler(wrangler.text, wrangler.path);
    if (!parsed.ok) {
      result.problems.push(...parsed.problems.map((problem) => ({ level: "error" as const, ...problem })));
    } else {
      const found = environmentOf(parsed.config, options.env);
      result.wrangler = {
        file: wrangler.path,
        environment: options.env ?? null,
        environments: parsed.config.environments,
      };
      if (!found.ok) result.problems.push({ level: "error", ...found.problem });
      else if (compiled) {
        const needs = bindingNeeds(compiled, file, found.environment, options.pushing === true);
        result.problems.push(...bindingProblems(needs, found.environment, parsed.config));
        result.problems.push(...secretProblems(compiled, file, found.environment));
      }
    }
  }
  result.ok = !result.problems.some((problem) => problem.level === "error");
  return result;
}

/** `file: path: message (fix: ...)`, a warning marked as one. */
export function problemLine(problem: CheckProblem): string {
  const where = /^\d+:\d+$/.test(problem.path)
    ? `${problem.file}:${problem.path}`
    : `${problem.file}: ${problem.path}`;
  return `${problem.level === "warning" ? "warning: " : ""}${where}: ${problem.message} (fix: ${problem.fix})`;
}

export function summary(check: FileCheck): string {
  const sites = check.sites.map(
    (site) => `${site.id} (${plural(site.cookieRules, "cookie rule")}, ${site.mode})`,
  );
  return `${plural(sites.length, "site")}: ${sites.join(", ")}`;
}

/** What `check` prints for one file, as [stream, line] pairs. */
export function renderCheck(check: FileCheck, style: Style): Array<["stdout" | "stderr", string]> {
  const lines: Array<["stdout" | "stderr", string]> = [];
  for (const problem of check.problems) {
    lines.push([
      "stderr",
      problem.level === "warning" ? style.warn(problemLine(problem)) : problemLine(problem),
    ]);
  }
  const errors = check.problems.filter((problem) => problem.level === "error").length;
  const against = check.wrangler
    ? ` with ${check.wrangler.file} ${check.wrangler.environment === null ? "(top level)" : `[env.${check.wrangler.environment}]`}`
    : "";
  if (errors > 0) {
    lines.push(["stderr", `${style.bad(MARK.bad)} ${check.file}${against}: ${plural(errors, "problem")}`]);
  } else {
    lines.push(["stdout", `${style.ok(MARK.ok)} ${check.file}: ${summary(check)}`]);
    if (check.wrangler) {
      const where =
        check.wrangler.environment === null
          ? "the top level (what `wrangler deploy` deploys)"
          : `[env.${check.wrangler.environment}] (\`wrangler deploy --env ${check.wrangler.environment}\`)`;
      lines.push([
        "stdout",
        `${style.ok(MARK.ok)} ${check.wrangler.file}: ${where} has the bindings the sites need`,
      ]);
    }
  }
  if (check.wrangler && check.wrangler.environment === null && check.wrangler.environments.length > 0) {
    lines.push([
      "stdout",
      `  named environments in ${check.wrangler.file}: ${check.wrangler.environments.join(", ")} (check one with --env NAME)`,
    ]);
  }
  return lines;
}

/** The JSON form of a check, without the compiled config. */
export function checkJson(check: FileCheck): Omit<FileCheck, "compiled"> {
  return {
    file: check.file,
    ok: check.ok,
    sites: check.sites,
    ...(check.wrangler ? { wrangler: check.wrangler } : {}),
    problems: check.problems,
  };
}
