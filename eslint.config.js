// One linter (ESLint with typescript-eslint, type-aware), one formatter (Prettier, .prettierrc.json).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // Generated files: wrangler's and Miniflare's temporary bundles (`.wrangler/` at any depth, e.g.
  // demo/origin/.wrangler/ while `wrangler dev` or `npm start` runs) and the benchmarks' builds.
  // dist/: the package's build (npm pack, prepack).
  { ignores: ["**/.wrangler/", "bench/.build*/", "bench/results/", "dist/"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: [
          "./tsconfig.json",
          "./tsconfig.node.json",
          "./src/runtime/tsconfig.json",
          "./demo/origin/first-party/tsconfig.json",
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Visitor input is sanitised by rejecting control characters; matching them is the point.
      "no-control-regex": "off",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-unnecessary-condition": ["error", { allowConstantLoopConditions: true }],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { console: "readonly", process: "readonly" },
    },
  },
);
