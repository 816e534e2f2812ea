/**
 * Where the inventory's reporter ships (src/html/runtime.ts, src/runtime/reporter.ts): only in the
 * page views the edge samples for a site whose inventory is on, called before the runtime on the
 * same config, never able to keep the runtime from running; and what it costs in bytes. What it
 * does in a browser is test/e2e/inventory.e2e.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  PAGE_GUARD_SOURCE,
  REPORTER_SOURCE,
  RUNTIME_SOURCE,
  runtimeConfig,
  runtimeText,
  sampled,
} from "../src/html/runtime";
import { htmlSite } from "./html-helpers";

const gzippedSize = async (text: string) =>
  (await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer())
    .byteLength;

const site = (inventory: Record<string, unknown>, overrides: Record<string, unknown> = {}) =>
  htmlSite({ inventory, ...overrides });

describe("sampling", () => {
  it("samples a page view with the site's browserSample, only when its inventory is on", () => {
    expect(sampled(site({ enabled: true, browserSample: 0.25 }), () => 0.2)).toBe(true);
    expect(sampled(site({ enabled: true, browserSample: 0.25 }), () => 0.25)).toBe(false);
    expect(sampled(site({ enabled: false, browserSample: 1 }), () => 0)).toBe(false);
    expect(sampled(site({ enabled: true, browserSample: 0 }), () => 0)).toBe(false);
    expect(sampled(site({}), () => 0)).toBe(false);
  });

  it("a default site samples about 1 page view in 100", () => {
    const on = site({ enabled: true });
    let hits = 0;
    for (let i = 0; i < 20_000; i++) if (sampled(on)) hits++;
    expect(hits).toBeGreaterThan(100);
    expect(hits).toBeLessThan(320);
  });
});

describe("where the reporter ships", () => {
  it("never in a page view that was not sampled", () => {
    const text = runtimeText(
      runtimeConfig(site({ enabled: true, browserSample: 0 }), new Set(["necessary"])),
    );
    expect(text.startsWith(RUNTIME_SOURCE)).toBe(true);
    expect(text).not.toContain(REPORTER_SOURCE);
    expect(text).not.toContain('"q"');
  });

  it("in a sampled one: first, on the same config, inside a try, then the runtime and its guards", () => {
    const config = runtimeConfig(
      site({ enabled: true, browserSample: 1 }, { hosts: ["www.example.co.uk", "*.example.org"] }),
      new Set(["necessary"]),
    );
    // The report path, then the registrable domains whose hosts are the site's own.
    expect(config.q).toEqual(["/.consent-edge/report", "example.co.uk", "example.org"]);
    const text = runtimeText(config);
    expect(text.startsWith(`(function(c){try{${REPORTER_SOURCE}(c)}catch(e){}${RUNTIME_SOURCE}(c,0,`)).toBe(
      true,
    );
    expect(text.endsWith(`${PAGE_GUARD_SOURCE})})(${JSON.stringify(config)})`)).toBe(true);
  });

  it("behind a pathPrefix, reports to the site's own API path", () => {
    const config = runtimeConfig(
      site({ enabled: true, browserSample: 1 }, { pathPrefix: "/shop" }),
      new Set(["necessary"]),
    );
    expect(config.q?.[0]).toBe("/shop/.consent-edge/report");
  });
});

describe("the reporter's size", () => {
  // 6 KB until issue 12; consent per service and telling Zaraz grew the runtime by about 870 bytes
  // gzipped (test/html-stage.test.ts says where), measured 6,880 with the reporter (6,887 once a whole
  // choice only narrowed the page at boot). Telling Zaraz then left the core for a bundle only sites
  // with a `zaraz` source get: 6,746, the budget lowered to that, rounded up to the next 0.1 KB.
  it("is at most 640 bytes gzipped, and the runtime with the page guard and the reporter at most 6.6 KB", async () => {
    expect(await gzippedSize(REPORTER_SOURCE)).toBeLessThanOrEqual(640);
    expect(await gzippedSize(RUNTIME_SOURCE + PAGE_GUARD_SOURCE + REPORTER_SOURCE)).toBeLessThanOrEqual(
      6_758,
    );
  });
});
