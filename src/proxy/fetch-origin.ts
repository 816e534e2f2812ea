/** The only module that talks to an origin: a URL over `fetch`, or a Worker over a service binding. */
import type { Site } from "../config/compile";

export type Env = Record<string, unknown>;

export class OriginUnavailable extends Error {}

export async function fetchOrigin(request: Request, site: Site, env: Env): Promise<Response> {
  if (site.origin.kind === "url") return fetch(request);
  const binding = env[site.origin.binding] as Fetcher | undefined;
  if (!binding || typeof binding.fetch !== "function") {
    throw new OriginUnavailable(`service binding ${site.origin.binding} is not configured in wrangler.toml`);
  }
  return binding.fetch(request);
}
