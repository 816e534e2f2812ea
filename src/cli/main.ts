/**
 * The `consent-edge` command. Pure but for `io` (./io.ts): it takes the arguments and the ways to
 * read files, write output and reach the network, and returns the exit code, so tests run it as it
 * is. Exit codes: 0 all well, 1 problems found (or the worker could not be asked), 2 usage error.
 *
 *   check [config...]        validate configs and the Wrangler environment's bindings (./check.ts)
 *   explain <url>            what the worker did with one request (./explain.ts)
 *   inventory <site-url>     what traffic showed, against the config (./inventory.ts); alias drift
 *   suggest <site-url>       a config patch for what is undeclared (./suggest.ts)
 *   receipts get|export|purge  consent receipts through the admin endpoints (./receipts.ts)
 *   push [config]            check, then upload the config to Workers KV (./push.ts)
 *   policy                   the cookie policy the config declares (./policy.ts)
 *   schema                   the config's JSON Schema
 */
import jsonSchema from "../../consent-edge.schema.json";
import { compileConfig, type Site } from "../config/compile";
import { parseConfigText } from "../config/parse-text";
import { type ParsedArgs, parseArgs, stringFlag, type FlagSpec } from "./args";
import { checkFile, checkJson, DEFAULT_CONFIG, renderCheck } from "./check";
import { renderExplain, requestExplain } from "./explain";
import { fetchInventory, judgedByConfig, renderInventory } from "./inventory";
import type { Io } from "./io";
import { cleartextProblem, secretOf, SECRET_ENV, withPathPrefix } from "./io";
import {
  isPolicyFormat,
  pickSite,
  POLICY_FORMATS,
  POLICY_HELP,
  policyWarnings,
  renderPolicy,
} from "./policy";
import { runPush } from "./push";
import { runReceipts, RECEIPTS_HELP } from "./receipts";
import { COLOUR, MARK, PLAIN, plural, type Style } from "./render";
import { applyPatch, buildSuggestions, siteIndex } from "./suggest";

export type { Io } from "./io";
export { DEFAULT_CONFIG };

interface Command {
  /** How it is called, for the overview: `explain <url>`. */
  synopsis: string;
  summary: string;
  help: string;
  flags: FlagSpec;
  run(args: ParsedArgs, io: Io, style: Style): Promise<number>;
}

const SECRET_HELP = `--secret S        the site's debug secret (default: $${SECRET_ENV})`;

