import { describe, expect, it } from "vitest";
import { compileSiteMatcher } from "../src/route/match-site";
import { appFor, send, testSite } from "./helpers";

const sites = [
  { id: "www", hosts: ["www.example.com"], pathPrefix: "" },
  { id: "www-shop", hosts: ["www.example.com"], pathPrefix: "/shop" },
  { id: "www-shop-eu", hosts: ["www.example.com"], pathPrefix: "/shop/eu" },
  { id: "any-sub", hosts: ["*.example.com"], pathPrefix: "" },
  { id: "any-eu", hosts: ["*.eu.example.com"], pathPrefix: "" },
  { id: "apex", hosts: ["example.com"], pathPrefix: "" },
];
const match = compileSiteMatcher(sites);

describe("compileSiteMatcher", () => {
  it.each([
    ["www.example.com", "/", "www"],
    ["www.example.com", "/shop", "www-shop"],
    ["www.example.com", "/shop/cart", "www-shop"],
    ["www.example.com", "/shopping", "www"], // prefixes match whole segments
    ["www.example.com", "/shop/eu/cart", "www-shop-eu"],
    ["WWW.Example.COM", "/", "www"],
    ["www.example.com.", "/", "www"],
    ["blog.example.com", "/", "any-sub"],
    ["a.b.example.com", "/", "any-sub"], // wildcards cover any depth
    ["de.eu.example.com", "/", "any-eu"], // the longest wildcard suffix wins
    ["example.com", "/", "apex"], // *.example.com does not cover the apex
    ["example.org", "/", undefined],
    ["evilexample.com", "/", undefined],
    ["example.com.evil.net", "/", undefined],
  ])("%s%s -> %s", (host, path, id) => {
    expect(match(host, path)?.id).toBe(id);
  });
});

describe("unknown hosts", () => {
  const app = appFor(testSite({ origin: "https://origin.example.com" }));

  it.each(["https://evil.example.net/", "https://example.com/", "https://origin.example.com/"])(
    "%s gets 421 and nothing is fetched",
    async (url) => {
      const res = await send(app, url, { originSets: ["_ga=1"] });
      expect(res.status).toBe(421);
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      // The fixture origin marks every response it serves; a refused request never reached it.
      expect(res.headers.has("X-Fixture-Received-Cookie")).toBe(false);
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(await res.text()).toContain("serves no site for this host");
    },
  );

  it("a matched host reaches the configured origin, not the host the visitor named", async () => {
    const res = await send(app, "https://www.example.com/path?q=1");
    expect(res.status).toBe(200);
    const received = await res.json<{ url: string; headers: Record<string, string> }>();
    expect(received.url).toBe("https://origin.example.com/path?q=1");
    expect(received.headers["x-forwarded-host"]).toBe("www.example.com");
  });
});
