/**
 * The README's config-problems example is what `consent-edge check` prints: the two files it shows
 * (each a ```json block whose first line names it) are checked by the CLI core, and its output must
 * be the ```text block that follows them, line for line.
 */
import { describe, expect, it } from "vitest";
import readme from "../README.md?raw";
import { main } from "../src/cli/main";

const FILE_BLOCK = /```json\n\/\/ (\S+\.json)\n([\s\S]*?)```/g;

function exampleSection(): string {
  const start = readme.indexOf("Validation reports every problem");
  if (start < 0) throw new Error("README: the config-problems example is gone");
  return readme.slice(start, readme.indexOf("\n#", start));
}

describe("the README's config-problems example", () => {
  it("is what consent-edge check prints for the files it shows", async () => {
    const section = exampleSection();
    const files: Record<string, string> = Object.fromEntries(
      [...section.matchAll(FILE_BLOCK)].map((m): [string, string] => [m[1] ?? "", m[2] ?? ""]),
    );
    expect(Object.keys(files)).toEqual(["shop.json", "typo.json"]);
    const shown = /```text\n([\s\S]*?)```/.exec(section)?.[1]?.trimEnd().split("\n");

    const stderr: string[] = [];
    const code = await main(["check", "shop.json", "typo.json"], {
      readFile: (path) => files[path] ?? "",
      stdout: () => undefined,
      stderr: (line) => stderr.push(line),
    });
    expect(code).toBe(1);
    expect(stderr).toEqual(shown);
  });
});
