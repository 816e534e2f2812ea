/**
 * The inventory's reporter (src/inventory/), shipped only in the page views the edge sampled
 * (`inventory.browserSample`; src/html/runtime.ts): it collects the third-party hosts the browser
 * contacted (Resource Timing, hostnames only) and those the page guard refused (config.o, called
 * by guard/rules.ts), and sends them once, when the page is hidden or left, to the consent API's
 * report endpoint (src/endpoints/browser-report.ts) with the browser's own sendBeacon:
 *
 *   { "v": 1, "page": "/path", "contacted": [hosts], "refused": [hosts] }
 *
 * It runs before the runtime and the page guard, so the sendBeacon it keeps is the native one.
 * Nothing but hostnames and the page's path leaves: no URL path of a third party, no query
 * string, no cookie. Hosts of the site's own registrable domains are left out, so are hosts that
 * are not lowercase LDH names (the endpoint would refuse the whole report), past 50 a list, or
 * past what fits the endpoint's 4 KiB.
 */
import type { RuntimeConfig } from "./config";

/** The endpoint's checks (src/inventory/recorder.ts isHostName, browser-report.ts MAX_HOSTS). */
const HOST = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const MAX_HOSTS = 50;
/** Of the endpoint's 4,096 bytes, what hostnames may take (the rest is the page path and JSON). */
const MAX_HOST_BYTES = 3_000;

export default function reportHosts(config: RuntimeConfig): void {
  const q = config.q;
  if (!q) return;
  const [path, ...own] = q;
  const n = navigator as Partial<Navigator>;
  const beacon = n.sendBeacon && n.sendBeacon.bind(n);
  const contacted: string[] = [];
  const refused: string[] = [];
  let bytes = 0;
  const add = (list: string[], host: string) => {
    host = host.replace(/\.+$/, "");
    if (
      HOST.test(host) &&
      !own.some((d) => host == d || host.endsWith(`.${d}`)) &&
      list.length < MAX_HOSTS &&
      !list.includes(host) &&
      (bytes += host.length + 3) < MAX_HOST_BYTES
    )
      list.push(host);
  };
  config.o = (host) => {
    add(refused, host);
  };
  const seen = (entries: PerformanceEntryList) => {
    entries.forEach((e) => {
      if (/^https?:/.test(e.name)) add(contacted, new URL(e.name).hostname);
    });
  };
  try {
    new PerformanceObserver((list) => {
      seen(list.getEntries());
    }).observe({ type: "resource", buffered: true });
  } catch {
    // No PerformanceObserver: what the buffer holds at the end is read below.
  }
  let sent: 1 | undefined;
  const send = () => {
    if (sent || !beacon) return;
    sent = 1;
    seen(performance.getEntriesByType("resource"));
    beacon(
      location.origin + (path as string),
      JSON.stringify({ v: 1, page: location.pathname, contacted, refused }),
    );
  };
  addEventListener("pagehide", send);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState == "hidden") send();
  });
}
