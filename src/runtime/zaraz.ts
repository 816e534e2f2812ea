/**
 * Tells Cloudflare Zaraz the choice consent-edge recorded, so that the tools Zaraz loads and what
 * the edge enforces never disagree (docs/zaraz.md). Zaraz's Consent API
 * (https://developers.cloudflare.com/zaraz/consent-management/api/):
 *   zaraz.consent.set({ purposeId: boolean })  sets the purposes named, leaves the others
 *   zaraz.consent.get(purposeId)               true, false, or undefined for no such purpose
 *   zaraz.consent.APIReady                     true once the API may be called; until then, wait for
 *   document's "zarazConsentAPIReady" event    which Zaraz fires when it is
 *   zaraz.consent.sendQueuedEvents()           sends the Pageview events held for lack of consent,
 *                                              "after consent was granted" (the page's own example
 *                                              calls it after setAll(true)): here after a push that
 *                                              grants a purpose Zaraz did not have granted
 *
 * A push sets every purpose of the site's map (config.z[0], purpose id -> category) to whether its
 * category is granted now, and only when consent-edge's cookie holds the visitor's whole choice.
 * Scoped grants (an undecided visitor's placeholder button) are not told: Zaraz would store them as
 * a cookie the edge reads, after consent-edge's scoped one, as the visitor's whole choice, and the
 * banner would stop asking.
 *
 * Zaraz loads after the runtime, so a push waits for the ready event when the API is not ready. The
 * API object is kept the first time it is seen ready (at boot, or when its event fires), so a script
 * that replaces `window.zaraz` afterwards is not the one told; and every call is guarded: a
 * missing, partial or hostile `zaraz` never throws into the page and never stops the runtime.
 */
import type { Granted, RuntimeConfig } from "./config";

/** What the runtime calls of `zaraz.consent`; anything else about it is Zaraz's. */
interface ZarazConsent {
  /** Only `true` counts: anything else is not ready. */
  APIReady: unknown;
  get(purpose: string): boolean | undefined;
  set(purposes: Record<string, boolean>): void;
  sendQueuedEvents(): void;
}

/**
 * `whole`: whether consent-edge's cookie holds the visitor's whole choice now (the runtime reads it,
 * so that this bundle carries no cookie reader of its own).
 * Returns the push: called after every choice the page records. At boot it pushes once when
 * config.z[1] says the edge reads consent-edge's cookie before Zaraz's, so a whole choice in it is
 * what the edge decided by; otherwise Zaraz's own stored choice is left as it is.
 */
export function zaraz(config: RuntimeConfig, has: Granted, whole: () => boolean): () => void {
  const z = config.z;
  let api: ZarazConsent | undefined;
  let waiting = false;
  /** Keeps Zaraz's API the first time it is ready (at boot, or on its event), then pushes if one waits. */
  const ready = () => {
    try {
      const c = api || (window as unknown as { zaraz: { consent: ZarazConsent } }).zaraz.consent;
      if (!z || c.APIReady !== true) return;
      api = c;
      if (!waiting) return;
      waiting = false;
      if (!whole()) return;
      const purposes: Record<string, boolean> = {};
      let granting = false;
      for (const id of Object.keys(z[0])) {
        if ((purposes[id] = has(z[0][id] as string)) && c.get(id) !== true) granting = true;
      }
      c.set(purposes);
      if (granting) c.sendQueuedEvents();
    } catch {
      // No window.zaraz yet (or at all), or one that throws: nothing to tell, nothing thrown.
    }
  };
  const push = () => {
    waiting = true;
    ready();
  };
  if (z) {
    document.addEventListener("zarazConsentAPIReady", ready);
    if (z[1]) push();
    else ready();
  }
  return push;
}
