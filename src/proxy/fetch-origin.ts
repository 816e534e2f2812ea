/** The only module that talks to an origin: a URL over `fetch`, or a Worker over a service binding. */
import type { Site } from "../config/compile";
import { type Env, serviceBinding } from "../env";

export class OriginUnavailable extends Error {}

/** The origin sent no response headers within the site's `originTimeout`. */
export class OriginTimeout extends Error {}

/**
 * Asks the origin, and gives up (aborting the request) when its response headers have not arrived
 * within the site's `originTimeout`: workerd itself never stops waiting, and does not cancel the
 * origin request when the visitor goes away. Once the headers are in, the body streams unbounded.
 */
export async function fetchOrigin(request: Request, site: Site, env: Env): Promise<Response> {
  const send = sender(site, env);
  const controller = new AbortController();
  const seconds = site.originTimeoutSeconds;
  const timer = setTimeout(() => {
    controller.abort(new OriginTimeout(`the origin sent no response headers within ${seconds} s`));
  }, seconds * 1_000);
  try {
    return await send(new Request(request, { signal: controller.signal }));
  } catch (error) {
    // The abort's own reason, whatever the runtime wraps it in.
    if (controller.signal.aborted && controller.signal.reason instanceof OriginTimeout) {
      throw controller.signal.reason;
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function sender(site: Site, env: Env): (request: Request) => Promise<Response> {
  const origin = site.origin;
  // The stand-alone worker refuses such a config (worker.ts); this is the last line of defence.
  if (!origin) throw new OriginUnavailable(`site ${site.id} has no origin`);
  if (origin.kind === "url") return (request) => fetch(request);
  const binding = serviceBinding(env, origin.binding);
  if (!binding) {
    throw new OriginUnavailable(`service binding ${origin.binding} is not configured in wrangler.toml`);
  }
  return (request) => binding.fetch(request);
}
