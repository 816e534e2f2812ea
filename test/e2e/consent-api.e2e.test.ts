/**
 * Issue 7, item 9, over real HTTP: the built worker in workerd with a real D1 (Miniflare's SQLite),
 * a chunked body far over the cap, a burst of grants from one client, and D1 going away.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltEdge, request, site, startBuiltEdge, startOrigin, type TestOrigin } from "./edge-http";

let origin: TestOrigin;
let edge: BuiltEdge;
const API = "/.consent-edge/consent";

beforeAll(async () => {
  origin = await startOrigin((_, res) => {
    res.end("origin");
  });
  edge = await startBuiltEdge({ sites: [site({ origin: origin.url, consent: { receipts: true } })] });
});

afterAll(async () => {
  await edge.stop();
  await origin.stop();
});

async function rows(): Promise<number> {
  const db = await edge.mf.getD1Database("CONSENT_DB", "consent-edge");
  return (await db.prepare("SELECT COUNT(*) AS n FROM consent_receipts").first<{ n: number }>())?.n ?? 0;
}

const grant = (headers: Record<string, string> = {}) =>
  request(edge.url, {
    method: "POST",
    path: API,
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ granted: ["analytics"] }),
  });

/**
 * POST a chunked body of up to `total` bytes on a raw socket, a chunk at a time, and stop writing
 * once the response has begun. A server that answers early and closes may reset the connection
 * under the rest of the body: what counts is the response that arrived, and how much was sent.
 */
function chunkedPost(type: string, prefix: string, total: number) {
  return new Promise<{ status: number; setCookie: string[]; sent: number }>((resolve, reject) => {
    const socket = connect(edge.port, "127.0.0.1");
    let sent = 0;
    let received = "";
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      socket.destroy();
      const head = received.slice(0, Math.max(0, received.indexOf("\r\n\r\n")));
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      if (status === 0) {
        reject(new Error(`no response after ${sent} bytes`));
        return;
      }
      const setCookie = [...head.matchAll(/^set-cookie: (.*)$/gim)].map((match) => match[1] ?? "");
      resolve({ status, setCookie, sent });
    };
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (received.includes("\r\n\r\n")) finish();
    });
    socket.on("error", finish);
    socket.on("close", finish);
    const frame = (data: string | Buffer) => {
      const bytes = typeof data === "string" ? Buffer.from(data, "latin1") : data;
      sent += bytes.length;
      return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n")]);
    };
    const chunk = Buffer.alloc(64 * 1024, "a");
    const pump = async () => {
      socket.write(
        `POST ${API} HTTP/1.1\r\nHost: localhost:${edge.port}\r\nContent-Type: ${type}\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      socket.write(frame(prefix));
      while (!finished && sent < total) {
        if (!socket.write(frame(chunk))) await new Promise((next) => socket.once("drain", next));
        await new Promise((next) => setTimeout(next, 5));
      }
      if (!finished) socket.write("0\r\n\r\n");
    };
    socket.on("connect", () => {
      pump().catch(finish);
    });
  });
}

describe("a chunked body over the cap", () => {
  it.each([
    ["a form", "application/x-www-form-urlencoded", "choice=accept-all&pad="],
    ["JSON", "application/json", '{"granted":["analytics"],"pad":"'],
    [
      "multipart",
      "multipart/form-data; boundary=b",
      '--b\r\nContent-Disposition: form-data; name="choice"\r\n\r\n',
    ],
  ])("20 MB of %s: 413, no cookie, no receipt, answered before the body ends", async (_, type, prefix) => {
    const before = await rows();
    const result = await chunkedPost(type, prefix, 20 * 1024 * 1024);
    expect(result.status).toBe(413);
    expect(result.setCookie).toEqual([]);
    // Answered after the cap, not after the body: the writer stopped within the first megabyte.
    expect(result.sent).toBeLessThan(1024 * 1024);
    expect(await rows()).toBe(before);
  });

  it("a small chunked form is read and applied", async () => {
    const before = await rows();
    const result = await chunkedPost("application/x-www-form-urlencoded", "choice=accept-all", 0);
    expect(result.status).toBe(303);
    expect(result.setCookie.some((line) => line.startsWith("ce_consent=1."))).toBe(true);
    expect(await rows()).toBe(before + 1);
  });
});

describe("a burst of grants from one client", () => {
  it("writes at most the client's budget of receipts; the rest are 429 with Retry-After and no cookie", async () => {
    const before = await rows();
    const ip = { "CF-Connecting-IP": "198.51.100.200" };
    const statuses: number[] = [];
    const started = performance.now();
    // 200 grants, 10 at a time (the review sent 500 in 5 s; all wrote rows).
    for (let batch = 0; batch < 20; batch++) {
      const replies = await Promise.all(Array.from({ length: 10 }, () => grant(ip)));
      for (const reply of replies) {
        statuses.push(reply.status);
        if (reply.status === 429) {
          expect(Number(reply.headers["retry-after"])).toBeGreaterThan(0);
          expect(reply.setCookie).toEqual([]);
        }
      }
    }
    const elapsed = performance.now() - started;
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(statuses.filter((status) => status === 429)).toHaveLength(180);
    expect(await rows()).toBe(before + 20);
    expect(elapsed).toBeLessThan(30_000);

    // The same client can still refuse, and another client can still grant.
    const refusal = await request(edge.url, {
      method: "POST",
      path: API,
      headers: { "Content-Type": "application/json", ...ip },
      body: JSON.stringify({ choice: "reject-all" }),
    });
    expect(refusal.status).toBe(200);
    expect(refusal.setCookie.some((line) => /^ce_consent=1\.[^.]+\.\d+\.-;/.test(line))).toBe(true);
    expect((await grant({ "CF-Connecting-IP": "198.51.100.201" })).status).toBe(200);
  });
});

describe("D1 unavailable", () => {
  it("a lookup is a 503 JSON answer, a grant a 503 without a cookie, a refusal still applies", async () => {
    const created = await grant({ "CF-Connecting-IP": "198.51.100.202" });
    const { receiptId } = JSON.parse(created.text()) as { receiptId: string };
    const db = await edge.mf.getD1Database("CONSENT_DB", "consent-edge");
    await db.prepare("DROP TABLE consent_receipts").run();

    const lookup = await request(edge.url, { path: `/.consent-edge/receipts/${receiptId}` });
    expect(lookup.status).toBe(503);
    expect(lookup.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(lookup.text())).toEqual({ error: "receipts are unavailable; try again later" });

    const failed = await grant({ "CF-Connecting-IP": "198.51.100.203" });
    expect(failed.status).toBe(503);
    expect(failed.setCookie).toEqual([]);

    const refusal = await request(edge.url, {
      method: "POST",
      path: "/.consent-edge/withdraw",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "return=%2F..%2F%2Fevil.example",
    });
    expect(refusal.status).toBe(303);
    expect(refusal.headers.location).toBe("/");
    expect(refusal.setCookie.some((line) => line.startsWith("ce_consent=1."))).toBe(true);
  });
});
