/**
 * The page sizes `npm run bench:html` measures, and how long it spends on each. Every size has its
 * own workerd processes (bench/html-fleet.ts); the 100 KiB page is the bench's original page and gets
 * every variant, the command line's counts (bench/cli.ts) and the throughput table; the others get
 * pass-through, one-selector and consent-edge with 10 rules, with counts fixed here so that the
 * default run stays within about five minutes (a 5 MiB page through consent-edge took about 50 ms
 * of CPU per request on the 2-core machine this was written on).
 */
import type { Options } from "./cli";
import { EDGE_10, VARIANTS } from "./html-workers";
import type { WrkSettings } from "./throughput";

export type SizeId = "10k" | "100k" | "1m" | "5m";

export interface SizePlan {
  id: SizeId;
  /** What the page is called in the table ("100 KiB"); its real size is reported beside it. */
  label: string;
  targetBytes: number;
  variants: readonly string[];
  warmup: number;
  /** Sequential requests per variant, split into `blocks` for the CPU figures' spread. */
  requests: number;
  blocks: number;
  /** wrk's settings for this page (null: no wrk run). */
  wrk: WrkSettings | null;
}

/** The size whose figures make the main table (and whose variants include every rule count). */
export const MAIN_SIZE: SizeId = "100k";

/** The sizes where the page is streamed slowly to measure the first byte (bench/html-stream.ts). */
export const STREAM_SIZES: readonly SizeId[] = ["100k"];

const SMALL_SET = ["passthrough", "one-selector", EDGE_10];

/** Each size's counts as [normal, with --long]. */
const PLANS: readonly {
  id: SizeId;
  label: string;
  kib: number;
  warmup: [number, number];
  requests: [number, number];
  blocks: number;
  wrkSeconds: [number, number];
  wrkRounds: [number, number];
  /** Fewer connections for big pages: wrk's count leaves out the (at most this many) requests cut off at the end. */
  connections: number;
}[] = [
  {
    id: "10k",
    label: "10 KiB",
    kib: 10,
    warmup: [100, 300],
    requests: [600, 2_000],
    blocks: 3,
    wrkSeconds: [2, 4],
    wrkRounds: [3, 6],
    connections: 8,
  },
  // 100 KiB: the command line's counts (bench/cli.ts); these are its defaults.
  {
    id: "100k",
    label: "100 KiB",
    kib: 100,
    warmup: [200, 500],
    requests: [1_000, 4_000],
    blocks: 4,
    wrkSeconds: [4, 8],
    wrkRounds: [4, 8],
    connections: 8,
  },
  {
    id: "1m",
    label: "1 MiB",
    kib: 1024,
    warmup: [10, 30],
    requests: [80, 300],
    blocks: 4,
    wrkSeconds: [3, 6],
    wrkRounds: [3, 4],
    connections: 4,
  },
  {
    id: "5m",
    label: "5 MiB",
    kib: 5 * 1024,
    warmup: [3, 6],
    requests: [24, 80],
    blocks: 3,
    wrkSeconds: [4, 8],
    wrkRounds: [2, 3],
    connections: 2,
  },
];

/** The defaults the command line starts from (they are the 100 KiB page's). */
export function mainDefaults() {
  const main = PLANS.find((p) => p.id === MAIN_SIZE);
  if (!main) throw new Error("bench: no plan for the main size");
  return {
    warmup: main.warmup,
    requests: main.requests,
    wrkSeconds: main.wrkSeconds,
    wrkRounds: main.wrkRounds,
  };
}

/**
 * The plan for every size in `only` (all when undefined), in ascending size. The main size follows
 * the command line; the others its --long and --no-wrk.
 */
export function sizePlans(options: Options, wrk: WrkSettings | null, only?: readonly string[]): SizePlan[] {
  const pick = ([normal, long]: [number, number]): number => (options.long ? long : normal);
  return PLANS.filter((p) => !only || only.includes(p.id)).map((p) => {
    const main = p.id === MAIN_SIZE;
    return {
      id: p.id,
      label: p.label,
      targetBytes: p.kib * 1024,
      variants: main ? VARIANTS : SMALL_SET,
      warmup: main ? options.warmup : pick(p.warmup),
      requests: main ? options.requests : pick(p.requests),
      blocks: p.blocks,
      wrk: wrk
        ? main
          ? wrk
          : { threads: 1, connections: p.connections, seconds: pick(p.wrkSeconds), rounds: pick(p.wrkRounds) }
        : null,
    };
  });
}

/** BENCH_HTML_SIZES=10k,1m: only those sizes (for quick experiments); every size otherwise. */
export function sizesFromEnvironment(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const raw = env.BENCH_HTML_SIZES;
  if (raw === undefined || raw.trim() === "") return undefined;
  const ids = raw.split(",").map((s) => s.trim());
  const known = PLANS.map((p) => p.id as string);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0)
    throw new Error(
      `bench: BENCH_HTML_SIZES: unknown size ${unknown.join(", ")} (known: ${known.join(", ")})`,
    );
  return ids;
}
