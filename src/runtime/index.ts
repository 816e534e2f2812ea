/**
 * The runtime injected first into every rewritten page (the entry scripts/build-runtime.ts bundles
 * into src/html/runtime.generated.ts). It restores neutralised elements, in document order, the
 * moment the visitor grants their category, without a reload:
 *
 *   consentEdge.grant(["analytics"])     a scoped grant: yes to these, nothing said about the rest (an
 *                                        undecided visitor stays undecided: the banner still asks);
 *                                        grant([], ["youtube"]) allows a service on its own
 *   consentEdge.set(["analytics"], ["youtube"])  a whole choice: exactly these categories, and these
 *                                        services on their own (none when left out)
 *   consentEdge.withdraw(["analytics"], ["youtube"])  withdraw these (withdraw() for all, services
 *                                        too): reloads, so that the edge deletes the cookies and serves
 *                                        the page without those trackers
 *   consentEdge.granted()                the granted categories, `necessary` included
 *   consentEdge.services()               the services granted on their own (src/consent/grants.ts)
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
 * (`data-ce-grant`, after an embed the edge made inert) is a scoped grant of its needs: a category,
 * or for `category:service` the service alone ("Always allow YouTube"), recorded as
 * `method: "placeholder"` (`consentEdge.grant` as `page`). Its "Load this video" (`data-ce-once`)
 * restores only the iframe before it, for this page view: no cookie, no API call, no receipt.
 *
 * It also follows the consent cookie (a CMP or another tab may write it): through the Cookie Store
 * API where there is one, else by checking once a second.
 */
import type { CookieGuard, PageGuard, RuntimeConfig, ZarazBundle } from "./config";
import { readConsent, writeConsent } from "./consent-cookie";
import { consentMode } from "./consent-mode";
import { CATEGORY, GRANT, ONCE, PLACEHOLDER, URL_ATTRIBUTES } from "./inert";
import { restore } from "./restore";

export interface ConsentEdge {
  categories: string[];
  granted(): string[];
  services(): string[];
  set(categories: string[], services?: string[]): Promise<boolean>;
  grant(categories: string[], services?: string[]): Promise<boolean>;
  withdraw(categories?: string[], services?: string[]): Promise<boolean>;
  onChange(listener: (granted: string[], scoped: boolean) => void): void;
  sync(): void;
}

