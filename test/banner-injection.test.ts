/** The banner in served pages: open for undecided visitors where needed, behind its link otherwise. */
import { describe, expect, it } from "vitest";
import { appFor, consent, send, testSite } from "./helpers";
import { page } from "./html-helpers";

const app = appFor(
  testSite({ banner: { enabled: true }, regions: { default: "opt-in", "opt-out": ["US-CA"] } }),
);
const WWW = "https://www.example.com/shop?item=1";
const html = page('<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>');
const serve = (headers: Record<string, string> = {}) => ({
  headers: {
    "X-Fixture-Body": btoa(html),
    "X-Fixture-Header": JSON.stringify({ "Content-Type": "text/html" }),
    ...headers,
  },
});

describe("banner injection", () => {
  it("an undecided visitor sees the first layer at the start of <body>", async () => {
    const text = await (await send(app, WWW, serve())).text();
    expect(text).toContain("<body><style>");
    expect(text).toMatch(
      /<div id="ce-banner" class="ce-banner" role="region" aria-labelledby="ce-banner-title" lang="en">/,
    );
    expect(text).toContain('<input type="hidden" name="return" value="/shop?item=1">');
  });

  it("a decided visitor gets it closed, behind the settings link", async () => {
    const text = await (await send(app, WWW, serve({ Cookie: consent(["analytics"]) }))).text();
    expect(text).toMatch(/<div id="ce-banner" [^>]*lang="en" hidden>/);
    expect(text).toContain('href="/.consent-edge/settings?return=%2Fshop%3Fitem%3D1"');
  });

  it("opt-out regions get no first layer", async () => {
    // Cloudflare's geolocation arrives in request.cf.
    const init = { ...serve(), cf: { country: "US", regionCode: "CA" } } as RequestInit;
    const text = await (await send(app, WWW, init)).text();
    expect(text).toMatch(/<div id="ce-banner" [^>]*hidden>/);
  });

  it("sites without the banner get none", async () => {
    const text = await (await send(appFor(testSite()), WWW, serve())).text();
    expect(text).not.toContain('id="ce-banner"');
  });

  it("the settings page works without JavaScript: the banner shown, the current choice ticked", async () => {
    const res = await send(app, "https://www.example.com/.consent-edge/settings?return=/shop", {
      headers: { Cookie: consent(["analytics"]) },
    });
    const text = await res.text();
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    expect(text).toMatch(/<div id="ce-banner" [^>]*lang="en">/);
    expect(text).toMatch(
      /name="category" value="analytics" id="ce-banner-c2" aria-describedby="ce-banner-d2" checked>/,
    );
    expect(text).toMatch(
      /name="category" value="marketing" id="ce-banner-c3" aria-describedby="ce-banner-d3">/,
    );
  });
});
