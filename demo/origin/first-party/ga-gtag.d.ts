// ga-gtag 1.2.0 ships no types: its three exports, as its README documents them.
declare module "ga-gtag" {
  /** Pushes a gtag.js command onto window.dataLayer. */
  export function gtag(...command: unknown[]): void;
  /** Inserts gtag.js for the tracking id into <head> (once) and configures it. */
  export function install(trackingId: string, additionalConfigInfo?: Record<string, unknown>): void;
  export function initDataLayer(): void;
  export default gtag;
}
