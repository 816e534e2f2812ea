/**
 * The operator's endpoints, under `/.consent-edge/admin/`: answered only to a request that presents
 * the site's debug secret (`X-Consent-Debug`), 404 to anyone else (nothing says they exist).
 * Filled in by issue 10's CLI work: the inventory, receipts by id and date range, and their purge.
 */
import type { ApiContext } from "./consent-api";

export function handleAdmin(context: ApiContext, path: string): Promise<Response> | Response {
  if (!context.debug || path === "") return new Response("Not Found\n", { status: 404 });
  return new Response("Not Found\n", { status: 404 });
}
