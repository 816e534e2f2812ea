/**
 * The `storage` rules of a site: which `localStorage` / `sessionStorage` key needs which category.
 * The page guard (src/runtime/guard/storage.ts) refuses writes of a refused key and removes the
 * declared keys of refused categories at every page start. Whether a rule's category exists is a
 * cross-field check (cross-checks.ts); a key declared twice for the same area is checked here.
 */
import * as v from "valibot";
import { fields, firstFailure, forEditors, oneOf, text } from "./kit";
import { describeValue, joinProblem, say } from "./problems";

/** Which Web Storage area a rule covers (HTML §12.2: `localStorage`, `sessionStorage`). */
export const STORAGE_AREAS = ["local", "session", "both"] as const;
export type StorageArea = (typeof STORAGE_AREAS)[number];

/**
 * Any text is a storage key (HTML §12.2.1: a DOMString), so only what is always a slip is refused:
 * an empty key, control characters (a pasted line break), and a rule of `*` alone.
 */
const KEY = /^[^\0-\x1f\x7f]+$/;

const storageKey = firstFailure(
  v.pipe(
    v.string(
      say(
        (input) => `${describeValue(input)} is not a storage key`,
        'write an exact key ("certiron.session") or a glob ("ph_*_posthog")',
      ),
    ),
    v.regex(
      KEY,
      say(
        (input) => `${describeValue(input)} is not a storage key`,
        "write the key without line breaks or other control characters",
      ),
    ),
    v.check(
      (key) => !/^\*+$/.test(key),
      say(
        "a rule that matches every key would remove the site's own storage on refusal",
        "declare the keys a tracker writes, one rule each",
      ),
    ),
    forEditors({ not: { pattern: String.raw`^\*+$` } }),
    v.description(
      "The storage key. Exact (`certiron.session`), or a glob where `*` matches any run of characters (`ph_*_posthog`).",
    ),
    v.examples(["ph_*_posthog"]),
  ),
);

const storageRule = fields(
  {
    key: storageKey,
    category: v.pipe(
      v.string(
        say(
          (input) => `${describeValue(input)} is not a category name`,
          'write one of the site\'s categories, e.g. "analytics"',
        ),
      ),
      v.description("The category the key needs; one of the site's categories."),
      v.examples(["analytics"]),
    ),
    area: v.optional(
      v.pipe(
        oneOf(STORAGE_AREAS),
        v.description(
          'Where the key lives: "local" (`localStorage`), "session" (`sessionStorage`) or "both" (the default).',
        ),
      ),
      "both",
    ),
    purpose: v.optional(text("purpose", "Free text for the generated policy and debug output.")),
    provider: v.optional(text("provider", "Who writes the key, for the generated policy.")),
  },
  say("a storage rule must be an object", 'write { "key": "ph_*_posthog", "category": "analytics" }'),
);

/** Two areas share a key when either covers both, or they are the same. */
const overlaps = (a: StorageArea, b: StorageArea) => a === b || a === "both" || b === "both";

/**
 * The same key twice for an area it already has: two categories for one key is ambiguous, the
 * same one twice a copy-and-paste slip. Reported at the later copy. Checked on what parsed, so a
 * wrong rule elsewhere in the list does not hide it.
 */
const eachKeyOnce = v.rawCheck<Array<v.InferOutput<typeof storageRule>>>(({ dataset, addIssue }) => {
  // Untyped when a rule failed: its value is then as written, so each is read with care.
  const list: unknown = dataset.value;
  if (!Array.isArray(list)) return;
  const seen = new Map<string, Array<[StorageArea, number]>>();
  list.forEach((rule, index) => {
    if (typeof rule !== "object" || rule === null) return;
    const { key, area } = rule as { key?: unknown; area?: unknown };
    if (typeof key !== "string" || !STORAGE_AREAS.includes(area as StorageArea)) return;
    const earlier = seen.get(key) ?? [];
    const clash = earlier.find(([other]) => overlaps(other, area as StorageArea));
    if (clash) {
      addIssue({
        message: joinProblem(
          `"${key}" is also declared at storage[${clash[1]}]`,
          "declare each key once per area",
        ),
        path: [{ type: "array", origin: "value", input: list, key: index, value: rule }],
      });
    }
    seen.set(key, [...earlier, [area as StorageArea, index]]);
  });
});

/**
 * A key that two rules match (`ph_*` and `ph_*_posthog`) needs both categories, as the cookie
 * guard reads its rules: the page refuses it while either is refused, so an overlap fails closed.
 */
export const storageRules = v.optional(
  v.pipe(
    v.array(
      storageRule,
      say(
        "storage must be a list of rules",
        'write [{ "key": "ph_*_posthog", "category": "analytics", "area": "local" }]',
      ),
    ),
    v.description(
      "Which localStorage/sessionStorage key needs which category. The page guard (trackers.runtimeGuard) refuses writes of a refused key and removes the declared keys of refused categories at every page start.",
    ),
    eachKeyOnce,
  ),
  [],
);

export type StorageRule = v.InferOutput<typeof storageRules>[number];
