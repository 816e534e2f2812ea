/** Kept so that modules importing from here keep working; the schema lives in trackers.ts. */
export { type TrackerRule, type ValidTrackers } from "./trackers";
