/**
 * The CLI against a real running worker over HTTP: the demo (servers.ts: the bundled worker in
 * workerd through Miniflare, the demo origin, miniflare's real D1) with the inventory on and a
 * recorder that flushes at every chance, and Node's own fetch. `explain`, `inventory`, `suggest`
 * and `receipts` run through main() as the installed command runs them; `check` and `explain` also
 * run as a process (tsx scripts/cli-bin.ts), to see the exit codes and that nothing coloured or
 * escaped reaches a non-terminal.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Io, main } from "../../src/cli/main.ts";
import { demoWithInventory, startEdge } from "./servers.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SECRET = "e2e-debug-secret-0001";

let edge: Awaited<ReturnType<typeof startEdge>> | undefined;
let dir = "";
let configFile = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "consent-edge-cli-"));
  const { script, config } = await demoWithInventory(0);
  configFile = join(dir, "consent-edge.config.json");
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  edge = await startEdge({ script });
}, 90_000);

afterAll(async () => {
  await edge?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function url(path = "/"): string {
  if (!edge) throw new Error("the worker did not start");
  return new URL(path, edge.url).href;
}

/** main() with Node's fs and fetch, its output kept. */
async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const files: Record<string, string> = {};
  const io: Io = {
    readFile: (path) => files[path] ?? readFileSync(path, "utf8"),
    writeFile: (path, text) => {
      files[path] = text;
    },
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    fetch,
    env: {},
  };
  const code = await main(argv, io);
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

