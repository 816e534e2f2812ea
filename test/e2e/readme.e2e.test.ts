/**
 * The README's first run, as a newcomer follows it: the real `npm start` (on free ports), then every
 * ```sh block of README.md that talks to the demo (127.0.0.1:8787 or :8790), run with bash as
 * written, only the ports changed to the ones the demo got. Each block is found by its comment line
 * and has its checks here; each check names the README's words it stands for and first finds them,
 * word for word, so that a README edit that changes a promise fails here until the check changes with
 * it, and a new example without checks fails too. Cookies are judged by tough-cookie, HTML by parse5.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { ESLint } from "eslint";
import { parse, type DefaultTreeAdapterMap } from "parse5";
import { getFileInfo } from "prettier";
import type { Browser, Request } from "playwright-core";
import { CookieJar } from "tough-cookie";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FALLBACK_PAGES } from "../../demo/origin/fallback-pages.ts";
import {
  GUARD_SOURCE_TEXT,
  PAGE_GUARD_SOURCE,
  RUNTIME_SOURCE,
  ZARAZ_SOURCE,
} from "../../src/html/runtime.ts";
import { request } from "./edge-http.ts";
import {
  chromiumPath,
  freePort,
  launchChromium,
  type ProcessGroup,
  startProcessGroup,
  waitForHttp,
} from "./servers.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const README_EDGE = "127.0.0.1:8787";
const README_ORIGIN = "127.0.0.1:8790";
/** The first comment of each block of the README's "Rolling out" walk-through. */
export const ROLLOUT_PREFIX = "Rolling out, ";
const NECESSARY = ["aktok_csrf", "aktok_access", "aktok_refresh", "aktok_session"].sort();
const DAY = 24 * 3600;
const JAR_URL = "https://127.0.0.1/";

type Element = DefaultTreeAdapterMap["element"];
type Node = DefaultTreeAdapterMap["node"];

// --- the README's examples -------------------------------------------------------------------------

export interface ReadmeExample {
  /** The first comment line of the block, which names the example. */
  comment: string;
  /** The block as written, for bash. */
  script: string;
  /** The README's text after the block, up to the next block or heading: what it says of the output. */
  prose: string;
}

