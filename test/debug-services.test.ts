/**
 * Issue 12 item 3: the debug headers, the origin and `consent-edge explain` understand services.
 * `X-Consent-Services` lists the services granted on their own (to the origin always, to the
 * operator behind the debug secret); a cookie or an element a service's rule decides names it
 * (`marketing/youtube: YSC`). The page is rewritten by the real HTML stage and read by parse5.
 */
import { describe, expect, it } from "vitest";
import { parseExplain, renderExplain } from "../src/cli/explain";
import { PLAIN } from "../src/cli/render";
import { serializeConsentCookie } from "../src/consent/consent-cookie";
import { attributeOf, elementsNamed } from "./dom";
import { appFor, FIXED_NOW, REVISION, send, testSite } from "./helpers";
import { parse } from "parse5";
import { page } from "./html-helpers";

const WWW = "https://www.example.com/";
const app = appFor(
  testSite({
    cookies: [
      ...(testSite().cookies ?? []),
      { name: "YSC", category: "marketing", service: "youtube", provider: "YouTube" },
    ],
  }),
);

const cookieGranting = (granted: string[], services?: string[]) =>
  `ce_consent=${serializeConsentCookie({
    revision: REVISION,
    givenAt: FIXED_NOW - 3_600,
    granted,
    ...(services ? { services } : {}),
  })}`;

const VIDEO = '<iframe src="https://www.youtube.com/embed/x"></iframe>';
const PIXEL = '<script src="https://connect.facebook.net/en_US/fbevents.js"></script>';

function servePage(cookie: string, extra: Record<string, string> = {}) {
  const body = page(`${VIDEO}${PIXEL}`);
  return {
    headers: {
      Cookie: cookie,
      "X-Fixture-Body": btoa(body),
      "X-Fixture-Header": JSON.stringify({ "Content-Type": "text/html; charset=utf-8" }),
      "X-Fixture-Set-Cookie": JSON.stringify(["YSC=abc; Path=/; Secure", "_fbp=fb.1; Path=/; Secure"]),
      ...extra,
    },
    debug: true,
  };
}

/** What the origin was sent, from the fixture origin's JSON echo. */
async function originHeaders(cookie: string, extra: Record<string, string> = {}) {
  const res = await send(app, `${WWW}echo`, { headers: { Cookie: cookie, ...extra } });
  return (await res.json<{ headers: Record<string, string> }>()).headers;
}

describe("the origin is told the services", () => {
  it("beside the granted categories: X-Consent-Services", async () => {
    const headers = await originHeaders(cookieGranting(["analytics"], ["youtube"]));
    expect(headers["x-consent-granted"]).toBe("necessary,analytics");
    expect(headers["x-consent-services"]).toBe("youtube");
  });

  it("empty when none, and a visitor's own copy never reaches it", async () => {
    const headers = await originHeaders(cookieGranting(["marketing"]), {
      "X-Consent-Services": "youtube,hotjar",
    });
    expect(headers["x-consent-services"]).toBe("");
  });

  it("not a service of a category GPC refuses", async () => {
    const headers = await originHeaders(cookieGranting([], ["youtube"]), { "Sec-GPC": "1" });
    expect(headers["x-consent-services"]).toBe("");
  });
});

describe("the debug headers", () => {
  it("with YouTube alone: the video loads, the pixel does not, and each reason names its need", async () => {
    const res = await send(app, WWW, servePage(cookieGranting([], ["youtube"])));
    const document = parse(await res.text());
    const [iframe] = elementsNamed(document, "iframe");
    expect(iframe && attributeOf(iframe, "src")).toBe("https://www.youtube.com/embed/x");
    expect(res.headers.get("X-Consent-Services")).toBe("youtube");
    expect(res.headers.get("X-Consent-Granted")).toBe("necessary");
    expect(res.headers.get("X-Consent-Cookies-Dropped")).toBe("_fbp (marketing: _fbp)");
    expect(res.headers.get("X-Consent-Elements-Neutralised")).toBe(
      "1: script host:connect.facebook.net (marketing)",
    );
  });

  it("without it: the video's element and the cookie name the service", async () => {
    const res = await send(app, WWW, servePage(cookieGranting([])));
    const document = parse(await res.text());
    const [iframe] = elementsNamed(document, "iframe");
    expect(iframe && attributeOf(iframe, "src")).toBeUndefined();
    expect(res.headers.get("X-Consent-Services")).toBe("none");
    expect(res.headers.get("X-Consent-Cookies-Dropped")).toBe(
      "YSC (marketing/youtube: YSC), _fbp (marketing: _fbp)",
    );
    expect(res.headers.get("X-Consent-Elements-Neutralised")).toBe(
      "2: iframe host:youtube.com (marketing/youtube), script host:connect.facebook.net (marketing)",
    );
  });
});

describe("consent-edge explain", () => {
  it("reads the services and each service's need back from a real answer", async () => {
    const granted = await send(app, WWW, servePage(cookieGranting([], ["youtube"])));
    const withService = parseExplain(granted.status, granted.headers);
    expect(withService?.services).toEqual(["youtube"]);
    const lines = renderExplain(WWW, withService ?? expect.fail("no report"), PLAIN);
    expect(lines).toContain("  services    youtube");

    const refused = await send(app, WWW, servePage(cookieGranting([])));
    const without = parseExplain(refused.status, refused.headers);
    expect(without?.services).toEqual([]);
    expect(without?.elements?.items).toEqual([
      { element: "iframe", rule: "host:youtube.com", category: "marketing/youtube" },
      { element: "script", rule: "host:connect.facebook.net", category: "marketing" },
    ]);
    expect(without?.cookies.dropped.items).toEqual([
      { name: "YSC", detail: "marketing/youtube: YSC" },
      { name: "_fbp", detail: "marketing: _fbp" },
    ]);
    // No service granted on its own: no services row (the README's walk-through shows none).
    const plain = renderExplain(WWW, without ?? expect.fail("no report"), PLAIN);
    expect(plain.some((line) => line.startsWith("  services"))).toBe(false);
    expect(plain).toContain("  granted     necessary");
  });

  it("an answer from a worker older than services reads as none", () => {
    const old = parseExplain(
      200,
      new Headers({ "X-Consent-Site": "test", "X-Consent-Granted": "necessary" }),
    );
    expect(old?.services).toEqual([]);
  });
});
