/**
 * The GPC support resource (Global Privacy Control spec §3.3): a site that honours GPC says so at
 * /.well-known/gpc.json. `lastUpdate` is the policy revision when it is a date.
 */
import type { Site } from "../config/compile";

export const GPC_PATH = "/.well-known/gpc.json";

export function gpcAnnouncement(site: Site): Response {
  const body: { gpc: true; lastUpdate?: string } = { gpc: true };
  if (/^\d{4}-\d{2}-\d{2}$/.test(site.policyRevision)) body.lastUpdate = site.policyRevision;
  return new Response(JSON.stringify(body), {
    headers: { "Content-Type": "application/json", "Cache-Control": "public, max-age=86400" },
  });
}
