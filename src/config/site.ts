/**
 * One site: the hosts it answers for, where requests go, its categories and policy revision, and
 * the parts (cookies, trackers, consent, regions, banner) each in its own file.
 */
import * as v from "valibot";
import { banner } from "./banner";
import { consent } from "./consent";
import { consentCookie, cookieRules } from "./cookies";
import { duration, eachOnce, fields, firstFailure, flag, forEditors, oneOf, textMatching } from "./kit";
import { describeValue, joinProblem, say } from "./problems";
import { regions } from "./regions";
import { inventory } from "./inventory";
import { NO_POLICY, policy } from "./policy";
import { storageRules } from "./storage";
import { trackers } from "./trackers";
import { DEFAULT_CATEGORIES, MODES, NECESSARY, UNDECLARED_POLICIES } from "./types";

const SITE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const CATEGORY = /^[a-z][a-z0-9_]{0,31}$/;
const REVISION = /^[A-Za-z0-9_-]{1,32}$/;
const BINDING = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A hostname, or `*.` and one: lowercase labels of 1-63 letters, digits and inner dashes. */
const HOST_NAME = /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const PATH = /^\/[^\s;,?#*]*$/;
const LOCAL_HOST = /^(localhost|127\.0\.0\.1|\[::1\]|.+\.localhost|.+\.test)$/;
/**
 * How long the worker waits for the origin's response headers. The body, once it streams, has no
 * limit. Cloudflare's own proxy gives up after 100 s (error 524), so a longer wait is never reached.
 */
const DEFAULT_ORIGIN_TIMEOUT = 30;
const MAX_ORIGIN_TIMEOUT = 100;

export type Origin = { kind: "url"; url: string } | { kind: "service"; binding: string };

/** An origin as written (`https://origin.example.com`, `service:ORIGIN`), or what is wrong with it. */
export function parseOrigin(raw: string): Origin | { message: string; fix: string } {
  if (raw.startsWith("service:")) {
    const binding = raw.slice("service:".length);
    if (BINDING.test(binding)) return { kind: "service", binding };
    return {
      message: `${describeValue(binding)} is not a binding name`,
      fix: 'write "service:" and the binding name, e.g. "service:ORIGIN"',
    };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { message: `${describeValue(raw)} is not a URL`, fix: 'write "https://origin.example.com"' };
  }
  if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) {
    return {
      message: "the origin must be a scheme, host and optional port only",
      fix: `write "${url.protocol}//${url.host}"`,
    };
  }
  const local = LOCAL_HOST.test(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) {
    return {
      message: `${describeValue(raw)} would send visitors' cookies over ${url.protocol.replace(":", "")}`,
      fix: "use https:// (plain http:// is accepted only for localhost and .test hosts)",
    };
  }
  return { kind: "url", url: `${url.protocol}//${url.host}` };
}

const origin = v.pipe(
  v.string(
    say(
      (input) => `${describeValue(input)} is not an origin`,
      'write "https://origin.example.com" or "service:MY_ORIGIN_BINDING" (or leave it out when consent-edge runs as middleware)',
    ),
  ),
  v.description(
    "Where requests go: an `https://` URL, or `service:BINDING` for a Worker service binding. Left out when consent-edge runs as middleware in front of the Worker's own routes.",
  ),
  // What a pattern can say of parseOrigin's verdict: a service binding's name, or an http(s) URL.
  // The URL parser ignores the scheme's case and surrounding spaces, so the pattern does too;
  // whether plain http names a local host is left to the validator.
  forEditors({
    pattern: String.raw`^(service:[A-Za-z_][A-Za-z0-9_]*|[\u0000-\u0020]*[hH][tT][tT][pP][sS]?:.+)$`,
  }),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const parsed = parseOrigin(dataset.value);
    if ("kind" in parsed) return parsed;
    addIssue({ message: joinProblem(parsed.message, parsed.fix) });
    return NEVER;
  }),
);

const notAHost = (host: string) =>
  host !== host.toLowerCase()
    ? {
        message: `"${host}" has uppercase letters`,
        fix: `write "${host.toLowerCase()}"; hostnames are matched lowercase`,
      }
    : /[/:]/.test(host)
      ? {
          message: `"${host}" is not a bare hostname`,
          fix: "drop the scheme, port and path; use pathPrefix for paths",
        }
      : undefined;

const host = firstFailure(
  v.pipe(
    v.string(say("a host must be a string", 'write it like "www.example.com"')),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const problem = notAHost(dataset.value);
      if (problem) addIssue({ message: joinProblem(problem.message, problem.fix) });
    }),
    v.regex(
      HOST_NAME,
      say(
        (input) => `${describeValue(input)} is not a valid hostname`,
        'use "www.example.com", or "*.example.com" for every subdomain',
      ),
    ),
  ),
);

const NO_HOSTS = say(
  "a site needs at least one host",
  'list its hostnames, e.g. ["www.example.com", "*.example.com"]',
);

const hosts = v.pipe(
  v.array(host, NO_HOSTS),
  v.nonEmpty(NO_HOSTS),
  v.description("Hostnames this site answers for: exact (`www.example.com`) or wildcard (`*.example.com`)."),
  v.examples([["www.example.com", "*.example.com"]]),
  forEditors({ uniqueItems: true }),
  // The same host twice in one site: harmless to routing, but always a copy-and-paste slip.
  eachOnce((name, first) => ({
    message: `"${name}" is also listed at hosts[${first}]`,
    fix: "list each host once",
  })),
);