const COMMANDS: Record<string, Command> = {
  check: {
    synopsis: "check [config.json...]",
    summary: "validate configs and the bindings the deployed Wrangler environment needs",
    help: `usage: consent-edge check [config.json...] [--wrangler FILE] [--env NAME] [--json]

Validates each config (default ${DEFAULT_CONFIG}) as the worker compiles it, then checks the
bindings its sites need (CONSENT_DB for receipts, INVENTORY_DB for the inventory, a service
binding per "service:" origin, CONFIG_KV for uploaded config, CONSENT_RATE_LIMIT) against the
Wrangler environment that will be deployed. Bindings are not inherited between Wrangler
environments: without --env the top level is checked (what \`wrangler deploy\` deploys).

  --wrangler FILE   wrangler.toml, wrangler.json or wrangler.jsonc (default: the one beside a
                    ${DEFAULT_CONFIG}, in wrangler's order: .json, .jsonc, .toml)
  --env NAME        check [env.NAME] (what \`wrangler deploy --env NAME\` deploys)
  --json            one JSON document on stdout

Exit 0 when all is well (warnings allowed), 1 on any problem, 2 on a usage error.`,
    flags: { wrangler: "string", env: "string", json: "boolean" },
    run: check,
  },
  explain: {
    synopsis: "explain <url>",
    summary: "request a page through a running worker and say what it did",
    help: `usage: consent-edge explain <url> [--secret S] [--cookie "a=b; c=d"] [--country DE] [--gpc] [--dnt] [--json]

Requests <url> through a running consent-edge (local or deployed) with the debug secret and prints
what happened: the site and mode, the consent and where it came from, each cookie dropped,
rewritten, expired, withheld or undeclared and why, each element neutralised and by which rule,
the third-party hosts, the HTML outcome and the timing.

  ${SECRET_HELP}
  --cookie TEXT     the Cookie header to send, as a visitor's browser would
  --country CC      pretend to come from there (X-Consent-Debug-Country: DE, US-CA)
  --gpc, --dnt      send Sec-GPC: 1, DNT: 1
  --json            the parsed report as JSON

Exit 0 when the worker answered with its debug headers, 1 when not (wrong secret, not consent-edge).`,
    flags: {
      secret: "string",
      cookie: "string",
      country: "string",
      gpc: "boolean",
      dnt: "boolean",
      json: "boolean",
    },
    run: explain,
  },
  inventory: {
    synopsis: "inventory <site-url>",
    summary: "what real traffic showed (cookies, hosts), against the config; alias drift",
    help: `usage: consent-edge inventory <site-url> [--secret S] [--config FILE] [--json]

Reads the site's inventory (GET <site-url>/.consent-edge/admin/inventory; put the site's
pathPrefix in the URL) and prints it against the config: undeclared cookies and hosts first, then
the declared ones with their category and what enforce did (or, in report-only, would do), with
counts, first and last seen and sample paths, then the rules never seen.

  ${SECRET_HELP}
  --config FILE     the config to compare with (default ${DEFAULT_CONFIG}, if there is one)
  --json            the inventory document as JSON

Exit 0 when nothing undeclared was seen, 1 when something was (or the inventory could not be read).`,
    flags: { secret: "string", config: "string", json: "boolean" },
    run: inventory,
  },
  suggest: {
    synopsis: "suggest <site-url>",
    summary: "propose config rules (a JSON Patch) for what the inventory found undeclared",
    help: `usage: consent-edge suggest <site-url> [--secret S] [--config FILE] [--write] [--json]

For each undeclared cookie and host in the site's inventory, proposes a rule as an RFC 6902 JSON
Patch operation against the config file, with the category the defaults give it and why:
cookies from a table of well-known vendors' cookies (src/defaults/cookies.ts), hosts from the
built-in tracker rules. What neither knows is listed as "needs your decision", not patched.

  ${SECRET_HELP}
  --config FILE     the config file to patch (default ${DEFAULT_CONFIG})
  --write           apply the patch to the file, if the result is a valid config
  --json            { "patch": [...], "suggestions": [...], "undecided": [...] }

Exit 0 when there is nothing undecided, 1 when something needs your decision.`,
    flags: { secret: "string", config: "string", write: "boolean", json: "boolean" },
    run: suggest,
  },
  receipts: {
    synopsis: "receipts get|export|purge",
    summary: "look up, export or purge consent receipts",
    help: RECEIPTS_HELP,
    flags: { secret: "string", from: "string", to: "string", "older-than": "string", json: "boolean" },
    run: runReceipts,
  },
  push: {
    synopsis: "push [config.json]",
    summary: "check, then upload the config to Workers KV (CONFIG_KV, key config)",
    help: `usage: consent-edge push [config.json] [--wrangler FILE] [--env NAME] [--dry-run]

Runs \`check\` on the config against the Wrangler environment, and only if it passes uploads it to
Workers KV, where the worker reads it (binding CONFIG_KV, key "config"):

  npx wrangler kv key put --binding CONFIG_KV config --path <config> [--env NAME] --remote

  --wrangler FILE   as for check
  --env NAME        the Wrangler environment to check and upload to
  --dry-run         print the command without running it

Exit 0 when uploaded (or, with --dry-run, when it would be), 1 when check fails or wrangler does.`,
    flags: { wrangler: "string", env: "string", "dry-run": "boolean" },
    run: runPush,
  },
  policy: {
    synopsis: "policy [--site ID]",
    summary: "print the cookie policy the config declares (Markdown, JSON or HTML)",
    help: POLICY_HELP,
    flags: { config: "string", site: "string", format: "string", lang: "string" },
    run: policy,
  },
  schema: {
    synopsis: "schema",
    summary: "print the config's JSON Schema (consent-edge.schema.json)",
    help: "usage: consent-edge schema\n\nPrints the JSON Schema editors use to validate and complete the config.",
    flags: {},
    run: (_args, io) => {
      io.stdout(JSON.stringify(jsonSchema, null, 2));
      return Promise.resolve(0);
    },
  },
};

const ALIASES: Record<string, string> = { drift: "inventory" };

