/**
 * The origin request only ever goes to the configured origin (issue 7, item 1). Every URL origin's
 * fetch lands on the fixture origin (vitest.config.ts `outboundService`), which reports the URL and
 * Host it was asked for: a request that tried to leave would show another host there.
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createProxy } from "../src/worker";
import { compileConfig } from "../src/config/compile";
import { originUrlFor } from "../src/proxy/origin-request";
import { fuzzParameters } from "./fuzz/settings";
import { appFor, consent, FIXED_NOW_MS, send, testSite } from "./helpers";

const ORIGIN = "https://origin.example.com";
const app = appFor(testSite({ origin: ORIGIN }));
const bound = appFor(testSite());
const prefixed = appFor(testSite({ origin: "https://shop-origin.example.com:8443", pathPrefix: "/shop" }));

/**
 * Request URLs as workerd hands them to the worker (already parsed once, so `\`, tabs and newlines
 * are gone) and the path the origin must be asked for. Each would reach evil.example with
 * `new URL(path + search, origin)`.
 */
const HOSTILE: Array<[string, string, string]> = [
  ["two slashes", "//evil.example/x", "//evil.example/x"],
  ["two slashes, no path", "//evil.example", "//evil.example"],
  ["a backslash", "/\\evil.example/x", "//evil.example/x"],
  ["two backslashes", "/\\\\evil.example", "///evil.example"],
  ["three slashes", "///evil.example/x", "///evil.example/x"],
  ["userinfo", "//user@evil.example/x", "//user@evil.example/x"],
  ["user and password", "//user:pw@evil.example/x", "//user:pw@evil.example/x"],
  ["a port", "//evil.example:8080/x", "//evil.example:8080/x"],
  ["a tab between the slashes", "/\t/evil.example/x", "//evil.example/x"],
  ["a newline between the slashes", "/\n/evil.example/x", "//evil.example/x"],
  ["a carriage return", "/\r/evil.example/x", "//evil.example/x"],
  ["dot segments", "/..//evil.example/x", "//evil.example/x"],
  ["encoded dot segments", "/%2e%2e//evil.example/x", "//evil.example/x"],
  ["a dot segment after", "/a/..//evil.example/x", "//evil.example/x"],
  ["an IP literal", "//127.0.0.1/admin", "//127.0.0.1/admin"],
  ["an IPv6 literal", "//[::1]/admin", "//[::1]/admin"],
  ["a scheme in the path", "/https://evil.example/x", "/https://evil.example/x"],
  ["a scheme-relative with query", "//evil.example?q=1", "//evil.example?q=1"],
  ["encoded slashes", "/%2F%2Fevil.example/x", "/%2F%2Fevil.example/x"],
  ["an encoded backslash", "/%5Cevil.example/x", "/%5Cevil.example/x"],
  ["a semicolon and at", "/;@evil.example/x", "/;@evil.example/x"],
  ["an at sign", "/@evil.example/x", "/@evil.example/x"],
  ["a fullwidth solidus", "/\uff0f/evil.example/x", "/%EF%BC%8F/evil.example/x"],
];

describe("originUrlFor: only the path and query are the visitor's", () => {
  const compiled = compileConfig({ sites: [testSite({ origin: ORIGIN })] });
  if (!compiled.ok) throw new Error("config");
  const site = compiled.config.sites[0];
  if (!site) throw new Error("site");

  it.each(HOSTILE)("%s (%j) stays on the origin", (_, path, expected) => {
    const url = originUrlFor(new URL(`https://www.example.com${path}`), site);
    expect(url?.origin).toBe(ORIGIN);
    expect(url?.host).toBe("origin.example.com");
    expect(url?.username).toBe("");
    expect(`${url?.pathname}${url?.search}`).toBe(expected);
  });

  it("any path and query a visitor can send stays on the origin (property)", () => {
    const piece = fc.oneof(
      fc.constantFrom("/", "\\", "//", "@", ":", "..", ".", "%2e", "%2f", "%5c", "?", "#", "\t", "\n", " "),
      fc.constantFrom("evil.example", "127.0.0.1", "[::1]", "user:pw@", "http:", "https://"),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        let incoming: URL;
        try {
          incoming = new URL(`https://www.example.com/${pieces.join("")}`);
        } catch {
          return; // not a URL workerd could hand us
        }
        const url = originUrlFor(incoming, site);
        expect(url?.origin).toBe(ORIGIN);
        expect(url?.username).toBe("");
        expect(url?.pathname).toBe(incoming.pathname);
        expect(url?.search).toBe(incoming.search);
      }),
      fuzzParameters(),
    );
  });

  it.each([
    ["/", "/"],
    ["/a/b?x=1&y=%20", "/a/b?x=1&y=%20"],
    ["/caf%C3%A9?q=%E2%9C%93", "/caf%C3%A9?q=%E2%9C%93"],
    ["/a?", "/a"],
  ])("an ordinary path %j is sent as %j", (path, expected) => {
    const url = originUrlFor(new URL(`https://www.example.com${path}`), site);
    expect(url?.href).toBe(`${ORIGIN}${expected}`);
  });
});

