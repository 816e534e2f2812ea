/**
 * The document.cookie guard (trackers.cookieGuard), bundled on its own and shipped only to sites
 * that enable it. A write passes when the browser would read it as a deletion, or when its cookie's
 * category is granted. The string is read as the browser's cookie parser reads it (RFC 6265bis
 * §5.6): the name is the first pair's (a nameless pair `=_ga=1` is sent as `_ga=1`, so its value's
 * name counts too; trimmed of any whitespace, not only SP and HTAB, as lenient parsers trim it);
 * attributes split on `;`, names matched without case; the last Max-Age wins over any Expires and
 * deletes only as a whole `-?DIGIT+` at most 0 (§5.6.2: `Max-Age=0600` is ten minutes; a value a
 * browser might read otherwise, like `+0`, is not trusted to delete); else the last Expires, read
 * by the cookie date algorithm (RFC 6265 §5.1.1: `Expires=1970`, a date without a time and
 * `1/1/1970` are no date at all, so no deletion), deletes when past. A string with a control
 * character is ignored by browsers (or cut short by older ones): never a deletion.
 */
import type { Granted, RuntimeConfig } from "./config";

export default function guardCookies(config: RuntimeConfig, has: Granted): void {
  const d = document;
  // Taken before any page script could replace it.
  const now = Date.now;
  const rules = config.guard as Array<[string, string]>;
  const native = Object.getOwnPropertyDescriptor(Document.prototype, "cookie") as PropertyDescriptor & {
    get: () => string;
    set: (value: string) => void;
  };
  Object.defineProperty(d, "cookie", {
    configurable: true,
    get: () => native.get.call(d),
    set(value: unknown) {
      const v = String(value);
      const name = cookieName(v);
      if (!deletes(v, now) && rules.some((r) => !has(r[1]) && new RegExp(r[0]).test(name))) return;
      native.set.call(d, v);
    },
  });
}

/** The name the cookie is sent under. */
export function cookieName(line: string): string {
  const v = line.split(";")[0] as string;
  const named = /^\s*([^=]*?)\s*=/.exec(v);
  return (named && named[1]) || ((/^\s*=?\s*([^=]*?)\s*(=|$)/.exec(v) as RegExpExecArray)[1] as string);
}

/** Whether the browser would read the line as deleting its cookie (at `now()`). */
export function deletes(line: string, now: () => number): boolean {
  let maxAge: string | undefined;
  let expires: string | undefined;
  if (/[\0-\b\n-\x1f\x7f]/.test(line)) return false;
  line
    .split(";")
    .slice(1)
    .forEach((attribute) => {
      const a = /^[ \t]*(?:(max-age)|expires)[ \t]*(?:=[ \t]*(.*?))?[ \t]*$/i.exec(attribute);
      if (a) {
        if (a[1]) maxAge = a[2] || "";
        else expires = a[2] || "";
      }
    });
  return maxAge != null
    ? /^-?\d+$/.test(maxAge) && +maxAge <= 0
    : expires != null && cookieDate(expires) <= now();
}

/** RFC 6265 §5.1.1's cookie date algorithm: milliseconds since the epoch, or NaN for no date. */
export function cookieDate(value: string): number {
  let time: RegExpExecArray | null | undefined;
  let day: number | undefined;
  let month: number | undefined;
  let year: number | undefined;
  let x: number;
  value.split(/[\t -/;-@[-`{-~]/).forEach((k) => {
    let t: RegExpExecArray | null;
    if (!time && (t = /^(\d\d?):(\d\d?):(\d\d?)(\D|$)/.exec(k))) time = t;
    else if (day == null && /^\d\d?(\D|$)/.test(k)) day = parseInt(k);
    else if (
      !month &&
      k[2] &&
      (x = "janfebmaraprmayjunjulaugsepoctnovdec".indexOf(k.slice(0, 3).toLowerCase())) % 3 == 0
    )
      month = x / 3 + 1;
    else if (year == null && /^\d{2,4}(\D|$)/.test(k)) year = parseInt(k);
  });
  if (!time || !month || day == null || year == null) return NaN;
  year += year < 70 ? 2e3 : year < 100 ? 1900 : 0;
  const [h, m, s] = [+(time[1] as string), +(time[2] as string), +(time[3] as string)];
  const date = new Date(Date.UTC(year, month - 1, day, h, m, s));
  return day > 0 && day < 32 && year > 1600 && h < 24 && m < 60 && s < 60 && date.getUTCDate() == day
    ? +date
    : NaN;
}
