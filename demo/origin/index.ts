// Demo origin: a stand-in for aktok.com, the website behind consent-edge in the demo and in tests.
// It sets every cookie its cookie policy lists (plus one undeclared one), embeds the trackers the
// policy names, and echoes the names of the cookies it received so refused cookies can be seen
// never reaching it. One optional binding: its first-party browser scripts (FirstPartyEnv).

import { APP_JS, STYLE_CSS } from "./assets";
import { type CookieContext, type CookieName, PAGE_COOKIES, setCookieLines } from "./cookies";
import { FALLBACK_PAGES } from "./fallback-pages";
import { renderNotFound, renderPage } from "./pages";

const HTML = "text/html; charset=utf-8";
const PAGE_CACHE_CONTROL = "public, max-age=60";
const ASSET_CACHE_CONTROL = "public, max-age=3600";
const READ_METHODS = ["GET", "HEAD"] as const;

// RFC 9110 token: what a cookie name may be. Anything else is not echoed.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Names (never values) of the cookies in the request's Cookie header, in order. */
export function receivedCookieNames(request: Request): string[] {
  const header = request.headers.get("Cookie");
  if (header === null) return [];
  const names: string[] = [];
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq === -1) continue; // a nameless cookie: the text is its value, so leave it out
    const name = pair.slice(0, eq).trim();
    if (TOKEN.test(name)) names.push(name);
  }
  return names;
}

/**
 * The origin's one binding: its first-party browser scripts, bundled when the demo starts
 * (scripts/bundle-worker.ts's bundleFirstPartyScripts: path -> JavaScript), because one of them
 * bundles SDKs from node_modules and bundles are not committed. Absent when the origin runs alone
 * (`wrangler dev` in demo/origin): those scripts are then a 404 and the pages that load them say so.
 */
export interface FirstPartyEnv {
  FIRST_PARTY_SCRIPTS?: Readonly<Record<string, string>>;
}

function firstPartyScript(env: FirstPartyEnv, path: string): Reply {
  const scripts = env.FIRST_PARTY_SCRIPTS;
  const body = scripts && Object.hasOwn(scripts, path) ? scripts[path] : undefined;
  if (body === undefined)
    return {
      status: 404,
      body: `console.error(${JSON.stringify(`${path}: not bundled (npm start bundles the demo's first-party scripts)`)});\n`,
      headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" },
    };
  return {
    body,
    headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": ASSET_CACHE_CONTROL },
  };
}

function makeNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

interface Reply {
  readonly status?: number;
  readonly body?: string | Uint8Array | null;
  readonly headers?: Readonly<Record<string, string>>;
  readonly cookies?: readonly CookieName[];
}

function reply(request: Request, received: readonly string[], ctx: CookieContext, r: Reply): Response {
  const headers = new Headers(r.headers);
  headers.set("X-Demo-Origin", "1");
  headers.set("X-Origin-Received-Cookie-Names", received.join(", "));
  for (const line of setCookieLines(r.cookies ?? [], ctx)) headers.append("Set-Cookie", line);
  const body = r.body ?? null;
  if (request.method === "HEAD" && body !== null) {
    // The runtime would drop the body on the wire anyway; dropping it here keeps HEAD honest
    // when this handler is called directly (tests, service bindings), and saying the length
    // GET would have keeps HEAD's headers like GET's.
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
    headers.set("Content-Length", String(bytes.byteLength));
    return new Response(null, { status: r.status ?? 200, headers });
  }
  return new Response(body, { status: r.status ?? 200, headers });
}

function methodNotAllowed(allowed: readonly string[]): Reply {
  return {
    status: 405,
    body: "Method Not Allowed\n",
    headers: { "Content-Type": "text/plain; charset=utf-8", Allow: allowed.join(", ") },
  };
}

function route(
  request: Request,
  url: URL,
  received: readonly string[],
  nonce: string,
  env: FirstPartyEnv,
): Reply {
  const method = request.method;
  const isRead = (READ_METHODS as readonly string[]).includes(method);

  if (url.pathname.startsWith("/first-party/")) {
    if (!isRead) return methodNotAllowed(READ_METHODS);
    return firstPartyScript(env, url.pathname);
  }

  switch (url.pathname) {
    case "/style.css":
    case "/app.js": {
      if (!isRead) return methodNotAllowed(READ_METHODS);
      const css = url.pathname === "/style.css";
      return {
        body: css ? STYLE_CSS : APP_JS,
        headers: {
          "Content-Type": css ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8",
          "Cache-Control": ASSET_CACHE_CONTROL,
        },
      };
    }

    case "/api/auth/refresh": {
      if (!isRead && method !== "POST") return methodNotAllowed([...READ_METHODS, "POST"]);
      return {
        body: `${JSON.stringify({ ok: true, token_type: "Bearer", expires_in: 43200, refresh_expires_in: 86400 })}\n`,
        headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
        cookies: ["aktok_access", "aktok_refresh"],
      };
    }

    case "/redirect":
      if (!isRead) return methodNotAllowed(READ_METHODS);
      return { status: 302, headers: { Location: "/" }, cookies: ["_ga", "aktok_session"] };

    case "/not-modified":
      if (!isRead) return methodNotAllowed(READ_METHODS);
      return {
        status: 304,
        headers: { ETag: '"aktok-nm-v1"', "Cache-Control": PAGE_CACHE_CONTROL },
        cookies: ["_gid"],
      };
  }

  if (!isRead) return methodNotAllowed(READ_METHODS);
  const fallback = FALLBACK_PAGES.get(url.pathname);
  if (fallback) {
    return {
      body: fallback.body,
      headers: { "Content-Type": fallback.contentType, "Cache-Control": PAGE_CACHE_CONTROL },
      cookies: PAGE_COOKIES,
    };
  }
  const ctx = { nonce, receivedCookieNames: received };
  const page = renderPage(url.pathname, ctx);
  return {
    status: page === undefined ? 404 : 200,
    body: page ?? renderNotFound(url.pathname, ctx),
    headers: { "Content-Type": HTML, "Cache-Control": PAGE_CACHE_CONTROL },
    cookies: PAGE_COOKIES,
  };
}

export default {
  fetch(request: Request, env: FirstPartyEnv = {}): Response {
    const url = new URL(request.url);
    const received = receivedCookieNames(request);
    const ctx: CookieContext = { now: Date.now(), hostname: url.hostname };
    return reply(request, received, ctx, route(request, url, received, makeNonce(), env));
  },
} satisfies ExportedHandler<FirstPartyEnv>;
