/** Durations in config: seconds as a number, or a number with a unit ("30m", "24h", "7d", "13mo", "2y"). */

const SECONDS_PER_UNIT = {
  s: 1,
  m: 60,
  h: 3_600,
  d: 86_400,
  w: 604_800,
  // A month and a year as cookie tables mean them: 30 and 365 days. Close enough for a cap.
  mo: 2_592_000,
  y: 31_536_000,
} as const satisfies Record<string, number>;

const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w|mo|y)$/;

/** Returns whole seconds, or undefined when the input is not a duration. Never throws. */
export function parseDuration(input: unknown): number | undefined {
  if (typeof input === "number") {
    return Number.isFinite(input) && input >= 0 ? Math.floor(input) : undefined;
  }
  if (typeof input !== "string") return undefined;
  const match = DURATION.exec(input.trim());
  if (!match) return undefined;
  const [, amount, unit] = match as unknown as [string, string, keyof typeof SECONDS_PER_UNIT];
  return Math.floor(Number(amount) * SECONDS_PER_UNIT[unit]);
}

/** RFC 6265bis §5.5: user agents cap cookie lifetimes at 400 days. A longer cap is a config mistake. */
export const MAX_COOKIE_LIFETIME_SECONDS = 400 * 86_400;
