/**
 * What the browser test runs against, all on loopback:
 *   - consent-edge (the bundled worker, as deployed) in front of the demo origin, in Miniflare;
 *   - fake tracker servers on ports 80 and 443 that every tracker host resolves to (Chromium's
 *     --host-resolver-rules), which record each request and answer like the real vendor would
 *     (the analytics scripts set their cookies with document.cookie).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleWorker } from "../../scripts/bundle-worker.ts";
import { applyMigrations } from "../../scripts/migrations.ts";
import { request } from "./edge-http.ts";
import { Miniflare } from "miniflare";
import { type Browser, chromium } from "playwright-core";

export interface TrackerHit {
  host: string;
  path: string;
}

/** What each fake vendor script does when it runs: set the cookies the real one sets. */
const FAKE_SCRIPTS: Array<[RegExp, string]> = [
  [
    /googletagmanager\.com\/gtag\/js\?id=G-/,
    `document.cookie="_ga=GA1.1.e2e; path=/; max-age=3600"; document.cookie="_ga_DEMO123=GS1.e2e; path=/; max-age=3600"; window.__loaded=(window.__loaded||[]).concat("ga4");`,
  ],
  [
    /googletagmanager\.com\/gtag\/js\?id=AW-/,
    `document.cookie="_gcl_au=1.1.e2e; path=/; max-age=3600"; window.__loaded=(window.__loaded||[]).concat("ads");`,
  ],
  [
    /clarity\.ms\/tag\//,
    `document.cookie="_clck=e2e; path=/; max-age=3600"; window.__loaded=(window.__loaded||[]).concat("clarity");`,
  ],
  [
    /posthog\.com\/static\/array\.js/,
    `document.cookie="ph_phc_demo123_posthog=e2e; path=/; max-age=3600"; window.__loaded=(window.__loaded||[]).concat("posthog");`,
  ],
  [
    /analytics\.aktok\.com\/matomo\.js/,
    `document.cookie="_pk_id.1.1fff=e2e; path=/; max-age=3600"; window.__loaded=(window.__loaded||[]).concat("matomo");`,
  ],
  [
    /connect\.facebook\.net/,
    `document.cookie="_fbp=fb.1.e2e; path=/; max-age=3600"; window.__loaded=(window.__loaded||[]).concat("meta");`,
  ],
];

export async function startEdge(): Promise<{ url: string; stop: () => Promise<void> }> {
  const [edge, origin] = await Promise.all([
    bundleWorker("demo/edge.ts"),
    bundleWorker("demo/origin/index.ts"),
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
        serviceBindings: { DEMO_ORIGIN: "demo-origin" },
        bindings: { CONSENT_DEBUG_SECRET: "e2e-secret" },
        d1Databases: ["CONSENT_DB"],
      },
      { name: "demo-origin", modules: true, script: origin, compatibilityDate: "2026-04-20" },
    ],
  });
  const url = await mf.ready;
  await applyMigrations(mf, "consent-edge");
  return { url: url.href.replace("127.0.0.1", "localhost"), stop: () => mf.dispose() };
}

/** A throwaway self-signed certificate for the fake tracker servers (Chromium runs with --ignore-certificate-errors). */
export function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), "consent-edge-e2e-"));
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=fake-tracker",
      ],
      { stdio: "ignore" },
    );
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startFakeTrackers(
  httpPort = 80,
  httpsPort = 443,
): Promise<{ hits: TrackerHit[]; stop: () => Promise<void> }> {
  const hits: TrackerHit[] = [];
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const host = (request.headers.host ?? "").replace(/:\d+$/, "");
    const path = request.url ?? "/";
    hits.push({ host, path });
    const script = FAKE_SCRIPTS.find(([pattern]) => pattern.test(`${host}${path}`));
    response.writeHead(200, {
      "Content-Type": script ? "text/javascript" : "image/gif",
      "Access-Control-Allow-Origin": "*",
      "Cache-Control": "no-store",
    });
    response.end(script ? script[1] : "");
  };
  const servers: Server[] = [createHttpServer(handle), createHttpsServer(selfSignedCertificate(), handle)];
  await Promise.all(
    servers.map(
      (server, i) =>
        new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen(i === 0 ? httpPort : httpsPort, "127.0.0.1", resolve);
        }),
    ),
  );
  return {
    hits,
    stop: async () => {
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}

/** Debian's Chromium, if installed. */
export function chromiumPath(): string | undefined {
  return ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => existsSync(path));
}

/**
 * What every browser test starts Chromium with on this machine: headless as root, and nothing of
 * its own on the network (the machine's network is closed, and background requests would fail
 * many at a time). Each test adds how hosts resolve for it.
 */
const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Debian's Chromium with the flags above and the test's own. */
export function launchChromium(args: string[]): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath() ?? "/usr/bin/chromium",
    args: [...CHROMIUM_FLAGS, ...args],
  });
}

/** A TCP port nothing listens on right now (the OS picks it), for a server a test starts by port number. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createTcpServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => {
        done(port);
      });
    });
  });
}

/** Resolves once `url` answers at all (any status), or rejects after `timeoutMs` with the process's output. */
export async function waitForHttp(url: string, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await request(url, { path: "/", timeoutMs: 2_000, headers: { Connection: "close" } });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`nothing answered on ${url}:\n${output()}`);
      await new Promise((done) => setTimeout(done, 250));
    }
  }
}

export interface ProcessGroup {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
  /** SIGTERM to the whole group (SIGKILL after 5 s), resolved once the command exited. */
  stop: () => Promise<void>;
}

/**
 * Start a command in its own process group, so that stopping it stops npm, sh, tsx and node alike:
 * npm does not pass a SIGTERM on to its script's children.
 */
export function startProcessGroup(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): ProcessGroup {
  const child = spawn(command, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  const exited = new Promise<void>((done) =>
    child.once("exit", () => {
      done();
    }),
  );
  return {
    child,
    output: () => text,
    stop: async () => {
      if (child.pid === undefined) return;
      const group = -child.pid;
      // The whole group, even when its leader (npm) already exited: its children may not have.
      const signal = (name: NodeJS.Signals): void => {
        try {
          process.kill(group, name);
        } catch {
          // ESRCH: nothing left in the group.
        }
      };
      signal("SIGTERM");
      const timer = setTimeout(() => {
        signal("SIGKILL");
      }, 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
