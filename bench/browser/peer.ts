/**
 * What the browser head-to-head (`npm run bench:browser`, issue 13) needs from each consent tool it
 * compares: how the site installs it (assets, what goes in `<head>`, how each tracker is tagged, as
 * the tool's own documentation says), and how a visitor uses it (the clicks to accept, refuse and
 * withdraw). consent-edge is one of them (peers/consent-edge.ts): it installs nothing in the page;
 * the worker in front of the untagged page does the work.
 */
import type { Page } from "playwright-core";

/** The categories the demo's cookie policy asks consent for (necessary and functional never). */
export type Category = "analytics" | "marketing";

/** One tracker as the bench's pages carry it: the exact HTML the site has, and what it is. */
export interface Tracker {
  /** Stable id: "ga4", "google-ads", "matomo", ... (see trackers.ts). */
  readonly id: string;
  readonly category: Category;
  /**
   * The service it belongs to, for tools that ask consent per service (Orejime, tarteaucitron):
   * "google-analytics", "google-ads", "matomo", "posthog", "clarity", "meta", "youtube", "bench-pixels".
   * Trackers of one service share it (GA4's snippet and GA4's preconnect).
   */
  readonly service: string;
  /** What the service is called on a banner ("Google Analytics"). */
  readonly label: string;
  /** The HTML exactly as the page has it: the tagged copy replaces this text. */
  readonly html: string;
}

/** One file of the tool, from node_modules, served to the page at `assetUrl(file)`. */
export interface PeerAsset {
  /** Path inside node_modules ("vanilla-cookieconsent/dist/cookieconsent.umd.js"). */
  readonly file: string;
  readonly type: "script" | "style";
}

export interface Peer {
  /** "vanilla-cookieconsent", "orejime", "tarteaucitron", "consent-edge". */
  readonly id: string;
  /** How the README names it. */
  readonly name: string;
  /** The npm package the version is read from ("vanilla-cookieconsent"). */
  readonly packageName: string;
  /** The documentation page the set-up follows. */
  readonly docs: string;
  /** What the visitor downloads for the tool (its JavaScript and CSS), counted gzipped. */
  readonly assets: readonly PeerAsset[];
  /**
   * What the tool's documentation puts in the page, first in `<head>` (before any tracker): its
   * stylesheet, its config, its script. `assetUrl` gives a node_modules file's URL on the bench's
   * server. The config may list `trackers`' services and categories (one entry per service), and the
   * tracking cookies each service sets (`cookies` by service id) where the tool can delete them.
   */
  head(context: InstallContext): string;
  /** What the documentation puts at the end of `<body>`, if anything. */
  bodyEnd?(context: InstallContext): string;
  /**
   * The tracker re-marked as the tool's documentation asks (`type="text/plain"` with its category,
   * `data-src` for an iframe, the tool's own service declaration...): the tagged page's copy.
   * Return `tracker.html` unchanged where the documentation has nothing for it (and say so in a comment).
   */
  tag(tracker: Tracker, context: InstallContext): string;
  /**
   * The visitor's choices, each in a page that has just loaded (the tool's banner showing for an
   * undecided visitor). Each resolves to the number of clicks it took, after the tool has applied it
   * (waits for the banner to close). `withdraw` runs on a page loaded after "Accept all": it reopens
   * the tool's settings the way its documentation offers (a link or floating button the page has)
   * and refuses everything, saving.
   */
  acceptAll(page: Page): Promise<number>;
  rejectAll(page: Page): Promise<number>;
  withdraw(page: Page): Promise<number>;
  /** Names of the cookies and storage keys the tool keeps itself (its consent record): not tracking. */
  readonly ownState: RegExp;
}

export interface InstallContext {
  /** A node_modules file's URL on the bench's server ("/_peer/vanilla-cookieconsent/dist/cookieconsent.css"). */
  assetUrl(file: string): string;
  /** Every tracker the bench's pages carry, in page order (ids unique). */
  readonly trackers: readonly Tracker[];
  /** The tracking cookies each service sets, by service id (for the tools' cookie deletion options). */
  readonly cookies: Readonly<Record<string, readonly string[]>>;
  /** The site's cookie policy page, for the tools' "more information" links. */
  readonly policyUrl: string;
}
