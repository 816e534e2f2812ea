/**
 * JSON with comments and trailing commas, as wrangler reads wrangler.json and wrangler.jsonc
 * (workers-sdk packages/workers-utils/src/parse.ts: jsonc-parser with `allowTrailingComma`). The
 * comments and trailing commas are blanked (newlines kept) so that JSON.parse's positions, turned
 * into `file:line:column`, point into the file as written. Pure.
 */
import { lineAndColumn } from "../config/parse-text";

export type JsoncResult =
  { ok: true; value: unknown } | { ok: false; line: number; column: number; message: string };

/** The text with comments and trailing commas replaced by spaces; strings left exactly as they are. */
export function blankJsonc(text: string): string {
  const out = Array.from({ length: text.length }, (_, i) => text.charAt(i));
  let lastComma = -1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      lastComma = -1;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      continue;
    }
    if (char === "/" && text[i + 1] === "/") {
      for (; i < text.length && text[i] !== "\n"; i++) out[i] = " ";
      continue;
    }
    if (char === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      for (; i < stop; i++) if (text[i] !== "\n") out[i] = " ";
      i--;
      continue;
    }
    if (char === ",") {
      lastComma = i;
      continue;
    }
    if ((char === "}" || char === "]") && lastComma >= 0) out[lastComma] = " ";
    if (char !== undefined && !/\s/.test(char)) lastComma = -1;
  }
  return out.join("");
}

const POSITION = /\s*in JSON at position (\d+)(?: \(line \d+ column \d+\))?/;

export function parseJsonc(text: string): JsoncResult {
  const body = blankJsonc(text.startsWith("\uFEFF") ? text.slice(1) : text);
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const position = POSITION.exec(reason);
    const { line, column } = lineAndColumn(body, position ? Number(position[1]) : body.length);
    return {
      ok: false,
      line,
      column,
      message: position ? reason.replace(POSITION, "") : "the JSON ends too early",
    };
  }
}
