/**
 * What the browser test runs against, all on loopback:
 *   - consent-edge (the bundled worker, as deployed) in front of the demo origin, in Miniflare, the
 *     origin with its first-party browser scripts (/run-time, /sdks) bundled as npm start bundles them;
 *   - fake tracker servers (ports 80 and 443, or any) that every tracker host resolves to (Chromium's
 *     --host-resolver-rules), which record each request, body and TLS connection, and answer like the
 *     real vendor would: the analytics scripts set their cookies with document.cookie, gtag.js sends
 *     its dataLayer's commands to the GA collect endpoint, PostHog's and Mixpanel's endpoints answer
 *     their SDKs, WebSocket and EventSource connections open.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createTcpServer } from "node:net";
import { type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSecureContext } from "node:tls";
import { gunzipSync } from "node:zlib";
import { bundleFirstPartyScripts, bundleWorker } from "../../scripts/bundle-worker.ts";
import { applyMigrations } from "../../scripts/migrations.ts";
import { request } from "./edge-http.ts";
import { Miniflare } from "miniflare";
import { type Browser, chromium } from "playwright-core";

export interface TrackerHit {
  host: string;
  path: string;
}

/** A request as the fake tracker servers saw it, body decoded (gzip, `data=` form, base64) as text. */
export interface RecordedRequest extends TrackerHit {
  method: string;
  body: string;
  /** When it arrived (Date.now()), to tell what came before a grant from what came after. */
  at: number;
}

/**
 * gtag.js for a GA4 id, as far as a test needs it: the cookies, and each `config` (a page_view) and
 * `event` command of the dataLayer, queued before it loaded or pushed after, sent to GA's collect
 * endpoint with sendBeacon, as the real one sends them. One instance per page, like the real one.
 */
const FAKE_GTAG_GA4 = `document.cookie="_ga=GA1.1.e2e; path=/; max-age=3600"; document.cookie="_ga_DEMO123=GS1.e2e; path=/; max-age=3600"; window.__loaded=(window.__loaded||[]).concat("ga4");
(function () {
  var dl = (window.dataLayer = window.dataLayer || []);
  if (dl.__fakeGtag) return;
  dl.__fakeGtag = true;
  var ids = [];
  function send(id, name) {
    navigator.sendBeacon("https://region1.google-analytics.com/g/collect?v=2&tid=" + id + "&en=" + encodeURIComponent(name));
  }
  function run(command) {
    var c = Array.prototype.slice.call(command);
    if (c[0] === "config" && /^G-/.test(c[1])) {
      if (ids.indexOf(c[1]) < 0) ids.push(c[1]);
      send(c[1], "page_view");
    } else if (c[0] === "event") ids.forEach(function (id) { send(id, String(c[1])); });
  }
  for (var i = 0; i < dl.length; i++) run(dl[i]);
  var push = dl.push;
  dl.push = function () {
    for (var j = 0; j < arguments.length; j++) run(arguments[j]);
    return push.apply(dl, arguments);
  };
})();`;

/** PostHog's remote config for the demo's project: nothing optional switched on. */
const POSTHOG_CONFIG = {
  token: "phc_demo123",
  supportedCompression: ["gzip", "gzip-js"],
  hasFeatureFlags: false,
  sessionRecording: false,
  heatmaps: false,
  surveys: false,
  autocaptureExceptions: false,
  captureDeadClicks: false,
  siteApps: [],
};

