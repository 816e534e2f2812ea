/**
 * A site's `consent`: where consent is read from besides consent-edge's own cookie (CMPs, TCF), how
 * long a decision lasts, and the browser signals (GPC, DNT) that refuse categories. Whether the
 * categories named here exist is a cross-field check (cross-checks.ts).
 */
import * as v from "valibot";
import { US_REFUSAL_FIELDS } from "../consent/cmp/gpp/us-sections";
import { MAX_COOKIE_LIFETIME_SECONDS } from "./duration";
import { COOKIE_NAME, LIFETIME_SECONDS } from "./cookies";
import { dictionary, duration, fields, flag, forEditors, RESERVED_KEYS, textMatching } from "./kit";
import { describeValue, isObject, joinProblem, say } from "./problems";
import { regionModel } from "./regions";
import { NECESSARY } from "./types";
import type { ValidSite } from "./site";

export const KNOWN_CMPS = [
  "onetrust",
  "cookiebot",
  "vanilla-cookieconsent",
  "klaro",
  "cookieyes",
  "complianz",
  "didomi",
  "tcf",
  "gpp",
  "us-privacy",
  "zaraz",
] as const;

const SOURCE_NAMES = ["consent-cookie", ...KNOWN_CMPS] as const;

/**
 * The map keys of the CMPs whose groups are fixed field names rather than the site's own ids: a
 * key outside the list would never match, so the site's opt-outs would be silently ignored.
 */
const FIELDS_OF: Partial<Record<(typeof KNOWN_CMPS)[number], readonly string[]>> = {
  gpp: US_REFUSAL_FIELDS,
  "us-privacy": ["sale"],
};

/** Zaraz's purpose ids are random per site: without a map its cookie would grant nothing. */
const ZARAZ_NEEDS_A_MAP = joinProblem(
  "a zaraz source needs a map from Zaraz purpose ids to categories",
  'write { "cmp": "zaraz", "map": { "USeX": "analytics" } }, with the purpose ids from Zaraz > Consent > Purposes',
);

const notReadable = say(
  (input) => `${describeValue(input)} is not a source consent-edge can read`,
  `use "consent-cookie" or one of ${KNOWN_CMPS.join(", ")}`,
);

const cmpFields = fields(
  {
    cmp: v.pipe(
      v.picklist(KNOWN_CMPS, notReadable),
      v.description(`The CMP: ${KNOWN_CMPS.join(" | ")}.`),
      v.examples(["onetrust"]),
    ),
    map: v.optional(
      v.pipe(
        dictionary(
          v.pipe(v.string(), forEditors({ not: { enum: RESERVED_KEYS } })),
          v.string(
            say(
              (input) => `${describeValue(input)} is not a category of this site`,
              "write the name of one of the site's categories",
            ),
          ),
          say("map must be an object of CMP group -> category", 'write { "C0002": "analytics" }'),
          'use the group id the CMP sets in its cookie, e.g. "C0002"',
        ),
        v.description(
          "The CMP's group/purpose/service id -> a category of the site. Replaces the documented default. GPP: the fields sale, sharing, targetedAdvertising, sensitiveData, gpc (default: all but sensitiveData -> marketing); US Privacy: sale (default -> marketing); Zaraz: required, its purpose ids.",
        ),
      ),
    ),
    cookie: v.optional(
      v.pipe(
        ...textMatching(
          COOKIE_NAME,
          say(
            (input) => `${describeValue(input)} is not a cookie name`,
            'write the name the CMP uses, e.g. "euconsent-v2"',
          ),
        ),
        v.description(
          'A cookie name other than the CMP\'s default (TCF: "euconsent-v2"; GPP: "__gpp" and "OTGPPConsent", both read by default; US Privacy: "usprivacy").',
        ),
      ),
    ),
  },
  say(
    "a source is a name or an object",
    'write "onetrust" or { "cmp": "onetrust", "map": { "C0002": "analytics" } }',
  ),
);

/** A CMP source: its map's keys are the CMP's fields where it has fixed ones; zaraz needs a map. */
const cmpSource = v.pipe(
  cmpFields,
  v.rawCheck(({ dataset, addIssue }) => {
    // Untyped when a field failed: read the value with care.
    const entry: unknown = dataset.value;
    if (!isObject(entry) || typeof entry.cmp !== "string") return;
    const at = { type: "object", origin: "value", input: entry } as const;
    // An empty map reads every cf_consent as granting nothing: always an operator's slip.
    if (
      entry.cmp === "zaraz" &&
      (entry.map === undefined || (isObject(entry.map) && Object.keys(entry.map).length === 0))
    ) {
      addIssue({ message: ZARAZ_NEEDS_A_MAP, path: [{ ...at, key: "map", value: entry.map }] });
      return;
    }
    const known = Object.hasOwn(FIELDS_OF, entry.cmp)
      ? FIELDS_OF[entry.cmp as keyof typeof FIELDS_OF]
      : undefined;
    if (known === undefined || !isObject(entry.map)) return;
    for (const key of Object.keys(entry.map)) {
      if (known.includes(key)) continue;
      addIssue({
        message: joinProblem(
          `${describeValue(key)} is not a field of ${entry.cmp}`,
          `use one of ${known.join(", ")}`,
        ),
        path: [
          { ...at, key: "map", value: entry.map },
          { type: "object", origin: "key", input: entry.map, key, value: entry.map[key] },
        ],
      });
    }
  }),
);

