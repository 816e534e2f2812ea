/**
 * `POST /.consent-edge/report`: the page runtime's sampled report of the third-party hosts the
 * browser contacted or refused, for the inventory. Untrusted input: validated, capped, throttled,
 * and never able to change what is enforced. Filled in by issue 10's inventory work.
 */
import type { ApiContext } from "./consent-api";

export function handleBrowserReport(context: ApiContext): Promise<Response> | Response {
  if (context.request.method !== "POST") return new Response(null, { status: 405 });
  return new Response(null, { status: 404 });
}
