/**
 * tarteaucitron.js (npm `tarteaucitronjs`), installed on the bench's pages the way its documentation
 * says, for the browser head-to-head (issue 13).
 *
 * Docs followed:
 *   - the package's README (node_modules/tarteaucitronjs/README.md, "How to use": the script, then
 *     `tarteaucitron.init({...})` with every option and its default; "Create custom service");
 *   - the installation guide, https://tarteaucitron.io/en/free-installation-open-source/ (read in its
 *     French twin, https://tarteaucitron.io/installation-gratuite-open-source/): step 2 puts the script
 *     and `init` "right after the opening <head> tag" and loads `tarteaucitron.min.js`; step 3 "replaces
 *     your current tags by the tarteaucitron version": per service, a "code to add" (the
 *     `tarteaucitron.user.*` settings and `(tarteaucitron.job = tarteaucitron.job || []).push(key)`), a
 *     placeholder "where it must show" for embeds (YouTube: `<div class="youtube_player" data-videoID
 *     data-width data-height>`), and the vendor's snippet as the "code to remove";
 *   - the catalogue itself, node_modules/tarteaucitronjs/tarteaucitron.services.js (what each service
 *     loads, its `cookies` list, its `fallback`), and tarteaucitron.js (defaults, what it fetches).
 *
 * Choices:
 *   - The minified build (`tarteaucitron.min.js`), as the guide's step 2 has it. From its own URL the
 *     script derives the folder it loads the rest from (`tarteaucitron.cdn`), and, the URL containing
 *     `.min.`, loads the minified rest: lang/tarteaucitron.en.min.js, tarteaucitron.services.min.js,
 *     css/tarteaucitron.min.css (useExternalCss false, the default) and advertising.min.js (its
 *     ad-blocker probe, always fetched). All five are `assets`; the bench serves them from node_modules
 *     under the script's folder, so no path option (tarteaucitronForceCDN) is needed.
 *   - `var tarteaucitronForceLanguage = "en"` before the script (read when the script runs): the banner in
 *     English whatever the browser says (the pages are `lang="en"` anyway).
 *   - `init` is the README's example with its defaults (orientation "middle": a centred modal,
 *     highPrivacy true, showIcon true: the floating cookie icon to reopen the panel, removeCredit false,
 *     useExternalCss false, mandatory true...), except: privacyUrl and readmoreLink are the site's cookie
 *     policy (readmoreLink defaults to tarteaucitron.io's page per service); hashtag is "#cookie-settings",
 *     so the demo footer's existing "Cookie settings" link (`href="#cookie-settings"`) opens the panel
 *     (the option "Open the panel with this hashtag"); and softConsentMode is true (default false).
 *   - softConsentMode true is the best case: with the defaults (googleConsentMode and bingConsentMode true,
 *     softConsentMode false) the gtag, googleads and clarity services' `fallback`, which runs for an
 *     undecided or refusing visitor, loads gtag.js and Clarity's tag anyway (Consent Mode "advanced").
 *     The README: "Soft consent mode (consent is required to load the services)".
 *   - "Reject all" on the first layer: DenyAllCta (default true) shows "Deny all cookies" next to
 *     "OK, accept all" and "Personalize". Choices apply without a reload (README: "Load service when user
 *     click on Allow (without reload of the page)"); refusing a service that already ran sets
 *     `reloadThePage`, and closing the panel then reloads: the default, kept.
 *   - The tagging is the service declarations, in place of each snippet (step 3: replace the tag):
 *     GA4 → `gtag`, Google Ads → `googleads`, Meta Pixel → `facebookpixel`, Clarity → `clarity`, PostHog →
 *     `posthog` (the catalogue has it; its own snippet, without the site's person_profiles option),
 *     YouTube → `youtube` (the placeholder div; tarteaucitron writes a youtube-nocookie.com iframe, without
 *     the original's `allow` list), Matomo (self-hosted) → `matomocloud` with matomoHost and
 *     matomoCustomJSPath (the catalogue marks `matomo` "DEPRECATED, USE MATOMO CLOUD"). Its `fallback`
 *     loads matomo.js for an undecided or refusing visitor too, in Matomo's requireConsent mode (no hit,
 *     no cookie until consent), and softConsentMode does not change that.
 *   - What the catalogue lacks (the bench page's ad pixels, the site's two loader scripts) is a custom
 *     service (README "Create custom service"), defined in `head`, declared in place of its snippet: its
 *     `js` adds the loader script (`tarteaucitron.addScript`, as catalogue services do) or gives the
 *     held-back pixels their `src` (placeholders like the guide's pixel services, e.g. Kwanko's
 *     `<div class="tac_kwanko">`); its `cookies` are `context.cookies` for the service.
 *   - Cookie deletion: tarteaucitron deletes, on refusal and on each later page of a refusing visitor,
 *     the names in the refused service's `cookies`. For custom services that is `context.cookies`; a
 *     catalogue service's list is the catalogue's and no option changes it: gtag's covers _ga, _gid,
 *     _ga_DEMO123; googleads' _gcl_au (not __gads); clarity's _clck, _clsk, CLID; facebookpixel's _fbp (not
 *     _fbc); matomocloud's bare `_pk_id`, `_pk_ses`... (not Matomo's real `_pk_id.1.1fff`); posthog's is
 *     empty. FPID is HttpOnly: no script deletes it.
 *   - Not covered by the docs, returned unchanged: `<link rel=preconnect>`/`<link rel=dns-prefetch>`
 *     (no service or option for resource hints) and the `<noscript>` pixels (the guide's Meta Pixel "code
 *     to remove" is the script only; a noscript image never loads with JavaScript on anyway).
 *   - Without its declarations (the untagged page) tarteaucitron has no service: it shows no banner at all
 *     (`job.length === 0` closes it), only the cookie icon, and blocks nothing.
 */
