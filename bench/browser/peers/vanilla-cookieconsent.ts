/**
 * CookieConsent v3 (orestbida, npm `vanilla-cookieconsent` 3.1.0) set up as its documentation says,
 * https://cookieconsent.orestbida.com/ (the repository's docs/ at tag v3.1.0):
 *
 * - Files (essential/getting-started.md, "HTML"): the stylesheet `dist/cookieconsent.css` in `<head>`;
 *   at the end of `<body>` a module script that imports `dist/cookieconsent.umd.js` and calls
 *   `CookieConsent.run(config)` (the docs' `cookieconsent-config.js`, inline here). A module runs once
 *   the document is parsed, so `run()` finds every `<script data-category>` of the page: it collects
 *   them once, at `run()` (src/utils/general.js, retrieveScriptElements). The tool loads nothing else
 *   at run time (the translation is inline, so no language file).
 * - Config (getting-started.md "Basic example"; reference/configuration-reference.md): categories
 *   `necessary` (enabled, readOnly, as the example has it), `analytics` and `marketing`; under each,
 *   one service per distinct `service` of the trackers (`categories.<c>.services`, keyed by the service
 *   id, its label shown), so the preferences modal has a toggle per service.
 * - Cookie deletion, the best case the reference allows: each category's `autoClear.cookies` lists
 *   every tracking cookie of its services (cleared when the category is refused at first consent, or
 *   withdrawn later), and each service's `cookies` lists its own (cleared when that service alone is
 *   switched off). Exact names, since the site knows them. `autoClearCookies` is on by default.
 *   `autoClear.reloadPage` is left at its default, false: the tool does not reload on a choice, so a
 *   tracker that already ran keeps running in the page until the next navigation. No script can
 *   delete an HttpOnly cookie (FPID): listing it does nothing (troubleshooting.md also warns that
 *   scripts such as GA4 may set deleted cookies again).
 * - Banner: the default `guiOptions` (consentModal `box`, `bottom right`, equalWeightButtons; preferences
 *   `box`), not set. The first layer gets "Reject all" by giving `acceptNecessaryBtn` a label (the basic
 *   example does); "Accept all" (`acceptAllBtn`), "Manage preferences" (`showPreferencesBtn`). English.
 *   `mode` is the default `opt-in`; `autoShow` the default (shown while consent is not valid).
 * - `hideFromBots: false`, the one change from a default: with the default (true) the tool does not run
 *   at all when `navigator.webdriver` is true (src/core/config-init.js), which it is in the bench's
 *   automated Chromium and is not in a visitor's browser.
 * - Tagging (advanced/manage-scripts.md): every `<script>` of a tracker, inline or with `src`, gets
 *   `type="text/plain"`, `data-category="<category>"` and `data-service="<service>"` (an existing
 *   `type="text/javascript"`, Clarity's, is replaced: the revived script is JavaScript without one);
 *   the rest of the snippet is byte-identical. The two first-party loaders are held back whole the same
 *   way, each a service of its own.
 * - Not covered by its docs, so left as the site has them: `<iframe>` (additional/faq.md: "You can
 *   block iframes using iframemanager", a separate plugin, not this package), `<img>` pixels,
 *   `<noscript>` pixels, and `<link rel="preconnect"/"dns-prefetch">`. The tool only manages
 *   `<script data-category>` elements.
 * - Withdrawal (getting-started.md "How to open the preferences modal"; advanced/custom-attribute.md):
 *   a `<button type="button" data-cc="show-preferencesModal">` the site adds, here at the end of
 *   `<body>`; the preferences modal's "Reject all" then saves at once.
 * - Its consent record: the `cc_cookie` cookie (configuration-reference.md `cookie`, defaults: 182
 *   days, path /, SameSite Lax, not localStorage).
 */
import type { CookieConsentConfig } from "vanilla-cookieconsent";
import type { Page } from "playwright-core";
import type { Category, InstallContext, Peer, Tracker } from "../peer";

const SCRIPT = "vanilla-cookieconsent/dist/cookieconsent.umd.js";
const STYLE = "vanilla-cookieconsent/dist/cookieconsent.css";

/** The root the tool renders both modals into, its consent modal and its preferences modal. */
const CONSENT_MODAL = "#cc-main .cm";
const PREFERENCES_MODAL = "#cc-main .pm";
/** The documented attribute that opens the preferences modal (advanced/custom-attribute.md). */
const SETTINGS_BUTTON = '[data-cc="show-preferencesModal"]';
const CONSENT_COOKIE = "cc_cookie";

const CATEGORIES: readonly Category[] = ["analytics", "marketing"];

const SECTION_TEXT: Readonly<Record<Category, { title: string; description: string }>> = {
  analytics: {
    title: "Performance and Analytics",
    description: "These cookies collect information about how you use our website.",
  },
  marketing: {
    title: "Targeting and Advertising",
    description: "These cookies are used to make advertising messages more relevant to you.",
  },
};

/** The trackers of one category, one per distinct service, in page order. */
function servicesOf(category: Category, trackers: readonly Tracker[]): Tracker[] {
  const seen = new Set<string>();
  return trackers.filter((tracker) => {
    if (tracker.category !== category || seen.has(tracker.service)) return false;
    seen.add(tracker.service);
    return true;
  });
}

