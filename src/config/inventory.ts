/**
 * A site's `inventory`: whether consent-edge records what the site really sets and loads (cookies
 * from Set-Cookie and from visitors' Cookie headers, third-party hosts in pages, and, sampled, what
 * the page runtime saw the browser contact or refuse), aggregated per site in the INVENTORY_DB D1
 * database (src/inventory/). `consent-edge inventory` and `suggest` read it.
 */
import * as v from "valibot";
import { fields, flag } from "./kit";
import { describeValue, say } from "./problems";

/** Of page views, the share whose runtime reports what the browser contacted (default: 1 in 100). */
export const DEFAULT_BROWSER_SAMPLE = 0.01;

/**
 * The smallest share of responses the inventory may observe: one in 10,000. Below it a busy site's
 * rare cookies would take weeks to show up at all.
 */
export const MIN_SAMPLE = 0.0001;

export const inventory = v.optional(
  v.pipe(
    fields(
      {
        enabled: v.optional(
          flag(
            "enabled",
            "Record what the site sets and loads, from real traffic (needs a D1 database bound as INVENTORY_DB). Default false.",
          ),
          false,
        ),
        sample: v.optional(
          v.pipe(
            v.number(
              say(
                (input) => `${describeValue(input)} is not a share of responses`,
                "write a number above 0 and at most 1, e.g. 0.01 for one response in a hundred",
              ),
            ),
            v.minValue(
              MIN_SAMPLE,
              say(
                (input) => `${describeValue(input)} is below ${MIN_SAMPLE}`,
                `write at least ${MIN_SAMPLE} (one response in 10,000), or "enabled": false to record nothing`,
              ),
            ),
            v.maxValue(
              1,
              say(
                (input) => `${describeValue(input)} is above 1`,
                "write a number up to 1: 1 is every response",
              ),
            ),
            v.description(
              "Of responses, the share the inventory observes (default 1, every response). Each observed response counts 1/sample, so counts stay estimates of the whole traffic. Lower it for busy sites: docs/scale.md says what every response costs in D1 writes at scale.",
            ),
          ),
          1,
        ),
        browserSample: v.optional(
          v.pipe(
            v.number(
              say(
                (input) => `${describeValue(input)} is not a share of page views`,
                "write a number from 0 to 1, e.g. 0.01 for one page view in a hundred",
              ),
            ),
            v.minValue(
              0,
              say(
                (input) => `${describeValue(input)} is below 0`,
                "write a number from 0 (no browser reports) to 1 (every page view)",
              ),
            ),
            v.maxValue(
              1,
              say(
                (input) => `${describeValue(input)} is above 1`,
                "write a number from 0 to 1: 1 is every page view",
              ),
            ),
            v.description(
              "Of page views, the share whose page runtime reports the third-party hosts the browser contacted or the page guard refused (0-1, default 0.01).",
            ),
          ),
          DEFAULT_BROWSER_SAMPLE,
        ),
      },
      say("inventory must be an object", 'write { "enabled": true }'),
    ),
    v.description("The inventory of what the site really sets and loads, from real traffic."),
  ),
  {},
);

export type ValidInventory = v.InferOutput<typeof inventory>;
