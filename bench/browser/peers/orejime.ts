/**
 * Orejime 3.2.1 (boscop-fr/orejime, a fork of Klaro) installed as its README says
 * (node_modules/orejime/README.md; github.com/boscop-fr/orejime, README.md and site/features/):
 *
 * - Installation (README "Installation", "npm"): one bundle per theme and language, here
 *   `dist/orejime-standard-en.js` (standard theme, English texts), and the standard theme's
 *   stylesheet `dist/orejime-standard.css`. The bundle loads nothing else at run time (no language
 *   pack, no service list): these two files are all the visitor downloads.
 * - Configuration (README "Configuration"): `window.orejimeConfig` in a script before the bundle,
 *   which starts Orejime at DOMContentLoaded (src/umd.ts). The two required options,
 *   `privacyPolicyUrl` (the site's cookie policy) and `purposes`. Purposes are per service, as
 *   Orejime asks consent per purpose, grouped (README: "Purposes can also be grouped") under the
 *   policy's two categories, Analytics and Marketing, so the first layer names the two categories and
 *   the second lists each service under its category. No "necessary" purpose: Orejime does not need
 *   one (its consent cookie is its own), and `isMandatory` is for purposes the site cannot work
 *   without, which none of these is. Every purpose has `isMandatory: false`, `default: false` (off
 *   until consented; the documented defaults, spelled out) and `cookies`: the names the service sets
 *   (context.cookies), which Orejime deletes when consent is refused or withdrawn, and also at each
 *   page load for every purpose not consented to (src/core/setup.ts). That is the best case its docs
 *   allow; it deletes only what `document.cookie` shows, so the HttpOnly FPID stays, and it deletes
 *   nothing in localStorage. Orejime's consent record is the cookie `eu-consent` (120 days,
 *   SameSite=Strict: src/core/CookieConsentsRepository.ts and the dist bundle; the README's annotated
 *   example says the default name is `orejime`, which the code does not use).
 * - First layer: "Accept", "Decline" and "Configure" are the standard theme's banner buttons by
 *   default (src/ui/themes/standard/Banner.tsx), so refusing is one click with no option set.
 *   Nothing reloads on a choice (and nothing can be set to): Orejime activates or removes the tagged
 *   elements in place (src/core/utils/updatePurposeElements.ts).
 * - Tagging (README "Third-party scripts configuration"): version 3 no longer rewrites script tags
 *   (the `type="opt-in" data-type=... data-name=...` marking of versions 1-2 and Klaro is gone,
 *   README "Migrating"): each piece of HTML that needs consent is wrapped, untouched, in
 *   `<template data-purpose="<purpose id>">`, and "any piece of HTML can be controlled by Orejime in
 *   the same way". So every element type the pages carry is covered by the docs: inline and src
 *   scripts, the preconnect and dns-prefetch links, the `<noscript>` pixels, the `<img>` pixels and
 *   the YouTube iframe. On consent Orejime clones the template's element children in after it (the
 *   HTML comments of the vendors' snippets are left out); on refusal it removes them again. For the
 *   iframe the README's "Contextual consent" section adds `data-contextual` (a notice in place of
 *   the video, with an "Allow" button), which is used here. The two first-party loader scripts are
 *   wrapped whole the same way.
 * - Reopening the settings (README "API": `orejime.prompt()` opens the consent modal): Orejime
 *   shows no floating button; the project's demo pages (site/features/dsfr.html) add a footer
 *   `<button data-orejime-open>` bound to `window.orejime.prompt()`, which `bodyEnd` adds here
 *   ("Cookie settings"), binding the site's own footer link (`href="#cookie-settings"`, which
 *   nothing else serves) the same way. Withdrawing is then: that button, "Decline all apps", "Save".
 * - Cookie deletion, measured: Orejime removes a cookie by writing it expired with a Domain
 *   attribute (the host name and its parents, src/core/utils/cookies.ts). On `localhost` Chromium
 *   takes `Domain=localhost` as the host-only cookie, so deletion works here; on a dotted host name
 *   (www.example.com) it never reaches a host-only cookie (one set without Domain, as the demo's
 *   Set-Cookie lines and the fake vendor scripts do), and the docs offer no way to ask for one.
 */
import type { Page } from "playwright-core";
import type { Category, InstallContext, Peer, Tracker } from "../peer";

const SCRIPT = "orejime/dist/orejime-standard-en.js";
const STYLE = "orejime/dist/orejime-standard.css";

/** Orejime's consent cookie (CookieConsentsRepository's default name). */
const CONSENT_COOKIE = "eu-consent";

/** Its standard theme's own test ids (data-testid) on the banner's and the modal's buttons. */
const BANNER = '[data-testid="orejime-banner"]';
const ACCEPT = '[data-testid="orejime-banner-accept"]';
const DECLINE = '[data-testid="orejime-banner-decline"]';
const MODAL = '[data-testid="orejime-modal"]';
const DECLINE_ALL_IN_MODAL = '[data-testid="orejime-modal-disable-all"]';
const SAVE_MODAL = '[data-testid="orejime-modal-save"]';