export const USAGE = `usage: consent-edge <command> [options]   (consent-edge <command> --help for more)

${Object.values(COMMANDS)
  .map((command) => `  ${command.synopsis.padEnd(28)}${command.summary}`)
  .join("\n")}

Exit codes: 0 all well, 1 problems found, 2 usage error.`;

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  const style = io.colour ? COLOUR : PLAIN;
  if (name === "help" || name === "--help" || name === "-h") {
    const topic = rest[0] !== undefined ? COMMANDS[ALIASES[rest[0]] ?? rest[0]] : undefined;
    io.stdout(topic ? topic.help : USAGE);
    return 0;
  }
  const command = name === undefined ? undefined : COMMANDS[ALIASES[name] ?? name];
  if (!command) {
    io.stderr(name === undefined ? USAGE : `consent-edge: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  const parsed = parseArgs(rest, command.flags);
  if (!parsed.ok) {
    io.stderr(`consent-edge ${name}: ${parsed.error}\n\n${command.help}`);
    return 2;
  }
  if (parsed.args.flags["help"]) {
    io.stdout(command.help);
    return 0;
  }
  return command.run(parsed.args, io, style);
}

function usageError(io: Io, command: string, message: string): number {
  io.stderr(`consent-edge ${command}: ${message}\n\n${COMMANDS[command]?.help ?? USAGE}`);
  return 2;
}

async function check(args: ParsedArgs, io: Io, style: Style): Promise<number> {
  const files = args.positionals.length > 0 ? args.positionals : [DEFAULT_CONFIG];
  const options = { wrangler: stringFlag(args, "wrangler"), env: stringFlag(args, "env") };
  const results = [];
  for (const file of files) results.push(await checkFile(file, options, io));
  if (args.flags["json"]) {
    io.stdout(
      JSON.stringify({ ok: results.every((result) => result.ok), files: results.map(checkJson) }, null, 2),
    );
  } else {
    for (const result of results) {
      for (const [stream, line] of renderCheck(result, style)) io[stream](line);
    }
  }
  return results.every((result) => result.ok) ? 0 : 1;
}

/** The one positional a network command takes, and the secret; or a usage error's exit code. */
function target(command: string, args: ParsedArgs, io: Io): { url: string; secret: string } | number {
  const [url, ...extra] = args.positionals;
  if (url === undefined) return usageError(io, command, "give the URL");
  if (extra.length) return usageError(io, command, `one URL only (got ${args.positionals.length})`);
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("not http");
  } catch {
    return usageError(io, command, `"${url}" is not an http(s) URL`);
  }
  const cleartext = cleartextProblem(url);
  if (cleartext !== undefined) return usageError(io, command, cleartext);
  const secret = secretOf(stringFlag(args, "secret"), io);
  if (secret === undefined)
    return usageError(io, command, `give the debug secret with --secret or $${SECRET_ENV}`);
  return { url, secret };
}

async function explain(args: ParsedArgs, io: Io, style: Style): Promise<number> {
  const to = target("explain", args, io);
  if (typeof to === "number") return to;
  const result = await requestExplain(
    to.url,
    {
      secret: to.secret,
      cookie: stringFlag(args, "cookie"),
      country: stringFlag(args, "country"),
      gpc: args.flags["gpc"] === true,
      dnt: args.flags["dnt"] === true,
    },
    io,
  );
  if (!result.ok) {
    io.stderr(`${style.bad(MARK.bad)} ${result.message}`);
    return 1;
  }
  if (args.flags["json"]) io.stdout(JSON.stringify(result.report, null, 2));
  else for (const line of renderExplain(to.url, result.report, style)) io.stdout(line);
  return 0;
}

/** The config file's raw value and compiled form, or the problems (printed). */
async function loadConfig(
  file: string,
  io: Io,
  required: boolean,
): Promise<{ raw: unknown; sites: Site[] } | undefined | "failed"> {
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (error) {
    if (!required) return undefined;
    io.stderr(
      `${file}: cannot be read: ${error instanceof Error ? error.message : String(error)} (fix: give --config FILE)`,
    );
    return "failed";
  }
  const parsed = parseConfigText(text, file);
  const compiled = parsed.ok ? compileConfig(parsed.value) : parsed;
  if (!compiled.ok) {
    for (const problem of compiled.problems)
      io.stderr(`${file}: ${problem.path}: ${problem.message} (fix: ${problem.fix})`);
    io.stderr(`${MARK.bad} ${file} is not a valid config: run consent-edge check ${file}`);
    return "failed";
  }
  return { raw: parsed.ok ? parsed.value : undefined, sites: compiled.config.sites };
}

async function inventory(args: ParsedArgs, io: Io, style: Style): Promise<number> {
  const to = target("inventory", args, io);
  if (typeof to === "number") return to;
  const configFile = stringFlag(args, "config");
  const config = await loadConfig(configFile ?? DEFAULT_CONFIG, io, configFile !== undefined);
  if (config === "failed") return 1;
  const result = await fetchInventory(config ? withPathPrefix(to.url, config.sites) : to.url, to.secret, io);
  if (!result.ok) {
    io.stderr(`${style.bad(MARK.bad)} ${result.message}`);
    return 1;
  }
  const site = config?.sites.find((candidate) => candidate.id === result.doc.site);
  if (config && !site)
    io.stderr(`${MARK.warn} ${configFile ?? DEFAULT_CONFIG} has no site "${result.doc.site}": not compared`);
  const doc = site ? judgedByConfig(result.doc, site) : result.doc;
  if (args.flags["json"]) io.stdout(JSON.stringify(doc, null, 2));
  else for (const line of renderInventory(doc, site, style, result.dropped)) io.stdout(line);
  return doc.entries.some((entry) => entry.rule === null) ? 1 : 0;
}

async function suggest(args: ParsedArgs, io: Io, style: Style): Promise<number> {
  const to = target("suggest", args, io);
  if (typeof to === "number") return to;
  const file = stringFlag(args, "config") ?? DEFAULT_CONFIG;
  const config = await loadConfig(file, io, true);
  if (config === "failed" || config === undefined) return 1;
  const result = await fetchInventory(withPathPrefix(to.url, config.sites), to.secret, io);
  if (!result.ok) {
    io.stderr(`${style.bad(MARK.bad)} ${result.message}`);
    return 1;
  }
  const index = siteIndex(config.raw, result.doc.site);
  const site = config.sites.find((candidate) => candidate.id === result.doc.site);
  if (index < 0 || !site) {
    io.stderr(
      `${style.bad(MARK.bad)} ${file} has no site "${result.doc.site}" (fix: give the config that serves ${to.url} with --config)`,
    );
    return 1;
  }
  const suggestions = buildSuggestions(judgedByConfig(result.doc, site), config.raw, index, site);
  if (args.flags["json"]) {
    io.stdout(
      JSON.stringify(
        {
          patch: suggestions.operations,
          suggestions: suggestions.suggestions,
          undecided: suggestions.undecided,
        },
        null,
        2,
      ),
    );
  } else {
    io.stdout(
      style.bold(`suggested rules for ${result.doc.site} (${file}): ${suggestions.suggestions.length}`),
    );
    for (const suggestion of suggestions.suggestions) {
      io.stdout(
        `  ${style.ok("+")} ${suggestion.kind} ${suggestion.kind === "cookie" ? String(suggestion.rule["name"]) : String(suggestion.rule["host"])} → ${suggestion.category}: ${suggestion.why}`,
      );
      io.stdout(
        `      seen: ${suggestion.seen.join(", ")}${suggestion.source ? `; source: ${suggestion.source}` : ""}`,
      );
    }
    if (suggestions.undecided.length) {
      io.stdout("");
      io.stdout(style.bold(style.warn(`needs your decision: ${suggestions.undecided.length}`)));
      for (const item of suggestions.undecided)
        io.stdout(`  ${style.warn(MARK.warn)} ${item.kind} ${item.name}: ${item.why}`);
    }
    // With --write the file itself is the record (`git diff`); the patch is printed to be applied by hand.
    if (!args.flags["write"]) {
      io.stdout("");
      io.stdout(style.bold("patch (RFC 6902):"));
      io.stdout(JSON.stringify(suggestions.operations, null, 2));
    }
  }
  if (args.flags["write"] && suggestions.operations.length) {
    let patched: unknown;
    try {
      patched = applyPatch(config.raw, suggestions.operations);
    } catch (error) {
      io.stderr(
        `${style.bad(MARK.bad)} the patch does not apply to ${file}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return 1;
    }
    const compiled = compileConfig(patched);
    if (!compiled.ok) {
      for (const problem of compiled.problems)
        io.stderr(`${file}: ${problem.path}: ${problem.message} (fix: ${problem.fix})`);
      io.stderr(`${style.bad(MARK.bad)} not written: the patched config would not be valid`);
      return 1;
    }
    if (!io.writeFile) {
      io.stderr(`${style.bad(MARK.bad)} cannot write files here`);
      return 1;
    }
    await io.writeFile(file, `${JSON.stringify(patched, null, 2)}\n`);
    io.stderr(
      `${style.ok(MARK.ok)} ${file}: ${plural(suggestions.suggestions.length, "rule")} added (review them: git diff ${file})`,
    );
  }
  return suggestions.undecided.length ? 1 : 0;
}

async function policy(args: ParsedArgs, io: Io, style: Style): Promise<number> {
  if (args.positionals.length) return usageError(io, "policy", `unexpected ${args.positionals.join(" ")}`);
  const format = stringFlag(args, "format") ?? "markdown";
  if (!isPolicyFormat(format))
    return usageError(io, "policy", `--format must be one of ${POLICY_FORMATS.join(", ")} (got "${format}")`);
  const file = stringFlag(args, "config") ?? DEFAULT_CONFIG;
  const config = await loadConfig(file, io, true);
  if (config === "failed" || config === undefined) return 1;
  const site = pickSite(config.sites, stringFlag(args, "site"));
  if (typeof site === "string") return usageError(io, "policy", `${file}: ${site}`);
  for (const warning of policyWarnings(site)) io.stderr(`${style.warn(MARK.warn)} ${warning}`);
  io.stdout(renderPolicy(site, format, stringFlag(args, "lang")));
  return 0;
}
