/**
 * `consent-edge push [config] [--env name] [--dry-run]`: `check` on the config against the Wrangler
 * environment, and only when it passes, the config uploaded to Workers KV with wrangler itself
 * (binding CONFIG_KV, key "config", which the worker's remote config reads), so that no config
 * `check` refuses ever reaches KV from here.
 */
import { type ParsedArgs, stringFlag } from "./args";
import { checkFile, DEFAULT_CONFIG, renderCheck } from "./check";
import { CONFIG_BINDING as CONFIG_KV, CONFIG_KEY } from "../config/remote-config-names";
import type { Io } from "./io";
import { MARK, type Style } from "./render";

/** The wrangler command that uploads `file`. */
export function pushCommand(file: string, env: string | undefined): string[] {
  return [
    "wrangler",
    "kv",
    "key",
    "put",
    "--binding",
    CONFIG_KV,
    CONFIG_KEY,
    "--path",
    file,
    ...(env ? ["--env", env] : []),
    "--remote",
  ];
}

/** A command line as a shell would need it typed (arguments with spaces or quotes quoted). */
export function shellLine(args: readonly string[]): string {
  return args
    .map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`))
    .join(" ");
}

export async function runPush(args: ParsedArgs, io: Io, style: Style): Promise<number> {
  if (args.positionals.length > 1) {
    io.stderr("consent-edge push: one config file only");
    return 2;
  }
  const file = args.positionals[0] ?? DEFAULT_CONFIG;
  const env = stringFlag(args, "env");
  const result = await checkFile(file, { wrangler: stringFlag(args, "wrangler"), env, pushing: true }, io);
  for (const [stream, line] of renderCheck(result, style)) io[stream](line);
  if (!result.ok) {
    io.stderr(`${style.bad(MARK.bad)} not uploaded: check failed`);
    return 1;
  }
  if (!result.wrangler) {
    io.stderr(
      `${style.bad(MARK.bad)} not uploaded: no Wrangler config beside ${file} declares ${CONFIG_KV} (fix: give --wrangler FILE)`,
    );
    return 1;
  }
  const command = ["npx", ...pushCommand(file, env)];
  io.stdout(`$ ${shellLine(command)}`);
  if (args.flags["dry-run"]) return 0;
  if (!io.run) {
    io.stderr(`${style.bad(MARK.bad)} cannot run commands here`);
    return 1;
  }
  const code = await io.run(command[0] ?? "npx", command.slice(1));
  if (code !== 0) {
    io.stderr(`${style.bad(MARK.bad)} wrangler exited with ${code}: the config in KV is unchanged`);
    return 1;
  }
  io.stdout(`${style.ok(MARK.ok)} ${file} uploaded to ${CONFIG_KV} (key "${CONFIG_KEY}")`);
  return 0;
}
