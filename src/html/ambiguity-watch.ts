/**
 * Where lol-html's ParsingAmbiguityError can arise (lol-html src/parser/tree_builder_simulator/
 * ambiguity_guard.rs): only between a `<select>` start tag and its end, or after `<frameset>`. The
 * HTML stage holds its output back from the moment either start tag is in the bytes the rewriter
 * is about to read, so that an error there can still fall back to the original page. The bytes are
 * watched on their way in (handlers fire too late: lol-html emits output for a chunk while still
 * parsing it). A pure byte scanner, case-insensitive, across chunk boundaries; it over-counts
 * (a `<select` inside a comment or script counts), which only means holding back longer.
 */

export interface AmbiguityWatch {
  /** `<select` start tags seen so far. */
  selects: number;
  /** A `<frameset` start tag was seen: the guard never leaves that state. */
  frameset: boolean;
  scan: (chunk: Uint8Array) => void;
}

const NAMES = ["select", "frameset"].map((name) => Array.from(new TextEncoder().encode(name)));
/** The longest name, its `<` and one terminating byte. */
const WINDOW = 10;
/** Where a tag name ends (HTML §13.2.5.8 tag name state): whitespace, `/`, `>`. */
const TERMINATORS = new Set([0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x2f, 0x3e]);
const LT = 0x3c;

export function watchAmbiguity(): AmbiguityWatch {
  let carry: Uint8Array = new Uint8Array(0);
  const watch: AmbiguityWatch = {
    selects: 0,
    frameset: false,
    scan(chunk) {
      const data = carry.byteLength > 0 ? joined(carry, chunk) : chunk;
      let at = data.indexOf(LT);
      while (at !== -1) {
        if (data.byteLength - at < WINDOW) {
          carry = data.slice(at);
          return;
        }
        if (startsTag(data, at, 0)) watch.selects += 1;
        else if (startsTag(data, at, 1)) watch.frameset = true;
        at = data.indexOf(LT, at + 1);
      }
      carry = new Uint8Array(0);
    },
  };
  return watch;
}

function startsTag(data: Uint8Array, at: number, which: number): boolean {
  const name = NAMES[which] ?? [];
  for (let i = 0; i < name.length; i += 1) {
    // ASCII lowercase: letters differ from their capitals by 0x20 only.
    if (((data[at + 1 + i] ?? 0) | 0x20) !== name[i]) return false;
  }
  return TERMINATORS.has(data[at + 1 + name.length] ?? -1);
}

function joined(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}