/** Every ```sh block whose commands (not only its comments) talk to the demo. */
export function readmeDemoExamples(readme: string): ReadmeExample[] {
  const examples: ReadmeExample[] = [];
  for (const match of readme.matchAll(/```sh\n([\s\S]*?)```\n([\s\S]*?)(?=```|\n#{1,6} |$)/g)) {
    const script = match[1] ?? "";
    const lines = script.split("\n");
    // Commands without their comments: `npm start  # ... on http://127.0.0.1:8787` does not talk to it.
    const commands = lines
      .map((line) => line.replace(/(^|\s)#\s.*$/, ""))
      .filter((line) => line.trim() !== "");
    if (!commands.some((line) => line.includes(README_EDGE) || line.includes(README_ORIGIN))) continue;
    const comment = lines.find((line) => line.startsWith("#"))?.replace(/^#\s*/, "") ?? "";
    // The "Rolling out" walk-through needs a demo started with its own config: rollout.e2e.test.ts.
    if (comment.startsWith(ROLLOUT_PREFIX)) continue;
    examples.push({ comment, script, prose: match[2] ?? "" });
  }
  return examples;
}

/** The `Header-Name: value` pairs the prose quotes in backticks. */
export function quotedHeaders(prose: string): Array<[string, string]> {
  return [...prose.replace(/\s*\n\s*/g, " ").matchAll(/`([A-Za-z][A-Za-z0-9-]*): ([^`]+)`/g)].map((match) => [
    match[1] ?? "",
    match[2] ?? "",
  ]);
}

interface Output {
  stdout: string;
  /** The value of every output line `name: value` for this header name (any case). */
  header: (name: string) => string[];
  /** The Set-Cookie lines of the output, without the header name. */
  setCookie: string[];
}

function readOutput(stdout: string): Output {
  const lines = stdout.split(/\r?\n/);
  const header = (name: string): string[] =>
    lines
      .filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      .map((line) => line.slice(name.length + 1).trim());
  return { stdout, header, setCookie: header("Set-Cookie") };
}

/** What a browser holding `held` keeps after these Set-Cookie lines (tough-cookie, RFC 6265). */
async function jarAfter(lines: string[], held: string[] = []): Promise<CookieJar> {
  const jar = new CookieJar();
  for (const cookie of held) await jar.setCookie(`${cookie}; Path=/`, JAR_URL);
  for (const line of lines) await jar.setCookie(line, JAR_URL, { ignoreError: true });
  return jar;
}

async function namesIn(jar: CookieJar): Promise<string[]> {
  return (await jar.getCookies(JAR_URL, { allPaths: true })).map((cookie) => cookie.key).sort();
}

/** Seconds from now until the jar's cookie of this name expires (Infinity for a session cookie). */
async function lifetimeOf(jar: CookieJar, name: string): Promise<number> {
  const cookie = (await jar.getCookies(JAR_URL, { allPaths: true })).find((c) => c.key === name);
  if (!cookie) throw new Error(`${name} is not in the jar`);
  const expiry = cookie.expiryTime();
  return expiry === undefined ? Number.POSITIVE_INFINITY : (expiry - Date.now()) / 1000;
}

/** The README says `statement`, word for word (line breaks read as spaces). */
function says(statement: string): void {
  const flat = (text: string) => text.replace(/\s+/g, " ");
  expect(flat(README), `README.md no longer says: ${statement}`).toContain(flat(statement));
}

interface Check {
  /** The README's words this check stands for. */
  statement: string;
  verify: (output: Output, demo: RunningDemo) => Promise<void> | void;
}

interface RunningDemo {
  edge: string;
  origin: string;
}

/** The checks of each example, by the example's comment line. */
const CHECKS: Record<string, Check[]> = {
  "The demo origin alone: it sets 22 cookies.": [
    {
      statement: "The demo origin alone: it sets 22 cookies.",
      verify: ({ stdout }) => {
        expect(stdout.trim()).toBe("22");
      },
    },
  ],
  "Through consent-edge, no consent: only the four necessary cookies reach the browser.": [
    {
      statement: "The four are `aktok_session`, `aktok_access`, `aktok_refresh` and `aktok_csrf`.",
      verify: async ({ setCookie }) => {
        expect(await namesIn(await jarAfter(setCookie))).toEqual(NECESSARY);
      },
    },
  ],
  "Grant analytics (the consent cookie format is below), with the demo's debug secret to see why.": [
    {
      statement:
        "sets the analytics cookies (`_ga`, `_gid`, `_ga_DEMO123`, Matomo's, PostHog's and Clarity's)",
      verify: async ({ setCookie }) => {
        const stored = await namesIn(await jarAfter(setCookie, ["_fbp=fb.1.17.1"]));
        const analytics = ["_ga", "_gid", "_ga_DEMO123", "_pk_id.1.1fff", "_pk_ses.1.1fff"];
        const more = ["_pk_ref.1.1fff", "ph_phc_demo123_posthog", "_clck", "_clsk", "CLID"];
        expect(stored).toEqual([...NECESSARY, ...analytics, ...more].sort());
      },
    },
    {
      statement: "with `_ga` capped from the origin's two years to 400 days (`Max-Age=34560000`)",
      verify: async ({ setCookie }, demo) => {
        const origin = await request(demo.origin, { path: "/" });
        const before = await lifetimeOf(await jarAfter(origin.setCookie), "_ga");
        expect(Math.round(before / DAY)).toBe(730);
        const after = await lifetimeOf(await jarAfter(setCookie), "_ga");
        expect(Math.round(after / DAY)).toBe(400);
        expect(setCookie.find((line) => line.startsWith("_ga="))).toMatch(/; Max-Age=34560000(;|$)/);
      },
    },
    {
      statement:
        "drops the functional (`aktok_lang`, `aktok_tz`, `aktok_theme`), marketing (`_fbp`, `_fbc`, `_gcl_au`, `__gads`) and undeclared (`ab_bucket`) ones, as `X-Consent-Cookies-Dropped` lists",
      verify: async ({ setCookie, header }) => {
        const refused = [
          "aktok_lang",
          "aktok_tz",
          "aktok_theme",
          "_fbp",
          "_fbc",
          "_gcl_au",
          "__gads",
          "ab_bucket",
        ];
        const stored = await namesIn(await jarAfter(setCookie));
        for (const name of refused) expect(stored).not.toContain(name);
        const dropped = (header("X-Consent-Cookies-Dropped")[0] ?? "")
          .split(", ")
          .map((item) => item.split(" ")[0]);
        expect(dropped.sort()).toEqual(refused.sort());
      },
    },
    {
      statement: "deletes the `_fbp` the browser holds",
      verify: async ({ setCookie }) => {
        const jar = await jarAfter([], ["_fbp=fb.1.17.1"]);
        expect(await namesIn(jar)).toEqual(["_fbp"]);
        for (const line of setCookie) await jar.setCookie(line, JAR_URL, { ignoreError: true });
        expect(await namesIn(jar)).not.toContain("_fbp");
      },
    },
    {
      statement: "shows that `_fbp` never reached the origin",
      verify: ({ header }) => {
        const received = (header("X-Origin-Received-Cookie-Names")[0] ?? "").split(", ");
        expect(received.sort()).toEqual(["aktok_session", "ce_consent"]);
      },
    },
  ],
};

// --- the demo, as the README starts it ---------------------------------------------------------------

describe("the README, against npm start", () => {
  const examples = readmeDemoExamples(README);
  let npm: ProcessGroup;
  let demo: RunningDemo;

  beforeAll(async () => {
    const [port, originPort] = [await freePort(), await freePort()];
    demo = { edge: `http://127.0.0.1:${port}`, origin: `http://127.0.0.1:${originPort}` };
    npm = startProcessGroup("npm", ["start"], {
      cwd: ROOT,
      env: { ...process.env, DEMO_PORT: String(port), DEMO_ORIGIN_PORT: String(originPort) },
    });
    await waitForHttp(demo.edge, 90_000, npm.output);
    // It answers before it has printed what it started with (the last line names the fallbacks).
    for (const deadline = Date.now() + 30_000; !npm.output().includes("fallbacks: ");) {
      if (Date.now() > deadline) throw new Error(`npm start printed no fallbacks line:\n${npm.output()}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }, 120_000);
  afterAll(async () => {
    await npm.stop();
  });

  /** The block, with the demo's ports; a developer's own .dev.vars secret in place of the example's. */
  function runnable(script: string): string {
    const announced = /debug secret: X-Consent-Debug: (\S+), from (\S+)/.exec(npm.output());
    const secret = announced?.[2] === ".dev.vars" ? (announced[1] ?? "") : "demo-secret-localhost";
    return script
      .replaceAll(README_EDGE, demo.edge.slice("http://".length))
      .replaceAll(README_ORIGIN, demo.origin.slice("http://".length))
      .replaceAll("X-Consent-Debug: demo-secret-localhost", `X-Consent-Debug: ${secret}`);
  }

  it("every example that talks to the demo has its checks here, and every check its example", () => {
    expect(examples.map((example) => example.comment).sort()).toEqual(Object.keys(CHECKS).sort());
  });

  it("npm start serves on the ports it is given, and says where the debug secret came from", () => {
    says("Ports taken? `DEMO_PORT=8788 DEMO_ORIGIN_PORT=8791 npm start`.");
    expect(npm.output()).toContain(`consent-edge demo on ${demo.edge}/ `);
    expect(npm.output()).toContain(`the demo origin alone, for comparison: ${demo.origin}/\n`);
    says("`npm start` prints which file it read");
    expect(npm.output()).toMatch(/debug secret: X-Consent-Debug: \S+, from \.dev\.vars(\.example)?\b/);
  });

  it.each(readmeDemoExamples(README).map((example) => [example.comment, example] as const))(
    "%s",
    async (_comment, example) => {
      const { stdout } = await promisify(execFile)(
        "bash",
        ["-o", "pipefail", "-c", runnable(example.script)],
        {
          cwd: ROOT,
          timeout: 20_000,
        },
      );
      const output = readOutput(stdout);
      for (const check of CHECKS[example.comment] ?? []) {
        says(check.statement);
        await check.verify(output, demo);
      }
      // Every `Header: value` the README quotes after the example is in its output, as quoted.
      for (const [name, value] of quotedHeaders(example.prose)) {
        expect(output.header(name), `${name} in the output of "${example.comment}"`).toContain(value);
      }
    },
  );

  it("every page of the demo origin sets 22 cookies", async () => {
    says("every page sets 22 cookies");
    for (const path of ["/", "/pricing", "/blog/hello"]) {
      const res = await request(demo.origin, { path });
      expect(res.status).toBe(200);
      expect(res.setCookie, path).toHaveLength(22);
    }
  });

  it.each([...FALLBACK_PAGES.keys()])("%s: the original page under a strict CSP", async (path) => {
    says(`The demo's \`/fallback/select-noscript\` and \`/fallback/utf-16\` show
what production really does with such pages: the original page under a strict CSP.`);
    const res = await request(demo.edge, { path, timeoutMs: 10_000 });
    expect(res.status).toBe(200);
    expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(new Uint8Array(res.body)).toEqual(FALLBACK_PAGES.get(path)?.body);
  });

  it("the banner's size is the one the README states", async () => {
    const stated =
      /As the demo serves it to an undecided visitor, the fragment \(style, region, settings link, script\) is ([\d,]+) bytes, ([\d,]+) gzipped/.exec(
        README.replace(/\s+/g, " "),
      );
    expect(stated, "the README's banner size sentence").not.toBeNull();
    const fragment = bannerFragment((await request(demo.edge, { path: "/" })).text());
    const measured = [Buffer.byteLength(fragment), gzipSync(fragment).length].map((n) =>
      n.toLocaleString("en-US"),
    );
    expect(measured).toEqual([stated?.[1], stated?.[2]]);
  });

  it("the runtime's size is the one the README states", () => {
    const stated =
      /A small script \(([\d,]+) bytes, ([\d,]+) gzipped, under 2.6 KB by a test; the page guard below adds ([\d,]+) bytes, ([\d,]+) gzipped with the runtime; the `document.cookie` guard adds ([\d,]+) bytes, only for sites with `cookieGuard`; telling Cloudflare Zaraz adds ([\d,]+) bytes, ([\d,]+) gzipped/.exec(
        README.replace(/\s+/g, " "),
      );
    expect(stated, "the README's runtime size sentence").not.toBeNull();
    const measured = [
      Buffer.byteLength(RUNTIME_SOURCE),
      gzipSync(RUNTIME_SOURCE).length,
      Buffer.byteLength(PAGE_GUARD_SOURCE),
      gzipSync(RUNTIME_SOURCE + PAGE_GUARD_SOURCE).length,
      Buffer.byteLength(GUARD_SOURCE_TEXT),
      Buffer.byteLength(ZARAZ_SOURCE),
      gzipSync(ZARAZ_SOURCE).length,
    ].map((n) => n.toLocaleString("en-US"));
    expect(measured).toEqual(stated?.slice(1, 8));
  });

  it("the demo page's size and cookies are the ones the performance section states", async () => {
    const stated = /`GET \/` of the aktok demo, ([\d.]+) KiB, (\d+) `Set-Cookie`/.exec(
      README.replace(/\s+/g, " "),
    );
    expect(stated, "the README's demo page sentence").not.toBeNull();
    const res = await request(demo.origin, { path: "/" });
    expect([(res.body.length / 1024).toFixed(1), String(res.setCookie.length)]).toEqual([
      stated?.[1],
      stated?.[2],
    ]);
  });

  describe.skipIf(!chromiumPath())("in a browser (skipped: /usr/bin/chromium not installed)", () => {
    let browser: Browser | undefined;
    beforeAll(async () => {
      // Nothing of the page's trackers resolves: the demo alone is what this is about.
      browser = await launchChromium(["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]);
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    async function freshPage() {
      if (!browser) throw new Error("no browser");
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
      await page.goto(demo.edge, { waitUntil: "load" });
      return page;
    }

    it("the demo panel is at the top, above the open banner, and its buttons write the consent cookie and reload", async () => {
      says("At the top of the page is the demo panel");
      says(
        `its buttons ("Accept analytics", "Accept all", "Reject all") write the consent cookie and reload`,
      );
      says("At the bottom, consent-edge's own banner is open for an undecided visitor");
      const page = await freshPage();
      const panel = page.getByRole("complementary", { name: "Demo controls" });
      const banner = page.getByRole("region", { name: "Cookies on this site" });
      expect((await panel.boundingBox())?.y).toBeCloseTo(0, 0);
      expect(await banner.isVisible()).toBe(true);
      const bannerBox = await banner.boundingBox();
      expect((bannerBox?.y ?? 0) + (bannerBox?.height ?? 0)).toBeCloseTo(720, 0);
      // Usable: Playwright's trial click checks that the button, not the banner over it, would get the click.
      for (const name of ["Accept analytics", "Accept all", "Reject all"]) {
        await panel.getByRole("button", { name }).click({ trial: true, timeout: 2_000 });
      }
      await Promise.all([
        page.waitForEvent("framenavigated"),
        panel.getByRole("button", { name: "Accept analytics" }).click(),
      ]);
      const consent = (await page.context().cookies()).find((cookie) => cookie.name === "ce_consent");
      expect(consent?.value).toMatch(/^1\.2026-04-03\.\d+\.analytics$/);
      await page.waitForLoadState("load");
      says("it lists the cookies the page can see and the ones the origin received");
      expect((await page.locator("#ce-demo-received").textContent())?.split(", ")).toContain("ce_consent");
      const seen = String(await page.evaluate("document.cookie"))
        .split("; ")
        .map((part) => part.split("=")[0]);
      expect((await page.locator("#ce-demo-cookies").textContent())?.split(", ")).toEqual(seen);
      await page.context().close();
    });

    it("the banner's Accept all goes through the consent API and applies without a reload", async () => {
      says(`its "Accept all" and
"Reject all" go through consent-edge's consent API and apply without a reload`);
      const page = await freshPage();
      let navigations = 0;
      page.on("framenavigated", () => (navigations += 1));
      const posted = page.waitForRequest(
        (req: Request) => req.method() === "POST" && new URL(req.url()).pathname === "/.consent-edge/consent",
      );
      await page
        .getByRole("region", { name: "Cookies on this site" })
        .getByRole("button", { name: "Accept all" })
        .click();
      await posted;
      await expect
        .poll(async () => (await page.context().cookies()).find((c) => c.name === "ce_consent")?.value ?? "")
        .toMatch(/^1\.2026-04-03\.\d+\.functional~analytics~marketing\./);
      expect(navigations).toBe(0);
      await page.context().close();
    });
  });
});

describe("npm test beside npm start", () => {
  // wrangler (`wrangler dev`, also in demo/origin/) and Miniflare write bundles under .wrangler/.
  const generated = [
    ".wrangler/tmp/bundle-x/middleware-loader.entry.ts",
    "demo/origin/.wrangler/tmp/dev-x/index.js",
    "demo/origin/.wrangler/tmp/bundle-x/middleware-loader.entry.ts",
  ];

  it.each(generated)("%s is neither linted nor format-checked", async (path) => {
    says("their temporary files under `.wrangler/`, at any depth, are neither linted nor format-checked");
    const eslint = new ESLint({ cwd: ROOT });
    const ignorePath = [join(ROOT, ".gitignore"), join(ROOT, ".prettierignore")];
    expect(await eslint.isPathIgnored(join(ROOT, path))).toBe(true);
    expect((await getFileInfo(join(ROOT, path), { ignorePath })).ignored).toBe(true);
    // The same questions about a source file beside them: they are linted and checked.
    const source = join(ROOT, "demo/origin/index.ts");
    expect(await eslint.isPathIgnored(source)).toBe(false);
    expect((await getFileInfo(source, { ignorePath })).ignored).toBe(false);
  });
});

/** The banner fragment of a page, as served: from its `<style>` to its `<script>` (style, region, link, script). */
function bannerFragment(html: string): string {
  const document = parse(html, { sourceCodeLocationInfo: true });
  const elements: Element[] = [];
  const walk = (node: Node): void => {
    if ("tagName" in node) elements.push(node);
    if ("childNodes" in node) for (const child of node.childNodes) walk(child);
  };
  walk(document);
  const body = elements.find((element) => element.tagName === "body");
  const children = (body?.childNodes ?? []).filter((node): node is Element => "tagName" in node);
  const region = children.findIndex((element) =>
    element.attrs.some((a) => a.name === "id" && a.value === "ce-banner"),
  );
  const [style, , link, script] = children.slice(region - 1, region + 3);
  expect([style?.tagName, link?.attrs.find((a) => a.name === "id")?.value, script?.tagName]).toEqual([
    "style",
    "ce-banner-settings",
    "script",
  ]);
  const from = style?.sourceCodeLocation?.startOffset ?? 0;
  const to = script?.sourceCodeLocation?.endOffset ?? 0;
  return html.slice(from, to);
}
