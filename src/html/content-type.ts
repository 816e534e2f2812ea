/**
 * What a response is as a browser will treat it, decided from its `Content-Type` header(s) and, for
 * a type browsers sniff, its first bytes: the HTML stage rewrites what the browser will run as HTML,
 * and must never let a page past it because the label and the browser disagree. Pure functions.
 */

export interface MimeType {
  /** `type/subtype`, lowercase. */
  essence: string;
  /** The `charset` parameter as written, when there is one. */
  charset?: string;
}

/**
 * What the HTML stage does with a response:
 * - `html`: rewrite it;
 * - `unknown`: browsers sniff it (MIME Sniffing §7 step 2): look at the body first;
 * - `xml`: a document that runs scripts (SVG, XHTML, XML with XHTML elements) and that lol-html
 *   cannot rewrite as HTML: served as it is, under the strict CSP when a category is refused;
 * - `other`: never run as a document with scripts; passed through.
 */
export type DocumentKind = "html" | "unknown" | "xml" | "other";

/** Essences browsers treat as no type at all (MIME Sniffing §7 step 2; `*\/*` never parses as a type in Fetch). */
const UNKNOWN_ESSENCES = new Set(["unknown/unknown", "application/unknown", "*/*"]);

export function classifyDocument(headers: Headers): DocumentKind {
  const mime = extractMimeType(headers.get("Content-Type"));
  if (!mime || UNKNOWN_ESSENCES.has(mime.essence)) return "unknown";
  if (mime.essence === "text/html") return "html";
  if (isXmlMimeType(mime.essence)) return "xml";
  return "other";
}

/** `X-Content-Type-Options: nosniff` (Fetch §3.5.1): the first value decides, case-insensitively. */
export function forbidsSniffing(headers: Headers): boolean {
  const first = splitHeaderValue(headers.get("X-Content-Type-Options") ?? "")[0] ?? "";
  return first.toLowerCase() === "nosniff";
}

/**
 * A document the browser may run scripts in: the fail-closed path puts the strict CSP on these
 * without looking at the body (an unknown type may be sniffed as HTML).
 */
export function mayRunScripts(headers: Headers): boolean {
  return classifyDocument(headers) !== "other";
}

/** The single `Content-Type` the rewriter and the browser both read for an HTML page. */
export function htmlContentType(headers: Headers): string {
  const mime = extractMimeType(headers.get("Content-Type"));
  const charset = mime?.essence === "text/html" ? mime.charset : undefined;
  return charset && /^[A-Za-z0-9._:-]+$/.test(charset) ? `text/html; charset=${charset}` : "text/html";
}

/** XML MIME type (MIME Sniffing §4.6): `+xml` subtypes, `text/xml`, `application/xml`. */
function isXmlMimeType(essence: string): boolean {
  return essence === "text/xml" || essence === "application/xml" || essence.endsWith("+xml");
}

/**
 * Fetch §3.1.7 "extract a MIME type": of several values (several headers, or one with commas),
 * the last that parses wins, keeping an earlier charset when the essence is unchanged.
 */
export function extractMimeType(value: string | null): MimeType | null {
  if (value === null) return null;
  let result: MimeType | null = null;
  let essence: string | null = null;
  let charset: string | undefined;
  for (const part of splitHeaderValue(value)) {
    const parsed = parseMimeType(part);
    if (!parsed || parsed.essence === "*/*") continue;
    if (parsed.essence !== essence) {
      charset = undefined;
      essence = parsed.essence;
    }
    if (parsed.charset !== undefined) charset = parsed.charset;
    result = charset === undefined ? { essence } : { essence, charset };
  }
  return result;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HTTP_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/** MIME Sniffing §4.4 "parse a MIME type", keeping only the essence and the charset. */
export function parseMimeType(input: string): MimeType | null {
  const text = input.replace(HTTP_WHITESPACE, "");
  const slash = text.indexOf("/");
  if (slash <= 0) return null;
  const type = text.slice(0, slash);
  const semicolon = text.indexOf(";", slash);
  const subtype = text
    .slice(slash + 1, semicolon === -1 ? undefined : semicolon)
    .replace(HTTP_WHITESPACE, "");
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return null;
  const mime: MimeType = { essence: `${type}/${subtype}`.toLowerCase() };
  if (semicolon === -1) return mime;
  let position = semicolon;
  while (position < text.length) {
    position += 1; // past ";"
    while (/[\t\n\r ]/.test(text[position] ?? "")) position += 1;
    let end = position;
    while (end < text.length && text[end] !== ";" && text[end] !== "=") end += 1;
    const name = text.slice(position, end).toLowerCase();
    position = end;
    if (text[position] !== "=") continue;
    position += 1;
    let value: string;
    if (text[position] === '"') {
      ({ value, end } = collectQuoted(text, position));
      position = end;
      while (position < text.length && text[position] !== ";") position += 1;
    } else {
      end = text.indexOf(";", position);
      if (end === -1) end = text.length;
      value = text.slice(position, end).replace(HTTP_WHITESPACE, "");
      position = end;
      if (value === "") continue;
    }
    if (name === "charset" && mime.charset === undefined) mime.charset = value;
  }
  return mime;
}

/** Fetch §5.1 "collect an HTTP quoted string", value only. */
function collectQuoted(text: string, start: number): { value: string; end: number } {
  let value = "";
  let position = start + 1;
  while (position < text.length) {
    const char = text[position] ?? "";
    if (char === '"') return { value, end: position + 1 };
    if (char === "\\" && position + 1 < text.length) {
      value += text[position + 1] ?? "";
      position += 2;
    } else {
      value += char;
      position += 1;
    }
  }
  return { value, end: position };
}

/** Fetch §2.2.2 "get, decode, and split": commas outside quoted strings separate values. */
function splitHeaderValue(value: string): string[] {
  const values: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i += 1) {
    const char = value[i] ?? "";
    if (quoted && char === "\\" && i + 1 < value.length) {
      current += char + (value[i + 1] ?? "");
      i += 1;
    } else if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (char === "," && !quoted) {
      values.push(current.replace(HTTP_WHITESPACE, ""));
      current = "";
    } else {
      current += char;
    }
  }
  values.push(current.replace(HTTP_WHITESPACE, ""));
  return values;
}