/** The installed command as a process. */
function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      join(root, "node_modules/.bin/tsx"),
      [join(root, "scripts/cli-bin.ts"), ...args],
      { cwd: root, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("consent-edge explain against the demo", () => {
  it("says what the worker did with an undecided visitor's page: every optional cookie dropped, the trackers neutralised", async () => {
    const result = await cli(["explain", url(), "--secret", SECRET]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}site {8}demo, enforce$/m);
    expect(result.stdout).toMatch(/^ {2}from {8}default: undecided/m);
    expect(result.stdout).toMatch(/^ {2}✗ +dropped +_ga +analytics: _ga$/m);
    expect(result.stdout).toMatch(/^ {2}✗ +dropped +ab_bucket +undeclared: block$/m);
    expect(result.stdout).toMatch(/^html: rewritten/m);
    expect(result.stdout).toMatch(/^ {2}elements neutralised: [1-9]\d*$/m);
    expect(result.stdout).toMatch(/^ {4}✗ +script +host:googletagmanager\.com +analytics$/m);
    expect(result.stdout).toMatch(
      /^ {4}✗ +www\.googletagmanager\.com +host:googletagmanager\.com +neutralised$/m,
    );
  });

  it("with a consent cookie granting analytics: _ga rewritten, a held marketing cookie expired", async () => {
    const cookie = `_fbp=fb.1.17.1; ce_consent=1.2026-04-03.${Math.floor(Date.now() / 1000)}.analytics`;
    const result = await cli(["explain", url(), "--secret", SECRET, "--cookie", cookie, "--country", "DE"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}granted {5}necessary, analytics$/m);
    expect(result.stdout).toMatch(/^ {2}from {8}consent-cookie \(valid\)$/m);
    expect(result.stdout).toMatch(/^ {2}region {6}DE \(opt-in\)$/m);
    expect(result.stdout).toMatch(/^ {2}~ +rewritten +_ga +max-age$/m);
    expect(result.stdout).toMatch(/^ {2}✗ +expired +_fbp +marketing: _fbp$/m);
  });

  it("without the right secret: a clear error, exit 1", async () => {
    const result = await cli(["explain", url(), "--secret", "not-it"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("without debug headers (no X-Consent-Site): the debug secret is wrong");
  });
});

describe("consent-edge inventory and suggest against the demo", () => {
  it("lists what the traffic above showed, undeclared first, and exits 1 for ab_bucket", async () => {
    // The recorder flushes in the waitUntil of a response: ask until the entries are there.
    let result = await cli(["inventory", url(), "--secret", SECRET, "--config", configFile]);
    for (let i = 0; i < 20 && !result.stdout.includes("ab_bucket"); i++) {
      await fetch(url("/"));
      await new Promise((resolve) => setTimeout(resolve, 100));
      result = await cli(["inventory", url(), "--secret", SECRET, "--config", configFile]);
    }
    expect(result.code).toBe(1);
    const undeclared = result.stdout.indexOf("undeclared: ");
    const declared = result.stdout.indexOf("\ndeclared: ");
    expect(undeclared).toBeGreaterThan(0);
    expect(declared).toBeGreaterThan(undeclared);
    expect(result.stdout.slice(undeclared, declared)).toMatch(
      /! +cookie +ab_bucket +undeclared +Set-Cookie: dropped/,
    );
    expect(result.stdout.slice(declared)).toMatch(/cookie +_ga +analytics \(_ga\) +Set-Cookie: dropped/);
    expect(result.stdout).toContain("declared, not seen:");
  });

  it("suggest has no default for ab_bucket: it needs the operator's decision, and is not patched", async () => {
    const result = await cli(["suggest", url(), "--secret", SECRET, "--config", configFile, "--json"]);
    expect(result.code).toBe(1);
    const out = JSON.parse(result.stdout) as {
      patch: Array<{ value: { name?: string } }>;
      undecided: Array<{ name: string }>;
    };
    expect(out.undecided.map((item) => item.name)).toContain("ab_bucket");
    expect(out.patch.map((op) => op.value.name)).not.toContain("ab_bucket");
  });
});

describe("consent-edge receipts against the demo", () => {
  it("gets a receipt by id, exports it with its day, and refuses a purge shorter than the consent lifetime", async () => {
    const grant = await fetch(url("/.consent-edge/consent"), {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Origin: new URL(url()).origin,
        "CF-Connecting-IP": "10.77.0.1",
      },
      body: JSON.stringify({ granted: ["analytics"] }),
    });
    expect(grant.status).toBe(200);
    const { receiptId } = (await grant.json()) as { receiptId: string };
    expect(receiptId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const got = await cli(["receipts", "get", receiptId, url(), "--secret", SECRET]);
    expect(got.code).toBe(0);
    expect(got.stdout).toMatch(new RegExp(`^id +${receiptId}$`, "m"));
    expect(got.stdout).toMatch(/^granted +necessary analytics$/m);

    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const exported = await cli([
      "receipts",
      "export",
      url(),
      "--from",
      today,
      "--to",
      tomorrow,
      "--secret",
      SECRET,
      "--json",
    ]);
    expect(exported.code).toBe(0);
    expect(exported.stdout.split("\n").map((line) => (JSON.parse(line) as { id: string }).id)).toContain(
      receiptId,
    );

    const refused = await cli(["receipts", "purge", url(), "--older-than", "1d", "--secret", SECRET]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("shorter than this site's consent lifetime");
    const purged = await cli(["receipts", "purge", url(), "--secret", SECRET]);
    expect(purged.code).toBe(0);
    expect(purged.stdout).toMatch(/^✓ 0 receipts created before \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC deleted$/);
    const still = await cli(["receipts", "get", receiptId, url(), "--secret", SECRET]);
    expect(still.code).toBe(0);
  });
});

describe("the installed command, as a process", () => {
  it("check fails the issue's case at the top level (exit 1) and passes it with --env demo (exit 0)", async () => {
    const failed = await run(["check", "test/fixtures/cli/issue/consent-edge.config.json"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(
      "issue/wrangler.toml: d1_databases (top level): no D1 database CONSENT_DB in the top level (what `wrangler deploy` deploys)",
    );
    expect(failed.stderr.trimEnd().split("\n").at(-1)).toBe(
      "✗ test/fixtures/cli/issue/consent-edge.config.json with test/fixtures/cli/issue/wrangler.toml (top level): 3 problems",
    );
    expect(failed.stdout).toBe(
      "  named environments in test/fixtures/cli/issue/wrangler.toml: demo, staging (check one with --env NAME)\n",
    );
    const passed = await run(["check", "test/fixtures/cli/issue/consent-edge.config.json", "--env", "demo"]);
    expect(passed).toEqual({
      code: 0,
      stdout:
        "✓ test/fixtures/cli/issue/consent-edge.config.json: 1 site: shop (1 cookie rule, enforce)\n" +
        "✓ test/fixtures/cli/issue/wrangler.toml: [env.demo] (`wrangler deploy --env demo`) has the bindings the sites need\n",
      stderr: "",
    });
  });

  it("a usage error exits 2; explain's output to a pipe has no escape sequences", async () => {
    const usage = await run(["explain"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("consent-edge explain: give the URL");
    const explained = await run(["explain", url()], { CONSENT_EDGE_DEBUG_SECRET: SECRET });
    expect(explained.code).toBe(0);
    expect(explained.stdout).toMatch(/^ {2}site {8}demo, enforce$/m);
    expect(explained.stdout).not.toContain("\u001b");
  });
});
