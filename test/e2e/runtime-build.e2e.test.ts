/**
 * src/html/runtime.generated.ts is committed (the worker, the package build and wrangler import it as
 * it is): it must be exactly what scripts/build-runtime.ts makes of src/runtime/ now. Run in Node,
 * where esbuild runs.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bundleFunction, GENERATED, generatedModule } from "../../scripts/build-runtime.ts";
import {
  GUARD_SOURCE_TEXT,
  PAGE_GUARD_SOURCE,
  REPORTER_SOURCE,
  RUNTIME_SOURCE,
  ZARAZ_SOURCE,
} from "../../src/html/runtime.ts";

describe("the generated runtime", () => {
  it("is what npm run build:runtime writes from src/runtime/ now", async () => {
    const committed = readFileSync(new URL(`../../${GENERATED}`, import.meta.url), "utf8");
    expect(committed, "run npm run build:runtime and commit src/html/runtime.generated.ts").toBe(
      await generatedModule(),
    );
  });

  it("ships each bundle as the function the edge calls with its parameters", async () => {
    expect(RUNTIME_SOURCE).toBe(await bundleFunction("src/runtime/entry.ts", ["C", "G", "P", "Z"]));
    expect(GUARD_SOURCE_TEXT).toBe(await bundleFunction("src/runtime/guard-entry.ts", ["C", "has"]));
    expect(PAGE_GUARD_SOURCE).toBe(await bundleFunction("src/runtime/guard/entry.ts", ["C", "has"]));
    expect(REPORTER_SOURCE).toBe(await bundleFunction("src/runtime/reporter-entry.ts", ["C"]));
    expect(ZARAZ_SOURCE).toBe(await bundleFunction("src/runtime/zaraz-entry.ts", ["C", "has", "whole"]));
    expect(RUNTIME_SOURCE.startsWith("(function(C,G,P,Z){")).toBe(true);
    expect(GUARD_SOURCE_TEXT.startsWith("(function(C,has){")).toBe(true);
    expect(PAGE_GUARD_SOURCE.startsWith("(function(C,has){")).toBe(true);
    expect(REPORTER_SOURCE.startsWith("(function(C){")).toBe(true);
    expect(ZARAZ_SOURCE.startsWith("(function(C,has,whole){")).toBe(true);
  });

  it("refuses an entry that does not read the parameters it is wrapped in", async () => {
    await expect(bundleFunction("src/runtime/entry.ts", ["C", "Missing"])).rejects.toThrow(
      /never reads its parameter Missing/,
    );
  });
});
