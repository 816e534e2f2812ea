/**
 * What the HTML stage's CPU time means on Cloudflare: against the Workers CPU limits per invocation
 * and at the Standard usage model's price. Figures as Cloudflare publishes them (read 2026-12-02):
 *
 *   https://developers.cloudflare.com/workers/platform/pricing/ (Workers, Standard): 10 million
 *   requests included per month, +$0.30 per additional million; 30 million CPU milliseconds
 *   included per month, +$0.02 per additional million CPU milliseconds; at most 5 minutes of CPU
 *   per invocation (default 30 seconds). Free: 10 ms of CPU time per invocation.
 *   https://developers.cloudflare.com/workers/platform/limits/ : CPU time 10 ms (Free), 5 min (Paid).
 *
 * The cost of a million page views' CPU is priced as if the included allowances were used up by
 * other traffic (the marginal cost); the request charge is the same for every page size and
 * variant, so it is stated once, not added to each figure.
 */

export const PRICING_SOURCE = "https://developers.cloudflare.com/workers/platform/pricing/";
export const LIMITS_SOURCE = "https://developers.cloudflare.com/workers/platform/limits/";

export const FREE_CPU_MS_PER_INVOCATION = 10;
export const PAID_DEFAULT_CPU_MS_PER_INVOCATION = 30_000;
export const PAID_MAX_CPU_MS_PER_INVOCATION = 5 * 60_000;
export const USD_PER_MILLION_CPU_MS = 0.02;
export const USD_PER_MILLION_REQUESTS = 0.3;
export const INCLUDED_CPU_MS_PER_MONTH = 30_000_000;
export const INCLUDED_REQUESTS_PER_MONTH = 10_000_000;

export const PAGE_VIEWS = 1_000_000;

export interface CpuCost {
  cpuMsPerRequest: number;
  /** CPU ms for PAGE_VIEWS requests. */
  cpuMsPerMillionViews: number;
  /** $ for that CPU time, beyond the included allowance. */
  usdPerMillionViews: number;
  /** How the figure compares to the Free plan's 10 ms per invocation. */
  freePlan: "within" | "over";
  /** Share of the Paid plan's default 30 s per invocation. */
  paidDefaultShare: number;
}

export function cpuCost(cpuMsPerRequest: number): CpuCost {
  const cpuMsPerMillionViews = cpuMsPerRequest * PAGE_VIEWS;
  return {
    cpuMsPerRequest,
    cpuMsPerMillionViews,
    usdPerMillionViews: (cpuMsPerMillionViews / 1_000_000) * USD_PER_MILLION_CPU_MS,
    freePlan: cpuMsPerRequest <= FREE_CPU_MS_PER_INVOCATION ? "within" : "over",
    paidDefaultShare: cpuMsPerRequest / PAID_DEFAULT_CPU_MS_PER_INVOCATION,
  };
}
