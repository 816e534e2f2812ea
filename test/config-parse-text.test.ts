/** parseConfigText: a config file's JSON, or where it is broken as file:line:column. */
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../src/config/parse-text";

const FIX =
  "correct the JSON there: it allows no comments and no trailing commas, and every key and text is in double quotes";

describe("parseConfigText", () => {
  it.each<[string, string, string]>([
    ["a missing comma", '{\n  "sites": [\n    { "id": "a" "hosts": [] }\n  ]\n}', "site.json:3:17"],
    ["a trailing comma", '{\n  "sites": [],\n}', "site.json:3:1"],
    ["a comment", '{\n  // sites\n  "sites": []\n}', "site.json:2:3"],
    ["text that stops early", '{\n  "sites": [', "site.json:2:13"],
  ])("%s is reported at its line and column", (_, text, path) => {
    const result = parseConfigText(text, "site.json");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.path).toBe(path);
    expect(result.problems[0]?.message).toMatch(/^not valid JSON: \S/);
    expect(result.problems[0]?.message).not.toMatch(/position/);
    expect(result.problems[0]?.fix).toBe(FIX);
  });

  it("an empty file says so", () => {
    expect(parseConfigText(" \n", "c.json")).toEqual({
      ok: false,
      problems: [
        {
          path: "c.json:2:1",
          message: "the file is empty",
          fix: 'write `{ "sites": [ { "id": "...", ... } ] }`',
        },
      ],
    });
  });

  it("valid JSON (a byte-order mark too) is its value", () => {
    expect(parseConfigText('\uFEFF{ "sites": [] }', "c.json")).toEqual({ ok: true, value: { sites: [] } });
  });
});
