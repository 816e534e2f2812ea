/**
 * The runtime injected first into every rewritten page (the entry scripts/build-runtime.ts bundles
 * into src/html/runtime.generated.ts). It restores neutralised elements, in document order, the
 * moment the visitor grants their category, without a reload:
 *
 *   consentEdge.grant(["analytics"])     grant categories (writes the consent cookie, restores)
 *   consentEdge.set(["analytics"])       set exactly these categories
 *   consentEdge.withdraw(["analytics"])  withdraw (or withdraw() for all): reloads, so that the edge
 *                                        deletes the cookies and serves the page without those trackers
 *   consentEdge.granted()                the granted categories, `necessary` included
 *   consentEdge.categories               the site's categories
 *   consentEdge.onChange(fn)             fn(granted) after every change
 *   consentEdge.sync()                   apply the consent cookie now (after the consent API has set it)
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
  set(categories: string[]): void;
  grant(categories: string[]): void;
  withdraw(categories?: string[]): void;
  onChange(listener: (granted: string[]) => void): void;
  sync(): void;
}

export default function start(config: RuntimeConfig, guard?: CookieGuard | 0, pageGuard?: PageGuard | 0): void {
  const d = document;
  const w = window as unknown as { consentEdge: ConsentEdge; cookieStore?: Partial<EventTarget> };
  /** What is granted now (without `necessary`), and the cookie string it was last read from. */
  let current = config.g;
  let last: string | undefined;
  const listeners: Array<(granted: string[]) => void> = [];
  const has = (c: string) => c == "necessary" || current.includes(c);
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
    const g = readConsent(config, v);
    if (g == null) return;
    current = g;
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
        f(api.granted());
      });
    }
  };
  const api: ConsentEdge = (w.consentEdge = {
    categories: config.k,
    granted: () => ["necessary"].concat(current),
    set(g) {
      writeConsent(
        config,
        config.k.filter((c) => c != "necessary" && g.includes(c)),
      );
      check();
    },
    grant(g) {
      api.set(current.concat(g));
    },
    withdraw(g) {
      api.set(g ? current.filter((c) => !g.includes(c)) : []);
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
  d.addEventListener("click", (e) => {
    const target = e.target as Partial<Element>;
    const button = target.closest && target.closest(`[${GRANT}]`);
    if (button) api.grant((button.getAttribute(GRANT) as string).split(" "));
  });
  const store = w.cookieStore;
  if (store && store.addEventListener)
    store.addEventListener("change", () => {
      check();
    });
  else setInterval(check, 1e3);
}
