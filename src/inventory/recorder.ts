/**
 * The isolate's inventory recorder: observations aggregated in memory, flushed to INVENTORY_DB in
 * the background. Implemented by issue 10's inventory work; until then it records nothing.
 */
import type { InventoryRecorder } from "./types";

export function createRecorder(): InventoryRecorder {
  return {
    observeResponse() {},
    observeBrowser() {},
  };
}
