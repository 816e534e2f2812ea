/**
 * The `consent-edge` command: `check [config.json...]` validates configs without deploying, and
 * `schema` prints the JSON Schema editors use. Pure but for `io`: it takes the arguments and the
 * ways to read files and write output, and returns the exit code, so tests run it as it is.
 */
import jsonSchema from "../../consent-edge.schema.json";
import { compileConfig } from "../config/compile";
import { parseConfigText } from "../config/parse-text";
import type { ConfigProblem } from "../config/problems";
import { bindingProblems, declaredBindings } from "./bindings";

export interface Io {
  /** The file's text; throws (or rejects) when it cannot be read. */
  readFile(path: string): string | Promise<string>;
  stdout(line: string): void;
  stderr(line: string): void;
}

export const DEFAULT_CONFIG = "consent-edge.config.json";

const USAGE = `usage: consent-edge <command>

  check [config.json...]  validate configs (default ${DEFAULT_CONFIG}); exit 1 on any problem
  schema                  print the JSON Schema of the config (consent-edge.schema.json)`;

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "check":
      return check(rest.length > 0 ? rest : [DEFAULT_CONFIG], io);
    case "schema":
      io.stdout(JSON.stringify(jsonSchema, null, 2));
      return 0;
    case "help":
    case "--help":
    case "-h":
      io.stdout(USAGE);
      return 0;
    default:
      io.stderr(command === undefined ? USAGE : `consent-edge: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

async function readText(path: string, io: Io): Promise<string | Error> {
  try {
    return await io.readFile(path);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** `file: path: message (fix: ...)`; a syntax error's path is already `file:line:column`. */
function line(file: string, problem: ConfigProblem): string {
  const where = problem.path.startsWith(`${file}:`) ? problem.path : `${file}: ${problem.path}`;
  return `${where}: ${problem.message} (fix: ${problem.fix})`;
}

async function check(files: readonly string[], io: Io): Promise<number> {
  let failed = false;
  for (const file of files) {
    const problems = await checkFile(file, io);
    if (problems.ok) {
      io.stdout(`✓ ${file}: ${problems.summary}`);
      continue;
    }
    failed = true;
    for (const problem of problems.problems) io.stderr(line(file, problem));
    const count = problems.problems.length;
    io.stderr(`✗ ${file}: ${count} problem${count === 1 ? "" : "s"}`);
  }
  return failed ? 1 : 0;
}

type FileResult = { ok: true; summary: string } | { ok: false; problems: ConfigProblem[] };

async function checkFile(file: string, io: Io): Promise<FileResult> {
  const text = await readText(file, io);
  if (text instanceof Error) {
    return {
      ok: false,
      problems: [
        { path: `${file}:1:1`, message: `cannot be read: ${text.message}`, fix: "check the file name" },
      ],
    };
  }
  const parsed = parseConfigText(text, file);
  if (!parsed.ok) return parsed;
  const compiled = compileConfig(parsed.value);
  if (!compiled.ok) return compiled;
  // The deployed config also needs its bindings in wrangler.toml, when there is one beside it.
  if (file === DEFAULT_CONFIG || file.endsWith(`/${DEFAULT_CONFIG}`)) {
    const toml = await readText(file.slice(0, file.length - DEFAULT_CONFIG.length) + "wrangler.toml", io);
    if (typeof toml === "string") {
      const problems = bindingProblems(compiled.config, declaredBindings(toml));
      if (problems.length > 0) return { ok: false, problems };
    }
  }
  const sites = compiled.config.sites.map(
    (site) => `${site.id} (${site.cookies.length} cookie rules, ${site.mode})`,
  );
  return { ok: true, summary: `${sites.length} site${sites.length === 1 ? "" : "s"}: ${sites.join(", ")}` };
}
