/**
 * The recorder's interface (implemented by ./recorder.ts), apart from the data shapes of ./types.ts
 * so that the CLI, which runs in Node, can use those without the Workers types these need.
 */
import type { Site } from "../config/compile";
import type { Env } from "../env";
import type { EnforcementReport } from "../report";
import type { Observation } from "./types";

/** How the recorder reaches D1 and the runtime, for one request. */
export interface InventoryContext {
  env: Env;
  /** ExecutionContext.waitUntil: flushes run after the response. */
  waitUntil: (promise: Promise<unknown>) => void;
  /** Unix seconds. */
  now: number;
  /** The names of the cookies the request carried (never their values), in the browser's order. */
  requestCookies?: readonly string[];
}

/**
 * The isolate's inventory (./recorder.ts): observations aggregated in memory and flushed to
 * INVENTORY_DB now and then, never one write per request. Neither method throws, and neither ever
 * changes what is enforced.
 */
export interface InventoryRecorder {
  /** What one response showed; waits for `report.htmlDone` before counting its page's hosts. */
  observeResponse(site: Site, path: string, report: EnforcementReport, context: InventoryContext): void;
  /** What a page runtime reported, already validated (endpoints/browser-report.ts). */
  observeBrowser(
    site: Site,
    path: string,
    observations: readonly Observation[],
    context: InventoryContext,
  ): void;
  /**
   * Writes what this isolate holds now (after a flush in flight), never rejecting: the operator's
   * inventory endpoint calls it before reading, so what they just browsed is there.
   */
  flush(context: InventoryContext): Promise<unknown>;
}
