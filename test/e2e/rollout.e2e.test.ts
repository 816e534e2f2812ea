/**
 * The README's "Rolling out" walk-through, run as written: its first block writes my-site.json, the
 * demo starts as the README says (`DEMO_CONFIG=my-site.json npm start`, on free ports), and each later
 * block runs with bash against it, only the ports changed. What each prints (stdout and stderr, as a
 * terminal shows them) must be the ```text block that follows it in the README, times and dates aside:
 * the README's transcript is this run's output. `ROLLOUT_WRITE=1` writes this run's outputs into the
 * README instead (after a change of the CLI's output), for a human to review in the diff.
 *
 * my-site.json is the README's own file name, in the repository root (gitignored): a developer's file
 * of that name is kept aside during the run and put back.
 */
import { exec } from "node:child_process";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, type ProcessGroup, startProcessGroup, waitForHttp } from "./servers.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const README_PATH = join(ROOT, "README.md");
const README = readFileSync(README_PATH, "utf8");
const EDGE = "127.0.0.1:8787";
const CONFIG_FILE = join(ROOT, "my-site.json");
const KEPT_ASIDE = join(ROOT, "my-site.json.kept-by-rollout-test");
const START = "DEMO_CONFIG=my-site.json npm start";
const WRITE = process.env.ROLLOUT_WRITE === "1";

interface Step {
  /** The block's first comment, "Rolling out, N: ...". */
  comment: string;
  script: string;
  /** The ```text block right after it, if there is one, and where it is in the README. */
  expected?: { text: string; start: number; end: number };
}

/** The walk-through's blocks, in order: the section from "## Rolling out" to the next "## ". */
export function rolloutSteps(readme: string): Step[] {
  const from = readme.indexOf("\n## Rolling out\n");
  const to = readme.indexOf("\n## ", from + 1);
  const section = readme.slice(from, to === -1 ? undefined : to);
  const steps: Step[] = [];
  const block = /```sh\n([\s\S]*?)```\n(\s*```text\n([\s\S]*?)```\n)?/g;
  for (const match of section.matchAll(block)) {
    const script = match[1] ?? "";
    const comment = /^# (Rolling out, [^\n]*)/.exec(script)?.[1];
    if (!comment) continue;
    const step: Step = { comment, script };
    if (match[2] !== undefined && match[3] !== undefined) {
      // Where the text block's content sits in the whole README, for ROLLOUT_WRITE.
      const start = from + match.index + match[0].indexOf("```text\n") + "```text\n".length;
      step.expected = { text: match[3], start, end: start + match[3].length };
    }
    steps.push(step);
  }
  return steps;
}

/** What changes from run to run: the time, the worker's milliseconds, the demo's ports. */
function normalised(text: string, port: number): string {
  return text
    .replaceAll(`127.0.0.1:${port}`, EDGE)
    .replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/g, "YYYY-MM-DD hh:mm UTC")
    .replace(/worker \d+ ms, origin \d+ ms/g, "worker N ms, origin N ms")
    .trimEnd();
}

/** The block's stdout and stderr as one terminal shows them, whatever its exit code. */
function run(script: string): Promise<string> {
  return new Promise((done) => {
    exec(`{\n${script}\n} 2>&1`, { cwd: ROOT, shell: "/bin/bash", timeout: 60_000 }, (_error, stdout) => {
      done(stdout);
    });
  });
}

