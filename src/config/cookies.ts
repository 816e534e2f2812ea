/**
 * The `cookies` rules of a site and its `consentCookie`: which cookie needs which category, and the
 * attributes and lifetime a kept cookie gets. Whether a rule's category exists, and duplicate
 * names, are cross-field checks (cross-checks.ts).
 */
import * as v from "valibot";
import { MAX_COOKIE_LIFETIME_SECONDS } from "./duration";
import { duration, fields, firstFailure, flag, forEditors, oneOf, text, textMatching } from "./kit";
import { describeValue, say } from "./problems";
import { serviceField } from "./service";
import { SAME_SITE_VALUES } from "./types";

// RFC 6265 §4.1.1 cookie-name is an RFC 2616 token; `*` is our glob wildcard.
const COOKIE_NAME_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** An exact cookie name (an RFC 6265 token): the consent cookie's, a CMP's. */
export const COOKIE_NAME = /^[!#$%&'+\-.^_`|~0-9A-Za-z]+$/;

/** The consent cookie's name as the schema reads `consentCookie`: the default unless a valid name is given. */
export function consentCookieNameOf(consentCookie: unknown): string {
  const name =
    typeof consentCookie === "object" && consentCookie !== null
      ? (consentCookie as { name?: unknown }).name
      : undefined;
  return typeof name === "string" && COOKIE_NAME.test(name) ? name : DEFAULT_CONSENT_COOKIE;
}
export const PATH = /^\/[^\s;,?#*]*$/;
/** Who writes a cookie: the server (`Set-Cookie`) or a script in the page (`document.cookie`). */
export const COOKIE_SETTERS = ["http", "script"] as const;
/** A registrable domain or host, lowercase: where a third-party cookie lives. */
const COOKIE_DOMAIN = /^(?!-)[a-z0-9-]{1,63}(?:\.(?!-)[a-z0-9-]{1,63})+$/;
export const DEFAULT_CONSENT_COOKIE = "ce_consent";
const DEFAULT_CONSENT_MAX_AGE = "180d";

/** A cookie lifetime: at most 400 days, as browsers keep cookies no longer. */
export function lifetime(description: string) {
  return duration(
    description,
    (seconds, input) => {
      if (seconds === undefined || seconds === 0) {
        return {
          message: `${describeValue(input)} is not a duration`,
          fix: 'write seconds (3600) or a duration such as "30m", "24h", "7d", "13mo", "1y"',
        };
      }
      if (seconds > MAX_COOKIE_LIFETIME_SECONDS) {
        return {
          message: `${describeValue(input)} is longer than browsers keep a cookie`,
          fix: 'use "400d" or less (RFC 6265bis caps lifetimes at 400 days)',
        };
      }
      return undefined;
    },
    LIFETIME_SECONDS,
  );
}

/** 1 s to 400 days; a number is floored, so anything below 400 days and a second passes. */
export const LIFETIME_SECONDS = { atLeast: 1, below: MAX_COOKIE_LIFETIME_SECONDS + 1 };

const cookieName = firstFailure(
  v.pipe(
    ...textMatching(
      COOKIE_NAME_PATTERN,
      say(
        (input) => `${describeValue(input)} is not a cookie name or pattern`,
        'write an exact name ("_ga") or a glob ("_ga_*")',
      ),
    ),
    v.check(
      (name) => !/^\*+$/.test(name),
      say(
        "a rule that matches every cookie hides undeclared cookies",
        'declare names, and set the site\'s "undeclared" policy for the rest',
      ),
    ),
    forEditors({ not: { pattern: String.raw`^\*+$` } }),
    v.description(
      "The cookie name. Exact (`_ga`), or a glob where `*` matches any run of characters (`_ga_*`, `ph_*_posthog`). A trailing `*` is a prefix rule (`_pk_id*`).",
    ),
    v.examples(["_ga"]),
  ),
);

const cookiePath = v.optional(
  v.pipe(
    ...textMatching(
      PATH,
      say(
        (input) => `${describeValue(input)} is not a cookie path`,
        'write a path starting with "/", e.g. "/api/auth"',
      ),
    ),
    v.description("The cookie is restricted to this path (and expired on it when withdrawn)."),
  ),
);

const ruleFields = fields(
  {
    name: cookieName,
    category: v.pipe(
      v.string(
        say(
          (input) => `${describeValue(input)} is not a category name`,
          'write one of the site\'s categories, e.g. "analytics"',
        ),
      ),
      v.description("The category the cookie needs; one of the site's categories."),
      v.examples(["analytics"]),
    ),
    service: serviceField,
    purpose: v.optional(text("purpose", "Free text for the generated policy and debug output.")),
    provider: v.optional(text("provider", "Who sets the cookie, for the generated policy.")),
    maxAge: v.optional(lifetime("Lifetime cap: a longer `Max-Age`/`Expires` is shortened to this.")),
    session: v.optional(
      flag(
        "session",
        "A session cookie: the kept cookie's `Max-Age` and `Expires` are removed, so the browser deletes it when it closes. The policy says so.",
      ),
    ),
    setBy: v.optional(
      v.pipe(
        oneOf(COOKIE_SETTERS),
        v.description(
          'Who writes the cookie, for the policy: "http" (the server\'s Set-Cookie) or "script" (document.cookie in the page). Default: "http" when `httpOnly`, else what the built-in cookie table says of the name, else not stated.',
        ),
      ),
    ),
    thirdParty: v.optional(
      v.pipe(
        ...textMatching(
          COOKIE_DOMAIN,
          say(
            (input) => `${describeValue(input)} is not a domain`,
            'write the third party\'s domain the cookie is set on, e.g. "facebook.com"',
          ),
        ),
        v.description(
          "The third party's domain the cookie is set on (`facebook.com`), for a cookie the browser keeps for another site: the worker never sees it, the policy lists it as third party.",
        ),
      ),
    ),
    secure: v.optional(flag("secure", "The kept cookie must carry `Secure`; added when missing.")),
    httpOnly: v.optional(flag("httpOnly", "The kept cookie must carry `HttpOnly`; added when missing.")),
    doNotTrack: v.optional(
      flag(
        "doNotTrack",
        "Also refused when the visitor sends Do Not Track (DNT: 1), even if the category is granted.",
      ),
    ),
    sameSite: v.optional(
      v.pipe(
        oneOf(SAME_SITE_VALUES),
        v.description("The `SameSite` the kept cookie must carry; added when missing."),
      ),
    ),
    path: cookiePath,
  },
  say("a cookie rule must be an object", 'write { "name": "_ga", "category": "analytics" }'),
);

/** Attribute combinations browsers refuse (RFC 6265bis §4.1.3): a cookie the site could never set. */
export const cookieRule = v.pipe(
  ruleFields,
  v.forward(
    v.partialCheck(
      [["sameSite"], ["secure"]],
      (rule) => rule.sameSite !== "None" || rule.secure === true,
      say("browsers reject SameSite=None without Secure", 'add "secure": true'),
    ),
    ["secure"],
  ),
  v.forward(
    v.partialCheck(
      [["session"], ["maxAge"]],
      (rule) => rule.session !== true || rule.maxAge === undefined,
      say("a session cookie has no lifetime to cap", 'remove "maxAge", or remove "session"'),
    ),
    ["maxAge"],
  ),
  v.forward(
    v.partialCheck(
      [["name"], ["path"]],
      (rule) => !rule.name.startsWith("__Host-") || rule.path === undefined || rule.path === "/",
      say("a __Host- cookie must have Path=/ (RFC 6265bis §4.1.3.2)", 'remove "path" or set it to "/"'),
    ),
    ["path"],
  ),
  v.forward(
    v.partialCheck(
      [["name"], ["secure"]],
      (rule) => !/^__(Host|Secure)-/.test(rule.name) || rule.secure !== false,
      say("__Host- and __Secure- cookies must be Secure", 'remove "secure": false'),
    ),
    ["secure"],
  ),
  // The three checks above, as JSON Schema says them.
  forEditors({
    allOf: [
      {
        if: { type: "object", properties: { sameSite: { const: "None" } }, required: ["sameSite"] },
        then: { type: "object", properties: { secure: { const: true } }, required: ["secure"] },
      },
      {
        if: { type: "object", properties: { name: { type: "string", pattern: "^__Host-" } } },
        then: { type: "object", properties: { path: { const: "/" } } },
      },
      {
        if: { type: "object", properties: { name: { type: "string", pattern: "^__(Host|Secure)-" } } },
        then: { type: "object", properties: { secure: { const: true } } },
      },
    ],
  }),
);

/** The rules in order: ties between equally specific globs go to the first. */
export const cookieRules = v.optional(
  v.pipe(
    v.array(
      cookieRule,
      say("cookies must be a list of rules", 'write [{ "name": "_ga", "category": "analytics" }]'),
    ),
    v.description("Which cookie needs which category, and the attributes and lifetime it keeps."),
    v.transform((rules) =>
      rules.map(({ name, maxAge, ...rule }, order) => ({
        /** As written in config: `_ga`, `_ga_*`. Shown in debug headers as the reason. */
        pattern: name,
        /** Position in the site's list: ties between equally specific globs go to the first. */
        order,
        ...rule,
        ...(maxAge === undefined ? {} : { maxAgeSeconds: maxAge }),
      })),
    ),
  ),
  [],
);

export type CookieRule = v.InferOutput<typeof cookieRules>[number];

export const consentCookie = v.optional(
  v.pipe(
    fields(
      {
        name: v.optional(
          v.pipe(
            ...textMatching(
              COOKIE_NAME,
              say(
                (input) => `${describeValue(input)} is not a valid cookie name`,
                "use letters, digits, '_' and '-', e.g. \"ce_consent\"",
              ),
            ),
            v.description("Name of consent-edge's own consent cookie. Default `ce_consent`."),
          ),
          DEFAULT_CONSENT_COOKIE,
        ),
        maxAge: v.optional(
          lifetime("How long the consent cookie lives. Default 180 days (CNIL recommends 6 months)."),
          DEFAULT_CONSENT_MAX_AGE,
        ),
      },
      say("consentCookie must be an object", 'write { "name": "ce_consent", "maxAge": "180d" }'),
    ),
    v.description("consent-edge's own consent cookie: its name and lifetime."),
    v.transform(({ name, maxAge }) => ({ name, maxAgeSeconds: maxAge })),
  ),
  {},
);
