/**
 * Bundle a worker's TypeScript into one ES module with esbuild, as wrangler would: for the
 * auxiliary workers of the test pool (which Vite does not transform), the browser test's Miniflare
 * and the HTTP tests. `config` replaces the bundled consent-edge.config.json, so a test runs the
 * real entry (src/index.ts) exactly as deployed, with a config of its own.
 */
import { build, type Plugin } from "esbuild";

export interface BundleOptions {
  /** Bundled in place of consent-edge.config.json. */
  config?: unknown;
}

export async function bundleWorker(entry: string, options: BundleOptions = {}): Promise<string> {
  const plugins: Plugin[] = [];
  if (options.config !== undefined) {
    const text = JSON.stringify(options.config);
    plugins.push({
      name: "consent-edge-config",
      setup(builder) {
        builder.onResolve({ filter: /consent-edge\.config\.json$/ }, (args) => ({
          path: args.path,
          namespace: "consent-edge-config",
        }));
        builder.onLoad({ filter: /.*/, namespace: "consent-edge-config" }, () => ({
          contents: text,
          loader: "json",
        }));
      },
    });
  }
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    write: false,
    target: "es2022",
    plugins,
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return output.text;
}
