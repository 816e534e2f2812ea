/**
 * `consent-edge push`: check first, upload only when it passes, with the wrangler command printed
 * (and only printed with --dry-run); and the terminal helpers every command prints with.
 */
import { describe, expect, it } from "vitest";
import { parseArgs } from "../src/cli/args";
import { adminUrl, withPathPrefix } from "../src/cli/io";
import { main } from "../src/cli/main";
import { pushCommand, shellLine } from "../src/cli/push";
import { clean, COLOUR, table, wantsColour } from "../src/cli/render";
import goodJson from "./fixtures/cli/good.wrangler.json?raw";
import issueToml from "./fixtures/cli/issue/wrangler.toml?raw";
import receipts from "./fixtures/cli/receipts.config.json?raw";

function harness(files: Record<string, string>, exitCode = 0) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const ran: string[][] = [];
  const io = {
    readFile: (path: string) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: ${path}`);
      return text;
    },
    stdout: (line: string) => stdout.push(line),
    stderr: (line: string) => stderr.push(line),
    run: (command: string, args: readonly string[]) => {
      ran.push([command, ...args]);
      return Promise.resolve(exitCode);
    },
  };
  return { io, stdout, stderr, ran };
}

const UPLOAD =
  "$ npx wrangler kv key put --binding CONFIG_KV config --path consent-edge.config.json --remote";

describe("consent-edge push", () => {
  it("checks, then runs wrangler kv key put on the config", async () => {
    const { io, stdout, ran } = harness({ "consent-edge.config.json": receipts, "wrangler.json": goodJson });
    expect(await main(["push"], io)).toBe(0);
    expect(stdout).toEqual([
      "✓ consent-edge.config.json: 1 site: shop (1 cookie rule, enforce)",
      "✓ wrangler.json: the top level (what `wrangler deploy` deploys) has the bindings the sites need",
      UPLOAD,
      '✓ consent-edge.config.json uploaded to CONFIG_KV (key "config")',
    ]);
    expect(ran).toEqual([["npx", ...pushCommand("consent-edge.config.json", undefined)]]);
  });

  it("--dry-run prints the command and runs nothing", async () => {
    const { io, stdout, ran } = harness({ "consent-edge.config.json": receipts, "wrangler.json": goodJson });
    expect(await main(["push", "--dry-run"], io)).toBe(0);
    expect(stdout.at(-1)).toBe(UPLOAD);
    expect(ran).toEqual([]);
  });

  it("uploads nothing when check fails: here CONFIG_KV, which push writes to, is not in the environment", async () => {
    const { io, stderr, ran } = harness({ "consent-edge.config.json": receipts, "wrangler.toml": issueToml });
    expect(await main(["push", "--env", "demo"], io)).toBe(1);
    expect(stderr).toContain(
      'wrangler.toml: [env.demo] kv_namespaces: no KV namespace CONFIG_KV in [env.demo], which consent-edge push in wrangler.toml needs (the uploaded config (`consent-edge push`) is written to it and read from it) (fix: add [[env.demo.kv_namespaces]] binding = "CONFIG_KV" id = "<id from wrangler kv namespace create CONFIG_KV>")',
    );
    expect(stderr.at(-1)).toBe("✗ not uploaded: check failed");
    expect(ran).toEqual([]);
  });

  it("says so when wrangler fails: the config in KV is unchanged", async () => {
    const { io, stderr } = harness({ "consent-edge.config.json": receipts, "wrangler.json": goodJson }, 1);
    expect(await main(["push"], io)).toBe(1);
    expect(stderr).toEqual(["✗ wrangler exited with 1: the config in KV is unchanged"]);
  });

  it("passes --env on to wrangler, and quotes what a shell would split", () => {
    expect(shellLine(["npx", ...pushCommand("my config.json", "production")])).toBe(
      "npx wrangler kv key put --binding CONFIG_KV config --path 'my config.json' --env production --remote",
    );
  });
});

describe("the terminal helpers", () => {
  it("colours only a terminal without NO_COLOR (no-color.org: set to anything but empty)", () => {
    expect(wantsColour(true, {})).toBe(true);
    expect(wantsColour(false, {})).toBe(false);
    expect(wantsColour(true, { NO_COLOR: "1" })).toBe(false);
    expect(wantsColour(true, { NO_COLOR: "" })).toBe(true);
    expect(wantsColour(true, { TERM: "dumb" })).toBe(false);
  });

  it("aligns columns by what the terminal shows, colour codes left out, with no trailing spaces", () => {
    expect(
      table([
        [COLOUR.ok("✓"), "a", "x"],
        ["✗", "long name", ""],
      ]),
    ).toEqual([`${COLOUR.ok("✓")}  a          x`, "✗  long name"]);
  });

  it("replaces control characters and bidirectional overrides", () => {
    expect(clean("a\u001b[2Jb\u0007c\u202ed\u009b")).toBe("a\uFFFD[2Jb\uFFFDc\uFFFDd\uFFFD");
  });

  it("parses --flag value, --flag=value and --, and refuses what the command does not take", () => {
    const spec = { env: "string", json: "boolean" } as const;
    expect(parseArgs(["a.json", "--env", "demo", "--json", "--", "--b"], spec)).toEqual({
      ok: true,
      args: { flags: { env: "demo", json: true }, positionals: ["a.json", "--b"] },
    });
    expect(parseArgs(["--env=prod"], spec)).toEqual({
      ok: true,
      args: { flags: { env: "prod" }, positionals: [] },
    });
    expect(parseArgs(["-x"], spec)).toEqual({ ok: false, error: "unknown option -x" });
    expect(parseArgs(["--env"], spec)).toEqual({ ok: false, error: "--env needs a value" });
  });
});

describe("the admin URL of a site with a pathPrefix", () => {
  const sites = [
    { hosts: ["www.example.com"], pathPrefix: "/shop" },
    { hosts: ["*.example.org"], pathPrefix: "" },
    { hosts: ["both.example.net"], pathPrefix: "/a" },
    { hosts: ["both.example.net"], pathPrefix: "" },
  ];
  it.each([
    ["https://www.example.com", "https://www.example.com/shop"],
    ["https://www.example.com/", "https://www.example.com/shop"],
    ["https://www.example.com/shop/", "https://www.example.com/shop/"],
    ["https://a.example.org/", "https://a.example.org/"],
    ["https://both.example.net/", "https://both.example.net/"],
    ["https://elsewhere.example/", "https://elsewhere.example/"],
  ])("%s → %s", (given, expected) => {
    expect(withPathPrefix(given, sites)).toBe(expected);
    expect(adminUrl(withPathPrefix(given, sites), "inventory").pathname).toBe(
      `${new URL(expected).pathname.replace(/\/$/, "")}/.consent-edge/admin/inventory`,
    );
  });
});
