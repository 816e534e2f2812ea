/**
 * How the CLI writes to a terminal: ✓ / ✗ / ! marks, columns aligned to their widest cell, colour
 * only when the output is a terminal and NO_COLOR is not set (https://no-color.org), and every piece
 * of text that came from the network stripped of control characters first: an origin chooses its
 * cookie names and a page its hosts, and an escape sequence in one must not reach the terminal.
 * Pure.
 */

export interface Style {
  ok: (text: string) => string;
  bad: (text: string) => string;
  warn: (text: string) => string;
  dim: (text: string) => string;
  bold: (text: string) => string;
}

const plain = (text: string) => text;
export const PLAIN: Style = { ok: plain, bad: plain, warn: plain, dim: plain, bold: plain };

const sgr = (code: string) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
export const COLOUR: Style = {
  ok: sgr("32"),
  bad: sgr("31"),
  warn: sgr("33"),
  dim: sgr("2"),
  bold: sgr("1"),
};

/** Colour when writing to a terminal, unless NO_COLOR is set to anything but "" (no-color.org). */
export function wantsColour(isTty: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  const noColour = env["NO_COLOR"];
  return isTty && (noColour === undefined || noColour === "") && env["TERM"] !== "dumb";
}

export const MARK = { ok: "✓", bad: "✗", warn: "!" } as const;

/**
 * C0 and C1 controls, DEL, and the bidirectional overrides and isolates (which reorder what a
 * terminal shows: "Trojan Source", CVE-2021-42574), each replaced by U+FFFD.
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text from the network, made safe to print. */
export function clean(text: string): string {
  return text.replace(CONTROLS, "\uFFFD");
}

/**
 * JSON for a terminal: JSON.stringify escapes C0 controls but leaves DEL, C1 controls and the
 * bidirectional overrides raw; here they are written as \u escapes too, so a script that parses the
 * line gets the exact value and a terminal that shows it gets nothing it would act on.
 */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The width of text as a terminal shows it, escape sequences left out (one column per code point). */
export function width(text: string): number {
  return Array.from(text.replace(/\u001b\[[0-9;]*m/g, "")).length;
}

/**
 * Rows as lines, each column padded to its widest cell, two spaces between columns; the last
 * column is not padded (no trailing spaces).
 */
export function table(rows: readonly (readonly string[])[], indent = ""): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, width(cell));
    });
  }
  return rows.map((row) => {
    const cells = row.map((cell, i) =>
      i === row.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - width(cell)),
    );
    return `${indent}${cells.join("  ")}`.replace(/\s+$/, "");
  });
}

/** `1 site`, `2 sites`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Unix seconds as `2026-12-01 18:40 UTC`. */
export function utc(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  return `${new Date(seconds * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
