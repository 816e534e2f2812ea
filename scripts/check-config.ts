/**
 * `npm run check [file...]`: validate site configs without deploying. With no arguments it checks
 * the config the worker bundles (consent-edge.config.json) and every example under examples/.
 * Exit code 1 and every problem, with its path and fix, when anything is wrong.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compileConfig } from "../src/config/compile";
import { type ConfigProblem, formatProblems } from "../src/config/validate";

const files =
  process.argv.length > 2
    ? process.argv.slice(2)
    : [
        "consent-edge.config.json",
        ...readdirSync("examples")
          .filter((name) => name.endsWith(".json"))
          .map((name) => join("examples", name)),
      ];

// Service-binding origins must be declared in wrangler.toml, or every request to that site fails.
const wranglerToml = readFileSync("wrangler.toml", "utf8")
  .split("\n")
  .filter((line) => !line.trim().startsWith("#"))
  .join("\n");
const declaredBindings = new Set([...wranglerToml.matchAll(/binding\s*=\s*"([^"]+)"/g)].map((m) => m[1]));

let failed = false;
for (const file of files) {
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    console.error(`✗ ${file}: not readable JSON: ${(error as Error).message}`);
    failed = true;
    continue;
  }
  const result = compileConfig(input);
  const problems: ConfigProblem[] = result.ok ? [] : result.problems;
  if (result.ok && file === "consent-edge.config.json") {
    result.config.sites.forEach((site, i) => {
      if (site.consent.receipts && !declaredBindings.has("CONSENT_DB")) {
        problems.push({
          path: `sites[${i}].consent.receipts`,
          message: "receipts need a D1 database bound as CONSENT_DB, and wrangler.toml binds none",
          fix: 'create one (`wrangler d1 create consent-receipts`) and add [[d1_databases]] binding = "CONSENT_DB" to wrangler.toml',
        });
      }
      if (site.origin.kind === "service" && !declaredBindings.has(site.origin.binding)) {
        problems.push({
          path: `sites[${i}].origin`,
          message: `service binding ${site.origin.binding} is not declared in wrangler.toml`,
          fix: `add [[services]] binding = "${site.origin.binding}" to wrangler.toml`,
        });
      }
    });
  }
  if (problems.length > 0) {
    console.error(
      `✗ ${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n${formatProblems(problems)}`,
    );
    failed = true;
  } else if (result.ok) {
    const sites = result.config.sites.map(
      (site) => `${site.id} (${site.cookies.length} cookie rules, ${site.mode})`,
    );
    console.log(`✓ ${file}: ${sites.join(", ")}`);
  }
}
process.exitCode = failed ? 1 : 0;
