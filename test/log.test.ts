/**
 * The log (src/log.ts): one JSON event per failure or fallback, with the site and the cf-ray,
 * never a cookie value, never text a visitor wrote into a header.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeError, type LogLevel, logEvent, rayOf, setLogSink } from "../src/log";
import { compileConfig } from "../src/config/compile";
import { createProxy } from "../src/worker";
import { appFor, FIXED_NOW_MS, send, testSite } from "./helpers";

interface Captured {
  level: LogLevel;
  event: Record<string, unknown>;
}

let captured: Captured[] = [];
beforeEach(() => {
  captured = [];
  setLogSink((level, line) => {
    captured.push({ level, event: JSON.parse(line) as Record<string, unknown> });
  });
});
afterEach(() => {
  setLogSink(undefined);
});

const SECRET_VALUE = "s3cr3t-cookie-value-7f1e";
const RAY = "8f1e2d3c4b5a6978-FRA";

describe("logEvent", () => {
  it("writes one JSON object per event, tagged with its source and level", () => {
    logEvent("warn", { event: "html-fallback", site: "shop", reason: "fallback: charset", ray: RAY });
    expect(captured).toEqual([
      {
        level: "warn",
        event: {
          source: "consent-edge",
          level: "warn",
          event: "html-fallback",
          site: "shop",
          reason: "fallback: charset",
          ray: RAY,
        },
      },
    ]);
  });

  it("keeps a reason on one line and short, and a path without its query string", () => {
    logEvent("error", {
      event: "origin-failed",
      reason: `line one\nline two\u001b[31m${"x".repeat(1_000)}`,
      path: "/reset?token=abc",
    });
    const event: Record<string, unknown> = captured[0]?.event ?? {};
    expect(event["reason"]).toMatch(/^line one line two \[31mx+…$/);
    expect(String(event["reason"]).length).toBe(300);
    expect(event["path"]).toBe("/reset");
  });

  it("takes a cf-ray only when it looks like one", () => {
    const request = (ray: string) => new Request("https://www.example.com/", { headers: { "cf-ray": ray } });
    expect(rayOf(request(RAY))).toBe(RAY);
    expect(rayOf(request("8f1e2d3c4b5a6978"))).toBe("8f1e2d3c4b5a6978");
    expect(rayOf(request('x", "site": "forged'))).toBeUndefined();
    expect(rayOf(new Request("https://www.example.com/"))).toBeUndefined();
  });

  it("describes an error by name and message, without its stack", () => {
    expect(describeError(new TypeError("bad"))).toBe("TypeError: bad");
    expect(describeError("plain")).toBe("plain");
  });
});

describe("the worker's events", () => {
  const cookie = `_ga=${SECRET_VALUE}; session=${SECRET_VALUE}`;

  it("an origin that cannot be reached is one origin-failed event naming the site and the ray", async () => {
    const app = appFor(testSite({ origin: "service:NOT_BOUND" }));
    const response = await send(app, "https://www.example.com/", { headers: { cookie, "cf-ray": RAY } });
    expect(response.status).toBe(502);
    const events = captured.map(({ event }) => event);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event: "origin-failed", site: "test", ray: RAY });
    expect(JSON.stringify(captured)).not.toContain(SECRET_VALUE);
  });

  it("a page served under the strict CSP instead of rewritten is one html-fallback event", async () => {
    const app = appFor(testSite());
    const page =
      '<!doctype html><select><noscript><script src="https://www.googletagmanager.com/gtag/js"></script></noscript></select>';
    const response = await send(app, "https://www.example.com/", {
      headers: {
        cookie,
        "cf-ray": RAY,
        "X-Fixture-Body": btoa(page),
        "X-Fixture-Header": JSON.stringify({ "Content-Type": "text/html" }),
      },
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const events = captured.map(({ event }) => event);
    expect(events).toEqual([
      expect.objectContaining({
        event: "html-fallback",
        site: "test",
        ray: RAY,
        reason: expect.stringMatching(/^fallback: ambiguous markup/) as unknown,
      }),
    ]);
    expect(JSON.stringify(captured)).not.toContain(SECRET_VALUE);
  });

  it("an enforcement failure is one enforcement-failed event, without the cookie's value", async () => {
    const compiled = compileConfig({ sites: [testSite()] });
    if (!compiled.ok) throw new Error("test config invalid");
    const [site] = compiled.config.sites;
    if (!site) throw new Error("no site");
    const classify = site.classifyCookie;
    site.classifyCookie = (name) => {
      if (name === "boom") throw new Error(`classifier bug`);
      return classify(name);
    };
    const app = createProxy(compiled.config, { clock: () => FIXED_NOW_MS });
    const response = await send(app, "https://www.example.com/", {
      headers: { cookie, "cf-ray": RAY },
      originSets: [`boom=${SECRET_VALUE}`],
    });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(captured.map(({ event }) => event)).toEqual([
      expect.objectContaining({
        event: "enforcement-failed",
        site: "test",
        ray: RAY,
        reason: "stripped every cookie: Error: classifier bug",
      }),
    ]);
    expect(JSON.stringify(captured)).not.toContain(SECRET_VALUE);
  });

  it("a request that goes well logs nothing", async () => {
    const app = appFor(testSite());
    const response = await send(app, "https://www.example.com/", { headers: { cookie } });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    expect(captured).toEqual([]);
  });

  it("an invalid bundled config is a config-invalid event on each refused request", async () => {
    const { createWorker } = await import("../src/worker");
    const worker = createWorker({ sites: [{ id: "x" }] });
    const response = await worker.fetch(
      new Request("https://www.example.com/", { headers: { "cf-ray": RAY } }),
    );
    expect(response.status).toBe(503);
    expect(captured.map(({ event }) => event)).toEqual([
      expect.objectContaining({ event: "config-invalid", ray: RAY }),
    ]);
  });
});
