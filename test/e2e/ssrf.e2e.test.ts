/**
 * Issue 7, item 1, over real HTTP: the built worker in workerd, raw request targets written byte
 * for byte on a socket, a real origin and a second server playing the attacker's host. The attacker
 * must never see a connection, whatever the path; the origin gets the path (or a 4xx is served),
 * and the visitor's cookies reach nothing but the origin.
 */
import { createServer as createHttpServer, type IncomingHttpHeaders } from "node:http";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltEdge, site, startBuiltEdge } from "./edge-http";

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  upgrade: boolean;
}

let edge: BuiltEdge;
let originServer: ReturnType<typeof createHttpServer>;
let originPort = 0;
const originSeen: Seen[] = [];
let attacker: Server;
let attackerPort = 0;
let attackerConnections = 0;
const attackerBytes: string[] = [];
const sockets = new Set<Socket>();

const COOKIE = "session=s1; _ga=GA1.2.3; _fbp=fb.1";

beforeAll(async () => {
  originServer = createHttpServer((req, res) => {
    originSeen.push({ url: req.url ?? "", headers: req.headers, upgrade: false });
    res.writeHead(200, { "Content-Type": "text/plain", "Set-Cookie": "session=fresh; Path=/" });
    res.end(`origin saw ${req.url ?? ""}`);
  });
  originServer.on("upgrade", (req, socket: Socket) => {
    originSeen.push({ url: req.url ?? "", headers: req.headers, upgrade: true });
    socket.end("HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  });
  originServer.on("connection", (socket) => {
    track(socket);
  });
  await new Promise<void>((resolve) => originServer.listen(0, "127.0.0.1", resolve));
  originPort = (originServer.address() as AddressInfo).port;

  // The attacker's host: it counts connections, never answers anything useful.
  attacker = createServer((socket) => {
    attackerConnections++;
    track(socket);
    socket.on("data", (chunk: Buffer) => attackerBytes.push(chunk.toString("latin1")));
    socket.end(
      "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 24\r\n\r\n<script>evil()</script>\n",
    );
  });
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  attackerPort = (attacker.address() as AddressInfo).port;

  edge = await startBuiltEdge({ sites: [site({ origin: `http://localhost:${originPort}` })] });
});

afterAll(async () => {
  await edge.stop();
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) =>
    originServer.close(() => {
      resolve();
    }),
  );
  await new Promise<void>((resolve) =>
    attacker.close(() => {
      resolve();
    }),
  );
});

function track(socket: Socket) {
  sockets.add(socket);
  socket.on("close", () => sockets.delete(socket));
}

interface RawReply {
  status: number;
  head: string;
  body: string;
}

/** One request written as raw bytes: the request-target goes on the wire exactly as given. */
function raw(target: string, headers: Record<string, string> = {}, method = "GET"): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(edge.port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const lines = [
      `${method} ${target} HTTP/1.1`,
      `Host: localhost:${edge.port}`,
      "Connection: close",
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.on("connect", () => socket.end(`${lines.join("\r\n")}\r\n\r\n`, "latin1"));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error(`timeout for ${JSON.stringify(target)}`)));
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("latin1");
      const split = text.indexOf("\r\n\r\n");
      const head = split >= 0 ? text.slice(0, split) : text;
      resolve({
        status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0),
        head,
        body: split >= 0 ? text.slice(split + 4) : "",
      });
    });
  });
}

/** Every shape of request-target that could name the attacker's host (EVIL). */
const TARGETS: Array<[string, string]> = [
  ["two slashes", "//EVIL/x"],
  ["two slashes, no path", "//EVIL"],
  ["a backslash", "/\\EVIL/x"],
  ["two backslashes", "/\\\\EVIL/x"],
  ["three slashes", "///EVIL/x"],
  ["a slash and a backslash", "//\\EVIL/x"],
  ["userinfo", "//user@EVIL/x"],
  ["user and password", "//user:pw@EVIL/x"],
  ["dot segments", "/..//EVIL/x"],
  ["encoded dot segments", "/%2e%2e//EVIL/x"],
  ["dot segments with a backslash", "/..\\/EVIL/x"],
  ["encoded slashes", "/%2F%2FEVIL/x"],
  ["an encoded backslash", "/%5CEVIL/x"],
  ["a tab between the slashes", "/\t/EVIL/x"],
  ["a query", "//EVIL?next=/x"],
  ["a scheme in the path", "/http://EVIL/x"],
];

