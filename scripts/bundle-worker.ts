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

/**
 * The demo origin's first-party browser scripts (demo/origin/first-party/), each served at its path:
 * the code a real site writes and bundles, loading trackers at run time. sdks.ts bundles real,
 * unmodified SDKs from node_modules (posthog-js, ga-gtag, mixpanel-browser), so the bundles are
 * built when the demo starts, never committed, and handed to the origin as its FIRST_PARTY_SCRIPTS
 * binding (npm start and the browser tests alike).
 */
export const FIRST_PARTY_SCRIPTS = {
  "/first-party/run-time.js": "demo/origin/first-party/run-time.ts",
  "/first-party/sdks.js": "demo/origin/first-party/sdks.ts",
} as const;

/** Browsers the SDKs support: ES2017, as the runtime (esbuild lowers what the SDKs write later). */
const BROWSER_TARGET = "es2017";

/** Bundle one first-party script for the browser, minified, as a site's production build would. */
export async function bundleBrowserScript(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    tsconfig: "demo/origin/first-party/tsconfig.json",
    bundle: true,
    minify: true,
    format: "iife",
    platform: "browser",
    target: BROWSER_TARGET,
    // Bundlers set this for a production build; the SDKs read it to leave out their development code.
    define: { "process.env.NODE_ENV": '"production"' },
    legalComments: "none",
    write: false,
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return output.text;
}

/** Every first-party script of the demo, bundled: path -> JavaScript. */
export async function bundleFirstPartyScripts(): Promise<Record<string, string>> {
  const entries = Object.entries(FIRST_PARTY_SCRIPTS);
  const texts = await Promise.all(entries.map(([, entry]) => bundleBrowserScript(entry)));
  return Object.fromEntries(entries.map(([path], i) => [path, texts[i] ?? ""]));
}
