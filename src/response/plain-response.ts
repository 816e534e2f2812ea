/**
 * The short text answers consent-edge gives in the origin's place (no site for the host, a target
 * it cannot send on, the origin down or slow, a bug of ours, an invalid config): never stored by
 * any cache, since each one describes this moment and not the page.
 */
export function plainResponse(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: { "Content-Type": "text/plain; charset=UTF-8", "Cache-Control": "no-store" },
  });
}
