/**
 * One place for the settings of every property test (fast-check): a fixed seed and a modest number
 * of runs in `npm test` and CI, so a failure reproduces; `npm run fuzz` raises the runs and draws a
 * new seed (it prints it). Reproduce a failure with `FUZZ_SEED=<seed> npm run fuzz`.
 *
 *   fc.assert(fc.property(...), fuzzParameters())
 *   fc.assert(fc.property(...), fuzzParameters({ scale: 0.1 }))   // an expensive property: fewer runs
 */
import { inject } from "vitest";
import type { Parameters } from "fast-check";

export function fuzzParameters<T>(options: { scale?: number } = {}): Parameters<T> {
  const { seed, numRuns } = inject("fuzz");
  return { seed, numRuns: Math.max(10, Math.round(numRuns * (options.scale ?? 1))) };
}
