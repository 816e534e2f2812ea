/**
 * A site's `policy`: where the worker serves the cookie policy it generates from this config (the
 * declaration: src/policy/). HTML at `path`, in the visitor's language; JSON at `path` + `.json`.
 * Absent: no page is served, and `consent-edge policy` still prints it.
 */
import * as v from "valibot";
import { fields, text, textMatching } from "./kit";
import { describeValue, say } from "./problems";

/** A path of its own: no query, fragment, wildcard or trailing slash, and not the worker's own. */
const POLICY_PATH = /^\/(?!\.consent-edge(?:\/|$))[A-Za-z0-9._~!$&'()+,;=:@%/-]*[A-Za-z0-9_~!$&'()+,;=:@%-]$/;

export const policy = v.optional(
  v.pipe(
    fields(
      {
        path: v.pipe(
          ...textMatching(
            POLICY_PATH,
            say(
              (input) => `${describeValue(input)} is not a path for the cookie policy`,
              'write a path of its own such as "/cookie-policy" (no query, no trailing "/", not under /.consent-edge/)',
            ),
          ),
          v.description(
            "Where the worker serves the generated cookie policy: HTML at this path, JSON at the path plus `.json`. The origin never sees requests for either.",
          ),
          v.examples(["/cookie-policy"]),
        ),
        contact: v.optional(
          text("contact", "Who to ask about cookies (an e-mail address or a URL), shown on the policy page."),
        ),
      },
      say("policy must be an object", 'write { "path": "/cookie-policy" }'),
    ),
    v.description("The cookie policy the worker generates from this config and serves."),
    v.transform(({ path, contact }) => ({
      enabled: true as const,
      path,
      jsonPath: `${path}.json`,
      ...(contact === undefined ? {} : { contact }),
    })),
  ),
);

/** What a site without `policy` has: no page served. */
export const NO_POLICY = { enabled: false as const };

export type ValidPolicy = Exclude<v.InferOutput<typeof policy>, undefined> | typeof NO_POLICY;
