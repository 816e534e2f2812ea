/** `consent-edge policy` through main(), files from memory: formats, sites, warnings, exit codes. */
import { describe, expect, it } from "vitest";
import aktok from "../examples/aktok.json";
import ankorium from "../examples/ankorium.json";
import { runCli } from "./cli-helpers";
import { testSite } from "./helpers";

const FILES = {
  "consent-edge.config.json": JSON.stringify(aktok),
  "ankorium.json": JSON.stringify(ankorium),
  "bare.json": JSON.stringify({ sites: [testSite({ cookies: [{ name: "lang", category: "functional" }] })] }),
  "broken.json": JSON.stringify({ sites: [{ id: "x" }] }),
};

describe("consent-edge policy", () => {
  it("prints Markdown tables for the default config, every aktok cookie a row, a warning for each unknown setter", async () => {
    const { code, stdout, stderr } = await runCli(["policy"], FILES);
    expect(code).toBe(0);
    const text = stdout.join("\n");
    expect(text.startsWith("# Cookie policy\n")).toBe(true);
    const rows = text.split("\n").filter((line) => line.startsWith("| `"));
    // A row per cookie and per storage key.
    expect(rows.length).toBe((aktok.sites[0]?.cookies.length ?? 0) + (aktok.sites[0]?.storage.length ?? 0));
    expect(rows.find((row) => row.startsWith("| `fr`"))).toContain("Third party (facebook.com)");
    // Neither aktok's policy nor its config says who sets these; nothing else is missing.
    expect(stderr).toEqual(
      [
        ["aktok_lang", "functional"],
        ["aktok_tz", "functional"],
        ["aktok_theme", "functional"],
        ["CLID", "analytics"],
      ].map(
        ([name, category]) =>
          `! aktok: cookie "${name}" (${category}): who sets it is unknown (fix: add "setBy": "http" or "script")`,
      ),
    );
  });

  it("--format json is the JSON the worker serves", async () => {
    const { code, stdout } = await runCli(["policy", "--format", "json"], FILES);
    expect(code).toBe(0);
    const json = JSON.parse(stdout.join("\n")) as { version: number; site: string; categories: unknown[] };
    expect(json).toMatchObject({ version: 1, site: "aktok" });
    expect(json.categories).toHaveLength(4);
  });

  it("--format html --lang: the page, its lang attribute the language chosen", async () => {
    const { code, stdout } = await runCli(["policy", "--format=html", "--lang", "en"], FILES);
    expect(code).toBe(0);
    expect(stdout.join("")).toMatch(/^<!doctype html><html lang="en"/);
  });

  it("a config of several sites needs --site, and names them", async () => {
    const none = await runCli(["policy", "--config", "ankorium.json"], FILES);
    expect(none.code).toBe(2);
    expect(none.stderr.join("\n")).toContain("give --site with one of ankorium, ankorium-platform");
    const one = await runCli(["policy", "--config", "ankorium.json", "--site", "ankorium-platform"], FILES);
    expect(one.code).toBe(0);
    expect(one.stdout.join("\n")).toContain("`refreshToken`");
    const unknown = await runCli(["policy", "--config", "ankorium.json", "--site", "nope"], FILES);
    expect(unknown.code).toBe(2);
  });

  it("warns for every row it cannot state, and still prints with exit 0", async () => {
    const { code, stdout, stderr } = await runCli(["policy", "--config", "bare.json"], FILES);
    expect(code).toBe(0);
    expect(stdout.join("\n")).toContain("| `lang` | Not stated | Not stated | Not stated | Not stated |");
    expect(stderr).toEqual([
      '! test: cookie "lang" (functional): no purpose (fix: add "purpose")',
      '! test: cookie "lang" (functional): no provider (fix: add "provider")',
      '! test: cookie "lang" (functional): no duration (fix: add "maxAge", or "session": true)',
      '! test: cookie "lang" (functional): who sets it is unknown (fix: add "setBy": "http" or "script")',
    ]);
  });

  it("an invalid config is exit 1 with its problems; a bad format is a usage error", async () => {
    expect((await runCli(["policy", "--config", "broken.json"], FILES)).code).toBe(1);
    expect((await runCli(["policy", "--format", "pdf"], FILES)).code).toBe(2);
    expect((await runCli(["policy", "--formt", "json"], FILES)).code).toBe(2);
  });
});
