/**
 * Link response headers that would load a refused tracker: removed in enforce mode, through the
 * stand-alone worker and the middleware alike; everything else stays as written.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { compileConfig } from "../src/config/compile";
import { consentEdge } from "../src/middleware/consent-edge";
import { enforceLinkHeader, splitLinks } from "../src/response/link-header";
import { consent, FIXED_NOW_MS, testSite } from "./helpers";

const GTM = "<https://www.googletagmanager.com/gtag/js?id=G-1>; rel=preload; as=script";
const FB = '<https://connect.facebook.net/en_US/fbevents.js>; rel="preload"; as="script"';
const OWN = "</app.css>; rel=preload; as=style";
const CANONICAL = "<https://www.googletagmanager.com/x>; rel=canonical";

function site() {
  const compiled = compileConfig({ sites: [testSite()] });
  if (!compiled.ok) throw new Error("config");
  const [first] = compiled.config.sites;
  if (!first) throw new Error("site");
  return first;
}

function enforced(value: string, granted: string[] = ["necessary"], doNotTrack = false) {
  const headers = new Headers({ Link: value });
  const removed = enforceLinkHeader(headers, {
    classifier: site().classifyResource,
    granted: new Set(granted),
    doNotTrack,
    page: new URL("https://www.example.com/page"),
  });
  return { link: headers.get("Link"), removed };
}

describe("splitLinks", () => {
  it("splits on commas outside targets and quoted strings", () => {
    expect(splitLinks('<https://a.example/x,y>; rel=preload, </b>; title="a, b"; rel=icon')).toEqual([
      "<https://a.example/x,y>; rel=preload",
      '</b>; title="a, b"; rel=icon',
    ]);
  });
});

describe("enforceLinkHeader", () => {
  it("removes preloads and preconnects of refused trackers, keeps the rest", () => {
    const value = [GTM, OWN, FB, "<https://www.googletagmanager.com>; rel=preconnect", CANONICAL].join(", ");
    const { link, removed } = enforced(value);
    expect(link).toBe(`${OWN}, ${CANONICAL}`);
    expect(removed).toHaveLength(3);
  });

  it("keeps a granted category's links, and only those", () => {
    expect(enforced(`${GTM}, ${FB}`, ["necessary", "analytics"]).link).toBe(GTM);
    expect(enforced(`${GTM}, ${FB}`, ["necessary", "analytics", "marketing"]).link).toBe(`${GTM}, ${FB}`);
  });

  it("rel as a quoted list, any case, and a relative protocol-less target", () => {
    const { link } = enforced('<//www.googletagmanager.com/gtm.js>; REL="dns-prefetch Preload"');
    expect(link).toBeNull();
  });

  it("a link that does not parse is removed (fail closed)", () => {
    const { link, removed } = enforced(`https://www.googletagmanager.com/gtm.js; rel=preload, ${OWN}`);
    expect(link).toBe(OWN);
    expect(removed).toEqual(["https://www.googletagmanager.com/gtm.js; rel=preload"]);
  });
});

describe("through the middleware", () => {
  const app = new Hono();
  app.use(consentEdge({ sites: [testSite()] }, { clock: () => FIXED_NOW_MS }));
  app.get("/", (c) => {
    c.header("Link", GTM);
    c.header("Link", OWN, { append: true });
    return c.text("ok");
  });

  async function send(init: RequestInit = {}) {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request("https://www.example.com/", init), env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  it("without consent the tracker's preload is gone; with it, it stays", async () => {
    expect((await send()).headers.get("Link")).toBe(OWN);
    const granted = await send({ headers: { Cookie: consent(["analytics"]) } });
    expect(granted.headers.get("Link")).toBe(`${GTM}, ${OWN}`);
  });
});
