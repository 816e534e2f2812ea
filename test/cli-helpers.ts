/** The CLI's main() as a test runs it: files from memory, output collected, the exit code returned. */
import { main } from "../src/cli/main";

export async function runCli(argv: string[], files: Record<string, string>) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, {
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
      return text;
    },
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  });
  return { code, stdout, stderr };
}
