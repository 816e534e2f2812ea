/**
 * The /sdks page's first-party bundle: three analytics SDKs installed from the npm registry, bundled
 * unmodified into the site's own script (scripts/bundle-worker.ts), and started the way each README
 * says. None of their trackers is in the HTML, so the edge never sees them: only the page guard
 * stands between them and the network until the visitor grants analytics.
 *
 *   posthog-js        posthog.init(key, { api_host }): us.i.posthog.com (flags, events) and
 *                     us-assets.i.posthog.com (remote config, lazily loaded extensions)
 *   ga-gtag           install("G-..."): inserts gtag.js from www.googletagmanager.com, which sends
 *                     to region1.google-analytics.com
 *   mixpanel-browser  mixpanel.init(token): XMLHttpRequest to api-js.mixpanel.com
 *
 * They start at load, before any consent. With `?late` in the URL they wait for
 * `sdkDemo.start()`, so a test (or the demo's button) can start them after a grant instead.
 */
import { gtag, install } from "ga-gtag";
import mixpanel from "mixpanel-browser";
import posthog from "posthog-js";

const POSTHOG_KEY = "phc_demo123";
const GA_ID = "G-SDKS123";
const MIXPANEL_TOKEN = "demo0mixpanel0token";

interface SdkDemo {
  posthog: typeof posthog;
  gtag: typeof gtag;
  mixpanel: typeof mixpanel;
  started: boolean;
  start(): void;
}

function start(): void {
  if (demo.started) return;
  demo.started = true;
  posthog.init(POSTHOG_KEY, { api_host: "https://us.i.posthog.com" });
  install(GA_ID);
  mixpanel.init(MIXPANEL_TOKEN, { autocapture: true });
  mixpanel.track("sdks page");
  const status = document.getElementById("sdks-status");
  if (status) status.textContent = "started";
}

const demo: SdkDemo = { posthog, gtag, mixpanel, started: false, start };
(window as unknown as { sdkDemo: SdkDemo }).sdkDemo = demo;

/** The page's buttons (the demo's; a test calls sdkDemo directly). */
function bindButtons(): void {
  const button = (id: string, onClick: () => void) => {
    const element = document.getElementById(id);
    if (element) element.addEventListener("click", onClick);
  };
  button("sdks-start", start);
  button("sdks-event", () => {
    posthog.capture("demo click");
    mixpanel.track("demo click");
    gtag("event", "demo_click");
  });
}

if (!/[?&]late(?:[=&]|$)/.test(location.search)) start();
if (document.readyState == "loading") document.addEventListener("DOMContentLoaded", bindButtons);
else bindButtons();