/** The "Cookie settings" button `bodyEnd` adds (the attribute Orejime's demo pages use). */
const SETTINGS_BUTTON = "button[data-orejime-open]";

/** How the first and second layers name and explain the policy's two categories. */
const CATEGORY_TEXT: Record<Category, { title: string; description: string }> = {
  analytics: {
    title: "Analytics",
    description: "Measure how visitors use the site, so we can improve it.",
  },
  marketing: {
    title: "Marketing",
    description: "Show and measure ads, and embed videos from other sites.",
  },
};

interface OrejimePurpose {
  id: string;
  title: string;
  cookies: string[];
  isMandatory: boolean;
  default: boolean;
}

interface OrejimeGroup {
  id: Category;
  title: string;
  description: string;
  purposes: OrejimePurpose[];
}

/** One purpose per distinct service, in page order, under its tracker's category. */
function purposeGroups(context: InstallContext): OrejimeGroup[] {
  const groups: OrejimeGroup[] = (["analytics", "marketing"] as const).map((id) => ({
    id,
    ...CATEGORY_TEXT[id],
    purposes: [],
  }));
  const seen = new Set<string>();
  for (const tracker of context.trackers) {
    if (seen.has(tracker.service)) continue;
    seen.add(tracker.service);
    groups
      .find((group) => group.id === tracker.category)
      ?.purposes.push({
        id: tracker.service,
        title: tracker.label,
        cookies: [...(context.cookies[tracker.service] ?? [])],
        isMandatory: false,
        default: false,
      });
  }
  return groups.filter((group) => group.purposes.length > 0);
}

/** JSON that is safe inside an inline `<script>` (no `</script>` can close it early). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll("<", "\\u003c");
}

/**
 * Waits until Orejime has applied a choice: its banner and modal gone, and its consent cookie
 * (JSON of purpose id -> boolean, URI-encoded by js-cookie) holding `granted` for every purpose.
 */
async function applied(page: Page, granted: boolean, what: string): Promise<void> {
  await page.waitForSelector(BANNER, { state: "detached" });
  await page.waitForSelector(MODAL, { state: "detached" });
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const record = (await page.context().cookies()).find((cookie) => cookie.name === CONSENT_COOKIE);
    if (record) {
      const consents = Object.values(JSON.parse(decodeURIComponent(record.value)) as Record<string, boolean>);
      if (consents.length > 0 && consents.every((consent) => consent === granted)) return;
    }
    await page.waitForTimeout(50);
  }
  throw new Error(
    `orejime: ${CONSENT_COOKIE} does not say ${String(granted)} for every purpose after ${what}`,
  );
}

export const peer: Peer = {
  id: "orejime",
  name: "Orejime",
  packageName: "orejime",
  docs: "https://github.com/boscop-fr/orejime#readme",
  assets: [
    { file: SCRIPT, type: "script" },
    { file: STYLE, type: "style" },
  ],
  head(context) {
    const config = { privacyPolicyUrl: context.policyUrl, purposes: purposeGroups(context) };
    return [
      `<script>window.orejimeConfig = ${scriptJson(config)};</script>`,
      `<script src="${context.assetUrl(SCRIPT)}"></script>`,
      `<link href="${context.assetUrl(STYLE)}" rel="stylesheet">`,
    ].join("\n");
  },
  bodyEnd: () =>
    [
      `<p><button type="button" data-orejime-open>Cookie settings</button></p>`,
      "<script>",
      `document.querySelectorAll('[data-orejime-open], a[href="#cookie-settings"]').forEach(function (trigger) {`,
      `  trigger.addEventListener("click", function (event) { event.preventDefault(); window.orejime.prompt(); });`,
      "});",
      "</script>",
    ].join("\n"),
  tag(tracker: Tracker) {
    // The README's contextual consent is for embedded content: the iframe gets its in-place notice.
    const contextual = /^\s*<iframe\b/.test(tracker.html) ? " data-contextual" : "";
    return `<template data-purpose="${tracker.service}"${contextual}>${tracker.html}</template>`;
  },
  async acceptAll(page) {
    await page.click(ACCEPT);
    await applied(page, true, "Accept");
    return 1;
  },
  async rejectAll(page) {
    await page.click(DECLINE);
    await applied(page, false, "Decline");
    return 1;
  },
  async withdraw(page) {
    await page.click(SETTINGS_BUTTON);
    await page.click(DECLINE_ALL_IN_MODAL);
    await page.click(SAVE_MODAL);
    await applied(page, false, "Decline all apps, Save");
    return 3;
  },
  ownState: /^eu-consent$/,
};
