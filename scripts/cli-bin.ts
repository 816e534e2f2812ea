/**
 * The `consent-edge` command as installed (`npx consent-edge check`): src/cli/main.ts given the
 * process's arguments, the file system and the console. Built to dist/cli.js for Node.
 */
import { readFile } from "node:fs/promises";
import { main } from "../src/cli/main";

process.exitCode = await main(process.argv.slice(2), {
  readFile: (path) => readFile(path, "utf8"),
  stdout: (line) => {
    console.log(line);
  },
  stderr: (line) => {
    console.error(line);
  },
});
