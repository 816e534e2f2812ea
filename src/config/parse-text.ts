/**
 * A config file's text -> its value, or where its JSON is broken as `file:line:column`, so an
 * editor or terminal jumps there. JSON.parse only says "at position 213"; operators count lines.
 */
import type { ConfigProblem } from "./problems";

export type ParseResult = { ok: true; value: unknown } | { ok: false; problems: ConfigProblem[] };

const POSITION = /\s*in JSON at position (\d+)(?: \(line \d+ column \d+\))?/;

/** 1-based line and column of the `offset`-th character of `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split("\n");
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

export function parseConfigText(text: string, fileName: string): ParseResult {
  // Editors on Windows may save a byte-order mark; JSON.parse refuses it, a person cannot see it.
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const position = POSITION.exec(reason);
    // "Unexpected end of JSON input" has no position: the text stops too early.
    const offset = position ? Number(position[1]) : body.length;
    const { line, column } = lineAndColumn(body, offset);
    const message = position ? reason.replace(POSITION, "") : "the JSON ends too early";
    return {
      ok: false,
      problems: [
        {
          path: `${fileName}:${line}:${column}`,
          message: body.trim() === "" ? "the file is empty" : `not valid JSON: ${message}`,
          fix:
            body.trim() === ""
              ? 'write `{ "sites": [ { "id": "...", ... } ] }`'
              : "correct the JSON there: it allows no comments and no trailing commas, and every key and text is in double quotes",
        },
      ],
    };
  }
}
