/**
 * Config without a deploy over real HTTP: the built worker (src/index.ts as deployed, its bundled
 * config inside) in workerd with a local Workers KV namespace bound as CONFIG_KV, in front of a Node
 * origin. The test writes the config with Miniflare's KV API, as `consent-edge push` writes it with
 * Cloudflare's, and watches the same running worker (never restarted) take a good upload, keep it
 * when a broken one follows, and go back to the bundled config when the key is deleted. Its refresh
 * interval is the worker's CONSENT_CONFIG_REFRESH_SECONDS variable, 1 s (miniflare's KV has no
 * location cache to wait for).
 */
import { createHash } from "node:crypto";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BuiltEdge,
  DEBUG_SECRET,
  request,
  site,
  startBuiltEdge,
  startOrigin,
  type TestOrigin,
} from "./edge-http.ts";

const REFRESH_SECONDS = 1;

let origin: TestOrigin;
let edge: BuiltEdge;
let kv: Awaited<ReturnType<Miniflare["getKVNamespace"]>>;
let output = "";

/** The site's rules plus `promo`, as a necessary cookie (bundled) or a marketing one (uploaded). */
function config(promo: "necessary" | "marketing", originUrl: string) {
  const base = site({ origin: originUrl });
  const cookies = [...(base["cookies"] as unknown[]), { name: "promo", category: promo }];
  return { sites: [{ ...base, cookies }] };
}

beforeAll(async () => {
  origin = await startOrigin((_request, response) => {
    response.setHeader("Content-Type", "text/plain");
    response.setHeader("Set-Cookie", ["promo=1; Path=/", "session=s; Path=/"]);
    response.end("hello");
  });
  edge = await startBuiltEdge(config("necessary", origin.url), {
    configKv: true,
    bindings: { CONSENT_CONFIG_REFRESH_SECONDS: String(REFRESH_SECONDS) },
    onOutput: (text) => (output += text),
  });
  kv = await edge.mf.getKVNamespace("CONFIG_KV");
});

afterAll(async () => {
  await edge.stop();
  await origin.stop();
});

async function page() {
  const response = await request(edge.url, { headers: { "X-Consent-Debug": DEBUG_SECRET } });
  return {
    status: response.status,
    config: response.headers["x-consent-config"],
    cookies: response.setCookie.map((line) => line.slice(0, line.indexOf("="))),
  };
}

/** Ask until the worker answers with `revision` (a request starts a refresh, a later one sees it). */
async function until(revision: string, withinMs = 10_000) {
  const started = Date.now();
  for (;;) {
    const answer = await page();
    if (answer.config === revision) return { ...answer, afterMs: Date.now() - started };
    if (Date.now() - started > withinMs)
      throw new Error(`still ${String(answer.config)} after ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const revisionOf = (text: string) => `kv ${createHash("sha256").update(text).digest("hex").slice(0, 8)}`;
const events = (name: string) =>
  output
    .split("\n")
    .filter((line) => line.includes('"source":"consent-edge"'))
    .map((line) => JSON.parse(line.slice(line.indexOf("{"))) as Record<string, unknown>)
    .filter(({ event }) => event === name);

describe("the config uploaded to Workers KV, through the running worker", () => {
  it("no upload: the bundled config, which keeps promo", async () => {
    expect(await page()).toEqual({ status: 200, config: "bundled", cookies: ["promo", "session"] });
  });

  it("a good upload takes effect within a refresh, and drops promo", async () => {
    const uploaded = JSON.stringify(config("marketing", origin.url));
    await kv.put("config", uploaded);
    const answer = await until(revisionOf(uploaded));
    expect(answer.cookies).toEqual(["session"]);
    expect(answer.afterMs).toBeLessThan((REFRESH_SECONDS + 2) * 1_000);
  });

  it("a broken upload after it: the good one stays, and the rejection is logged once", async () => {
    const good = revisionOf(JSON.stringify(config("marketing", origin.url)));
    await kv.put("config", '{ "sites": [ { "id": "broken", } ] }');
    const answers = [];
    // Several refreshes' worth of requests.
    const deadline = Date.now() + (REFRESH_SECONDS * 3 + 1) * 1_000;
    while (Date.now() < deadline) {
      answers.push(await page());
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(answers.length).toBeGreaterThan(10);
    for (const answer of answers) expect(answer).toEqual({ status: 200, config: good, cookies: ["session"] });
    const rejected = events("config-rejected");
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.["reason"]).toMatch(/CONFIG_KV:config:1:\d+: not valid JSON/);
  });

  it("deleting the key reverts to the bundled config", async () => {
    await kv.delete("config");
    expect((await until("bundled")).cookies).toEqual(["promo", "session"]);
  });
});
