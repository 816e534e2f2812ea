/**
 * consent-edge's own consent cookie, read and written in the page. The value is
 * `1.<revision>.<unix seconds>.<categories joined by ~, or ->`, the categories after a `+` for a
 * scoped grant (an embed's button: these granted, nothing else decided; src/consent/consent-cookie.ts).
 * Several copies (a sibling subdomain can add one with `Domain=`) are read by the edge's rule
 * (src/consent/sources/own-cookie.ts): they grant only what every copy grants, the merge is scoped
 * only when every copy is, and beside another copy, one that is not a current choice (another
 * revision, unreadable, dated more than 10 minutes ahead) grants nothing.
 */
import type { RuntimeConfig } from "./config";

/**
 * What the cookie string says: [the granted categories (without `necessary`), whether that is only a
 * scoped grant], or null without a copy.
 */
export type Consent = [string[], boolean];

export function readConsent(config: RuntimeConfig, cookies: string): Consent | null {
  // Assigned in the callback, which the compiler's narrowing does not follow.
  let granted = null as string[] | null;
  let copies = 0;
  let bad = 0;
  let whole = 0;
  const latest = Date.now() / 1e3 + 600;
  cookies.split("; ").forEach((pair) => {
    const i = pair.indexOf("=");
    if (pair.slice(0, i) != config.n) return;
    copies++;
    const f = pair.slice(i + 1).split(".");
    const list = f[3] || "";
    if (
      f[0] != "1" ||
      f[1] != config.r ||
      !/^\d+$/.test(f[2] as string) ||
      +(f[2] as string) > latest ||
      !/^(-|\+?[a-z][a-z0-9_]*(~[a-z][a-z0-9_]*)*)$/.test(list)
    ) {
      bad++;
      return;
    }
    const scoped = list[0] == "+";
    if (!scoped) whole++;
    // A refusal, "-", is no category: it leaves none.
    const copy = list
      .slice(+scoped)
      .split("~")
      .filter((c) => config.k.includes(c));
    granted = granted == null ? copy : granted.filter((c) => copy.includes(c));
  });
  // Beside a copy that is no current choice: a refusal, never a scoped grant of nothing.
  return copies > 1 && bad ? [[], false] : granted && [granted, !whole];
}

/**
 * Writes a whole choice as the consent cookie, for as long as the edge would keep it. The page only
 * writes what a refusal leaves when the consent API cannot record it: grants go through the API.
 */
export function writeConsent(config: RuntimeConfig, granted: string[]): void {
  const secure = location.protocol == "https:" || /^__(Host|Secure)-/.test(config.n) ? "; Secure" : "";
  const list = granted.length ? granted.join("~") : "-";
  document.cookie = `${config.n}=1.${config.r}.${Math.floor(Date.now() / 1e3)}.${list}; Path=/; Max-Age=${config.m}; SameSite=Lax${secure}`;
}