import type { Page } from "playwright-core";
import type { InstallContext, Peer, Tracker } from "../peer";

const PACKAGE = "tarteaucitronjs";
const SCRIPT = `${PACKAGE}/tarteaucitron.min.js`;

/** The tool's own cookie (init's cookieName, the default): `!gtag=true!youtube=false...`. */
const COOKIE_NAME = "tarteaucitron";

/** The hash that opens the panel: the demo footer's "Cookie settings" link points at it. */
const SETTINGS_HASH = "#cookie-settings";

/** The catalogue's service (tarteaucitron.services.js key) for each of the bench's services. */
const CATALOGUE: Readonly<Record<string, string>> = {
  "google-analytics": "gtag",
  "google-ads": "googleads",
  matomo: "matomocloud",
  posthog: "posthog",
  clarity: "clarity",
  meta: "facebookpixel",
  youtube: "youtube",
};

/** Trackers the docs have nothing for: left as the site has them. */
const UNCOVERED = new Set([
  "preconnect-gtm",
  "dns-prefetch-clarity",
  "matomo-noscript",
  "meta-pixel-noscript",
]);

/** A custom service's key: the bench's service id without its dashes ("site-loader" → "siteloader"). */
function customKey(service: string): string {
  return service.replace(/[^a-z0-9]/gi, "").toLowerCase();
}

/** The class a held-back pixel carries, for its custom service's `js` to find it. */
function pixelClass(service: string): string {
  return `tac_${customKey(service)}`;
}

/** The first capture of `pattern` in a tracker's HTML, or an error naming what the snippet lacks. */
function extract(tracker: Tracker, pattern: RegExp): string {
  const found = pattern.exec(tracker.html)?.[1];
  if (found === undefined) throw new Error(`tarteaucitron: ${tracker.id} has no ${String(pattern)}`);
  return found;
}

/** `(tarteaucitron.job = tarteaucitron.job || []).push(key)` after the service's settings, as the guide writes it. */
function declaration(key: string, settings: Readonly<Record<string, string | number>> = {}): string {
  const lines = Object.entries(settings).map(
    ([name, value]) => `tarteaucitron.user.${name} = ${JSON.stringify(value)};`,
  );
  return `<script>${[...lines, `(tarteaucitron.job = tarteaucitron.job || []).push(${JSON.stringify(key)});`].join(" ")}</script>`;
}

