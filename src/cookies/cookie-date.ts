/**
 * The cookie date algorithm of RFC 6265bis §5.1.1, which is how a browser reads `Expires`, and
 * not `Date.parse`: V8 reads `1970`, `1/1/1970` or `Thu, 01 Jan 1970` (no time) as the epoch, where
 * a browser sees no date at all and stores a session cookie; and V8 reads the two-digit year `69`
 * as 1969 where the RFC says 2069. A lifetime cap or a "this line deletes" test built on the wrong
 * parser is one the browser does not keep. Pure; never throws.
 */

// §5.1.1 delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E; a token is a run of anything else.
const DATE_TOKEN = /[^\x09\x20-\x2f\x3b-\x40\x5b-\x60\x7b-\x7e]+/g;
// time = hms-time [ non-digit *OCTET ]; hms-time = time-field ":" time-field ":" time-field (1*2DIGIT each)
const TIME = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\D[^]*)?$/;
// day-of-month = 1*2DIGIT [ non-digit *OCTET ]
const DAY = /^(\d{1,2})(?:\D[^]*)?$/;
// month = ( "jan" / ... / "dec" ) *OCTET, case-insensitively
const MONTH = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i;
// year = 2*4DIGIT [ non-digit *OCTET ]
const YEAR = /^(\d{2,4})(?:\D[^]*)?$/;
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** Unix milliseconds, or undefined where the algorithm "fails to parse the cookie-date". */
export function parseCookieDate(text: string): number | undefined {
  let time: [number, number, number] | undefined;
  let day: number | undefined;
  let month: number | undefined;
  let year: number | undefined;
  for (const [token] of text.matchAll(DATE_TOKEN)) {
    // §5.1.1 step 2: each production is tried in this order, and each is only taken once.
    const hms = time === undefined ? TIME.exec(token) : null;
    if (hms) {
      time = [Number(hms[1]), Number(hms[2]), Number(hms[3])];
      continue;
    }
    const dayMatch = day === undefined ? DAY.exec(token) : null;
    if (dayMatch) {
      day = Number(dayMatch[1]);
      continue;
    }
    const monthMatch = month === undefined ? MONTH.exec(token) : null;
    if (monthMatch) {
      month = MONTHS.indexOf((monthMatch[1] ?? "").toLowerCase());
      continue;
    }
    const yearMatch = year === undefined ? YEAR.exec(token) : null;
    if (yearMatch) year = Number(yearMatch[1]);
  }
  if (time === undefined || day === undefined || month === undefined || year === undefined) return undefined;
  // Steps 3 and 4: two-digit years.
  if (year >= 70 && year <= 99) year += 1900;
  else if (year >= 0 && year <= 69) year += 2000;
  // Step 5.
  const [hour, minute, second] = time;
  if (day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59) return undefined;
  // Step 6: "If no such date exists" (31 Feb), fail rather than roll over into March.
  const at = Date.UTC(year, month, day, hour, minute, second);
  const date = new Date(at);
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month) return undefined;
  return at;
}

/**
 * An `Expires` value every browser reads the same way: the IMF-fixdate of RFC 9110 §5.6.7
 * (`Thu, 01 Jan 2026 00:00:00 GMT`, as `toUTCString` writes it), or Netscape's dashed variant.
 * Anything else (two-digit years, no time, other orders) is where browsers' parsers part ways.
 */
const UNAMBIGUOUS_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2}[ -](?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[ -]\d{4} \d{2}:\d{2}:\d{2} GMT$/;

export function isUnambiguousCookieDate(text: string): boolean {
  return UNAMBIGUOUS_DATE.test(text) && parseCookieDate(text) !== undefined;
}