const sourceName = v.pipe(
  v.picklist(SOURCE_NAMES, notReadable),
  v.check((name) => name !== "zaraz", ZARAZ_NEEDS_A_MAP),
);

/**
 * A source: a name, or a CMP with its map. The option is picked by the value's JSON type, so a
 * problem is that option's ("\"onetrus\" is not a source ...") rather than a union's summary.
 */
const source = (() => {
  const notASource = say(
    "a source is a name or an object",
    'write "onetrust" or { "cmp": "onetrust", "map": { "C0002": "analytics" } }',
  );
  const union = v.union([sourceName, cmpSource], notASource);
  // The union that runs for a value of neither type: `union` gets the `~run` below, and calling
  // its own would call itself forever (a number in `sources` overflowed the stack).
  const fallback = v.union([sourceName, cmpSource], notASource);
  type Run = (typeof union)["~run"];
  const run = (dataset: Parameters<Run>[0], config: Parameters<Run>[1]): ReturnType<Run> => {
    if (typeof dataset.value === "string") return sourceName["~run"](dataset, config);
    if (isObject(dataset.value)) return cmpSource["~run"](dataset, config);
    return fallback["~run"](dataset, config);
  };
  return v.pipe(
    Object.assign(union, { "~run": run }),
    v.transform((entry) =>
      entry === "consent-cookie"
        ? { kind: "consent-cookie" as const }
        : typeof entry === "string"
          ? { kind: "cmp" as const, cmp: entry }
          : {
              kind: "cmp" as const,
              cmp: entry.cmp,
              // No prototype: a group id such as "constructor" from a visitor's cookie maps to nothing.
              ...(entry.map === undefined
                ? {}
                : { map: Object.assign(Object.create(null) as Record<string, string>, entry.map) }),
              ...(entry.cookie === undefined ? {} : { cookie: entry.cookie }),
            },
    ),
  );
})();

export type ConsentSourceConfig = v.InferOutput<typeof source>;

const categoryList = (description: string) =>
  v.pipe(
    v.array(
      v.pipe(
        v.string(
          say(
            (input) => `${describeValue(input)} is not a category name`,
            'write the name of one of the site\'s categories, e.g. "marketing"',
          ),
        ),
        // Which categories the site has is a cross-check; that necessary cannot be refused is not.
        forEditors({ not: { const: NECESSARY } }),
      ),
      say("must be a list of categories", 'write e.g. ["marketing"], naming categories of the site'),
    ),
    v.description(description),
  );

/** For `sources` that is not a list, and for an empty one: either way consent is read from nowhere. */
const NO_SOURCES = say("sources must be a non-empty list", 'write ["consent-cookie", "onetrust"]');

export const consent = v.optional(
  v.pipe(
    fields(
      {
        sources: v.optional(
          v.pipe(
            v.array(source, NO_SOURCES),
            v.nonEmpty(NO_SOURCES),
            v.description(
              'Where consent is read from, in order; the first that holds a decision wins. "consent-cookie" is consent-edge\'s own cookie; the others are CMPs. Default: ["consent-cookie"].',
            ),
          ),
          ["consent-cookie"],
        ),
        maxAge: v.optional(
          duration(
            'A decision older than this is void (undecided). Default "180d" (CNIL: 6 months).',
            (seconds, input) =>
              seconds === undefined || seconds === 0 || seconds > MAX_COOKIE_LIFETIME_SECONDS
                ? {
                    message: `${describeValue(input)} is not a consent lifetime`,
                    fix: 'write a duration up to "400d", e.g. "180d" (CNIL recommends 6 months)',
                  }
                : undefined,
            LIFETIME_SECONDS,
          ),
          "180d",
        ),
        gpc: v.optional(
          v.pipe(
            fields(
              {
                categories: v.optional(
                  categoryList(
                    'Categories GPC refuses (sale/sharing of data). Default ["marketing"] when the site has it.',
                  ),
                ),
                bindingIn: v.optional(
                  v.pipe(
                    v.array(
                      regionModel,
                      say("must be a list of region models", "use any of opt-in, opt-out, notice"),
                    ),
                    v.description(
                      'Region models where it is binding, even over a consent cookie. Default ["opt-out", "opt-in"].',
                    ),
                  ),
                  ["opt-out", "opt-in"],
                ),
                announce: v.optional(
                  flag("announce", "Serve /.well-known/gpc.json saying the site honours GPC. Default false."),
                  false,
                ),
              },
              say("gpc must be an object", 'write { "categories": ["marketing"], "announce": true }'),
            ),
            v.description("Global Privacy Control (Sec-GPC: 1)."),
          ),
          {},
        ),
        doNotTrack: v.optional(
          categoryList(
            'Do Not Track (DNT: 1) refuses these categories. Rules can also opt in one by one ("doNotTrack": true).',
          ),
          [],
        ),
        receipts: v.optional(
          v.pipe(
            v.boolean(
              say(
                "receipts must be true or false",
                'write "receipts": true and bind a D1 database as CONSENT_DB',
              ),
            ),
            v.description(
              "Keep a receipt of every decision made through the consent API in D1 (binding CONSENT_DB).",
            ),
          ),
          false,
        ),
      },
      say("consent must be an object", 'write { "sources": ["consent-cookie", "onetrust"] }'),
    ),
    v.description(
      "Where consent comes from besides consent-edge's own cookie: CMPs, TCF, GPC, DNT, receipts.",
    ),
    v.transform(({ maxAge, ...rest }) => ({ ...rest, maxAgeSeconds: maxAge })),
  ),
  {},
);

export type ValidConsent = ValidSite["consent"];
