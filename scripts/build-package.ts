/**
 * `npm pack` / `npm publish` (prepack): the package's dist/. One ES module per public entry,
 * platform-neutral (a Worker, Node or a bundler imports it), dependencies left as imports, code
 * the entries share split into chunks so that a class (ConsentEdgeConfigError) is one class
 * whichever entry it came from; the CLI for Node with its shebang; `.d.ts` files from tsc.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, rmSync } from "node:fs";
import { build } from "esbuild";

/** package.json `exports` name -> source. */
const ENTRIES = {
  index: "src/lib/index.ts",
  hono: "src/lib/hono.ts",
  worker: "src/lib/worker.ts",
  cookies: "src/lib/cookies.ts",
  consent: "src/lib/consent.ts",
  config: "src/lib/config.ts",
} as const;

rmSync("dist", { recursive: true, force: true });

await build({
  entryPoints: ENTRIES,
  outdir: "dist",
  bundle: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  format: "esm",
  platform: "neutral",
  target: "es2022",
  // hono, valibot, tldts, entities: installed beside the package, deduplicated with the app's own.
  packages: "external",
  external: ["cloudflare:*", "node:*"],
  logLevel: "warning",
});

await build({
  entryPoints: { cli: "scripts/cli-bin.ts" },
  outdir: "dist",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  banner: { js: "#!/usr/bin/env node" },
  logLevel: "warning",
});
chmodSync("dist/cli.js", 0o755);

execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
console.log("dist/ built: entries", Object.keys(ENTRIES).join(", "), "+ cli.js and types/");