/** The tracking cookies of a category's services, each name once. */
function cookiesOf(services: readonly Tracker[], cookies: InstallContext["cookies"]): string[] {
  return [...new Set(services.flatMap((tracker) => cookies[tracker.service] ?? []))];
}

/** The object passed to `CookieConsent.run`: categories with services and cookie deletion, an English banner. */
export function cookieConsentConfig(context: InstallContext): CookieConsentConfig {
  const categories: CookieConsentConfig["categories"] = { necessary: { enabled: true, readOnly: true } };
  for (const category of CATEGORIES) {
    const services = servicesOf(category, context.trackers);
    categories[category] = {
      autoClear: { cookies: cookiesOf(services, context.cookies).map((name) => ({ name })) },
      services: Object.fromEntries(
        services.map((tracker) => [
          tracker.service,
          {
            label: tracker.label,
            cookies: (context.cookies[tracker.service] ?? []).map((name) => ({ name })),
          },
        ]),
      ),
    };
  }
  const policy = `<a href="${context.policyUrl}">Cookie Policy</a>`;
  return {
    hideFromBots: false,
    categories,
    language: {
      default: "en",
      translations: {
        en: {
          consentModal: {
            title: "We use cookies",
            description: `We would like to use analytics and marketing cookies. See our ${policy}.`,
            acceptAllBtn: "Accept all",
            acceptNecessaryBtn: "Reject all",
            showPreferencesBtn: "Manage preferences",
          },
          preferencesModal: {
            title: "Manage cookie preferences",
            acceptAllBtn: "Accept all",
            acceptNecessaryBtn: "Reject all",
            savePreferencesBtn: "Accept current selection",
            closeIconLabel: "Close modal",
            serviceCounterLabel: "Service|Services",
            sections: [
              {
                title: "Strictly Necessary cookies",
                description: "These cookies are essential for the website and cannot be disabled.",
                linkedCategory: "necessary",
              },
              ...CATEGORIES.map((category) => ({ ...SECTION_TEXT[category], linkedCategory: category })),
              { title: "More information", description: `See our ${policy}.` },
            ],
          },
        },
      },
    },
  };
}

/** Each `<script` start tag of a snippet marked for the tool; everything else byte-identical. */
function tagScripts(tracker: Tracker): string {
  const marks = `type="text/plain" data-category="${tracker.category}" data-service="${tracker.service}"`;
  return tracker.html.replace(/<script\b([^>]*)>/g, (_tag, attributes: string) => {
    const typed = / type="text\/javascript"/.exec(attributes);
    return typed ? `<script${attributes.replace(typed[0], ` ${marks}`)}>` : `<script ${marks}${attributes}>`;
  });
}

/** JSON that is safe inside an inline `<script>`: no `<` to end it (`</script>`) or open a comment. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll("<", "\\u003c");
}

/** The tool's API, as its UMD build defines it on `window` (types/index.d.ts). */
type CookieConsentApi = typeof import("vanilla-cookieconsent");

/**
 * Waits until the tool has applied a choice: the modal closed, and its record (`cc_cookie`) says
 * whether analytics is granted as the choice did.
 */
async function applied(page: Page, modal: string, granted: boolean): Promise<void> {
  await page.waitForSelector(modal, { state: "hidden" });
  await page.waitForFunction((granted) => {
    const api = (globalThis as unknown as { CookieConsent?: CookieConsentApi }).CookieConsent;
    return api?.validConsent() === true && api.acceptedCategory("analytics") === granted;
  }, granted);
  const jar = await page.context().cookies();
  if (!jar.some((cookie) => cookie.name === CONSENT_COOKIE))
    throw new Error(`vanilla-cookieconsent: no ${CONSENT_COOKIE} cookie in the jar after the choice`);
}

/** The first layer's button with this `data-role` ("all", "necessary"), clicked once. */
async function firstLayer(page: Page, role: "all" | "necessary"): Promise<number> {
  await page.click(`${CONSENT_MODAL} button[data-role="${role}"]`);
  await applied(page, CONSENT_MODAL, role === "all");
  return 1;
}

export const peer: Peer = {
  id: "vanilla-cookieconsent",
  name: "CookieConsent (orestbida)",
  packageName: "vanilla-cookieconsent",
  docs: "https://cookieconsent.orestbida.com/essential/getting-started.html",
  assets: [
    { file: SCRIPT, type: "script" },
    { file: STYLE, type: "style" },
  ],
  head: (context) => `<link rel="stylesheet" href="${context.assetUrl(STYLE)}">`,
  bodyEnd: (context) =>
    `<button type="button" data-cc="show-preferencesModal">Cookie settings</button>
<script type="module">
import ${JSON.stringify(context.assetUrl(SCRIPT))};
CookieConsent.run(${scriptJson(cookieConsentConfig(context))});
</script>`,
  // Scripts only: the docs have nothing for iframes (iframemanager), pixels, <noscript> or hints.
  tag: (tracker) => (tracker.html.includes("<script") ? tagScripts(tracker) : tracker.html),
  acceptAll: (page) => firstLayer(page, "all"),
  rejectAll: (page) => firstLayer(page, "necessary"),
  async withdraw(page) {
    await page.click(SETTINGS_BUTTON);
    const reject = `${PREFERENCES_MODAL} button[data-role="necessary"]`;
    await page.waitForSelector(reject, { state: "visible" });
    await page.click(reject);
    await applied(page, PREFERENCES_MODAL, false);
    return 2;
  },
  ownState: /^cc_cookie$/,
};