/** The resource header: browsers sniff at most this many bytes (MIME Sniffing §5.2). */
export const SNIFF_BYTES = 1445;

export type Sniffed = "html" | "xml" | "other" | "more";

const TAG_TERMINATORS = new Set([0x20, 0x3e]);
/** The HTML rows of MIME Sniffing §7.1's table, each followed by a tag-terminating byte. */
const HTML_PATTERNS = [
  "<!DOCTYPE HTML",
  "<HTML",
  "<HEAD",
  "<SCRIPT",
  "<IFRAME",
  "<H1",
  "<DIV",
  "<FONT",
  "<TABLE",
  "<A",
  "<STYLE",
  "<TITLE",
  "<B",
  "<BODY",
  "<BR",
  "<P",
  "<!--",
].map(asciiBytes);
const XML_PATTERN = asciiBytes("<?xml");
const WHITESPACE_BYTES = new Set([0x09, 0x0a, 0x0c, 0x0d, 0x20]);

function asciiBytes(pattern: string): number[] {
  return Array.from(new TextEncoder().encode(pattern));
}

/**
 * MIME Sniffing §7.1 "rules for identifying an unknown MIME type" with the sniff-scriptable flag
 * set, as far as scripts go: `html` for the HTML patterns after leading whitespace, `xml` for
 * `<?xml`, `other` for anything else (text, binary, images, PDF), `more` while `head` is a prefix
 * that could still match and more of the body may follow (`complete` false, under SNIFF_BYTES).
 */
export function sniffUnknownType(head: Uint8Array, complete: boolean): Sniffed {
  const bytes = head.subarray(0, SNIFF_BYTES);
  const final = complete || head.byteLength >= SNIFF_BYTES;
  let start = 0;
  while (start < bytes.length && WHITESPACE_BYTES.has(bytes[start] ?? -1)) start += 1;
  if (start === bytes.length) return final ? "other" : "more";
  let undecided = false;
  for (const pattern of HTML_PATTERNS) {
    const outcome = matchAt(bytes, start, pattern, true);
    if (outcome === "match") return "html";
    if (outcome === "short") undecided = true;
  }
  const xml = matchAt(bytes, start, XML_PATTERN, false);
  if (xml === "match") return "xml";
  if (xml === "short") undecided = true;
  return undecided && !final ? "more" : "other";
}

/** Letters compare with the spec's 0xDF mask (ASCII case-insensitively); everything else exactly. */
function matchAt(
  bytes: Uint8Array,
  start: number,
  pattern: number[],
  terminated: boolean,
): "match" | "mismatch" | "short" {
  for (let i = 0; i < pattern.length; i += 1) {
    const byte = bytes[start + i];
    if (byte === undefined) return "short";
    const expected = pattern[i] ?? -1;
    const isLetter = expected >= 0x41 && expected <= 0x5a;
    if ((isLetter ? byte & 0xdf : byte) !== expected) return "mismatch";
  }
  if (!terminated) return "match";
  const after = bytes[start + pattern.length];
  if (after === undefined) return "short";
  return TAG_TERMINATORS.has(after) ? "match" : "mismatch";
}

/**
 * A UTF-16 byte order mark: browsers decode the page as UTF-16 whatever its `Content-Type` says
 * (Encoding §6 "decode", HTML §13.2.3.1 step 1), which lol-html cannot parse.
 */
export function startsWithUtf16Bom(head: Uint8Array): boolean {
  const [first, second] = head;
  return (first === 0xfe && second === 0xff) || (first === 0xff && second === 0xfe);
}
