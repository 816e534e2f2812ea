/**
 * The package as its users get it: `npm pack` this repository, install the tarball into an empty
 * project, bundle examples/hono-app from inside that project (so `consent-edge/hono` and `hono`
 * resolve to what was installed, never to this repository's src/), run it in workerd over real
 * HTTP, and run the installed `consent-edge check`.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { parse } from "parse5";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serializeConsentCookie } from "../../src/consent/consent-cookie";
import { storedFrom } from "../cookie-jar";
import { COMPATIBILITY_DATE, request } from "./edge-http";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const GA = "https://www.googletagmanager.com/gtag/js?id=G-EXAMPLE123";

let work: string;
let project: string;
let mf: Miniflare | undefined;
let edge: string;
let bundledInputs: string[];
/** npm pack builds dist/ in the repository: removed afterwards unless it was there before. */
const distWasThere = existsSync(join(ROOT, "dist"));

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "consent-edge-pack-"));
  // prepack builds dist/; --json names the tarball.
  const packed = await run("npm", ["pack", "--json", "--pack-destination", work], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("["))) as Array<{ filename: string }>;
  if (!info) throw new Error("npm pack named no tarball");
  const tarball = join(work, info.filename);

  project = join(work, "project");
  mkdirSync(project);
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "empty", private: true, type: "module" }),
  );
  await run("npm", ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund"], { cwd: project });
  cpSync(join(ROOT, "examples/hono-app/src"), join(project, "src"), { recursive: true });
  cpSync(join(ROOT, "examples/hono-app/consent-edge.config.json"), join(project, "consent-edge.config.json"));

  // As wrangler bundles a worker: browser-ish platform with the workerd conditions.
  const result = await build({
    absWorkingDir: project,
    entryPoints: ["src/index.ts"],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  bundledInputs = Object.keys(result.metafile.inputs);
  const [output] = result.outputFiles;
  if (!output) throw new Error("esbuild produced no bundle");

  mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    modules: true,
    script: output.text,
    compatibilityDate: COMPATIBILITY_DATE,
  });
  // The example's site claims `localhost`.
  edge = `http://localhost:${(await mf.ready).port}/`;
}, 120_000);

afterAll(async () => {
  await mf?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
  if (!distWasThere) rmSync(join(ROOT, "dist"), { recursive: true, force: true });
});

/** The part of parse5's tree read here. */
type Node = { nodeName: string; attrs?: Array<{ name: string; value: string }>; childNodes?: Node[] };

/** Every URL of a script or iframe a browser would load from the page, as parse5 builds it. */
function loadedUrls(html: string): string[] {
  const urls: string[] = [];
  const walk = (node: Node) => {
    if (node.nodeName === "script" || node.nodeName === "iframe") {
      const src = node.attrs?.find((attribute) => attribute.name === "src")?.value;
      if (src) urls.push(src);
    }
    for (const child of node.childNodes ?? []) walk(child);
  };
  walk(parse(html));
  return urls;
}

function consentCookie(granted: string[]): string {
  const givenAt = Math.floor(Date.now() / 1000) - 60;
  return `ce_consent=${serializeConsentCookie({ revision: "2026-12-01", givenAt, granted })}`;
}

describe("the packed tarball, installed into an empty project", () => {
  it("ships the build, the schema and the licence, no tests, demo or sources", () => {
    const installed = join(project, "node_modules/consent-edge");
    expect(readdirSync(installed).sort()).toEqual(
      [
        "CHANGELOG.md",
        "LICENSE",
        "README.md",
        "SECURITY.md",
        "consent-edge.schema.json",
        "dist",
        "package.json",
      ].sort(),
    );
  });

  it("the example's imports resolve to the installed package, not to this repository", () => {
    const fromPackage = bundledInputs.filter((input) => input.includes("node_modules/consent-edge/dist/"));
    expect(fromPackage.length).toBeGreaterThan(0);
    const outside = bundledInputs.filter((input) =>
      relative(project, resolve(project, input)).startsWith(".."),
    );
    expect(outside).toEqual([]);
  });

  it("over HTTP: without consent the refused cookies are not delivered and GA4 is neutralised", async () => {
    const res = await request(edge, { path: "/" });
    expect(res.status).toBe(200);
    const names = storedFrom(res.setCookie, edge, Date.now()).map((cookie) => cookie.key);
    expect(names).toEqual([]);
    const urls = loadedUrls(res.text());
    expect(urls).not.toContain(GA);
    expect(urls.some((url) => url.includes("youtube.com"))).toBe(false);
  });

  it("over HTTP: granted analytics delivers _ga and loads GA4", async () => {
    const res = await request(edge, { path: "/", headers: { Cookie: consentCookie(["analytics"]) } });
    const names = storedFrom(res.setCookie, edge, Date.now()).map((cookie) => cookie.key);
    expect(names).toEqual(["_ga"]);
    expect(loadedUrls(res.text())).toContain(GA);
  });

  it("the pure entries import in Node: compile the config, judge Set-Cookie lines", async () => {
    const script = [
      'import { readFileSync } from "node:fs";',
      'import { compileConfig } from "consent-edge/config";',
      'import { judgeSetCookie } from "consent-edge/cookies";',
      'const compiled = compileConfig(JSON.parse(readFileSync("consent-edge.config.json", "utf8")));',
      "if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));",
      "const site = compiled.config.sites[0];",
      'const lines = ["_ga=1; Path=/", "session=s; Path=/; Secure; HttpOnly; SameSite=Lax"];',
      "console.log(JSON.stringify(lines.map((line) => judgeSetCookie(line, site, []).action)));",
    ].join("\n");
    const { stdout } = await run("node", ["--input-type=module", "-e", script], { cwd: project });
    expect(JSON.parse(stdout)).toEqual(["drop", "keep"]);
  });

  it("the installed CLI checks the example's config, and names the path of a problem", async () => {
    const ok = await run("npx", ["--no-install", "consent-edge", "check", "consent-edge.config.json"], {
      cwd: project,
    });
    expect(ok.stdout).toContain("✓ consent-edge.config.json");
    writeFileSync(
      join(project, "broken.json"),
      JSON.stringify({ sites: [{ id: "x", policyRevision: "r" }] }),
    );
    const broken = await run("npx", ["--no-install", "consent-edge", "check", "broken.json"], {
      cwd: project,
    }).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(broken?.code).toBe(1);
    expect(broken?.stderr).toContain("sites[0].hosts");
  });
});