/** A site's categories as the worker uses them: `necessary` first, then each other name once, in order. */
export function withNecessaryFirst(names: readonly string[]): string[] {
  return [NECESSARY, ...new Set(names.filter((category) => category !== NECESSARY))];
}

const notACategory = say(
  (input) => `${describeValue(input)} is not a valid category name`,
  'use lowercase letters, digits and "_", starting with a letter',
);

const categories = v.optional(
  v.pipe(
    v.array(
      v.pipe(...textMatching(CATEGORY, notACategory)),
      say("categories must be a list", `write ${JSON.stringify(DEFAULT_CATEGORIES)}`),
    ),
    v.description("Categories in display order. `necessary` is always present."),
    // `necessary` is always present, so listing it again changes nothing.
    eachOnce(
      (category) => ({ message: `"${category}" is listed twice`, fix: "list each category once" }),
      NECESSARY,
    ),
    v.transform((list) => withNecessaryFirst(list)),
  ),
  () => [...DEFAULT_CATEGORIES],
);

export const siteFields = fields(
  {
    id: v.pipe(
      ...textMatching(
        SITE_ID,
        say(
          (input) => `${describeValue(input)} is not a valid site id`,
          'use 1-63 lowercase letters, digits and dashes, e.g. "shop"',
        ),
      ),
      v.description("A short id used in logs and debug headers. `[a-z0-9-]`."),
      v.examples(["shop"]),
    ),
    hosts,
    pathPrefix: v.optional(
      v.pipe(
        ...textMatching(
          PATH,
          say(
            (input) => `${describeValue(input)} is not a path starting with /`,
            'write it like "/shop", without wildcards or query',
          ),
        ),
        v.description("Optional path prefix (`/shop`); the most specific host + prefix wins."),
        // "" when the site covers every path; never ends with "/".
        v.transform((path) => path.replace(/\/+$/, "")),
      ),
    ),
    origin: v.optional(origin),
    categories,
    policyRevision: v.pipe(
      ...textMatching(
        REVISION,
        say(
          (input) => `${describeValue(input)} is not a policy revision`,
          'use 1-32 letters, digits, "-" or "_", e.g. the policy date "2026-04-03"; bump it to ask every visitor again',
        ),
      ),
      v.description(
        'The revision of the cookie policy; consent given for another revision is "undecided". Bump it to ask every visitor again.',
      ),
      v.examples(["2026-04-03"]),
    ),
    mode: v.optional(
      v.pipe(
        oneOf(MODES),
        v.description('"enforce" filters cookies and trackers; "report-only" only reports what it would do.'),
      ),
      "enforce",
    ),
    undeclared: v.optional(
      v.pipe(oneOf(UNDECLARED_POLICIES), v.description("What happens to cookies that match no rule.")),
      "block",
    ),
    consentCookie,
    defaults: v.optional(
      flag(
        "defaults",
        "Use consent-edge's curated default rules: tracker hosts of well-known vendors (from the third-party-web dataset and the vendors' own documentation) and their cookie names. Each of the site's own rules wins over a default for the same host, URL, snippet or cookie name. Default false.",
      ),
      false,
    ),
    cookies: cookieRules,
    storage: storageRules,
    inventory,
    trackers,
    consent,
    regions,
    banner,
    policy,
    originTimeout: v.optional(
      duration(
        'How long to wait for the origin\'s response headers: seconds or "30s", "1m" (default 30 s, at most 100 s).',
        (seconds, input) =>
          seconds === undefined || seconds < 1 || seconds > MAX_ORIGIN_TIMEOUT
            ? {
                message: `${describeValue(input)} is not a timeout between 1 and ${MAX_ORIGIN_TIMEOUT} seconds`,
                fix: 'write seconds (30) or a duration such as "30s" or "1m"; Cloudflare itself stops waiting after 100 s',
              }
            : undefined,
        { atLeast: 1, below: MAX_ORIGIN_TIMEOUT + 1 },
      ),
      DEFAULT_ORIGIN_TIMEOUT,
    ),
    debugSecret: v.optional(
      v.pipe(
        ...textMatching(
          BINDING,
          say(
            "debugSecret must name a Worker secret, not hold the secret itself",
            'write the binding name, e.g. "CONSENT_DEBUG_SECRET", and run `wrangler secret put CONSENT_DEBUG_SECRET`',
          ),
        ),
        v.description(
          "Name of the Worker secret (binding) holding the debug secret. Absent: debugging is off.",
        ),
      ),
    ),
  },
  say("a site must be an object", 'write `{ "id": "...", "hosts": [...], "origin": "...", ... }`'),
);

/** A site as the worker uses it: every default filled in, durations in seconds. */
export const site = v.pipe(
  siteFields,
  v.transform(({ originTimeout, consent, debugSecret, origin, pathPrefix, policy, ...rest }) => ({
    ...rest,
    /** Where the generated cookie policy is served, if anywhere. */
    policy: policy ?? NO_POLICY,
    /** "" when the site covers every path. Never ends with "/". */
    pathPrefix: pathPrefix ?? "",
    ...(origin === undefined ? {} : { origin }),
    /** Seconds to wait for the origin's response headers before answering 504. */
    originTimeoutSeconds: originTimeout,
    consent: {
      ...consent,
      // GPC refuses the sale and sharing of data: marketing, when the site has that category.
      gpc: {
        ...consent.gpc,
        categories: consent.gpc.categories ?? (rest.categories.includes("marketing") ? ["marketing"] : []),
      },
    },
    ...(debugSecret === undefined ? {} : { debugSecret }),
  })),
);

export type SiteInput = v.InferInput<typeof site>;
export type ValidSite = v.InferOutput<typeof site>;