describe("the README's Rolling out walk-through, against DEMO_CONFIG=my-site.json npm start", () => {
  const steps = rolloutSteps(README);
  let npm: ProcessGroup | undefined;
  let port = 0;
  let secret = "demo-secret-localhost";

  beforeAll(async () => {
    if (existsSync(CONFIG_FILE)) renameSync(CONFIG_FILE, KEPT_ASIDE);
    const [first] = steps;
    if (!first) throw new Error("README.md has no Rolling out blocks");
    await run(first.script);
    port = await freePort();
    npm = startProcessGroup(
      "bash",
      ["-c", `DEMO_PORT=${port} DEMO_ORIGIN_PORT=${await freePort()} ${START}`],
      {
        cwd: ROOT,
        env: process.env,
      },
    );
    // The consent API, which the inventory does not count (nor does it count the readiness checks).
    await waitForHttp(`http://127.0.0.1:${port}/.consent-edge/consent`, 90_000, npm.output);
    for (const deadline = Date.now() + 30_000; !npm.output().includes("config: my-site.json uploaded");) {
      if (Date.now() > deadline) throw new Error(`the demo did not upload my-site.json:\n${npm.output()}`);
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
    // A developer's own .dev.vars may set another secret than the README's.
    const announced = /debug secret: X-Consent-Debug: (\S+), from (\S+)/.exec(npm.output());
    if (announced?.[2] === ".dev.vars") secret = announced[1] ?? secret;
    // The reader of the README starts the demo and then types; here the uploaded config must be in
    // force first (the isolate's first read may have come before the upload: it re-reads every 2 s).
    // Asked of the operator's endpoint, which the inventory does not count: the counts the README
    // shows are the walk-through's own requests.
    for (const deadline = Date.now() + 30_000; ;) {
      const answer = await fetch(`http://127.0.0.1:${port}/.consent-edge/admin/inventory`, {
        headers: { "X-Consent-Debug": secret },
      });
      const doc = (await answer.json().catch(() => ({}))) as { mode?: string };
      // my-site.json is report-only; the demo's bundled config enforces.
      if (doc.mode === "report-only") break;
      if (Date.now() > deadline) throw new Error("the uploaded my-site.json never came into force");
      await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    }
  }, 150_000);

  /** The site's inventory entries as the operator's endpoint reads them (which it does not count). */
  async function inventoryEntries(): Promise<unknown> {
    const answer = await fetch(`http://127.0.0.1:${port}/.consent-edge/admin/inventory`, {
      headers: { "X-Consent-Debug": secret },
    });
    const doc = (await answer.json().catch(() => ({}))) as { entries?: unknown };
    return doc.entries ?? null;
  }

  /** Until two reads of the inventory a second apart agree (at most 20 s). */
  async function inventorySettled(): Promise<void> {
    let last = "";
    for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
      const now = JSON.stringify(await inventoryEntries());
      if (now === last) return;
      last = now;
      await new Promise((resolveWait) => setTimeout(resolveWait, 1000));
    }
  }

  afterAll(async () => {
    await npm?.stop();
    rmSync(CONFIG_FILE, { force: true });
    if (existsSync(KEPT_ASIDE)) renameSync(KEPT_ASIDE, CONFIG_FILE);
  });

  it("the README starts the demo as this test does, and numbers its steps 1 to 6", () => {
    expect(README).toContain(`\`${START}\``);
    expect(steps.map((step) => /^Rolling out, (\d+):/.exec(step.comment)?.[1])).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
    ]);
    // Every step after the first shows its output.
    expect(steps.slice(1).filter((step) => !step.expected)).toEqual([]);
  });

  it("each step prints what the README shows, in order", async () => {
    // The README's counts are the walk-through's own requests: a page the test itself asked for
    // first (a readiness check, served by the bundled config or by my-site.json depending on which
    // was in force by then) would add to them, and differently from run to run.
    expect(await inventoryEntries(), "the inventory before step 2").toEqual([]);
    const outputs: Array<{ step: Step; actual: string }> = [];
    // One terminal: what an earlier block exported, a later one has.
    const exported: string[] = [];
    for (const step of steps.slice(1)) {
      const script = step.script
        .replaceAll(EDGE, `127.0.0.1:${port}`)
        .replaceAll("CONSENT_EDGE_DEBUG_SECRET=demo-secret-localhost", `CONSENT_EDGE_DEBUG_SECRET=${secret}`);
      // A reader types the next command after reading the last one's output; here the background
      // work of the previous step's requests (report-only's shadow runs after the response, through
      // waitUntil) must have reached the inventory first, or a loaded machine shows fewer entries.
      if (/^Rolling out, 3:/.test(step.comment)) await inventorySettled();
      outputs.push({ step, actual: (await run([...exported, script].join("\n"))).trimEnd() });
      exported.push(...script.split("\n").filter((line) => line.startsWith("export ")));
    }
    if (WRITE) {
      let readme = README;
      // From the last block to the first, so that earlier offsets stay right.
      for (const { step, actual } of [...outputs].reverse()) {
        if (!step.expected) continue;
        const shown = actual.replaceAll(`127.0.0.1:${port}`, EDGE);
        readme = `${readme.slice(0, step.expected.start)}${shown}\n${readme.slice(step.expected.end)}`;
      }
      writeFileSync(README_PATH, readme);
      return;
    }
    for (const { step, actual } of outputs) {
      expect(normalised(actual, port), step.comment).toBe(normalised(step.expected?.text ?? "", port));
    }
    // The walk-through ends enforced, with the config it built.
    const config = JSON.parse(readFileSync(CONFIG_FILE, "utf8")) as { sites: Array<{ mode: string }> };
    expect(config.sites[0]?.mode).toBe("enforce");
  }, 240_000);
});
