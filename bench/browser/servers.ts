/**
 * What `npm run bench:browser` runs against, all on loopback:
 *   - the bench's origin: the demo origin (demo/origin) with three changes, in one worker: the
 *     ~100 KiB bench page (bench/html-page.ts) at /news, with the demo's cookies; on every page, one
 *     more tracking cookie, FPID, HttpOnly, as server-side tagging sets it (no script can delete it);
 *     and a bare 404 (no page, no cookies) for what the demo does not have (the bench page's files);
 *   - consent-edge (src/worker.ts, bundled as deployed) in front of that origin, with the demo's config
 *     plus what the additions need (FPID's rule, the bench page's two pixel hosts), inventory off;
 *   - one Node HTTP server per client-side variant (a tool, tagged or not, or no tool): it asks the
 *     same origin (Miniflare's Fetcher, from Node) and, for HTML, serves the copy with the tool
 *     installed (install.ts); the tools' files from node_modules under /_peer/.
 * Every variant serves the same origin's pages and Set-Cookie lines; only what sits in between differs.
 * The browser visits them all as http://demo.localhost:<port>: a name with a dot, as a real site has
 * (tools that delete cookies with a Domain attribute miss host-only cookies there, not on a bare
 * `localhost`), that Chromium still counts as a secure context (the demo's Secure cookies are kept).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { bundleFirstPartyScripts, bundleWorker } from "../../scripts/bundle-worker";
import { applyMigrations } from "../../scripts/migrations";
import { SITE_RULE_PIXEL_HOSTS } from "../html-page";
import { installPeer } from "./install";
import type { InstallContext, Peer } from "./peer";
import { ALL_TRACKERS, HTTP_ONLY_TRACKING_COOKIE, SERVICE_COOKIES } from "./trackers";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const PEER_PREFIX = "/_peer/";

/** The bench page's path on the bench origin. */
export const BENCH_PAGE_PATH = "/news";

/** The FPID line the bench origin adds to every HTML page: 400 days, HttpOnly, Secure. */
/** The host the browser visits every variant on (each on its own port). */
export const SITE_HOST = "demo.localhost";

export const FPID_LINE = `${HTTP_ONLY_TRACKING_COOKIE}=FPID2.2.bench0id.1776671880; Max-Age=34560000; Path=/; HttpOnly; Secure; SameSite=Lax`;

/** The bench origin's worker module: the demo origin, the bench page and FPID (see above). */
function originEntry(): string {
  const at = (path: string) => JSON.stringify(join(ROOT, path));
  return `import demo from ${at("demo/origin/index.ts")};
import { renderPage } from ${at("bench/html-page.ts")};
const BENCH_PAGE = renderPage();
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const bench = url.pathname === ${JSON.stringify(BENCH_PAGE_PATH)};
    const response = await demo.fetch(bench ? new Request(new URL("/", url), request) : request, env);
    // The bench page's own files (/static/..., images) are not the demo's: a plain 404, without the
    // demo's 404 page and its cookies, as a site's static files would answer.
    if (response.status === 404) return new Response("Not found", { status: 404 });
    if (!(response.headers.get("Content-Type") || "").startsWith("text/html")) return response;
    const headers = new Headers(response.headers);
    headers.append("Set-Cookie", ${JSON.stringify(FPID_LINE)});
    return new Response(bench ? BENCH_PAGE : response.body, { status: response.status, headers });
  },
};
`;
}

/** The demo's config, with FPID's rule, the bench page's pixel hosts and the inventory off. */
export function benchConfig(): unknown {
  const config = JSON.parse(readFileSync(join(ROOT, "demo/consent-edge.config.json"), "utf8")) as {
    sites: Array<Record<string, unknown> & { cookies: unknown[]; trackers: { rules: unknown[] } }>;
  };
  const site = config.sites[0];
  if (!site) throw new Error("demo/consent-edge.config.json has no site");
  delete site["inventory"];
  site.cookies.push({
    name: HTTP_ONLY_TRACKING_COOKIE,
    category: "analytics",
    provider: "Google Analytics (server-side tagging)",
    purpose: "Distinguishes visitors; set by the site's server, HttpOnly",
    maxAge: "400d",
    setBy: "http",
    httpOnly: true,
    secure: true,
  });
  for (const host of SITE_RULE_PIXEL_HOSTS)
    site.trackers.rules.push({ host, category: "marketing", vendor: "Ad pixel" });
  return config;
}

