/**
 * The stand-alone worker: consent-edge in front of each site's configured origin. A Hono app whose
 * only middleware is the same enforcer as consentEdge() and whose downstream is fetchOrigin.
 */
import { Hono } from "hono";
import { type CompiledConfig, compileConfig } from "./config/compile";
import { type ConfigProblem, formatProblems } from "./config/validate";
import type { Env } from "./env";
import { logEvent, rayOf } from "./log";
import { type ConsentEdgeOptions, enforcer } from "./middleware/consent-edge";
import { fetchOrigin } from "./proxy/fetch-origin";
import { originUrlFor, retargetToOrigin } from "./proxy/origin-request";
import { plainResponse } from "./response/plain-response";

export type WorkerOptions = ConsentEdgeOptions;

export type ConsentEdgeWorker = Hono<{ Bindings: Env }>;

/**
 * The worker for `config` (the JSON of consent-edge.config.json, validated here). A config with problems (the
 * schema's, or a site without an origin) gives a worker that refuses every request with 503 and
 * logs the problems: nothing is ever proxied unfiltered. `consent-edge check` reports the same
 * problems before deploy.
 */
export function createWorker(config: unknown, options: WorkerOptions = {}): ConsentEdgeWorker {
  const compiled = compileConfig(config);
  const problems = compiled.ok ? missingOrigins(compiled.config) : compiled.problems;
  if (!compiled.ok || problems.length > 0) return createConfigErrorWorker(formatProblems(problems));
  return createProxy(compiled.config, options);
}

/** The worker for a config already compiled (and checked with missingOrigins). */
export function createProxy(config: CompiledConfig, options: WorkerOptions = {}): ConsentEdgeWorker {
  const app = new Hono<{ Bindings: Env }>();
  app.use(
    enforcer(config, options, {
      downstream: false,
      // The origin URL is built (and checked) once per request, and is the one every ask goes to.
      askOrigin: (url, site, env) => {
        const target = originUrlFor(url, site);
        return target && ((request) => fetchOrigin(retargetToOrigin(request, target), site, env));
      },
    }),
  );
  return app;
}

/**
 * The stand-alone worker has nowhere to send a site without an origin (the middleware does not
 * need one: its downstream handlers are the origin).
 */
export function missingOrigins(config: CompiledConfig): ConfigProblem[] {
  return config.sites.flatMap((site, index) => {
    if (site.origin) return [];
    return [
      {
        path: `sites[${index}].origin`,
        message: `site ${JSON.stringify(site.id)} has no origin, and the stand-alone worker must send its requests somewhere`,
        fix: 'set "origin": "https://origin.example.com" or "service:BINDING_NAME", or run consent-edge as middleware in your own Hono app (consentEdge(config)), where the downstream handlers are the origin',
      },
    ];
  });
}

/** Every request is refused while the bundled config is invalid; nothing is proxied unfiltered. */
export function createConfigErrorWorker(problems: string): ConsentEdgeWorker {
  const app = new Hono<{ Bindings: Env }>();
  app.all("*", (c) => {
    logEvent("error", {
      event: "config-invalid",
      reason: `refusing all requests: ${problems}`,
      ray: rayOf(c.req.raw),
    });
    return plainResponse(
      503,
      "Service Unavailable: consent-edge is misconfigured. Run `npm run check` (or `npx consent-edge check`).\n",
    );
  });
  return app;
}
