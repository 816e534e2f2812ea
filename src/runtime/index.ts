/**
 * The runtime injected first into every rewritten page (the entry scripts/build-runtime.ts bundles
 * into src/html/runtime.generated.ts). It restores neutralised elements, in document order, the
 * moment the visitor grants their category, without a reload:
 *
 *   consentEdge.grant(["analytics"])     a scoped grant: yes to these, nothing said about the rest (an
 *                                        undecided visitor stays undecided: the banner still asks)
 *   consentEdge.set(["analytics"])       a whole choice: exactly these categories
 *   consentEdge.withdraw(["analytics"])  withdraw (or withdraw() for all): reloads, so that the edge
 *                                        deletes the cookies and serves the page without those trackers
 *   consentEdge.granted()                the granted categories, `necessary` included
 *   consentEdge.categories               the site's categories
 *   consentEdge.onChange(fn)             fn(granted, scoped) after every grant; scoped: the visitor's
 *                                        own choice is still only scoped grants
 *   consentEdge.sync()                   apply the consent cookie now (after the consent API has set it)
 *
 * grant, set and withdraw return a Promise<boolean>: true once what was asked is in effect. Each goes
 * to the consent API (config.p), which writes the receipt when the site keeps receipts, then sets
 * the cookie; the page then applies it. A grant the API refuses (throttled, its database down, the
 * network or the page's CSP in the way) is not applied and resolves false: no consent without
 * proof. A refusal needs none: what a choice withdraws is written by the page even then. The page
 * never grants by writing the cookie itself: only the edge sees the whole of what the visitor
 * decided (a CMP's cookie too), which a scoped grant is merged with. A placeholder's button
 * (`data-ce-grant`, after an embed the edge made inert) is a scoped grant of its categories,
 * recorded as `method: "placeholder"` (`consentEdge.grant` as `page`).
 *
 * It also follows the consent cookie (a CMP or another tab may write it): through the Cookie Store
 * API where there is one, else by checking once a second.
 */
import type { CookieGuard, PageGuard, RuntimeConfig } from "./config";
import { readConsent, writeConsent } from "./consent-cookie";
import { consentMode } from "./consent-mode";
import { GRANT } from "./inert";
import { restore } from "./restore";

export interface ConsentEdge {
  categories: string[];
  granted(): string[];
  set(categories: string[]): Promise<boolean>;
  grant(categories: string[]): Promise<boolean>;
  withdraw(categories?: string[]): Promise<boolean>;
  onChange(listener: (granted: string[], scoped: boolean) => void): void;
  sync(): void;
}

export default function start(
  config: RuntimeConfig,
  guard?: CookieGuard | 0,
  pageGuard?: PageGuard | 0,
): void {
  const d = document;
  const w = window as unknown as { consentEdge: ConsentEdge; cookieStore?: Partial<EventTarget> };
  /** What is granted now (without `necessary`), and the cookie string it was last read from. */
  let current = config.g;
  let last: string | undefined;
  /** Captured before any page script can replace it: choices are sent with the browser's own. */
  const send = fetch;
  const listeners: Array<(granted: string[], scoped: boolean) => void> = [];
  /** Services granted on their own (config.v). */
  const services = config.v;
  /** A need: a category, or `category:service`, granted with its category or the service (unless a signal refuses the category). */
  const has = (need: string) => {
    const i = need.indexOf(":");
    const c = i < 0 ? need : need.slice(0, i);
    return (
      c == "necessary" ||
      current.includes(c) ||
      (i > 0 && services.includes(need.slice(i + 1)) && !config.x.includes(c))
    );
  };
  const all = (categories: string) => categories.split(" ").every(has);
  const gcm = (kind: "default" | "update") => {
    if (config.gcm) consentMode(kind, has);
  };
  const ready = (f: () => void) => {
    if (d.readyState == "loading") d.addEventListener("DOMContentLoaded", f);
    else f();
  };
  /** Applies the consent cookie when it changed: restores on a grant, reloads on a withdrawal. */
  const check = (boot?: 1) => {
    const v = d.cookie;
    if (v == last) return;
    last = v;
    const before = current;
    const c = readConsent(config, v);
    if (c == null) return;
    // A scoped grant adds to what the page has: the rest keeps what the edge decided for it.
    // What GPC or DNT refuse (config.x) the edge refuses on every page: the page never grants it.
    current = (c[1] ? current.concat(c[0].filter((x) => !current.includes(x))) : c[0]).filter(
      (x) => !config.x.includes(x),
    );
    if (!boot && before.some((c) => !has(c))) {
      location.reload();
      return;
    }
    if (current.some((c) => !before.includes(c))) {
      gcm("update");
      ready(() => {
        restore(all);
      });
      listeners.forEach((f) => {
        f(api.granted(), c[1]);
      });
    }
  };
  /**
   * Applies a choice: `body` to the consent API when the site keeps receipts, else `local` written
   * by the page. A refusal the API could not record is applied in the page all the same: what the
   * page keeps of `want` (which is never more than it had). Resolves whether `want` is in effect.
   */
  const apply = (body: object, want: string[]): Promise<boolean> =>
    // `location.origin`: a page's `<base href>` must not send the choice elsewhere.
    send(location.origin + config.p, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    })
      .then(
        (r) => r.ok,
        () => false,
      )
      .then((ok) => {
        const kept = current.filter((c) => want.includes(c));
        if (!ok && kept.length < current.length) writeConsent(config, kept);
        check();
        return ok || want.every(has);
      });
  /** A scoped grant, merged as the consent API merges it: onto a whole choice, or onto the scoped grants so far. */
  const scoped = (g: string[], method: string) => apply({ grant: g, method }, current.concat(g));
  const api: ConsentEdge = (w.consentEdge = {
    categories: config.k,
    granted: () => ["necessary"].concat(current),
    set(g) {
      const want = config.k.filter((c) => c != "necessary" && g.includes(c));
      return apply({ granted: want }, want);
    },
    grant(g) {
      return scoped(g, "page");
    },
    withdraw(g) {
      return api.set(g ? current.filter((c) => !g.includes(c)) : []);
    },
    onChange(f) {
      listeners.push(f);
    },
    sync() {
      check();
    },
  });
  if (guard) guard(config, has);
  if (pageGuard) pageGuard(config, has);
  gcm("default");
  check(1);
  // The visitor's own click: one a script dispatches (button.click(), dispatchEvent) grants nothing.
  d.addEventListener("click", (e) => {
    if (!e.isTrusted) return;
    const target = e.target as Partial<Element>;
    const button = target.closest && target.closest(`[${GRANT}]`);
    if (button) void scoped((button.getAttribute(GRANT) as string).split(" "), "placeholder");
  });
  const store = w.cookieStore;
  if (store && store.addEventListener)
    store.addEventListener("change", () => {
      check();
    });
  else setInterval(check, 1e3);
}
