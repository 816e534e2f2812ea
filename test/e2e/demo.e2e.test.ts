/**
 * What `npm start` (scripts/demo.ts) is made of, beyond the README's examples (those run in
 * test/e2e/readme.e2e.test.ts): where its local secrets come from, and why it is not `wrangler dev`:
 * wrangler's dev proxy runs every text/html response through an HTMLRewriter of its own (wrangler's
 * templates/startDevWorker/ProxyWorker.ts, insertLiveReloadScript), so a page lol-html rejects
 * arrives empty or never, even through a bare pass-through worker; in workerd itself the same
 * worker serves it intact.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Miniflare } from "miniflare";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FALLBACK_PAGES } from "../../demo/origin/fallback-pages.ts";
import { loadDevVars, parseDevVars } from "../../scripts/demo.ts";
import { COMPATIBILITY_DATE, request, startOrigin, type TestOrigin } from "./edge-http.ts";
import { freePort, startProcessGroup, waitForHttp } from "./servers.ts";

const ROOT = resolve(import.meta.dirname, "../..");

describe("the demo's local secrets (.dev.vars, as wrangler dev reads them)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-dev-vars-"));
  });
  afterEach(() => {
    rmSync(join(dir, ".dev.vars"), { force: true });
    rmSync(join(dir, ".dev.vars.example"), { force: true });
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads the committed .dev.vars.example when there is no .dev.vars", () => {
    writeFileSync(
      join(dir, ".dev.vars.example"),
      "# the demo's\nCONSENT_DEBUG_SECRET=demo-secret-localhost\n",
    );
    expect(loadDevVars(dir)).toEqual({
      file: ".dev.vars.example",
      vars: { CONSENT_DEBUG_SECRET: "demo-secret-localhost" },
    });
  });

  it("prefers the developer's own .dev.vars", () => {
    writeFileSync(join(dir, ".dev.vars.example"), "CONSENT_DEBUG_SECRET=demo-secret-localhost\n");
    writeFileSync(join(dir, ".dev.vars"), "CONSENT_DEBUG_SECRET=mine\n");
    expect(loadDevVars(dir)).toEqual({ file: ".dev.vars", vars: { CONSENT_DEBUG_SECRET: "mine" } });
  });

  it("without either file, says how to restore the example", () => {
    expect(() => loadDevVars(dir)).toThrow(/neither \.dev\.vars nor \.dev\.vars\.example in .*git checkout/);
  });

  it("the repository's .dev.vars.example sets the debug secret the README's examples send", () => {
    expect(parseDevVars(readFileSync(join(ROOT, ".dev.vars.example"), "utf8"), ".dev.vars.example")).toEqual({
      CONSENT_DEBUG_SECRET: "demo-secret-localhost",
    });
  });

  it("reads dotenv lines as wrangler does: comments, blank lines, export, quotes", () => {
    const text = "# c\n\nexport A=1\nB = \"two words\"\r\nC='x=y'\nD=\n";
    expect(parseDevVars(text, ".dev.vars")).toEqual({ A: "1", B: "two words", C: "x=y", D: "" });
  });

  it("names the file and line of a line it cannot read", () => {
    expect(() => parseDevVars("A=1\nnot a pair\n", ".dev.vars")).toThrow(
      '.dev.vars:2: expected NAME=value, got "not a pair"',
    );
  });
});

describe("why npm start is not wrangler dev", () => {
  const PASS_THROUGH = (originPort: number): string =>
    `export default { fetch: (req) => fetch("http://127.0.0.1:${originPort}" + new URL(req.url).pathname) };\n`;
  let origin: TestOrigin;
  let dir: string;
  let wrangler: ReturnType<typeof startProcessGroup>;
  let wranglerBase: string;
  let mf: Miniflare;
  let workerdBase: string;

  beforeAll(async () => {
    origin = await startOrigin((req, res) => {
      const page = FALLBACK_PAGES.get(req.url ?? "");
      if (!page) {
        res.writeHead(200, { "Content-Type": "text/html" }).end("<p>plain page</p>");
        return;
      }
      res.writeHead(200, { "Content-Type": page.contentType }).end(Buffer.from(page.body));
    });
    dir = mkdtempSync(join(tmpdir(), "ce-wrangler-dev-"));
    writeFileSync(join(dir, "worker.js"), PASS_THROUGH(origin.port));
    writeFileSync(
      join(dir, "wrangler.toml"),
      `name = "bare-pass-through"\nmain = "worker.js"\ncompatibility_date = "${COMPATIBILITY_DATE}"\n`,
    );
    // Miniflare takes its port (any free one) before wrangler's are picked: a port freePort() hands out
    // is free only until someone binds it, and Miniflare's port 0 could get the one wrangler was given
    // (CI once saw wrangler dev fail with "Address already in use").
    mf = new Miniflare({
      host: "127.0.0.1",
      port: 0,
      modules: true,
      script: PASS_THROUGH(origin.port),
      compatibilityDate: COMPATIBILITY_DATE,
    });
    workerdBase = (await mf.ready).href.replace(/\/$/, "");
    const port = await freePort();
    wranglerBase = `http://127.0.0.1:${port}`;
    wrangler = startProcessGroup(
      join(ROOT, "node_modules/.bin/wrangler"),
      ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(await freePort())],
      {
        cwd: dir,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
      },
    );
    await waitForHttp(wranglerBase, 60_000, wrangler.output);
  }, 90_000);
  afterAll(async () => {
    await wrangler.stop();
    await mf.dispose();
    await origin.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a page wrangler's HTMLRewriter can parse passes both ways", async () => {
    for (const base of [wranglerBase, workerdBase]) {
      const res = await request(base, { path: "/plain" });
      expect(res.text()).toContain("<p>plain page</p>");
    }
  });

  it.each([...FALLBACK_PAGES.keys()])(
    "%s through a bare pass-through: intact in workerd, cut short or never under wrangler dev",
    async (path) => {
      const expected = FALLBACK_PAGES.get(path)?.body;
      const direct = await request(workerdBase, { path });
      expect(new Uint8Array(direct.body)).toEqual(expected);

      // If this starts failing, wrangler stopped rewriting HTML: npm start could go back to it.
      // Its rewriter stops at the markup it rejects (the page ends there, often at 0 bytes) or, for
      // a charset it rejects, never answers.
      const viaWrangler = await request(wranglerBase, { path, timeoutMs: 5_000 }).then(
        (res) => res.body.length,
        () => Number.NaN,
      );
      const outcome = Number.isNaN(viaWrangler)
        ? "no response within 5 s"
        : viaWrangler < (expected?.length ?? 0)
          ? "cut short"
          : "intact";
      expect(outcome).not.toBe("intact");
    },
  );
});
