// Runs before `npm start` and `npm test`: on a fresh clone, install the locked dependencies first,
// so the README's quick start is two commands. Does nothing once node_modules matches the lockfile.
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const installed = "node_modules/.package-lock.json";
const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync("package-lock.json").mtimeMs;
if (stale) {
  console.log("consent-edge: installing the locked dependencies (npm ci)...");
  execSync("npm ci --no-audit --no-fund", { stdio: "inherit" });
}
