/**
 * The CLI (src/cli/) against hostile servers over real HTTP, with Node's own fetch, as the
 * installed command runs it (main() with the same Io as scripts/cli-bin.ts, files in a temporary
 * folder): a "worker" that redirects elsewhere must never hand the debug secret on, one that
 * answers without end must not be read without end, and what it says is printed without its
 * escape sequences. The worker-side attacks are in ../attacks-issue10.test.ts.
 */
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Io, main } from "../../src/cli/main.ts";

const SECRET = "attack-e2e-debug-secret-0001";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
}

/** A server on a port of its own (port 0), answering with `handler`, remembering each request. */
async function serve(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers });
    handler(request, response);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, server };
}

const servers: Server[] = [];
let dir = "";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "consent-edge-attacks-"));
});

afterAll(() => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

function cli(env: Record<string, string> = { CONSENT_EDGE_DEBUG_SECRET: SECRET }) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: Io = {
    readFile: (path) => readFileSync(path, "utf8"),
    writeFile: (path, text) => {
      writeFileSync(path, text, "utf8");
    },
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    fetch,
    env,
    colour: false,
  };
  return { io, stdout, stderr };
}

/** A config for a site on 127.0.0.1 (what `suggest` patches). */
function configFile(): string {
  const file = join(dir, `config-${crypto.randomUUID().slice(0, 8)}.json`);
  const config = {
    sites: [
      {
        id: "attacked",
        hosts: ["127.0.0.1"],
        origin: "https://origin.example.com",
        policyRevision: "2026-04-03",
        debugSecret: "CONSENT_DEBUG_SECRET",
        inventory: { enabled: true },
      },
    ],
  };
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

describe("a worker that redirects", () => {
  it.each([301, 302, 303, 307, 308])(
    "answering %i to elsewhere never gets the debug secret sent there, by any command",
    async (status) => {
      const elsewhere = await serve((_, response) => {
        response.writeHead(200, { "Content-Type": "application/json", "X-Consent-Site": "stolen" });
        response.end('{"site":"stolen","generatedAt":0,"mode":"enforce","entries":[]}');
      });
      const redirecting = await serve((request, response) => {
        response.writeHead(status, { Location: `${elsewhere.url}${request.url ?? "/"}` });
        response.end();
      });
      servers.push(elsewhere.server, redirecting.server);
      const config = configFile();
      const before = readFileSync(config, "utf8");
      const runs = [
        ["explain", `${redirecting.url}/page`],
        ["inventory", redirecting.url],
        ["suggest", redirecting.url, "--config", config, "--write"],
        ["receipts", "get", "abc", redirecting.url],
        ["receipts", "export", redirecting.url, "--from", "2026-01-01", "--to", "2026-02-01"],
        ["receipts", "purge", redirecting.url],
      ];
      for (const args of runs) {
        const { io, stderr } = cli();
        const code = await main(args, io);
        expect(code, args.join(" ")).not.toBe(0);
        expect(stderr.join("\n"), args.join(" ")).not.toBe("");
      }
      expect(redirecting.seen.length).toBe(runs.length);
      expect(redirecting.seen.every((request) => request.headers["x-consent-debug"] === SECRET)).toBe(true);
      expect(elsewhere.seen).toEqual([]);
      expect(readFileSync(config, "utf8")).toBe(before);
    },
  );
});

describe("a worker whose answer is hostile", () => {
  it("an inventory with escape sequences and bidi overrides in its names prints none of them", async () => {
    const entry = (name: string, rule: string | null) => ({
      site: "attacked",
      kind: "cookie",
      name,
      source: "set-cookie",
      action: "dropped",
      rule,
      category: rule === null ? null : "analytics",
      count: 1,
      firstSeen: 0,
      lastSeen: 0,
      samplePaths: ["/\u001b]52;c;ZWNobyBwd25lZA==\u0007", "/\u202eevil"],
    });
    const worker = await serve((_, response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(
        JSON.stringify({
          site: "attacked\u001b[2J",
          generatedAt: 0,
          mode: "enforce",
          entries: [entry("\u001b[31mred\u001b[0m", null), entry("_ga\u009b6n", "_ga\u202e")],
        }),
      );
    });
    servers.push(worker.server);
    for (const args of [
      ["inventory", worker.url],
      ["inventory", worker.url, "--json"],
      ["suggest", worker.url, "--config", configFile()],
    ]) {
      const { io, stdout, stderr } = cli();
      await main(args, io);
      const printed = [...stdout, ...stderr].join("\n");
      expect(printed, args.join(" ")).not.toMatch(
        /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/,
      );
      if (args[0] === "inventory") expect(printed, args.join(" ")).toContain("red");
    }
  });

  it("receipts --json escapes DEL, C1 controls and bidi overrides, and a script still parses the exact value", async () => {
    const region = "DE\u009b2J\u202eevil\u007f";
    const receipt = {
      id: "abc",
      site: "attacked",
      createdAt: 0,
      policyRevision: "r\u2066",
      action: "grant",
      granted: ["necessary"],
      method: "json",
      region,
      previousId: null,
    };
    const worker = await serve((_, response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(JSON.stringify(receipt));
    });
    servers.push(worker.server);
    const { io, stdout } = cli();
    expect(await main(["receipts", "get", "abc", worker.url, "--json"], io)).toBe(0);
    const printed = stdout.join("\n");
    expect(printed).not.toMatch(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(JSON.parse(printed)).toEqual(receipt);
  });

  it("an answer that does not end is not read without end: the CLI gives up past its cap", async () => {
    const TOTAL = 96 * 1024 * 1024;
    let written = 0;
    const worker = await serve((_, response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      const chunk = Buffer.alloc(256 * 1024, 0x61);
      response.write('{"site":"attacked","entries":[],"pad":"');
      const pump = () => {
        while (written < TOTAL) {
          written += chunk.byteLength;
          if (!response.write(chunk)) return void response.once("drain", pump);
        }
        response.end('"}');
      };
      response.on("close", () => {
        written = Math.min(written, TOTAL);
      });
      pump();
    });
    servers.push(worker.server);
    const { io, stderr } = cli();
    const code = await main(["inventory", worker.url], io);
    expect(code).not.toBe(0);
    expect(stderr.join("\n")).toMatch(/more than/);
    // Socket buffers hold a few MiB beyond what was read.
    expect(written).toBeLessThan(TOTAL / 2);
  });
});

describe("the secret over the network", () => {
  it("is never sent over plain http to a host that is not this machine", async () => {
    const seen: string[] = [];
    const recording: typeof fetch = (input) => {
      seen.push(String(input instanceof Request ? input.url : input));
      return Promise.reject(new Error("not sent"));
    };
    for (const args of [
      ["explain", "http://www.example.com/"],
      ["inventory", "http://www.example.com"],
      ["receipts", "get", "abc", "http://shop.example.com"],
    ]) {
      const { io, stderr } = cli();
      const code = await main(args, { ...io, fetch: recording });
      expect(code, args.join(" ")).toBe(2);
      expect(stderr.join("\n")).toMatch(/https/);
    }
    expect(seen).toEqual([]);
    // This machine over http stays allowed: `wrangler dev` and the demo listen there.
    for (const url of ["http://localhost:8787/", "http://127.0.0.1:8787/", "http://[::1]:8787/"]) {
      const { io } = cli();
      await main(["explain", url], { ...io, fetch: recording });
    }
    expect(seen).toHaveLength(3);
  });
});
