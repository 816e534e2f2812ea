/**
 * The page guard (trackers.runtimeGuard): what first-party JavaScript creates or requests for a
 * refused category is made inert, or refused, as the edge would have made it in the HTML. It runs
 * inside the runtime, before any other script of the page, so it closes the gap without racing:
 *
 *   elements.ts  elements created, given a URL or inserted by script, and HTML strings (inert form)
 *   requests.ts  fetch, XMLHttpRequest, sendBeacon, WebSocket, EventSource (refused as the platform refuses)
 *   storage.ts   localStorage and sessionStorage keys of refused categories
 *
 * Each decision asks `has` at the time: a grant lets the next element or request through at once,
 * and the runtime's one restore path re-activates what was made inert.
 */
import type { Granted, GuardRules, RuntimeConfig } from "../config";
import { guardElements } from "./elements";
import { guardRequests } from "./requests";
import { compileRules } from "./rules";
import { guardStorage } from "./storage";

export default function guardPage(config: RuntimeConfig, has: Granted): void {
  // config.o: the reporter's hook, on a page view sampled for the inventory.
  const rules = compileRules(config.t as GuardRules, has, config.o);
  guardElements(rules, config.e || []);
  guardRequests(rules.url);
  guardStorage(config, has);
}
