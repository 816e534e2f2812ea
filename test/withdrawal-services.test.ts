/**
 * Issue 12 item 3: withdrawal deletes a service's cookies like a category's. A cookie rule of
 * `service: "youtube"` is kept with YouTube granted alone (marketing refused), and once a whole
 * choice leaves YouTube out, every variant the browser holds is deleted and the origin no longer
 * sees it. tough-cookie's jar plays the browser: it holds the cookies, sends them, and applies
 * every line the worker answers with.
 */
import { describe, expect, it } from "vitest";
import { serializeConsentCookie } from "../src/consent/consent-cookie";
import { applyLines, liveCookies, newJar } from "./cookie-jar";
import { appFor, FIXED_NOW, FIXED_NOW_MS, originReceivedCookie, REVISION, send, testSite } from "./helpers";

const PAGE = "https://www.example.com/watch/abc";
const API = "https://www.example.com/.consent-edge/consent";
const app = appFor(
  testSite({
    cookies: [
      ...(testSite().cookies ?? []),
      { name: "YSC", category: "marketing", service: "youtube", provider: "YouTube", path: "/watch" },
      { name: "VISITOR_*", category: "marketing", service: "youtube", provider: "YouTube" },
    ],
  }),
);

/** A browser that holds YouTube's cookies in every variant a site can set, and Meta's _fbp. */
function browserHolding(consentValue: string) {
  const jar = newJar();
  applyLines(
    jar,
    [
      "YSC=host-root; Path=/; Secure",
      "YSC=domain-root; Domain=example.com; Path=/; Secure",
      "YSC=www-watch; Domain=www.example.com; Path=/watch; Secure",
      "YSC=domain-watch; Domain=example.com; Path=/watch; Secure",
      "VISITOR_INFO1_LIVE=v; Domain=example.com; Path=/; Secure",
      "_fbp=fb.1.2.3; Domain=example.com; Path=/; Secure",
      `ce_consent=${consentValue}; Path=/; Secure`,
    ],
    PAGE,
    FIXED_NOW_MS - 60_000,
  );
  return jar;
}

const names = (jar: ReturnType<typeof newJar>) =>
  liveCookies(jar, FIXED_NOW_MS)
    .map((cookie) => `${cookie.key}=${cookie.value}`)
    .sort();

/** One page view: the jar sends its cookies and applies the answer's Set-Cookie lines. */
async function visit(jar: ReturnType<typeof newJar>) {
  const res = await send(app, PAGE, { headers: { Cookie: jar.getCookieStringSync(PAGE) }, debug: true });
  applyLines(jar, res.headers.getSetCookie(), PAGE, FIXED_NOW_MS);
  return res;
}

const youtubeAlone = serializeConsentCookie({
  revision: REVISION,
  givenAt: FIXED_NOW - 3_600,
  granted: [],
  services: ["youtube"],
});

describe("a service's cookies", () => {
  it("are kept and reach the origin with the service granted alone; the category's others are not", async () => {
    const jar = browserHolding(youtubeAlone);
    const res = await visit(jar);
    const received = originReceivedCookie(res);
    expect(received).toContain("YSC=");
    expect(received).toContain("VISITOR_INFO1_LIVE=v");
    expect(received).not.toContain("_fbp");
    expect(names(jar)).toEqual([
      "VISITOR_INFO1_LIVE=v",
      "YSC=domain-root",
      "YSC=domain-watch",
      "YSC=host-root",
      "YSC=www-watch",
      `ce_consent=${youtubeAlone}`,
    ]);
    expect(res.headers.get("X-Consent-Cookies-Expired")).toBe("_fbp (marketing: _fbp)");
  });

  it("a Set-Cookie of the service from the origin is kept with it granted alone, _fbp's dropped", async () => {
    const res = await send(app, PAGE, {
      headers: { Cookie: `ce_consent=${youtubeAlone}` },
      originSets: ["YSC=new; Path=/; Secure", "_fbp=fb.2; Path=/; Secure"],
      debug: true,
    });
    expect(res.headers.getSetCookie().filter((line) => line.startsWith("YSC=new"))).toHaveLength(1);
    expect(res.headers.get("X-Consent-Cookies-Dropped")).toBe("_fbp (marketing: _fbp)");
  });

  it("are deleted in every variant once a whole choice leaves the service out, and withheld from the origin", async () => {
    const jar = browserHolding(youtubeAlone);
    // The visitor saves a choice without YouTube (analytics only) through the consent API.
    const saved = await send(app, API, {
      method: "POST",
      body: JSON.stringify({ granted: ["analytics"] }),
      headers: {
        "Content-Type": "application/json",
        Origin: "https://www.example.com",
        Cookie: jar.getCookieStringSync(API),
      },
    });
    expect(saved.status).toBe(200);
    applyLines(jar, saved.headers.getSetCookie(), API, FIXED_NOW_MS);

    const res = await visit(jar);
    const received = originReceivedCookie(res);
    expect(received).not.toContain("YSC");
    expect(received).not.toContain("VISITOR_INFO1_LIVE");
    // What the browser holds after the answer: the consent cookie alone.
    expect(names(jar).map((cookie) => cookie.slice(0, cookie.indexOf("=")))).toEqual(["ce_consent"]);
    expect(res.headers.get("X-Consent-Cookies-Withheld")).toBe(
      "YSC (marketing/youtube: YSC), YSC (marketing/youtube: YSC), YSC (marketing/youtube: YSC), " +
        "YSC (marketing/youtube: YSC), VISITOR_INFO1_LIVE (marketing/youtube: VISITOR_*), _fbp (marketing: _fbp)",
    );
    expect(res.headers.get("X-Consent-Cookies-Expired")).toBe(
      "YSC (marketing/youtube: YSC), VISITOR_INFO1_LIVE (marketing/youtube: VISITOR_*), _fbp (marketing: _fbp)",
    );
  });

  it("are kept when the category is granted, whatever the services", async () => {
    const jar = browserHolding(
      serializeConsentCookie({ revision: REVISION, givenAt: FIXED_NOW - 3_600, granted: ["marketing"] }),
    );
    const res = await visit(jar);
    expect(originReceivedCookie(res)).toContain("_fbp");
    expect(names(jar)).toHaveLength(7);
  });

  it("are deleted when a signal refuses the category, even with the service granted alone (GPC)", async () => {
    const jar = browserHolding(youtubeAlone);
    const res = await send(app, PAGE, {
      headers: { Cookie: jar.getCookieStringSync(PAGE), "Sec-GPC": "1" },
    });
    applyLines(jar, res.headers.getSetCookie(), PAGE, FIXED_NOW_MS);
    expect(originReceivedCookie(res)).not.toContain("YSC");
    expect(names(jar)).toEqual([`ce_consent=${youtubeAlone}`]);
  });
});
