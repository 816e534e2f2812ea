/**
 * The `consent-edge` command as installed (`npx consent-edge check`): src/cli/main.ts given the
 * process's arguments, the file system, the console, Node's fetch (Node 20+), the environment and
 * a way to run wrangler (`push`). Built to dist/cli.js for Node.
 */
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { main } from "../src/cli/main";
import { wantsColour } from "../src/cli/render";

// `consent-edge explain ... | head`: the reader left; stop quietly, as other commands do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
  });
}

process.exitCode = await main(process.argv.slice(2), {
  readFile: (path) => readFile(path, "utf8"),
  writeFile: (path, text) => writeFile(path, text, "utf8"),
  stdout: (line) => {
    process.stdout.write(`${line}\n`);
  },
  stderr: (line) => {
    process.stderr.write(`${line}\n`);
  },
  fetch,
  env: process.env,
  colour: wantsColour(process.stdout.isTTY, process.env),
  run: (command, args) =>
    new Promise((resolve) => {
      const child = spawn(command, args, { stdio: "inherit" });
      child.on("error", () => {
        resolve(127);
      });
      child.on("close", (code) => {
        resolve(code ?? 1);
      });
    }),
});
