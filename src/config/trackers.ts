/**
 * A site's `trackers`: which third-party resources (scripts, iframes, pixels, inline snippets) in
 * its HTML pages need which category. Whether a rule's category exists, and duplicate rules, are
 * cross-field checks (cross-checks.ts).
 */
import * as v from "valibot";
import { fields, firstFailure, flag, forEditors, text } from "./kit";
import { describeValue, joinProblem, say } from "./problems";
import { serviceField } from "./service";

const HOST = /^(?!-)[a-z0-9-]{1,63}(?:\.(?!-)[a-z0-9-]{1,63})+$/;
const URL_START = /^(https?:)?\/\/[^/*]+\//;

export const TRACKER_KINDS = ["host", "url", "inline"] as const;

/**
 * The page guard ships the site's rules in every page: 1,000 host rules are about 21 KB raw, 6 KB
 * gzipped (npm run bench:guard). More than that belongs in fewer, wider host rules.
 */
export const MAX_PAGE_GUARD_RULES = 1_000;

/** One message for a matcher that is not text and one that is blank: both give nothing to match. */
const nothingToMatch = (kind: string) =>
  say(`${kind} must be a non-empty string`, `write the ${kind} to match`);

function nonEmpty(kind: string) {
  return v.string(nothingToMatch(kind));
}
const notBlank = (kind: string) => v.check((value: string) => value.trim() !== "", nothingToMatch(kind));

const ruleFields = fields(
  {
    host: v.optional(
      firstFailure(
        v.pipe(
          nonEmpty("host"),
          notBlank("host"),
          v.regex(
            HOST,
            say(
              (input) => `${describeValue(input)} is not a lowercase hostname`,
              'write a bare host such as "static.hotjar.com", no scheme or path',
            ),
          ),
          v.description(
            "A host and its subdomains: `googletagmanager.com` covers `www.googletagmanager.com`.",
          ),
        ),
      ),
    ),
    url: v.optional(
      firstFailure(
        v.pipe(
          nonEmpty("url"),
          notBlank("url"),
          v.regex(
            URL_START,
            say(
              (input) => `${describeValue(input)} does not start with a scheme and host`,
              'write "https://host/path*"; the host must be literal so the rule can be looked up by host',
            ),
          ),
          v.description(
            "A URL glob, `*` for any run of characters: `https://www.googletagmanager.com/gtag/js?id=AW-*`.",
          ),
        ),
      ),
    ),
    inline: v.optional(
      firstFailure(
        v.pipe(
          nonEmpty("inline"),
          notBlank("inline"),
          forEditors({ pattern: String.raw`\S` }),
          v.minLength(
            4,
            say(
              (input) => `${describeValue(input)} is too short to identify a snippet`,
              "use a distinctive piece of the vendor's snippet, at least 4 characters",
            ),
          ),
          v.description("Text that identifies an inline script snippet: `_paq.push`, `fbq('init'`."),
        ),
      ),
    ),
    category: v.pipe(
      v.string(
        say(
          (input) => `${describeValue(input)} is not a category name`,
          'write one of the site\'s categories, e.g. "analytics"',
        ),
      ),
      v.description("The category the resource needs; one of the site's categories."),
      v.examples(["analytics"]),
    ),
    vendor: v.optional(
      v.pipe(
        v.string(say("vendor must be text", 'write the vendor\'s name, e.g. "vendor": "Hotjar"')),
        v.description('Who it is, for the placeholder text and debug headers: "YouTube".'),
      ),
    ),
    service: serviceField,
    doNotTrack: v.optional(
      flag(
        "doNotTrack",
        "Also refused when the visitor sends Do Not Track (DNT: 1), even if the category is granted.",
      ),
    ),
    purpose: v.optional(text("purpose", "What the vendor does for the site, for the generated policy.")),
    receives: v.optional(
      text("receives", "What the vendor receives from the visitor's browser, for the generated policy."),
    ),
    privacyPolicy: v.optional(
      v.pipe(
        v.string(say("privacyPolicy must be text", "write the vendor's https privacy policy URL")),
        v.regex(
          /^https:\/\/[^\s]+$/,
          say(
            (input) => `${describeValue(input)} is not an https URL`,
            'write the vendor\'s privacy policy as "https://..."',
          ),
        ),
        v.description("The vendor's privacy policy (https), linked from the generated policy."),
      ),
    ),
  },
  say("a tracker rule must be an object", 'write { "host": "example-tracker.com", "category": "analytics" }'),
);

/** How a rule names its resource: exactly one of host, url or inline. */
export function kindsOf(rule: Record<string, unknown>): Array<(typeof TRACKER_KINDS)[number]> {
  return TRACKER_KINDS.filter((kind) => rule[kind] !== undefined);
}

const trackerRule = v.pipe(
  ruleFields,
  v.description(
    "A resource (script, iframe, pixel, preconnect) and the category it needs. Exactly one of `host`, `url` or `inline` per rule.",
  ),
  forEditors({
    oneOf: TRACKER_KINDS.map((kind) => ({ type: "object", properties: { [kind]: {} }, required: [kind] })),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    const rule = dataset.value;
    if (typeof rule === "object" && rule !== null && kindsOf(rule as Record<string, unknown>).length !== 1) {
      addIssue({
        message: joinProblem(
          "a tracker rule needs exactly one of host, url or inline",
          'keep one, e.g. "host": "hotjar.com"',
        ),
      });
    }
  }),
  v.transform(
    ({ host, url, inline, category, vendor, service, doNotTrack, purpose, receives, privacyPolicy }) => ({
      kind:
        host !== undefined ? ("host" as const) : url !== undefined ? ("url" as const) : ("inline" as const),
      /** The host (lowercase), URL glob or snippet text, as written. */
      match: host ?? url ?? inline ?? "",
      category,
      ...(vendor === undefined ? {} : { vendor }),
      /** Live when its category is granted, or this service on its own. */
      ...(service === undefined ? {} : { service }),
      /** Refused when the visitor sends DNT: 1, whatever they granted. */
      ...(doNotTrack === true ? { doNotTrack } : {}),
      ...(purpose === undefined ? {} : { purpose }),
      ...(receives === undefined ? {} : { receives }),
      ...(privacyPolicy === undefined ? {} : { privacyPolicy }),
    }),
  ),
);

export type TrackerRule = v.InferOutput<typeof trackerRule>;

export const trackers = v.optional(
  v.pipe(
    fields(
      {
        builtin: v.optional(
          flag(
            "builtin",
            "Use consent-edge's built-in rules for common vendors (GA, GTM, Ads, Meta, Clarity, ...). Default true.",
          ),
          true,
        ),
        googleConsentMode: v.optional(
          flag(
            "googleConsentMode",
            "Google Consent Mode v2: set `gtag('consent', 'default', ...)` from the categories before any tag runs.",
          ),
          false,
        ),
        cookieGuard: v.optional(
          flag("cookieGuard", "Refuse `document.cookie` writes of cookies whose category is not granted."),
          false,
        ),
        runtimeGuard: v.optional(
          flag(
            "runtimeGuard",
            "Guard the page at run time: elements and requests that first-party JavaScript creates for a refused category are made inert or refused, as the edge makes them in the HTML. Default true.",
          ),
          true,
        ),
        rules: v.optional(
          v.pipe(
            v.array(
              trackerRule,
              say(
                "rules must be a list",
                'write [{ "host": "example-tracker.com", "category": "analytics" }]',
              ),
            ),
            v.description("Site rules; they win over built-in rules for the same host, URL or snippet."),
          ),
          [],
        ),
      },
      say(
        "trackers must be an object",
        'write { "rules": [{ "host": "example-tracker.com", "category": "analytics" }] }',
      ),
    ),
    v.forward(
      v.partialCheck(
        [["runtimeGuard"], ["rules"]],
        (trackers) => !trackers.runtimeGuard || trackers.rules.length <= MAX_PAGE_GUARD_RULES,
        say(
          (input) =>
            `${String((input as { rules?: unknown[] }).rules?.length)} rules: with the page guard on, every page carries them all (about 5 bytes gzipped each), and at most ${String(MAX_PAGE_GUARD_RULES)} are shipped`,
          'keep one host rule per vendor (a host covers its subdomains), or set "runtimeGuard": false',
        ),
      ),
      ["rules"],
    ),
    v.description("Third-party resources in HTML pages: which need which category."),
  ),
  {},
);

export type ValidTrackers = v.InferOutput<typeof trackers>;
