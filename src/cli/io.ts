/**
 * What the CLI needs from the world, passed in so that every command runs in a test as it is:
 * files, the two output streams, the network (fetch) and, for `push`, a way to run a command.
 * scripts/cli-bin.ts gives Node's; tests give their own.
 */
import { DEBUG_REQUEST_HEADER } from "../debug/debug-header-names";
import { API_PREFIX } from "../endpoints/api-prefix";
import { clean } from "./render";

export interface Io {
  /** The file's text; throws (or rejects) when it cannot be read. */
  readFile(path: string): string | Promise<string>;
  writeFile?(path: string, text: string): void | Promise<void>;
  stdout(line: string): void;
  stderr(line: string): void;
  /** Node's fetch (20+), or a test's. */
  fetch?: typeof fetch;
  /** The environment (CONSENT_EDGE_DEBUG_SECRET, NO_COLOR). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Colour the output (a terminal, NO_COLOR unset): see render.ts wantsColour. */
  colour?: boolean;
  /** Run a command with its arguments, output to this process's; resolves to its exit code. */
  run?(command: string, args: readonly string[]): Promise<number>;
}

/** The env var the CLI reads the debug secret from when --secret is not given. */
export const SECRET_ENV = "CONSENT_EDGE_DEBUG_SECRET";

export function secretOf(flag: string | undefined, io: Io): string | undefined {
  const secret = flag ?? io.env?.[SECRET_ENV];
  return secret === undefined || secret === "" ? undefined : secret;
}

/**
 * The most of an admin endpoint's answer the CLI reads: a worker answers a page of at most 1,000
 * receipts (about 300 KB) or a site's inventory (at most 1,000 named rows and the overflow rows, about
 * 1 MB). A server that sends more is not a consent-edge worker, and one that never stops would
 * otherwise fill this process's memory.
 */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** This machine: the only hosts the secret may be sent to over plain http (`wrangler dev`, the demo). */
function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Why the debug secret must not be sent to `siteUrl`, or undefined: over plain http anyone on the
 * way (a Wi-Fi, a proxy) reads it, and it opens the site's receipts and inventory.
 */
export function cleartextProblem(siteUrl: string): string | undefined {
  const url = URL.canParse(siteUrl) ? new URL(siteUrl) : undefined;
  if (!url || url.protocol !== "http:" || isLoopback(url.hostname)) return undefined;
  return `${url.origin} is plain http, and the debug secret would cross the network readable by anyone on the way: use https:// (plain http only for this machine: localhost, 127.0.0.1, [::1])`;
}

/** `https://www.example.com/shop` → `https://www.example.com/shop/.consent-edge/admin/<path>`. */
export function adminUrl(siteUrl: string, path: string): URL {
  const url = new URL(siteUrl);
  const prefix = url.pathname.replace(/\/+$/, "");
  return new URL(`${url.origin}${prefix}${API_PREFIX}admin/${path}`);
}

export type Answer =
  | { ok: true; status: number; body: unknown; headers: Headers }
  | { ok: false; message: string; status?: number };

/** An admin endpoint's JSON answer, or why there is none (network, 404 = wrong secret, not JSON). */
export async function adminRequest(
  io: Io,
  url: URL,
  secret: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const fetcher = io.fetch ?? fetch;
  let response: Response;
  try {
    response = await fetcher(url, {
      method: init.method ?? "GET",
      headers: { [DEBUG_REQUEST_HEADER]: secret, Accept: "application/json", ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
      redirect: "manual",
    });
  } catch (error) {
    return {
      ok: false,
      message: `cannot reach ${url.origin}: ${clean(error instanceof Error ? error.message : String(error))}`,
    };
  }
  const text = await readAnswer(response, MAX_ANSWER_BYTES);
  if (text === undefined) {
    return {
      ok: false,
      status: response.status,
      message: `${url.href} answered more than ${MAX_ANSWER_BYTES} bytes: not a consent-edge answer, not read further`,
    };
  }
  if (response.status === 404 && !(response.headers.get("Content-Type") ?? "").includes("json")) {
    return {
      ok: false,
      status: 404,
      message: `${url.href} answered 404: the debug secret is wrong, or this is not a consent-edge site (or its pathPrefix is missing from the URL)`,
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {
      ok: false,
      status: response.status,
      message: `${url.href} answered ${response.status} with no JSON`,
    };
  }
  if (!response.ok) {
    const error =
      typeof body === "object" && body !== null && "error" in body && typeof body.error === "string"
        ? body.error
        : "";
    return {
      ok: false,
      status: response.status,
      message: `${url.href} answered ${response.status}${error ? `: ${clean(error)}` : ""}`,
    };
  }
  return { ok: true, status: response.status, body, headers: response.headers };
}

/** The body as text, or undefined (and the rest cancelled, unread) once it passes `cap` bytes. */
async function readAnswer(response: Response, cap: number): Promise<string | undefined> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = (await reader.read()) as { done: boolean; value?: Uint8Array };
    if (done || !value) return text + decoder.decode();
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
  }
}

/**
 * The site URL with its site's pathPrefix, when the config has exactly one site for the URL's host
 * and it has a prefix the URL lacks (`https://www.example.com` → `https://www.example.com/shop`):
 * the admin endpoints live below the prefix. Otherwise the URL as given.
 */
export function withPathPrefix(
  siteUrl: string,
  sites: ReadonlyArray<{ hosts: readonly string[]; pathPrefix?: string | undefined }>,
): string {
  const url = new URL(siteUrl);
  const host = url.hostname;
  const onHost = sites.filter((site) =>
    site.hosts.some((pattern) =>
      pattern.startsWith("*.") ? host.endsWith(pattern.slice(1)) : pattern === host,
    ),
  );
  const [only] = onHost;
  if (onHost.length !== 1 || !only?.pathPrefix) return siteUrl;
  const path = url.pathname.replace(/\/+$/, "");
  if (path === only.pathPrefix || path.startsWith(`${only.pathPrefix}/`)) return siteUrl;
  return `${url.origin}${only.pathPrefix}`;
}