/** What each fake vendor script does when it runs: set the cookies the real one sets. */
const FAKE_SCRIPTS: Array<[RegExp, string]> = [
  [/googletagmanager\.com\/gtag\/js\?id=G-/, FAKE_GTAG_GA4],
  [
    /googletagmanager\.com\/gtag\/js\?id=AW-/,
    `document.cookie="_gcl_au=1.1.e2e; path=/; max-age=3600"; window.__loaded=(window.__loaded||[]).concat("ads");`,
  ],
  [
    /clarity\.ms\/tag\//,
    `document.cookie="_clck=e2e; path=/; max-age=3600"; window.__loaded=(window.__loaded||[]).concat("clarity");`,
  ],
  [
    /posthog\.com\/array\/phc_demo123\/config\.js/,
    `(window._POSTHOG_REMOTE_CONFIG=window._POSTHOG_REMOTE_CONFIG||{})["phc_demo123"]={config:${JSON.stringify(POSTHOG_CONFIG)},siteApps:[]};window.__loaded=(window.__loaded||[]).concat("posthog-config");`,
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

/** JSON answers of the vendors' APIs, by host and path. */
const FAKE_JSON: Array<[RegExp, unknown]> = [
  [/posthog\.com\/array\/phc_demo123\/config(\?|$)/, POSTHOG_CONFIG],
  [
    /posthog\.com\/(flags|decide)\//,
    { featureFlags: {}, featureFlagPayloads: {}, errorsWhileComputingFlags: false },
  ],
  [/posthog\.com\//, { status: 1 }],
  [/mixpanel\.com\//, { status: 1, error: null }],
];

const ROOT = join(import.meta.dirname, "../..");

/**
 * The demo worker with its inventory on (`browserSample` of its page views reporting) and a
 * recorder that flushes whenever it can (a test cannot wait 30 s), and the config it was built with.
 */
export async function demoWithInventory(browserSample: number): Promise<{ script: string; config: unknown }> {
  const config = JSON.parse(readFileSync(join(ROOT, "demo/consent-edge.config.json"), "utf8")) as {
    sites: Array<Record<string, unknown>>;
  };
  for (const site of config.sites) site["inventory"] = { enabled: true, browserSample };
  const dir = mkdtempSync(join(tmpdir(), "consent-edge-inventory-"));
  const entry = join(dir, "edge.ts");
  writeFileSync(
    entry,
    [
      `import config from ${JSON.stringify(join(ROOT, "demo/consent-edge.config.json"))};`,
      `import { createWorker } from ${JSON.stringify(join(ROOT, "src/worker.ts"))};`,
      `import { createRecorder } from ${JSON.stringify(join(ROOT, "src/inventory/recorder.ts"))};`,
      "export default createWorker(config, { inventory: createRecorder({ flushIntervalSeconds: 0 }) });",
    ].join("\n"),
  );
  try {
    return { script: await bundleWorker(entry, { config }), config };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface EdgeServerOptions {
  /**
   * The consent-edge worker's script, bundled by the test (its own entry or config), instead of
   * demo/edge.ts with the demo's config.
   */
  script?: string;
}

export async function startEdge(
  options: EdgeServerOptions = {},
): Promise<{ url: string; stop: () => Promise<void>; mf: Miniflare }> {
  const [edge, origin, firstParty] = await Promise.all([
    options.script ?? bundleWorker("demo/edge.ts"),
    bundleWorker("demo/origin/index.ts"),
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
        serviceBindings: { DEMO_ORIGIN: "demo-origin" },
        bindings: { CONSENT_DEBUG_SECRET: "e2e-debug-secret-0001" },
        d1Databases: ["CONSENT_DB", "INVENTORY_DB"],
      },
      {
        name: "demo-origin",
        modules: true,
        script: origin,
        compatibilityDate: "2026-04-20",
        bindings: { FIRST_PARTY_SCRIPTS: firstParty },
      },
    ],
  });
  const url = await mf.ready;
  await applyMigrations(mf, "consent-edge");
  return { url: url.href.replace("127.0.0.1", "localhost"), stop: () => mf.dispose(), mf };
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
  return startRecordingTrackers({ httpPort, httpsPort });
}

export interface RecordingTrackers {
  /** Every request, host and path only (what startFakeTrackers gives). */
  hits: TrackerHit[];
  /** Every request with its method, decoded body and time. */
  requests: RecordedRequest[];
  /** The host name (TLS SNI) of every TLS connection begun, requests or not: preconnects show here. */
  connections: string[];
  /** The ports listened on (0 asks the OS for free ones; map hosts to httpsPort then). */
  httpPort: number;
  httpsPort: number;
  stop: () => Promise<void>;
}

/** A request body as text: gunzipped when gzip, a `data=` form field's value, base64 decoded when it is. */
export function decodeBody(raw: Buffer): string {
  let bytes = raw;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      // Not gzip after all: kept as sent.
    }
  }
  const text = bytes.toString("utf8");
  if (!/^data=/.test(text)) return text;
  const data = new URLSearchParams(text).get("data") ?? "";
  if (!/^[A-Za-z0-9+/=]+$/.test(data)) return data;
  const decoded = Buffer.from(data, "base64").toString("utf8");
  return /^[[{]/.test(decoded) ? decoded : data;
}

/** RFC 6455 §4.2.2: the Sec-WebSocket-Accept value for a client's key. */
function webSocketAccept(key: string): string {
  return createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
}

/** A 1x1 transparent GIF, so that a pixel fires `load` as a real one does (an empty body fires `error`). */
const PIXEL_GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

/** What a fake vendor answers a request with: a script, JSON, an event stream, or an empty pixel. */
function fakeAnswer(request: IncomingMessage, target: string): { type: string; body: string | Buffer } {
  const script = FAKE_SCRIPTS.find(([pattern]) => pattern.test(target));
  if (script) return { type: "text/javascript", body: script[1] };
  if ((request.headers.accept ?? "").includes("text/event-stream"))
    return { type: "text/event-stream", body: "retry: 600000\ndata: hello\n\n" };
  const json = FAKE_JSON.find(([pattern]) => pattern.test(target));
  if (json) return { type: "application/json", body: JSON.stringify(json[1]) };
  // Any other script of a vendor (posthog-js's lazily loaded extensions): one that does nothing.
  if (/\.js(\?|$)/.test(target)) return { type: "text/javascript", body: "" };
  return { type: "image/gif", body: PIXEL_GIF };
}

/**
 * Fake tracker servers that record everything that reaches them. CORS answers as the vendors' APIs
 * do (the page's origin reflected, credentials allowed, preflights answered), so an SDK's request is
 * refused only by what the test is about.
 */
export async function startRecordingTrackers(
  options: { httpPort?: number; httpsPort?: number } = {},
): Promise<RecordingTrackers> {
  const hits: TrackerHit[] = [];
  const requests: RecordedRequest[] = [];
  const connections: string[] = [];
  const sockets = new Set<Socket>();
  const hostOf = (request: IncomingMessage) => (request.headers.host ?? "").replace(/:\d+$/, "");
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const host = hostOf(request);
    const path = request.url ?? "/";
    const at = Date.now();
    hits.push({ host, path });
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests.push({
        host,
        path,
        method: request.method ?? "GET",
        body: decodeBody(Buffer.concat(chunks)),
        at,
      });
      const origin = request.headers.origin;
      const cors = {
        "Access-Control-Allow-Origin": origin ?? "*",
        ...(origin ? { "Access-Control-Allow-Credentials": "true", Vary: "Origin" } : {}),
        "Cache-Control": "no-store",
      };
      if (request.method === "OPTIONS") {
        response.writeHead(204, {
          ...cors,
          "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
          "Access-Control-Allow-Headers": request.headers["access-control-request-headers"] ?? "*",
          "Access-Control-Max-Age": "600",
        });
        response.end();
        return;
      }
      const answer = fakeAnswer(request, `${host}${path}`);
      response.writeHead(200, { ...cors, "Content-Type": answer.type });
      response.end(answer.body);
    });
  };
  /** A WebSocket handshake accepted (RFC 6455 §4.2.2), then closed by the page or the test's end. */
  const upgrade = (request: IncomingMessage, socket: Socket) => {
    const host = hostOf(request);
    const path = request.url ?? "/";
    hits.push({ host, path });
    requests.push({ host, path, method: "GET", body: "", at: Date.now() });
    const key = request.headers["sec-websocket-key"] ?? "";
    socket.on("error", () => undefined);
    // Kept open (the page closes it once open): a socket ended with the handshake fails it.
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${webSocketAccept(key)}\r\n\r\n`,
    );
  };
  const certificate = selfSignedCertificate();
  const context = createSecureContext(certificate);
  const https = createHttpsServer(
    {
      ...certificate,
      // Read at the ClientHello: a preconnect may never finish its handshake, or use its socket.
      SNICallback: (name, done) => {
        connections.push(name);
        done(null, context);
      },
    },
    handle,
  );
  const servers: Server[] = [createHttpServer(handle), https];
  for (const server of servers) server.on("upgrade", upgrade);
  const ports = [options.httpPort ?? 80, options.httpsPort ?? 443];
  await Promise.all(
    servers.map(
      (server, i) =>
        new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen(ports[i], "127.0.0.1", resolve);
        }),
    ),
  );
  const portOf = (server: Server) => {
    const address = server.address();
    return typeof address === "object" && address ? address.port : 0;
  };
  return {
    hits,
    requests,
    connections,
    httpPort: portOf(servers[0] as Server),
    httpsPort: portOf(https),
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      for (const server of servers) server.closeAllConnections();
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

/**
 * Resolves once `url` answers at all (any status), or rejects after `timeoutMs` with the process's
 * output. `url`'s own path is asked, not `/`: a caller that names a path the inventory does not
 * count (the consent API) must not get a page view counted instead.
 */
export async function waitForHttp(url: string, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const { pathname, search } = new URL(url);
  for (;;) {
    try {
      await request(url, {
        path: `${pathname}${search}`,
        timeoutMs: 2_000,
        headers: { Connection: "close" },
      });
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