describe("through the worker: the fixture origin is asked for the path, on the configured host", () => {
  it.each(HOSTILE)("%s (%j)", async (_, path, expected) => {
    const res = await send(app, `https://www.example.com${path}`, {
      headers: { Cookie: `session=s1; ${consent(["analytics"])}; _ga=GA1` },
    });
    expect(res.status).toBe(200);
    const received = new URL(res.headers.get("X-Fixture-Received-Url") ?? "about:blank");
    expect(received.origin).toBe(ORIGIN);
    expect(`${received.pathname}${received.search}`).toBe(expected);
  });

  it.each(HOSTILE)("a WebSocket upgrade with %s (%j) goes nowhere else either", async (_, path) => {
    const res = await send(app, `https://www.example.com${path}`, {
      headers: { Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Version": "13" },
    });
    expect(res.status).toBeLessThan(500);
    expect(new URL(res.headers.get("X-Fixture-Received-Url") ?? "about:blank").origin).toBe(ORIGIN);
  });

  it("a visitor's Host, Forwarded and X-Forwarded-* headers never reach the origin", async () => {
    const res = await send(app, "https://www.example.com/x", {
      headers: {
        Host: "evil.example",
        Forwarded: "host=evil.example;proto=http",
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Proto": "http",
        "X-Forwarded-For": "203.0.113.9",
        "X-Original-URL": "//evil.example/",
        "X-Rewrite-URL": "//evil.example/",
        "CF-Connecting-IP": "198.51.100.4",
      },
    });
    expect(new URL(res.headers.get("X-Fixture-Received-Url") ?? "about:blank").host).toBe(
      "origin.example.com",
    );
    const { headers } = await res.json<{ headers: Record<string, string> }>();
    expect(headers["x-forwarded-host"]).toBe("www.example.com");
    expect(headers["x-forwarded-proto"]).toBe("https");
    expect(headers["x-forwarded-for"]).toBe("198.51.100.4");
    expect(headers.forwarded).toBeUndefined();
    expect(headers["x-original-url"]).toBeUndefined();
    expect(headers["x-rewrite-url"]).toBeUndefined();
  });

  it("a site with a pathPrefix and a port keeps both, and the path", async () => {
    const res = await send(prefixed, "https://www.example.com/shop//evil.example/x?y=1");
    expect(res.headers.get("X-Fixture-Received-Url")).toBe(
      "https://shop-origin.example.com:8443/shop//evil.example/x?y=1",
    );
  });

  it.each(HOSTILE)("a service-binding origin gets the visitor's own URL with %s", async (_, path) => {
    const res = await send(bound, `https://www.example.com${path}`);
    const received = new URL(res.headers.get("X-Fixture-Received-Url") ?? "about:blank");
    expect(received.origin).toBe("https://www.example.com");
  });

  it("an origin URL the check rejects is a 400 and nothing is fetched (the last line of defence)", async () => {
    const compiled = compileConfig({ sites: [testSite({ origin: ORIGIN })] });
    if (!compiled.ok) throw new Error("config");
    const broken = compiled.config.sites[0];
    if (!broken) throw new Error("site");
    // Validation never lets userinfo into an origin; if a bug ever did, the request must not go out.
    broken.origin = { kind: "url", url: "https://user:pw@origin.example.com" };
    const refusing = createProxy(compiled.config, { clock: () => FIXED_NOW_MS });
    const res = await refusing.fetch(
      new Request("https://www.example.com/x", { headers: { Cookie: "session=s1" } }),
      env,
      createExecutionContext(),
    );
    expect(res.status).toBe(400);
    expect(res.headers.has("X-Fixture-Received-Url")).toBe(false);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("the visitor's kept cookies reach only the configured origin", async () => {
    const res = await send(app, "https://www.example.com//evil.example/steal", {
      headers: { Cookie: "session=s1; _fbp=fb" },
    });
    expect(res.headers.get("X-Fixture-Received-Url")).toBe(`${ORIGIN}//evil.example/steal`);
    expect(res.headers.get("X-Fixture-Received-Cookie")).toBe("session=s1");
  });
});
