/**
 * A declared duration in the visitor's language: "1 year", "13 Monate", "30 minutes", with the
 * runtime's own plural rules (Intl.NumberFormat's unit style, which workerd and Node both carry).
 */
import type { Texts } from "../texts/types";
import type { DeclaredDuration } from "./declaration";

/** The config's own units (src/config/duration.ts): a month is 30 days, a year 365. */
const UNITS = [
  ["year", 31_536_000],
  ["month", 2_592_000],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
  ["second", 1],
] as const;
type Unit = (typeof UNITS)[number][0];

/**
 * The largest unit the seconds are a whole number of. One month or one day is written in the next
 * unit down ("30 days", "24 hours"), as cookie policies write them (aktok, prokken): a 30-day
 * cookie is rarely called a one-month cookie. A year stays a year.
 */
export function largestWholeUnit(seconds: number): { amount: number; unit: Unit } {
  for (const [unit, size] of UNITS) {
    if (seconds % size !== 0) continue;
    const amount = seconds / size;
    if (amount === 1 && (unit === "month" || unit === "day")) continue;
    return { amount, unit };
  }
  return { amount: seconds, unit: "second" };
}

export function formatDuration(duration: DeclaredDuration, lang: string, texts: Texts): string {
  if (duration.kind === "session") return texts.durationSession;
  if (duration.kind === "unknown") return texts.durationUnknown;
  const { amount, unit } = largestWholeUnit(duration.seconds);
  return formatUnit(amount, unit, lang);
}

function formatUnit(amount: number, unit: Unit, lang: string): string {
  try {
    return new Intl.NumberFormat(lang, { style: "unit", unit, unitDisplay: "long" }).format(amount);
  } catch {
    // A tag the runtime cannot read (the site's own spelling) is a RangeError: English then.
    return new Intl.NumberFormat("en", { style: "unit", unit, unitDisplay: "long" }).format(amount);
  }
}
