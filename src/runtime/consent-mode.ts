/**
 * Google Consent Mode v2 (trackers.googleConsentMode): the `default` command before any tag runs,
 * an `update` after every grant, pushed to `dataLayer` as gtag pushes them (an `arguments` object,
 * which is what gtag.js reads).
 */
import type { Granted } from "./config";

export function consentMode(kind: "default" | "update", has: Granted): void {
  const w = window as unknown as { dataLayer?: unknown[] };
  const state = (category: string) => (has(category) ? "granted" : "denied");
  const layer = (w.dataLayer = w.dataLayer || []);
  (
    (function gtag() {
      // eslint-disable-next-line prefer-rest-params -- gtag.js reads an Arguments object, not an array
      layer.push(arguments);
    }) as (...command: unknown[]) => void
  )("consent", kind, {
    ad_storage: state("marketing"),
    ad_user_data: state("marketing"),
    ad_personalization: state("marketing"),
    analytics_storage: state("analytics"),
    functionality_storage: state("functional"),
    personalization_storage: state("functional"),
    security_storage: "granted",
  });
}
