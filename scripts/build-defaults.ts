/**
 * `npm run build:defaults`: converts third-party-web's entities (a dev dependency, MIT) into
 * src/defaults/trackers.generated.ts, the default tracker rows sites with `"defaults": true` get.
 * The file is committed, so that the worker and the package need no build step of their own;
 * test/defaults-generated.test.ts fails when it is not what this writes now. Run it after updating
 * the package, and review the diff: a new domain of a mapped category is a new default rule.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { convertEntities, renderTrackersModule, type TpwEntity } from "../src/defaults/convert.ts";

export const GENERATED = "src/defaults/trackers.generated.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const read = (path: string): unknown => JSON.parse(readFileSync(`${root}${path}`, "utf8"));

const entities = read("node_modules/third-party-web/dist/entities.json") as TpwEntity[];
const { version } = read("node_modules/third-party-web/package.json") as { version: string };
const { vendors, invalid } = convertEntities(entities);
writeFileSync(`${root}${GENERATED}`, renderTrackersModule(vendors, version));
const hosts = vendors.reduce((sum, row) => sum + row.hosts.length, 0);
console.log(`${GENERATED}: third-party-web ${version}, ${vendors.length} vendors, ${hosts} hosts`);
if (invalid.length > 0) console.log(`left out (not a hostname): ${invalid.join(", ")}`);
