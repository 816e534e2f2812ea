/**
 * `npm run schema`: writes consent-edge.schema.json from the config schema (src/cli/json-schema.ts),
 * formatted as Prettier formats it, so that `npm run lint` passes. test/config-schema.test.ts
 * fails when the committed file is not what this writes.
 */
import { writeFileSync } from "node:fs";
import { format, resolveConfig } from "prettier";
import { buildJsonSchema } from "../src/cli/json-schema";

const FILE = "consent-edge.schema.json";
const options = (await resolveConfig(FILE)) ?? {};
writeFileSync(FILE, await format(JSON.stringify(buildJsonSchema()), { ...options, filepath: FILE }));
console.log(`wrote ${FILE}`);
