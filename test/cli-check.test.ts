/**
 * `consent-edge check` against the Wrangler environment that will be deployed: the fixtures in
 * test/fixtures/cli/ (broken configs, Wrangler configs in TOML, JSON and JSONC), read by the real
 * parsers (smol-toml, the JSONC reader), run through main() as the installed command runs it.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "./cli-helpers";
import { blankJsonc, parseJsonc } from "../src/cli/jsonc";
import { environmentOf, parseWrangler } from "../src/cli/wrangler";
import brokenConfig from "./fixtures/cli/broken.config.json?raw";
import brokenToml from "./fixtures/cli/broken.wrangler.toml?raw";
import goodJson from "./fixtures/cli/good.wrangler.json?raw";
import issueToml from "./fixtures/cli/issue/wrangler.toml?raw";
import noRateLimit from "./fixtures/cli/no-rate-limit.wrangler.toml?raw";
import receipts from "./fixtures/cli/receipts.config.json?raw";
import wrongKinds from "./fixtures/cli/wrong-kinds.wrangler.jsonc?raw";

const FILES: Record<string, string> = {
  "receipts.config.json": receipts,
  "issue/consent-edge.config.json": receipts,
  "issue/wrangler.toml": issueToml,
  "broken.config.json": brokenConfig,
  "broken.wrangler.toml": brokenToml,
  "good.wrangler.json": goodJson,
  "no-rate-limit.wrangler.toml": noRateLimit,
  "wrong-kinds.wrangler.jsonc": wrongKinds,
  "broken.wrangler.jsonc":
    '{\n  "name": "consent-edge",\n  "d1_databases": [ { "binding": "CONSENT_DB" } }\n}\n',
};

function run(argv: string[], files: Record<string, string> = FILES) {
  return runCli(argv, files);
}

describe("check: the issue's case, bindings declared only under [env.demo]", () => {
  it("fails the top-level check (what `wrangler deploy` deploys) with every missing binding, and names the environments", async () => {
    const result = await run(["check", "issue/consent-edge.config.json"]);
    expect(result.code).toBe(1);
    const errors = result.stderr.filter((line) => !line.startsWith("warning: ") && !line.startsWith("✗"));
    expect(errors.map((line) => line.slice(0, line.indexOf(" in the top level")))).toEqual([
      "issue/wrangler.toml: services (top level): no service binding SHOP_ORIGIN",
      "issue/wrangler.toml: d1_databases (top level): no D1 database CONSENT_DB",
      "issue/wrangler.toml: d1_databases (top level): no D1 database INVENTORY_DB",
    ]);
    for (const line of errors) {
      expect(line).toContain("it is declared in [env.demo] only, and Wrangler does not inherit bindings");
      expect(line).toMatch(
        /\(fix: add \[\[(services|d1_databases)\]\] .+, or deploy the environment that has it: --env demo\)$/,
      );
    }
    expect(result.stderr.filter((line) => line.startsWith("warning: "))).toEqual([
      expect.stringMatching(
        /^warning: issue\/wrangler\.toml: ratelimits \(top level\): no rate limit CONSENT_RATE_LIMIT/,
      ),
    ]);
    expect(result.stderr.at(-1)).toBe(
      "✗ issue/consent-edge.config.json with issue/wrangler.toml (top level): 3 problems",
    );
    expect(result.stdout).toEqual([
      "  named environments in issue/wrangler.toml: demo, staging (check one with --env NAME)",
    ]);
  });

  it("passes with --env demo, which has them all", async () => {
    expect(await run(["check", "issue/consent-edge.config.json", "--env", "demo"])).toEqual({
      code: 0,
      stdout: [
        "✓ issue/consent-edge.config.json: 1 site: shop (1 cookie rule, enforce)",
        "✓ issue/wrangler.toml: [env.demo] (`wrangler deploy --env demo`) has the bindings the sites need",
      ],
      stderr: [],
    });
  });

  it("fails --env staging, which inherits nothing from [env.demo] or the top level", async () => {
    const result = await run(["check", "issue/consent-edge.config.json", "--env", "staging"]);
    expect(result.code).toBe(1);
    expect(result.stderr[1]).toMatch(
      /^issue\/wrangler\.toml: \[env\.staging\] d1_databases: no D1 database CONSENT_DB in \[env\.staging\], .+ it is declared in \[env\.demo\] only.+\(fix: add \[\[env\.staging\.d1_databases\]\] binding = "CONSENT_DB"/,
    );
  });

  it("a named environment that does not exist is a problem listing those that do", async () => {
    const result = await run(["check", "issue/consent-edge.config.json", "--env", "prod"]);
    expect(result.code).toBe(1);
    expect(result.stderr[0]).toBe(
      'issue/wrangler.toml: [env.prod]: there is no environment "prod" (fix: use one of --env demo, --env staging, or leave --env out for the top level)',
    );
  });
});

describe("check: wrong kinds, JSONC, warnings, syntax errors", () => {
  it("a binding of the wrong kind is a problem, and remote config without CONFIG_KV is one (JSONC with comments and trailing commas)", async () => {
    const result = await run(["check", "receipts.config.json", "--wrangler", "wrong-kinds.wrangler.jsonc"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([
      'wrong-kinds.wrangler.jsonc: vars (top level): SHOP_ORIGIN is declared as a var in the top level (what `wrangler deploy` deploys), but sites[0].origin ("shop") in receipts.config.json needs a service binding (every request to the site goes to it) (fix: move SHOP_ORIGIN out of vars and add { "binding": "SHOP_ORIGIN", "service": "<the origin worker\'s name>" } to "services")',
      'wrong-kinds.wrangler.jsonc: kv_namespaces (top level): CONSENT_DB is declared as a KV namespace in the top level (what `wrangler deploy` deploys), but sites[0].consent.receipts ("shop") in receipts.config.json needs a D1 database (without it every grant fails with 503) (fix: move CONSENT_DB out of kv_namespaces and add { "binding": "CONSENT_DB", "database_name": "consent-receipts", "database_id": "<id from wrangler d1 create consent-receipts>", "migrations_dir": "migrations" } to "d1_databases")',
      'wrong-kinds.wrangler.jsonc: kv_namespaces (top level): no KV namespace CONFIG_KV in the top level (what `wrangler deploy` deploys), which vars.CONSENT_EDGE_REMOTE_CONFIG (top level) in wrong-kinds.wrangler.jsonc needs (the uploaded config (`consent-edge push`) is written to it and read from it) (fix: add { "binding": "CONFIG_KV", "id": "<id from wrangler kv namespace create CONFIG_KV>" } to "kv_namespaces")',
      "✗ receipts.config.json with wrong-kinds.wrangler.jsonc (top level): 3 problems",
    ]);
  });

  it("a Wrangler config with every binding passes (wrangler.json)", async () => {
    const result = await run(["check", "receipts.config.json", "--wrangler", "good.wrangler.json"]);
    expect(result).toEqual({
      code: 0,
      stdout: [
        "✓ receipts.config.json: 1 site: shop (1 cookie rule, enforce)",
        "✓ good.wrangler.json: the top level (what `wrangler deploy` deploys) has the bindings the sites need",
      ],
      stderr: [],
    });
  });

  it("a missing rate limit is a warning: printed, exit 0", async () => {
    const result = await run(["check", "receipts.config.json", "--wrangler", "no-rate-limit.wrangler.toml"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toEqual([
      expect.stringMatching(
        /^warning: no-rate-limit\.wrangler\.toml: ratelimits \(top level\): no rate limit CONSENT_RATE_LIMIT/,
      ),
    ]);
  });

  it("prints every problem of a broken config and a broken wrangler.toml together", async () => {
    const result = await run(["check", "broken.config.json", "--wrangler", "broken.wrangler.toml"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([
      'broken.config.json: sites[0].id: "Shop!" is not a valid site id (fix: use 1-63 lowercase letters, digits and dashes, e.g. "shop")',
      'broken.config.json: sites[0].cookies[0].category: "category" is missing (fix: did you mean category? Rename "categry" to "category")',
      "broken.wrangler.toml:3:16: not valid TOML: expected end of table array declaration (fix: correct the TOML there (wrangler would refuse it too))",
      "✗ broken.config.json: 3 problems",
    ]);
  });

  it("gives a broken JSONC file's line and column", async () => {
    const result = await run(["check", "receipts.config.json", "--wrangler", "broken.wrangler.jsonc"]);
    expect(result.code).toBe(1);
    expect(result.stderr[0]).toMatch(
      /^broken\.wrangler\.jsonc:3:49: not valid JSON: .+\(fix: correct the JSON there \(comments and trailing commas are allowed\)\)$/,
    );
  });

  it("an unreadable --wrangler file is a problem, not a crash", async () => {
    const result = await run(["check", "receipts.config.json", "--wrangler", "nope.toml"]);
    expect(result.code).toBe(1);
    expect(result.stderr[0]).toBe(
      "nope.toml:1:1: cannot be read: ENOENT: no such file, open 'nope.toml' (fix: check the --wrangler file name)",
    );
  });

  it("beside a consent-edge.config.json, wrangler.json wins over wrangler.toml, as in wrangler", async () => {
    const files = {
      "site/consent-edge.config.json": receipts,
      "site/wrangler.toml": issueToml,
      "site/wrangler.json": goodJson,
    };
    const result = await run(["check", "site/consent-edge.config.json"], files);
    expect(result.code).toBe(0);
    expect(result.stdout[1]).toMatch(/^✓ site\/wrangler\.json: /);
  });

  it("--json prints one document with every problem and the environments", async () => {
    const result = await run(["check", "issue/consent-edge.config.json", "--json"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([]);
    const doc = JSON.parse(result.stdout.join("\n")) as {
      ok: boolean;
      files: Array<{ ok: boolean; wrangler: unknown; problems: Array<{ level: string; path: string }> }>;
    };
    expect(doc.ok).toBe(false);
    expect(doc.files[0]?.wrangler).toEqual({
      file: "issue/wrangler.toml",
      environment: null,
      environments: ["demo", "staging"],
    });
    expect(doc.files[0]?.problems.map((problem) => `${problem.level} ${problem.path}`)).toEqual([
      "error services (top level)",
      "error d1_databases (top level)",
      "error d1_databases (top level)",
      "warning ratelimits (top level)",
    ]);
  });
});

describe("the Wrangler reader", () => {
  it("reads JSONC: comments and trailing commas blanked, strings that look like them kept", () => {
    const text =
      '{\n  // a comment\n  "url": "https://x//y", /* block */ "list": [1, 2,],\n  "s": "a,]" ,\n}';
    expect(parseJsonc(text)).toEqual({ ok: true, value: { url: "https://x//y", list: [1, 2], s: "a,]" } });
    expect(blankJsonc(text).split("\n").length).toBe(text.split("\n").length);
  });

  it("does not carry top-level bindings or vars into a named environment, nor the other way round", () => {
    const parsed = parseWrangler(
      '[vars]\nA = "1"\n[[d1_databases]]\nbinding = "CONSENT_DB"\n[env.x.vars]\nB = "2"\n[[env.x.kv_namespaces]]\nbinding = "CONFIG_KV"\n',
      "wrangler.toml",
    );
    if (!parsed.ok) throw new Error("fixture does not parse");
    const top = environmentOf(parsed.config, undefined);
    const x = environmentOf(parsed.config, "x");
    if (!top.ok || !x.ok) throw new Error("environments missing");
    expect(top.environment.bindings.map((b) => `${b.kind} ${b.name}`)).toEqual([
      "D1 database CONSENT_DB",
      "var A",
    ]);
    expect(x.environment.bindings.map((b) => `${b.kind} ${b.name}`)).toEqual([
      "KV namespace CONFIG_KV",
      "var B",
    ]);
  });

  it("reads rate limits from [[ratelimits]] and from unsafe.bindings of type ratelimit", () => {
    const parsed = parseWrangler(wrongKinds, "wrangler.jsonc");
    if (!parsed.ok) throw new Error("fixture does not parse");
    const top = environmentOf(parsed.config, undefined);
    expect(top.ok && top.environment.bindings.find((b) => b.name === "CONSENT_RATE_LIMIT")).toEqual({
      name: "CONSENT_RATE_LIMIT",
      kind: "rate limit",
      field: "unsafe.bindings",
    });
  });
});
