/**
 * The stand-alone worker: consent-edge in front of each site's configured origin. A Hono app whose
 * only middleware is the same enforcer as consentEdge() and whose downstream is fetchOrigin.
 * With `remoteConfig`, the config comes from Workers KV when the worker has a CONFIG_KV binding
 * (src/config/remote-config.ts), the bundled one being the fallback.
 */
import { type Context, Hono } from "hono";
import { type CompiledConfig, compileConfig } from "./config/compile";
import { type ConfigProblem, formatProblems } from "./config/validate";
import { createConfigSource, type RemoteConfigOptions } from "./config/remote-config";
import { type Env, serviceBinding } from "./env";
import { describeError, logEvent, rayOf } from "./log";
import { type ConsentEdgeOptions, enforcer } from "./middleware/consent-edge";
import { fetchOrigin } from "./proxy/fetch-origin";
import { originUrlFor, retargetToOrigin } from "./proxy/origin-request";
import { plainResponse } from "./response/plain-response";

export interface WorkerOptions extends ConsentEdgeOptions {
  /**
   * Read the config from Workers KV (binding CONFIG_KV, key "config") when the worker has that
   * binding; `config` stays the fallback. `true` for the defaults, or the source's settings
   * (tests shorten the refresh and move the clock).
   */
  remoteConfig?: boolean | RemoteConfigOptions;
}

export type ConsentEdgeWorker = Hono<{ Bindings: Env }>;

/** With `remoteConfig`, the config in force on a debug response: `bundled` or `kv <8 hex digits>`. */
export const CONFIG_HEADER = "X-Consent-Config";

/**
 * The worker for `config` (the JSON of consent-edge.config.json, validated here). A config with problems (the
 * schema's, or a site without an origin) gives a worker that refuses every request with 503 and
 * logs the problems: nothing is ever proxied unfiltered. `consent-edge check` reports the same
 * problems before deploy.
 */
export function createWorker(config: unknown, options: WorkerOptions = {}): ConsentEdgeWorker {
  const { remoteConfig, ...proxyOptions } = options;
  const bundled = bundledWorker(config, proxyOptions);
  if (!remoteConfig) return bundled;
  return createRemoteConfigWorker(bundled, proxyOptions, remoteConfig === true ? {} : remoteConfig);
}

function bundledWorker(config: unknown, options: ConsentEdgeOptions): ConsentEdgeWorker {
  const compiled = compileConfig(config);
  const problems = compiled.ok ? missingOrigins(compiled.config) : compiled.problems;
  if (!compiled.ok || problems.length > 0) return createConfigErrorWorker(formatProblems(problems));
  return createProxy(compiled.config, options);
}

/**
 * The bundled worker, or the one for the config uploaded to KV: one app per accepted config, built
 * when it is accepted, so a request only picks the app in force and hands itself over. A request
 * keeps the app it started with to the end, whatever is swapped in meanwhile; the consent API's
 * throttle and the inventory are the isolate's (middleware/consent-edge.ts), so they outlive a swap
 * (budgets passed in `throttle` belong to each config's app, as they belong to each app today).
 */
function createRemoteConfigWorker(
  bundled: ConsentEdgeWorker,
  options: ConsentEdgeOptions,
  remote: RemoteConfigOptions,
): ConsentEdgeWorker {
  const source = createConfigSource({
    bundled,
    build: (config) => createProxy(config, options),
    check: (config, env) => [...missingOrigins(config), ...missingBindings(config, env)],
    options: remote,
  });
  const app = new Hono<{ Bindings: Env }>();
  app.all("*", async (c) => {
    try {
      const ctx = executionContextOf(c);
      const inForce = await source.current(c.env, (work) => ctx?.waitUntil(work));
      const response = await inForce.value.fetch(c.req.raw, c.env, ctx);
      // Only a debug response (the site's debug secret was given) says which config answered.
      if (!response.headers.has("X-Consent-Site")) return response;
      return withHeader(response, CONFIG_HEADER, inForce.revision);
    } catch (error) {
      // A bug of ours: as in the enforcer, nothing unfiltered goes out.
      logEvent("error", { event: "unhandled-error", reason: describeError(error), ray: rayOf(c.req.raw) });
      return plainResponse(502, "Bad Gateway: consent-edge failed to process this request.\n");
    }
  });
  return app;
}

/** The request's execution context, or none (Hono's getter throws where there is none: app.request()). */
function executionContextOf(c: Context): Context["executionCtx"] | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

/** `response` with one more header; a response whose headers are immutable is copied first. */
function withHeader(response: Response, name: string, value: string): Response {
  try {
    response.headers.set(name, value);
    return response;
  } catch {
    const copy = new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      ...(response.webSocket ? { webSocket: response.webSocket } : {}),
    });
    copy.headers.set(name, value);
    return copy;
  }
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

/**
 * An uploaded config is checked against the worker that runs it (`consent-edge check` checks the
 * bundled one against wrangler.toml before deploy, and never saw this one): a `service:` origin
 * needs its service binding, receipts need CONSENT_DB, the inventory needs INVENTORY_DB. Without
 * them every request to the site, or every decision, would fail.
 */
export function missingBindings(config: CompiledConfig, env: unknown): ConfigProblem[] {
  const bound = (env ?? {}) as Readonly<Record<string, unknown>>;
  return config.sites.flatMap((site, index) => {
    const problems: ConfigProblem[] = [];
    const named = JSON.stringify(site.id);
    if (site.origin?.kind === "service" && !serviceBinding(bound, site.origin.binding)) {
      problems.push({
        path: `sites[${index}].origin`,
        message: `site ${named} is served by service binding ${site.origin.binding}, which this worker does not have`,
        fix: `add [[services]] binding = "${site.origin.binding}" to wrangler.toml and deploy, then upload the config again`,
      });
    }
    if (site.consent.receipts && bound["CONSENT_DB"] === undefined) {
      problems.push({
        path: `sites[${index}].consent.receipts`,
        message: `site ${named} keeps receipts, and this worker has no D1 database bound as CONSENT_DB`,
        fix: 'add [[d1_databases]] binding = "CONSENT_DB" to wrangler.toml and deploy, or set "receipts": false',
      });
    }
    if (site.inventory.enabled && bound["INVENTORY_DB"] === undefined) {
      problems.push({
        path: `sites[${index}].inventory.enabled`,
        message: `site ${named} records an inventory, and this worker has no D1 database bound as INVENTORY_DB`,
        fix: 'add [[d1_databases]] binding = "INVENTORY_DB" to wrangler.toml and deploy, or set "enabled": false',
      });
    }
    return problems;
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
