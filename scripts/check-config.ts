/**
 * `npm run check [file...]`: `consent-edge check` (src/cli/main.ts) on the given configs, or on the
 * config the worker bundles (consent-edge.config.json, checked against the bindings of wrangler.toml's
 * top-level environment), the demo's (demo/consent-edge.config.json), every example under examples/
 * and the example projects'.
 */
import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { main } from "../src/cli/main";
import { wantsColour } from "../src/cli/render";

const files =
  process.argv.length > 2
    ? process.argv.slice(2)
    : [
        "consent-edge.config.json",
        "demo/consent-edge.config.json",
        ...readdirSync("examples")
          .filter((name) => name.endsWith(".json"))
          .map((name) => join("examples", name)),
        // The example projects' configs, each checked against its own wrangler.toml.
        "examples/hono-app/consent-edge.config.json",
        "examples/proxy/consent-edge.config.json",
      ];

process.exitCode = await main(["check", ...files], {
  readFile: (path) => readFile(path, "utf8"),
  stdout: (line) => {
    process.stdout.write(`${line}\n`);
  },
  stderr: (line) => {
    process.stderr.write(`${line}\n`);
  },
  env: process.env,
  colour: wantsColour(process.stdout.isTTY, process.env),
});
