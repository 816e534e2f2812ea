import { defineConfig } from "vitest/config";

/** The browser test runs in Node (it drives Chromium); the rest of the suite runs in workerd. */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