export default function start(
  config: RuntimeConfig,
  guard?: CookieGuard | 0,
  pageGuard?: PageGuard | 0,
  zaraz?: ZarazBundle | 0,
): void {
  const d = document;
  const w = window as unknown as { consentEdge: ConsentEdge; cookieStore?: Partial<EventTarget> };
  /** What is granted now (without `necessary`), and the cookie string it was last read from. */
  let current = config.g;
  let last: string | undefined;
  /** Captured before any page script can replace it: choices are sent with the browser's own. */
  const send = fetch;
  const listeners: Array<(granted: string[], scoped: boolean) => void> = [];
  /** Services granted on their own: config.v, then the cookie's, as `current`. */
  let services = config.v;
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
    const was = services;
    const c = readConsent(config, v);
    // At boot the page is what the edge decided, which may be by another source (a CMP's later
    // refusal, Zaraz's cookie first): a scoped grant in the cookie is passed over, and a whole
    // choice only narrows what the edge rendered (config.g, config.v). After boot, a scoped grant
    // adds to what the page has and a whole choice replaces it. What GPC, DNT or a US opt-out refuse
    // (config.x) the edge refuses on every page: the page never grants it (nor their services: `has`).
    if (c == null || (boot && c[1])) return;
    const add = (a: string[], b: string[]) =>
      boot ? a.filter((x) => b.includes(x)) : c[1] ? a.concat(b.filter((x) => !a.includes(x))) : b;
    current = add(current, c[0]).filter((x) => !config.x.includes(x));
    services = add(services, c[2]);
    const gone = (a: string[], b: string[]) => a.some((x) => !b.includes(x));
    if (!boot && (before.some((c) => !has(c)) || gone(was, services))) {
      location.reload();
      return;
    }
    if (gone(current, before) || gone(services, was)) {
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
  const apply = (body: object, want: string[], keep: string[]): Promise<boolean> =>
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
        const held = services.filter((s) => keep.includes(s));
        if (!ok && kept.length + held.length < current.length + services.length)
          writeConsent(config, kept, held);
        check();
        tell();
        return ok || (want.every(has) && keep.every((s) => services.includes(s)));
      });
  /** A scoped grant, merged as the consent API merges it: onto a whole choice, or onto the scoped grants so far. */
  const scoped = (g: string[], s: string[], method: string) =>
    apply({ grant: g, services: s, method }, current.concat(g), services.concat(s));
  const api: ConsentEdge = (w.consentEdge = {
    categories: config.k,
    granted: () => ["necessary"].concat(current),
    services: () => services.slice(),
    set(g, s = []) {
      const want = config.k.filter((c) => c != "necessary" && g.includes(c));
      return apply({ granted: want, services: s }, want, s);
    },
    grant(g, s = []) {
      return scoped(g, s, "page");
    },
    withdraw(g, s) {
      // withdraw() withdraws everything; else what is named, of categories or of services.
      const keep = (a: string[], b?: string[]) => a.filter((x) => (g || s) && !(b || []).includes(x));
      return api.set(keep(current, g), keep(services, s));
    },
    onChange(f) {
      listeners.push(f);
    },
    sync() {
      check();
      tell();
    },
  });
  /** What "Load this video" restored, [iframe, attribute, URL]: the page guard lets exactly these load (config.e). */
  const once: Array<[object, string, string]> = (config.e = []);
  /**
   * What the edge wrote on each placeholder's buttons, read as the parser inserts them (an observer's
   * callback runs before the parser runs the next script, and this one is the page's first): a grant
   * button's needs; for "Load this video" the inert iframe before its placeholder, that iframe's URL
   * twins, and the placeholder. A script that later rewrites a grant, the twins, or slips another
   * inert element before the placeholder changes nothing of what the visitor's click does.
   */
  const seen = new Map<Element, string | [Element, Array<string | null>, Element]>();
  const BUTTONS = `[${GRANT}],[${ONCE}]`;
  const note = (b: Element) => {
    if (seen.has(b)) return;
    const g = b.getAttribute(GRANT);
    const p = b.closest(`[${PLACEHOLDER}]`);
    const o = p && p.previousElementSibling;
    if (g != null) seen.set(b, g);
    else if (o && o.localName == "iframe" && o.hasAttribute(CATEGORY))
      seen.set(b, [o, URL_ATTRIBUTES.map((a) => o.getAttribute(`data-ce-${a}`)), p]);
  };
  d.querySelectorAll(BUTTONS).forEach(note);
  new MutationObserver((records) => {
    records.forEach((r) => {
      r.addedNodes.forEach((n) => {
        if (n instanceof Element) {
          if (n.matches(BUTTONS)) note(n);
          n.querySelectorAll(BUTTONS).forEach(note);
        }
      });
    });
  }).observe(d, { childList: true, subtree: true });
  if (guard) guard(config, has);
  if (pageGuard) pageGuard(config, has);
  gcm("default");
  check(1);
  // After the boot's check: Zaraz is told what the page now holds (runtime/zaraz.ts, a bundle of
  // its own, only for sites that read Zaraz's consent); then after every choice and on sync, through
  // the push it leaves in config.u.
  if (zaraz)
    zaraz(config, has, () => {
      const c = readConsent(config, d.cookie);
      return c != null && !c[1];
    });
  const tell = () => {
    if (config.u) config.u();
  };
  // The visitor's own click: one a script dispatches (button.click(), dispatchEvent) grants nothing.
  d.addEventListener("click", (e) => {
    if (!e.isTrusted) return;
    const target = e.target as Partial<Element>;
    const button = target.closest && target.closest(BUTTONS);
    const was = button && seen.get(button);
    if (!was) return;
    if (typeof was == "string") {
      // `category:service` is granted by its service alone: "Always allow YouTube", not Marketing.
      const c: string[] = [];
      const s: string[] = [];
      was.split(" ").forEach((n) => {
        const [category, service] = n.split(":") as [string, string?];
        if (service) s.push(service);
        else c.push(category);
      });
      void scoped(c, s, "placeholder");
      return;
    }
    // "Load this video": that iframe, with the URLs the edge wrote, and only it, until the page unloads.
    const [o, urls, p] = was;
    if (!o.hasAttribute(CATEGORY)) return;
    URL_ATTRIBUTES.forEach((a, i) => {
      const v = urls[i];
      if (v == null) o.removeAttribute(`data-ce-${a}`);
      else {
        o.setAttribute(`data-ce-${a}`, v);
        once.push([o, a, v]);
      }
    });
    restore(all, o);
    p.remove();
  });
  const store = w.cookieStore;
  if (store && store.addEventListener)
    store.addEventListener("change", () => {
      check();
    });
  else setInterval(check, 1e3);
}
