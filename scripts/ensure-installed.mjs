// Runs before `npm start` and `npm test`: on a fresh clone, install the locked dependencies first,
// so the README's quick start is two commands. Does nothing once node_modules matches the lockfile.
//
// The locked dependencies include Node.js itself (the npm package `node`, which puts a `node` binary in
// node_modules/.bin). npm puts node_modules/.bin first on PATH for every script it runs, so once it is
// installed every npm script runs on the project's Node, whatever Node the shell has. On a fresh clone
// this file alone runs on the shell's Node (which may be older than the tools support: it only needs
// node:fs and node:child_process), then it checks the Node the scripts will run on.
import { execFileSync, execSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";

const installed = "node_modules/.package-lock.json";
const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync("package-lock.json").mtimeMs;
const required = JSON.parse(readFileSync("package.json", "utf8")).engines.node;
if (stale) {
  console.log("consent-edge: installing the locked dependencies (npm ci)...");
  if (!satisfies(process.versions.node, required)) {
    console.log(
      `consent-edge: npm ci runs on this shell's Node ${process.versions.node}, so npm warns EBADENGINE; the scripts will run on the Node it installs.`,
    );
  }
  execSync("npm ci --no-audit --no-fund", { stdio: "inherit" });
}

const projectNode = "node_modules/.bin/node";
// existsSync follows the link: false when the package `node` is there but its binary did not install.
const own = existsSync(projectNode);
const version = own
  ? execFileSync(projectNode, ["-p", "process.versions.node"], { encoding: "utf8" }).trim()
  : process.versions.node;

if (!satisfies(version, required)) {
  console.error(
    [
      `consent-edge: the tools (wrangler, vitest, miniflare) need Node.js ${required}; npm scripts here would run on ${version}.`,
      `The project's own Node (the npm package "node", in node_modules/.bin/node) is not installed: either no`,
      `binary is published for ${process.platform}-${process.arch}, or npm did not run the package's install script`,
      `(npm ci --ignore-scripts, or an install-scripts policy). Fix: run \`npm rebuild node\`, or install Node.js`,
      `${required} (https://nodejs.org) and run the command again.`,
    ].join("\n"),
  );
  process.exit(1);
}
if (own && version !== process.versions.node) {
  console.log(
    `consent-edge: npm scripts run on the project's Node ${version} (node_modules/.bin/node); this shell has ${process.versions.node}.`,
  );
}

/**
 * Whether `version` (x.y.z) is in `range`: comparators `^x.y.z` or `>=x.y.z` joined by `||`, the forms
 * package.json's engines uses here. Any other form is an error, so an edit to engines cannot pass unchecked.
 */
function satisfies(version, range) {
  const have = version.split(".").map(Number);
  return range.split("||").some((part) => {
    const match = /^\s*(\^|>=)(\d+)\.(\d+)\.(\d+)\s*$/.exec(part);
    if (!match)
      throw new Error(
        `scripts/ensure-installed.mjs: cannot read engines.node "${range}" (use ^x.y.z or >=x.y.z joined by ||)`,
      );
    const want = match.slice(2).map(Number);
    if (match[1] === "^" && have[0] !== want[0]) return false;
    return compare(have, want) >= 0;
  });
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
