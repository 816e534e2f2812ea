/** Order statistics for latency samples (milliseconds). */

export interface Summary {
  count: number;
  min: number;
  median: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Linear interpolation between closest ranks (the usual "type 7" quantile). `sorted` ascending. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] ?? Number.NaN;
  const high = sorted[upper] ?? Number.NaN;
  return low + (high - low) * (position - lower);
}

/** Ascending numeric copy (a typed array sorts numerically, not as strings). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

export function median(values: readonly number[]): number {
  return quantile(sortedCopy(values), 0.5);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = sortedCopy(values);
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    median: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
  };
}

/**
 * Median of the paired differences a[i] - b[i]. The samples are interleaved round by round, so
 * pair i of two variants ran within a few milliseconds of each other and saw the same machine noise.
 */
export function medianPairedDifference(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  const differences = new Float64Array(n);
  for (let i = 0; i < n; i++) differences[i] = (a[i] ?? 0) - (b[i] ?? 0);
  return quantile(differences.sort(), 0.5);
}

/**
 * A rough 95% interval for the difference of medians, by bootstrap (resampling each variant's
 * samples with replacement). Deterministic: a fixed-seed generator, so reruns differ only by the data.
 */
export function bootstrapMedianDifference(
  a: readonly number[],
  b: readonly number[],
  resamples = 400,
): [number, number] {
  const random = mulberry32(0x5eed);
  const differences = new Float64Array(resamples);
  const scratchA = new Float64Array(a.length);
  const scratchB = new Float64Array(b.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < a.length; i++) scratchA[i] = a[Math.floor(random() * a.length)] ?? 0;
    for (let i = 0; i < b.length; i++) scratchB[i] = b[Math.floor(random() * b.length)] ?? 0;
    scratchA.sort();
    scratchB.sort();
    differences[r] = quantile(scratchA, 0.5) - quantile(scratchB, 0.5);
  }
  differences.sort();
  return [quantile(differences, 0.025), quantile(differences, 0.975)];
}

/** Mulberry32: a small seeded generator of floats in [0, 1); the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