/** The catalogue service's declaration for one tracker's snippet (settings read from the snippet). */
function catalogueTag(tracker: Tracker): string {
  switch (tracker.id) {
    case "ga4":
      return declaration("gtag", { gtagUa: extract(tracker, /gtag\/js\?id=(G-[A-Z0-9]+)/) });
    case "google-ads":
      return declaration("googleads", { googleadsId: extract(tracker, /gtag\/js\?id=(AW-[A-Z0-9]+)/) });
    case "matomo": {
      const host = extract(tracker, /var u="([^"]+)"/);
      return declaration("matomocloud", {
        matomoId: Number(extract(tracker, /'setSiteId', '(\d+)'/)),
        matomoHost: host,
        matomoCustomJSPath: `${host}matomo.js`,
      });
    }
    case "posthog":
      return declaration("posthog", {
        posthogApiKey: extract(tracker, /posthog\.init\('([^']+)'/),
        posthogHost: extract(tracker, /api_host: '([^']+)'/),
      });
    case "clarity":
      return declaration("clarity", { clarity: extract(tracker, /"script", "([^"]+)"\)/) });
    case "meta-pixel":
      return declaration("facebookpixel", { facebookpixelId: extract(tracker, /fbq\('init', '([^']+)'\)/) });
    case "youtube": {
      const attribute = (name: string) => extract(tracker, new RegExp(` ${name}="([^"]*)"`));
      const videoId = extract(tracker, /youtube\.com\/embed\/([\w-]+)/);
      return (
        `<div class="youtube_player" data-videoID="${videoId}" data-width="${attribute("width")}" ` +
        `data-height="${attribute("height")}" title="${attribute("title")}"></div>` +
        declaration("youtube")
      );
    }
    default:
      throw new Error(`tarteaucitron: no catalogue tagging for ${tracker.id}`);
  }
}

/**
 * A custom service's tagging: a site script is held back whole (its custom service adds it), a pixel
 * keeps its markup with `src` moved to `data-src` and the service's class (its custom service restores it).
 */
function customTag(tracker: Tracker): string {
  const key = customKey(tracker.service);
  if (/^<script src="[^"]+"/.test(tracker.html)) return declaration(key);
  if (/^<img src="/.test(tracker.html))
    return (
      tracker.html.replace(/^<img src="/, `<img class="${pixelClass(tracker.service)}" data-src="`) +
      declaration(key)
    );
  throw new Error(`tarteaucitron: no custom tagging for ${tracker.id}`);
}

/** What a custom service runs once allowed: the held-back scripts added, the pixels given their src. */
function customJs(trackers: readonly Tracker[]): string {
  const scripts = trackers.flatMap((tracker) => {
    const src = /^<script src="([^"]+)"/.exec(tracker.html)?.[1];
    return src === undefined ? [] : [`tarteaucitron.addScript(${JSON.stringify(src)});`];
  });
  const pixels = trackers.some((tracker) => tracker.html.startsWith("<img "))
    ? [
        `document.querySelectorAll(${JSON.stringify(`img.${pixelClass(trackers[0]?.service ?? "")}`)}).forEach(function (img) { img.src = img.getAttribute("data-src"); });`,
      ]
    : [];
  return ["'use strict';", ...scripts, ...pixels].join(" ");
}

/** README "Create custom service": one per bench service the catalogue lacks, with its cookies. */
function customServices(context: InstallContext): string {
  const byService = new Map<string, Tracker[]>();
  for (const tracker of context.trackers)
    if (!(tracker.service in CATALOGUE))
      byService.set(tracker.service, [...(byService.get(tracker.service) ?? []), tracker]);
  return [...byService]
    .map(([service, trackers]) => {
      const first = trackers[0];
      if (!first) return "";
      const key = customKey(service);
      const fields = [
        `"key": ${JSON.stringify(key)}`,
        `"type": ${JSON.stringify(first.category === "analytics" ? "analytic" : "ads")}`,
        `"name": ${JSON.stringify(first.label)}`,
        `"uri": ${JSON.stringify(context.policyUrl)}`,
        `"needConsent": true`,
        `"cookies": ${JSON.stringify(context.cookies[service] ?? [])}`,
        `"readmoreLink": ${JSON.stringify(context.policyUrl)}`,
        `"js": function () { ${customJs(trackers)} }`,
      ];
      return `tarteaucitron.services.${key} = { ${fields.join(", ")} };`;
    })
    .join("\n");
}

/** The README's init, with the choices above. */
function initOptions(context: InstallContext): Record<string, string | boolean> {
  return {
    privacyUrl: context.policyUrl,
    bodyPosition: "bottom",
    hashtag: SETTINGS_HASH,
    cookieName: COOKIE_NAME,
    orientation: "middle",
    groupServices: false,
    showDetailsOnClick: true,
    serviceDefaultState: "wait",
    showAlertSmall: false,
    showTitleBanner: false,
    cookieslist: false,
    cookieslistEmbed: false,
    showIcon: true,
    iconPosition: "BottomRight",
    adblocker: false,
    DenyAllCta: true,
    AcceptAllCta: true,
    highPrivacy: true,
    alwaysNeedConsent: false,
    handleBrowserDNTRequest: false,
    removeCredit: false,
    moreInfoLink: true,
    useExternalCss: false,
    useExternalJs: false,
    readmoreLink: context.policyUrl,
    mandatory: true,
    mandatoryCta: true,
    googleConsentMode: true,
    bingConsentMode: true,
    pianoConsentMode: true,
    pianoConsentModeEssential: false,
    softConsentMode: true,
    dataLayer: false,
    serverSide: false,
    partnersList: false,
  };
}

/** The tool's cookie says every service on the page was decided (none left "wait"). */
const DECIDED = `(() => { const m = document.cookie.match(/(?:^|; )${COOKIE_NAME}=([^;]*)/); return m !== null && m[1].includes("=") && !m[1].includes("=wait"); })()`;

/** tarteaucitron has run (at the window's load, once its language and catalogue arrived): its root is in the page and the declared services were processed. */
const STARTED = `document.getElementById("tarteaucitronRoot") !== null && window.tarteaucitron.isAjax === true`;

/**
 * Waits until `selector` can be clicked. tarteaucitron binds its buttons' clicks 500 ms after it renders
 * them ("a little timeout to be sure everything is accessible"): a click before that does nothing. Once
 * `selector` shows, a page timer of 600 ms fires after that one (timers run in order of their due time).
 * A page without a declared service gets no banner at all: that fails at once, not after a timeout.
 */
async function waitUntilClickable(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(STARTED);
  if (!(await page.locator(selector).isVisible())) {
    const declared = await page.evaluate("window.tarteaucitron.job.length");
    if (declared === 0) throw new Error("tarteaucitron: no service declared on this page, so no banner");
    await page.locator(selector).waitFor({ state: "visible" });
  }
  await page.evaluate("new Promise((done) => setTimeout(done, 600))");
}

/** The first layer closed and the choice in the tool's cookie. */
async function waitUntilApplied(page: Page): Promise<void> {
  await page.locator("#tarteaucitronAlertBig").waitFor({ state: "hidden" });
  await page.waitForFunction(DECIDED);
}

export const peer: Peer = {
  id: "tarteaucitron",
  name: "tarteaucitron.js",
  packageName: PACKAGE,
  docs: "https://tarteaucitron.io/en/free-installation-open-source/",
  assets: [
    { file: SCRIPT, type: "script" },
    { file: `${PACKAGE}/lang/tarteaucitron.en.min.js`, type: "script" },
    { file: `${PACKAGE}/tarteaucitron.services.min.js`, type: "script" },
    { file: `${PACKAGE}/advertising.min.js`, type: "script" },
    { file: `${PACKAGE}/css/tarteaucitron.min.css`, type: "style" },
  ],
  head(context) {
    return [
      `<script>var tarteaucitronForceLanguage = "en";</script>`,
      `<script src="${context.assetUrl(SCRIPT)}"></script>`,
      `<script>`,
      `tarteaucitron.init(${JSON.stringify(initOptions(context), null, 2)});`,
      customServices(context),
      `</script>`,
    ].join("\n");
  },
  tag(tracker) {
    if (UNCOVERED.has(tracker.id)) return tracker.html;
    return tracker.service in CATALOGUE ? catalogueTag(tracker) : customTag(tracker);
  },
  async acceptAll(page) {
    await waitUntilClickable(page, "#tarteaucitronPersonalize2");
    await page.locator("#tarteaucitronPersonalize2").click();
    await waitUntilApplied(page);
    return 1;
  },
  async rejectAll(page) {
    await waitUntilClickable(page, "#tarteaucitronAllDenied2");
    await page.locator("#tarteaucitronAllDenied2").click();
    await waitUntilApplied(page);
    return 1;
  },
  /**
   * The floating cookie icon opens the panel; "Deny all cookies" there refuses every service; "Save"
   * closes the panel, which reloads the page when a refused service had run (tarteaucitron cannot
   * unload a script it added).
   */
  async withdraw(page) {
    await waitUntilClickable(page, "#tarteaucitronManager");
    await page.locator("#tarteaucitronManager").click();
    await page.locator("#tarteaucitronAllDenied").click();
    const reloads = (await page.evaluate("tarteaucitron.reloadThePage")) === true;
    const reloaded = reloads ? page.waitForEvent("load") : Promise.resolve();
    await page.locator("#tarteaucitronSaveButton").click();
    await reloaded;
    await page.waitForFunction(`${DECIDED} && !document.cookie.includes("=true")`);
    return 3;
  },
  ownState: new RegExp(`^${COOKIE_NAME}$`),
};
