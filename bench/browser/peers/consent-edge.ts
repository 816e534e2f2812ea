/**
 * consent-edge as the head-to-head runs it: nothing installed in the page and nothing tagged. The
 * worker in front of the untagged pages (servers.ts) neutralises the trackers and injects its banner
 * and runtime; this file is only the visitor's side, the banner's buttons (src/banner/render-banner.ts):
 * "Accept all" and "Reject all" on the first layer; to withdraw, the "Cookie settings" link the banner
 * leaves at the end of every page, then "Reject all". Its banner is a form posting to the consent
 * endpoint, so it also works with JavaScript off.
 */
import type { Page } from "playwright-core";
import type { Peer } from "../peer";

const BANNER = "#ce-banner";

async function choose(page: Page, choice: "accept-all" | "reject-all"): Promise<void> {
  await page.click(`${BANNER} button[name="choice"][value="${choice}"]`);
  // With JavaScript the runtime applies the choice in place and hides the banner; without it the
  // form posts and the endpoint redirects back to the page, banner gone.
  await page.waitForSelector(BANNER, { state: "hidden" });
  // The consent cookie is HttpOnly-agnostic here: read from the jar, not document.cookie.
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if ((await page.context().cookies()).some((cookie) => cookie.name === "ce_consent")) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`consent-edge: no ce_consent cookie after ${choice}`);
}

export const peer: Peer = {
  id: "consent-edge",
  name: "consent-edge",
  packageName: "consent-edge",
  docs: "README.md",
  assets: [],
  head: () => "",
  tag: (tracker) => tracker.html,
  async acceptAll(page) {
    await choose(page, "accept-all");
    return 1;
  },
  async rejectAll(page) {
    await choose(page, "reject-all");
    return 1;
  },
  async withdraw(page) {
    await page.click("#ce-banner-settings");
    await page.waitForSelector(BANNER, { state: "visible" });
    await choose(page, "reject-all");
    return 2;
  },
  ownState: /^ce_/,
};