/**
 * Absolute-form targets (RFC 9112 §3.2.2). workerd's HTTP server refuses them itself (a 500 before
 * any worker code runs; Cloudflare's edge turns them into origin-form before a worker sees them):
 * what matters here is that nothing is fetched from anyone.
 */
const ABSOLUTE: Array<[string, string]> = [
  ["the attacker's authority", "http://EVIL/x"],
  ["the site's host and a //path", "http://localhost//EVIL/x"],
  ["userinfo naming the site", "http://localhost@EVIL/x"],
  ["the site's own authority", "http://localhost/x"],
];

const expand = (target: string) => target.replaceAll("EVIL", `127.0.0.1:${attackerPort}`);

describe("no request target reaches another host", () => {
  it.each(TARGETS)("%s (%j)", async (_, shape) => {
    const target = expand(shape);
    const before = originSeen.length;
    const attackedBefore = attackerConnections;
    const reply = await raw(target, { Cookie: COOKIE });
    expect(attackerConnections - attackedBefore).toBe(0);
    expect(reply.status).toBeGreaterThanOrEqual(200);
    expect(reply.status).toBeLessThan(500);
    expect(reply.body).not.toContain("evil()");
    if (reply.status === 200) {
      // It went to the origin, as a path on the origin, with only the cookies the visitor keeps.
      const seen = originSeen.slice(before);
      expect(seen).toHaveLength(1);
      expect(seen[0]?.headers.host).toBe(`localhost:${originPort}`);
      expect(seen[0]?.url.startsWith("/")).toBe(true);
      expect(seen[0]?.headers.cookie).toBe("session=s1");
    } else {
      expect(originSeen.length).toBe(before);
    }
  });

  it.each(TARGETS)("a WebSocket upgrade with %s (%j)", async (_, shape) => {
    const target = expand(shape);
    const before = originSeen.length;
    const attackedBefore = attackerConnections;
    const reply = await raw(target, {
      Cookie: COOKIE,
      Upgrade: "websocket",
      Connection: "Upgrade",
      "Sec-WebSocket-Version": "13",
      "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    });
    expect(attackerConnections - attackedBefore).toBe(0);
    expect(reply.status).toBeLessThan(500);
    for (const seen of originSeen.slice(before)) {
      expect(seen.headers.host).toBe(`localhost:${originPort}`);
      expect(seen.headers.cookie ?? "").not.toMatch(/_ga|_fbp/);
    }
  });

  it.each(ABSOLUTE)("absolute-form, %s (%j): nothing is fetched from anyone", async (_, shape) => {
    const before = originSeen.length;
    const reply = await raw(expand(shape), { Cookie: COOKIE });
    expect(reply.body).not.toContain("evil()");
    expect(reply.head).not.toMatch(/^set-cookie:/im);
    expect(originSeen.length).toBe(before);
    expect(attackerConnections).toBe(0);
  });

  it("the plain path reaches the origin with it, the kept cookie and the routed host", async () => {
    const before = originSeen.length;
    const reply = await raw("//example.test/page?q=1", {
      Cookie: COOKIE,
      "X-Forwarded-Host": `127.0.0.1:${attackerPort}`,
      Forwarded: `host=127.0.0.1:${attackerPort}`,
    });
    expect(reply.status).toBe(200);
    const seen = originSeen[before];
    expect(seen?.url).toBe("//example.test/page?q=1");
    expect(seen?.headers.host).toBe(`localhost:${originPort}`);
    expect(seen?.headers["x-forwarded-host"]).toBe(`localhost:${edge.port}`);
    expect(seen?.headers.forwarded).toBeUndefined();
    expect(seen?.headers.cookie).toBe("session=s1");
  });

  it("a Host header naming the attacker is not a site: 421, nothing fetched", async () => {
    const before = originSeen.length;
    const socketReply = await new Promise<string>((resolve, reject) => {
      const socket = connect(edge.port, "127.0.0.1");
      const chunks: Buffer[] = [];
      socket.on("connect", () =>
        socket.end(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${attackerPort}\r\nConnection: close\r\n\r\n`),
      );
      socket.on("data", (chunk: Buffer) => chunks.push(chunk));
      socket.on("error", reject);
      socket.on("close", () => {
        resolve(Buffer.concat(chunks).toString("latin1"));
      });
    });
    expect(socketReply).toMatch(/^HTTP\/1\.1 421 /);
    expect(originSeen.length).toBe(before);
    expect(attackerConnections).toBe(0);
  });

  it("the attacker never received a byte in the whole file", () => {
    expect(attackerConnections).toBe(0);
    expect(attackerBytes).toEqual([]);
  });
});
