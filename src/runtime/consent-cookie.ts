/**
 * consent-edge's own consent cookie, read and written in the page (src/consent/consent-cookie.ts
 * is the edge's side and says the format):
 *
 *   1.<revision>.<unix seconds>.<categories joined by ~, or ->
 *   2.<revision>.<unix seconds>.<categories, or ->.<services joined by ~>   (only with a service)
 *
 * the categories after a `+` for a scoped grant (an embed's button: these granted, nothing else
 * decided; `+-` with services is a scoped grant of services only, "Always allow YouTube").
 * Several copies (a sibling subdomain can add one with `Domain=`) are read by the edge's rule
 * (src/consent/sources/own-cookie.ts): they grant only what every copy grants, categories and
 * services alike, the merge is scoped only when every copy is, and beside another copy, one that is
 * not a current choice (another revision, unreadable, dated more than 10 minutes ahead) grants nothing.
 */
import type { RuntimeConfig } from "./config";

/**
 * What the cookie string says: [the granted categories (without `necessary`), whether that is only a
 * scoped grant, the services granted on their own], or null without a copy.
 */
export type Consent = [string[], boolean, string[]];

/**
 * What follows the date, as the edge reads it (names as config/site.ts and config/service.ts
 * allow, an optional receipt id, no further field): version 1's categories; version 2's categories
 * and services (never "-": version 2 is written only with a service; `+-` with one is a scoped
 * grant of services only).
 */
const V1 = /^(-|\+?[a-z][a-z0-9_]{0,31}(~[a-z][a-z0-9_]{0,31})*)(\.[\w-]{1,64})?$/;
const V2 =
  /^\+?(-|[a-z][a-z0-9_]{0,31}(~[a-z][a-z0-9_]{0,31})*)\.[a-z0-9][a-z0-9_-]{0,31}(~[a-z0-9][a-z0-9_-]{0,31})*(\.[\w-]{1,64})?$/;

export function readConsent(config: RuntimeConfig, cookies: string): Consent | null {
  // Assigned in the callback, which the compiler's narrowing does not follow.
  let granted = null as string[] | null;
  let services: string[] = [];
  let copies = 0;
  let bad = 0;
  let whole = 0;
  const latest = Date.now() / 1e3 + 600;
  cookies.split("; ").forEach((pair) => {
    const i = pair.indexOf("=");
    if (pair.slice(0, i) != config.n) return;
    copies++;
    const value = pair.slice(i + 1);
    const f = value.split(".");
    const two = f[0] == "2";
    const field = f[3] || "";
    if (
      (f[0] != "1" && !two) ||
      f[1] != config.r ||
      value.length > 1024 ||
      !/^\d{1,11}$/.test(f[2] as string) ||
      +(f[2] as string) > latest ||
      !(two ? V2 : V1).test(f.slice(3).join("."))
    ) {
      bad++;
      return;
    }
    const scoped = field[0] == "+";
    if (!scoped) whole++;
    // A refusal, "-", is no category: it leaves none.
    const copy = field
      .slice(+scoped)
      .split("~")
      .filter((c) => config.k.includes(c));
    const own = two ? (f[4] as string).split("~") : [];
    services = granted == null ? own : services.filter((s) => own.includes(s));
    granted = granted == null ? copy : granted.filter((c) => copy.includes(c));
  });
  // Beside a copy that is no current choice: a refusal, never a scoped grant of nothing.
  return copies > 1 && bad ? [[], false, []] : granted && [granted, !whole, services];
}

/**
 * Writes a whole choice as the consent cookie, for as long as the edge would keep it: version 2
 * only when it keeps a service. The page only writes what a refusal leaves when the consent API
 * cannot record it: grants go through the API.
 */
export function writeConsent(config: RuntimeConfig, granted: string[], services: string[] = []): void {
  // Through globalThis: the worker's tests import this module too, compiled without the DOM's types.
  const { location, document } = globalThis as unknown as {
    location: { protocol: string };
    document: { cookie: string };
  };
  const secure = location.protocol == "https:" || /^__(Host|Secure)-/.test(config.n) ? "; Secure" : "";
  const list = granted.length ? granted.join("~") : "-";
  const s = services.length ? `.${services.join("~")}` : "";
  document.cookie = `${config.n}=${s ? 2 : 1}.${config.r}.${Math.floor(Date.now() / 1e3)}.${list}${s}; Path=/; Max-Age=${config.m}; SameSite=Lax${secure}`;
}
