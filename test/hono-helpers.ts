/** What the middleware tests share: a request to a Hono app as workerd makes it, and what a browser keeps. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Hono } from "hono";
import { storedFrom } from "./cookie-jar";
import { FIXED_NOW_MS } from "./helpers";

/** The site the middleware tests serve (testSite's host). */
export const WWW = "https://www.example.com";
/** GA4's loader, as a page embeds it. */
export const GA = '<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>';

/** `path` on WWW through `app`, with the pool's bindings, once everything it waits on has run. */
export async function send(
  app: { fetch: Hono["fetch"] },
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(new URL(path, WWW), init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** The cookies a browser (tough-cookie) would store from the response, by name. */
export function stored(response: Response, url = `${WWW}/`): string[] {
  return storedFrom(response.headers.getSetCookie(), url, FIXED_NOW_MS)
    .map((cookie) => cookie.key)
    .sort();
}
