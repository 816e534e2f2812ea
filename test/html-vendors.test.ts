/**
 * Fixture pairs: each vendor's documented snippet (test/fixtures/html/<vendor>.html) and what the
 * visitor receives in each consent state (<vendor>.<state>.html), replayed in several chunk sizes.
 */
import { describe, expect, it } from "vitest";
import { liveUrls, page, rewrite, RUNTIME_MARK } from "./html-helpers";
import clarity from "./fixtures/html/clarity.html?raw";
import firstParty from "./fixtures/html/first-party.html?raw";
import ga4 from "./fixtures/html/ga4.html?raw";
import googleAds from "./fixtures/html/google-ads.html?raw";
import gtm from "./fixtures/html/gtm.html?raw";
import hotjar from "./fixtures/html/hotjar.html?raw";
import linkedin from "./fixtures/html/linkedin.html?raw";
import matomo from "./fixtures/html/matomo.html?raw";
import metaPixel from "./fixtures/html/meta-pixel.html?raw";
import posthog from "./fixtures/html/posthog.html?raw";
import tiktok from "./fixtures/html/tiktok.html?raw";
import vimeo from "./fixtures/html/vimeo.html?raw";
import youtube from "./fixtures/html/youtube.html?raw";

const VENDORS: Record<string, string> = {
  ga4,
  gtm,
  "google-ads": googleAds,
  "meta-pixel": metaPixel,
  clarity,
  hotjar,
  posthog,
  matomo,
  linkedin,
  tiktok,
  youtube,
  vimeo,
  "first-party": firstParty,
};

const STATES: Record<string, string[]> = {
  none: [],
  analytics: ["analytics"],
  all: ["functional", "analytics", "marketing"],
};
const CHUNK_SIZES = [1, 7, 64, 1_024];

// Hosts a refused tracker must not be loadable from, as parse5 reads the page (html-helpers liveUrls).
const VENDOR_HOSTS =
  /(^|\.)(googletagmanager\.com|google-analytics\.com|facebook\.(com|net)|clarity\.ms|hotjar\.(com|io)|posthog\.com|matomo\.cloud|licdn\.com|linkedin\.com|tiktok\.com|youtube\.com|vimeo\.com|googlesyndication\.com|maps\.example\.com)$/;
const vendorHost = (url: URL) => VENDOR_HOSTS.test(url.hostname);

describe.each(Object.entries(VENDORS))("%s", (vendor, fragment) => {
  const html = page(fragment);

  it.each(Object.entries(STATES))(
    "%s: matches the fixture, whatever the chunking",
    async (state, granted) => {
      const whole = await rewrite(html, granted);
      if (state === "all") {
        // Everything granted passes untouched, byte for byte: only the runtime is added.
        expect(whole.text).toBe(
          html.replace('<meta charset="utf-8">', `<meta charset="utf-8">${RUNTIME_MARK}`),
        );
      } else {
        await expect(whole.text).toMatchFileSnapshot(`./fixtures/html/${vendor}.${state}.html`);
      }
      for (const chunk of CHUNK_SIZES) {
        const split = await rewrite(html, granted, { chunk });
        expect(split.text, `chunk size ${chunk}`).toBe(whole.text);
      }
    },
  );

  it("with nothing granted, no tracker can load (JavaScript on or off)", async () => {
    const { text } = await rewrite(html, []);
    for (const scripting of [true, false])
      expect(liveUrls(text, vendorHost, { scripting }), `scripting ${String(scripting)}`).toEqual([]);
  });
});
