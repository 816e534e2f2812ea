/** The `consent-edge` command (src/cli/main.ts), run on files held in memory. */
import { describe, expect, it } from "vitest";
import { runCli } from "./cli-helpers";
import { buildJsonSchema } from "../src/cli/json-schema";

const SITE = { id: "shop", hosts: ["www.example.com"], policyRevision: "1" };

const run = runCli;

const json = (value: unknown) => JSON.stringify(value, null, 2);

describe("consent-edge check", () => {
  it("summarises a valid config and exits 0", async () => {
    const config = {
      sites: [SITE, { ...SITE, id: "blog", hosts: ["blog.example.com"], mode: "report-only" }],
    };
    expect(await run(["check", "c.json"], { "c.json": json(config) })).toEqual({
      code: 0,
      stdout: ["✓ c.json: 2 sites: shop (0 cookie rules, enforce), blog (0 cookie rules, report-only)"],
      stderr: [],
    });
  });

  it("prints every problem as file: path: message (fix: ...) and exits 1", async () => {
    const config = { sites: [{ ...SITE, id: "Shop!", cookies: [{ name: "_ga", categry: "analytics" }] }] };
    expect(await run(["check", "c.json"], { "c.json": json(config) })).toEqual({
      code: 1,
      stdout: [],
      stderr: [
        'c.json: sites[0].id: "Shop!" is not a valid site id (fix: use 1-63 lowercase letters, digits and dashes, e.g. "shop")',
        'c.json: sites[0].cookies[0].category: "category" is missing (fix: did you mean category? Rename "categry" to "category")',
        "✗ c.json: 2 problems",
      ],
    });
  });

  it("gives a JSON syntax error's line and column", async () => {
    const result = await run(["check", "c.json"], {
      "c.json": '{\n  "sites": [\n    { "id": "a" "hosts": [] }\n  ]\n}',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toHaveLength(2);
    expect(result.stderr[0]).toMatch(
      /^c\.json:3:17: not valid JSON: .+ \(fix: correct the JSON there: .+\)$/,
    );
    expect(result.stderr[1]).toBe("✗ c.json: 1 problem");
  });

  it("checks consent-edge.config.json by default, with the bindings wrangler.toml declares", async () => {
    const config = json({ sites: [{ ...SITE, origin: "service:ORIGIN", consent: { receipts: true } }] });
    const missing = await run(["check"], { "consent-edge.config.json": config, "wrangler.toml": "" });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toEqual([
      'wrangler.toml: services (top level): no service binding ORIGIN in the top level (what `wrangler deploy` deploys), which sites[0].origin ("shop") in consent-edge.config.json needs (every request to the site goes to it) (fix: add [[services]] binding = "ORIGIN" service = "<the origin worker\'s name>")',
      'wrangler.toml: d1_databases (top level): no D1 database CONSENT_DB in the top level (what `wrangler deploy` deploys), which sites[0].consent.receipts ("shop") in consent-edge.config.json needs (without it every grant fails with 503) (fix: add [[d1_databases]] binding = "CONSENT_DB" database_name = "consent-receipts" database_id = "<id from wrangler d1 create consent-receipts>" migrations_dir = "migrations")',
      'warning: wrangler.toml: ratelimits (top level): no rate limit CONSENT_RATE_LIMIT in the top level (what `wrangler deploy` deploys), which sites[0].consent.receipts ("shop") in consent-edge.config.json needs (without it receipt writes are limited per isolate only, not per Cloudflare location) (fix: add [[ratelimits]] name = "CONSENT_RATE_LIMIT" namespace_id = "<an integer unique in your account>" simple = { limit = 20, period = 60 })',
      "✗ consent-edge.config.json with wrangler.toml (top level): 2 problems",
    ]);
    // A commented-out binding is no binding; the live ones count.
    const toml =
      '[[d1_databases]]\nbinding = "CONSENT_DB"\n\n[[services]]\n# binding = "OLD"\nbinding = "ORIGIN"\n\n[[ratelimits]]\nname = "CONSENT_RATE_LIMIT"\n';
    const declared = await run(["check"], { "consent-edge.config.json": config, "wrangler.toml": toml });
    expect(declared).toEqual({
      code: 0,
      stdout: [
        "✓ consent-edge.config.json: 1 site: shop (0 cookie rules, enforce)",
        "✓ wrangler.toml: the top level (what `wrangler deploy` deploys) has the bindings the sites need",
      ],
      stderr: [],
    });
  });

  it("checks every file given, and fails if one fails", async () => {
    const result = await run(["check", "a.json", "missing.json"], { "a.json": json({ sites: [SITE] }) });
    expect(result).toEqual({
      code: 1,
      stdout: ["✓ a.json: 1 site: shop (0 cookie rules, enforce)"],
      stderr: [
        "missing.json:1:1: cannot be read: ENOENT: no such file, open 'missing.json' (fix: check the file name)",
        "✗ missing.json: 1 problem",
      ],
    });
  });
});

describe("consent-edge schema and usage", () => {
  it("schema prints the JSON Schema", async () => {
    const result = await run(["schema"], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toHaveLength(1);
    expect(JSON.parse(result.stdout[0] ?? "")).toEqual(JSON.parse(JSON.stringify(buildJsonSchema())));
  });

  it.each([[[]], [["deploy"]]])("%j prints the usage and exits 2", async (argv) => {
    const result = await run(argv, {});
    expect(result.code).toBe(2);
    expect(result.stdout).toEqual([]);
    expect(result.stderr.join("\n")).toContain("check [config.json...]");
  });

  it.each([
    [
      ["check", "--wranglr", "w.toml"],
      "unknown option --wranglr (this command takes --wrangler, --env, --json)",
    ],
    [["explain", "--secret"], "--secret needs a value"],
    [["explain", "http://localhost/"], "give the debug secret with --secret or $CONSENT_EDGE_DEBUG_SECRET"],
    [["explain", "ftp://x/", "--secret", "s"], '"ftp://x/" is not an http(s) URL'],
    [["receipts", "delete", "http://localhost/", "--secret", "s"], "say get, export or purge"],
    [
      ["receipts", "purge", "http://localhost/", "--secret", "s", "--older-than", "soon"],
      "is not a duration",
    ],
    [["check", "--json=yes"], "--json takes no value"],
  ])("%j is a usage error naming the mistake, with the command's usage (exit 2)", async (argv, message) => {
    const result = await run(argv, {});
    expect(result.code).toBe(2);
    expect(result.stdout).toEqual([]);
    expect(result.stderr.join("\n")).toContain(message);
    expect(result.stderr.join("\n")).toContain(`usage: consent-edge ${argv[0] ?? ""}`);
  });

  it("--help prints the usage and exits 0", async () => {
    const result = await run(["--help"], {});
    expect(result).toEqual({ code: 0, stdout: [expect.stringContaining("usage: consent-edge")], stderr: [] });
  });

  it.each(["check", "explain", "inventory", "drift", "suggest", "receipts", "push", "schema"])(
    "%s --help prints that command's usage and exits 0",
    async (command) => {
      const result = await run([command, "--help"], {});
      const name = command === "drift" ? "inventory" : command;
      expect(result.code).toBe(0);
      expect(result.stderr).toEqual([]);
      expect(result.stdout.join("\n")).toMatch(new RegExp(`^usage: consent-edge ${name}\\b`));
    },
  );
});