async function bundleEntry(source: string, config?: unknown): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "consent-edge-bench-browser-"));
  const entry = join(dir, "entry.ts");
  writeFileSync(entry, source);
  try {
    return await bundleWorker(entry, config === undefined ? {} : { config });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface EdgeAndOrigin {
  /** consent-edge in front of the bench origin, for the browser ("http://demo.localhost:<port>"). */
  edgeUrl: string;
  /** A request to consent-edge from Node (which does not resolve demo.localhost). */
  edge: (path: string) => Promise<Response>;
  /** A request to the bench origin itself, from Node. */
  origin: (path: string, headers?: Record<string, string>) => Promise<Response>;
  stop: () => Promise<void>;
}

export async function startEdgeAndOrigin(): Promise<EdgeAndOrigin> {
  const config = benchConfig();
  const edgeSource = [
    `import config from "./consent-edge.config.json";`,
    `import { createWorker } from ${JSON.stringify(join(ROOT, "src/worker.ts"))};`,
    "export default createWorker(config);",
  ].join("\n");
  const [edge, origin, firstParty] = await Promise.all([
    bundleEntry(edgeSource, config),
    bundleEntry(originEntry()),
    bundleFirstPartyScripts(),
  ]);
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    workers: [
      {
        name: "consent-edge",
        modules: true,
        script: edge,
        compatibilityDate: "2026-04-20",
        serviceBindings: { DEMO_ORIGIN: "bench-origin" },
        d1Databases: ["CONSENT_DB"],
      },
      {
        name: "bench-origin",
        modules: true,
        script: origin,
        compatibilityDate: "2026-04-20",
        bindings: { FIRST_PARTY_SCRIPTS: firstParty },
      },
    ],
  });
  const url = await mf.ready;
  await applyMigrations(mf, "consent-edge");
  const fetcher = await mf.getWorker("bench-origin");
  return {
    edgeUrl: `http://${SITE_HOST}:${url.port}`,
    edge: (path) => fetch(new URL(path, url), { headers: { Host: `${SITE_HOST}:${url.port}` } }),
    origin: async (path, headers = {}) =>
      (await fetcher.fetch(`http://${SITE_HOST}${path}`, {
        headers,
        redirect: "manual",
      })) as unknown as Response,
    stop: () => mf.dispose(),
  };
}

/** How a client-side variant serves pages: a tool, tagged or untagged, or none (the site as it is). */
export interface ClientVariant {
  peer?: Peer | undefined;
  tagged: boolean;
}

export const INSTALL_CONTEXT: InstallContext = {
  assetUrl: (file) => `${PEER_PREFIX}${file}`,
  trackers: ALL_TRACKERS,
  cookies: SERVICE_COOKIES,
  policyUrl: "/cookies",
};

/** The page a client-side variant serves for an origin page (what install.ts makes of it). */
export function clientPage(html: string, variant: ClientVariant): string {
  return variant.peer ? installPeer(html, variant.peer, variant.tagged, INSTALL_CONTEXT) : html;
}

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
};

/** Serves one client-side variant on its own port: origin pages (installed) and node_modules files. */
export async function startClientServer(
  variant: ClientVariant,
  origin: EdgeAndOrigin["origin"],
): Promise<{ url: string; stop: () => Promise<void> }> {
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? "/";
    if (path.startsWith(PEER_PREFIX)) {
      serveAsset(path.slice(PEER_PREFIX.length), response);
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of ["cookie", "accept", "accept-language", "user-agent"]) {
      const value = request.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    const answer = await origin(path, headers);
    const out: Record<string, string | string[]> = {};
    answer.headers.forEach((value, name) => {
      if (name !== "set-cookie" && name !== "content-length" && name !== "content-encoding")
        out[name] = value;
    });
    const cookies = answer.headers.getSetCookie();
    if (cookies.length > 0) out["set-cookie"] = cookies;
    const html = (answer.headers.get("Content-Type") ?? "").startsWith("text/html");
    const body = html ? clientPage(await answer.text(), variant) : Buffer.from(await answer.arrayBuffer());
    response.writeHead(answer.status, out);
    response.end(body);
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { "Content-Type": "text/plain" });
      response.end(String(error));
    });
  });
  const port = await listen(server);
  return { url: `http://${SITE_HOST}:${port}`, stop: () => close(server) };
}

function serveAsset(file: string, response: ServerResponse): void {
  const path = resolve(ROOT, "node_modules", decodeURIComponent(file.split("?")[0] ?? ""));
  if (!path.startsWith(join(ROOT, "node_modules"))) {
    response.writeHead(403).end();
    return;
  }
  try {
    const body = readFileSync(path);
    const ext = /\.[a-z]+$/.exec(path)?.[0] ?? "";
    response.writeHead(200, {
      "Content-Type": CONTENT_TYPES[ext] ?? "application/octet-stream",
      "Cache-Control": "public, max-age=3600",
    });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      done(typeof address === "object" && address ? address.port : 0);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((done) => {
    server.closeAllConnections();
    server.close(() => {
      done();
    });
  });
}
