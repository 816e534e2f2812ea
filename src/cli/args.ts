/**
 * The CLI's argument parser: `--flag`, `--flag value`, `--flag=value`, `--` and positionals, checked
 * against what each command accepts, so that a typo (`--secrte`) is a usage error (exit 2) and never
 * a silently ignored option. Pure.
 */

export type FlagSpec = Readonly<Record<string, "boolean" | "string">>;

export interface ParsedArgs {
  /** `--flag` → true, `--flag value` → "value"; absent flags are absent. */
  flags: Record<string, string | true>;
  positionals: string[];
}

export type ArgsResult = { ok: true; args: ParsedArgs } | { ok: false; error: string };

export function parseArgs(argv: readonly string[], spec: FlagSpec): ArgsResult {
  const flags: Record<string, string | true> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--") || arg === "-") {
      if (arg.startsWith("-") && arg !== "-" && arg !== "-h") {
        return { ok: false, error: `unknown option ${arg}` };
      }
      if (arg === "-h") flags["help"] = true;
      else positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const name = arg.slice(2, equals < 0 ? undefined : equals);
    const type = name === "help" ? "boolean" : spec[name];
    if (type === undefined) {
      const known = Object.keys(spec).map((flag) => `--${flag}`);
      return {
        ok: false,
        error: `unknown option --${name}${known.length ? ` (this command takes ${known.join(", ")})` : ""}`,
      };
    }
    if (type === "boolean") {
      if (equals >= 0) return { ok: false, error: `--${name} takes no value` };
      flags[name] = true;
      continue;
    }
    const value = equals >= 0 ? arg.slice(equals + 1) : argv[++i];
    if (value === undefined || (equals < 0 && value.startsWith("--"))) {
      return { ok: false, error: `--${name} needs a value` };
    }
    flags[name] = value;
  }
  return { ok: true, args: { flags, positionals } };
}

/** A string flag's value, or undefined. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags[name];
  return typeof value === "string" ? value : undefined;
}
