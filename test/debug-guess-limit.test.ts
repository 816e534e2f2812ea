/**
 * The debug secret cannot be guessed online (src/debug/guess-limit.ts): a client past
 * MAX_WRONG_GUESSES wrong secrets is refused for the window, the right secret included, while other
 * clients are not; and a secret shorter than MIN_ADMIN_SECRET_LENGTH never opens the operator's
 * endpoints. Through the real worker (createProxy, the fixture origin).
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { createGuessLimit, MAX_WRONG_GUESSES, MIN_ADMIN_SECRET_LENGTH } from "../src/debug/guess-limit";
import type { Env } from "../src/env";
import { setLogSink } from "../src/log";
import { appFor, DEBUG_SECRET, FIXED_NOW_MS, testSite } from "./helpers";

const events: Array<Record<string, unknown>> = [];
setLogSink((_, line) => {
  events.push(JSON.parse(line) as Record<string, unknown>);
});
afterEach(() => {
  events.length = 0;
});

async function ask(
  app: ReturnType<typeof appFor>,
  path: string,
  secret: string,
  address: string,
  bindings: Env = env,
) {
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request(`https://www.example.com${path}`, {
      headers: { "X-Consent-Debug": secret, "CF-Connecting-IP": address },
    }),
    bindings,
    ctx,
  );
  await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return response;
}

describe("wrong debug secrets", () => {
  it("lock out the client that sent them, the right secret included, and no one else", async () => {
    // Its own site id: the isolate's count is per site and client.
    const app = appFor(testSite({ id: "guess-lock" }), () => FIXED_NOW_MS);
    const guesser = "198.51.100.23";
    for (let guess = 0; guess <= MAX_WRONG_GUESSES; guess++) {
      const res = await ask(app, "/", `guess-${guess}`, guesser);
      expect(res.headers.get("X-Consent-Site")).toBeNull();
    }
    expect((await ask(app, "/", DEBUG_SECRET, guesser)).headers.get("X-Consent-Site")).toBeNull();
    expect((await ask(app, "/", DEBUG_SECRET, "198.51.100.99")).headers.get("X-Consent-Site")).toBe(
      "guess-lock",
    );
    expect(events.filter((event) => event["event"] === "debug-secret-refused")).toEqual([
      expect.objectContaining({ site: "guess-lock" }),
    ]);
  });

  it("are forgiven when the window ends", () => {
    const limit = createGuessLimit({ maxWrong: 2, windowSeconds: 60, maxKeys: 10 });
    expect([limit.wrong("s", "c", 0), limit.wrong("s", "c", 1), limit.wrong("s", "c", 2)]).toEqual([
      false,
      false,
      true,
    ]);
    expect(limit.refused("s", "c", 30)).toBe(true);
    expect(limit.refused("s", "other", 30)).toBe(false);
    expect(limit.refused("s", "c", 61)).toBe(false);
  });
});

describe("a short debug secret", () => {
  it("opens the debug headers but never the operator's endpoints", async () => {
    const short = "x".repeat(MIN_ADMIN_SECRET_LENGTH - 1);
    const bindings = { ...env, CONSENT_DEBUG_SECRET: short } as Env;
    const app = appFor(testSite({ id: "guess-short", inventory: { enabled: true } }));
    expect((await ask(app, "/", short, "198.51.100.1", bindings)).headers.get("X-Consent-Site")).toBe(
      "guess-short",
    );
    for (let i = 0; i < 2; i++) {
      const admin = await ask(app, "/.consent-edge/admin/inventory", short, "198.51.100.1", bindings);
      expect(admin.status).toBe(404);
    }
    expect(events.filter((event) => event["event"] === "debug-secret-weak")).toHaveLength(1);
    const long = "y".repeat(MIN_ADMIN_SECRET_LENGTH);
    const opened = await ask(app, "/.consent-edge/admin/inventory", long, "198.51.100.1", {
      ...env,
      CONSENT_DEBUG_SECRET: long,
    } as Env);
    expect(opened.status).toBe(200);
  });
});
