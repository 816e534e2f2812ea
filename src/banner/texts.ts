/**
 * The banner's words: one `BannerTexts` per language, English by default. A site may give several
 * languages; `pickLanguage` chooses one from the request's `Accept-Language`.
 *
 * Texts are plain text, never HTML: the renderer escapes every one of them.
 */

export {
  type BannerTexts,
  type CategoryText,
  DEFAULT_BANNER_CATEGORIES,
  DEFAULT_LANGUAGE,
  type DefaultBannerCategory,
  type Languages as BannerLanguages,
} from "../texts/types";
export { ENGLISH_TEXTS } from "../texts/languages/en";
import { ENGLISH_TEXTS } from "../texts/languages/en";
import { DEFAULT_LANGUAGE, type Languages } from "../texts/types";

export const DEFAULT_BANNER_LANGUAGES: Languages = { [DEFAULT_LANGUAGE]: ENGLISH_TEXTS };

/** More ranges than any browser sends; the rest of a longer header is ignored. */
const MAX_RANGES = 32;

/**
 * RFC 9110 §12.5.4: `Accept-Language: fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5`. A language range is
 * `*` or 1*8ALPHA *("-" 1*8alphanum) (RFC 4647 §2.1); a weight is 0 to 1 with up to three decimals.
 */
const RANGE = /^(?:\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$/i;
const WEIGHT = /^q=(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i;

interface WeightedRange {
  range: string;
  q: number;
}

/**
 * The language of `available` the request prefers, or `fallback` when none fits (or the header is
 * absent or unreadable). Ranges are tried by weight, ties in header order; q=0 ranges never match.
 * For each range: an exact match, then the range truncated one subtag at a time (RFC 4647 §3.4
 * "lookup": `de-CH-1996` falls back to `de-CH`, then `de`), then any available tag of the same
 * primary language (`en-GB` takes `en-US`: a visitor reads another variant of their language
 * before a lower-weighted other language). `*` takes the fallback when it is available, else the
 * first available. The result is spelled as in `available`. Never throws.
 */
export function pickLanguage(acceptLanguage: string | null, available: string[], fallback: string): string {
  if (!acceptLanguage || available.length === 0) return fallback;
  const tags = available.map((tag) => tag.toLowerCase());
  for (const { range } of parseAcceptLanguage(acceptLanguage)) {
    const index = matchRange(range, tags, fallback.toLowerCase());
    if (index >= 0) return available[index] ?? fallback;
  }
  return fallback;
}

function parseAcceptLanguage(header: string): WeightedRange[] {
  const ranges: WeightedRange[] = [];
  for (const part of header.split(",").slice(0, MAX_RANGES)) {
    const [rawRange = "", ...params] = part.split(";").map((piece) => piece.trim());
    if (!RANGE.test(rawRange)) continue;
    let q = 1;
    let valid = true;
    for (const param of params) {
      if (WEIGHT.test(param)) q = Number(param.slice(2));
      else if (/^q=/i.test(param)) valid = false;
    }
    if (valid && q > 0) ranges.push({ range: rawRange.toLowerCase(), q });
  }
  // Array.prototype.sort is stable (ES2019): equal weights keep header order.
  return ranges.sort((a, b) => b.q - a.q);
}

/** The index in `tags` (lower-cased) that `range` (lower-cased) selects, or -1. */
function matchRange(range: string, tags: string[], fallback: string): number {
  if (range === "*") {
    const index = tags.indexOf(fallback);
    return index >= 0 ? index : 0;
  }
  for (let prefix = range; prefix; prefix = truncate(prefix)) {
    const index = tags.indexOf(prefix);
    if (index >= 0) return index;
  }
  const primary = range.split("-")[0] ?? range;
  return tags.findIndex((tag) => tag === primary || tag.startsWith(`${primary}-`));
}

/** RFC 4647 §3.4: drop the last subtag, and a single-letter subtag (an extension) left before it. */
function truncate(range: string): string {
  let cut = range.lastIndexOf("-");
  if (cut < 0) return "";
  if (cut >= 2 && range[cut - 2] === "-") cut -= 2;
  return range.slice(0, cut);
}
