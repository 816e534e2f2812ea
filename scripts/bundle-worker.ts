/**
 * Bundle a worker's TypeScript into one ES module with esbuild, as wrangler would: for the
 * auxiliary workers of the test pool (which Vite does not transform) and the browser test's Miniflare.
 */
import { build } from "esbuild";

export async function bundleWorker(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    write: false,
    target: "es2022",
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return output.text;
}
