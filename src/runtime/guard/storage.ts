/**
 * localStorage and sessionStorage keys of refused categories (the site's `storage` rules, config.s):
 *
 * - At every page start the declared keys of refused categories are removed, every key a glob
 *   matches. A withdrawal reloads the page, so this is what clears storage after it, and after a
 *   refusal made in another tab or without JavaScript. Keys of granted or undeclared categories are
 *   never touched.
 * - A write of a refused key is not kept: `setItem` on Storage.prototype (whoever holds the real
 *   Storage object, a `storage` event's `storageArea` included), and the named-property writes
 *   `localStorage.foo = "x"`, `localStorage["_ga"] = ...` and Object.defineProperty, which reach the
 *   Storage object's own named setter (WebIDL §3.9.3) without calling setItem: only a Proxy sees
 *   them, so `window.localStorage` / `sessionStorage` return one, made from the real object at page
 *   start. Storage.prototype's methods take the Proxy for the object it stands for, so that a page's
 *   `Storage.prototype.getItem.call(localStorage, k)` works as before, and a `storage` event's
 *   `storageArea` is the Proxy too.
 *   Reads are never blocked. Each decision asks `has` at the time: a grant lets the next write
 *   through without a reload.
 *
 * A refused write is silently dropped rather than thrown: the platform has no "this key is refused"
 * error, only QuotaExceededError and SecurityError, and the SDKs that write these keys (posthog-js,
 * mixpanel-browser) catch a throw and log it as an error on every write, while first-party code that
 * does not catch would break. Dropped, the key reads back as absent, as for a fresh visitor.
 */
import type { Granted, RuntimeConfig } from "../config";

const AREAS = ["localStorage", "sessionStorage"] as const;
const METHODS = ["key", "getItem", "setItem", "removeItem", "clear"];

type Rule = readonly [RegExp, string, number];
type Method = (this: unknown, ...args: unknown[]) => unknown;

export function guardStorage(config: RuntimeConfig, has: Granted): void {
  const rules = (config.s || []).map(([source, category, areas]): Rule => [
    new RegExp(source),
    category,
    areas,
  ]);
  if (!rules.length) return;
  const w = window;
  const methods = Storage.prototype as unknown as Record<string, Method>;
  /** Each Proxy handed out, and each real Storage: the Storage it is, its area's bit (and its Proxy). */
  const known = new WeakMap<object, [Storage, number, Storage?]>();
  /** Whether a key of these areas (bits) needs a category not granted now; a symbol is no storage key. */
  const refused = (areas: number, key: unknown) =>
    typeof key == "string" && rules.some((r) => r[2] & areas && !has(r[1]) && r[0].test(key));
  METHODS.forEach((name) => {
    const native = methods[name] as Method;
    // Rest parameters keep the platform's own TypeError for a call with too few arguments. A
    // Storage not seen yet counts as both areas: its refused keys are refused either way.
    // The platform's length (feature tests read it), which a rest parameter would make 0.
    methods[name] = Object.defineProperty(
      function (this: unknown, ...args: unknown[]) {
        const [self, bit] = known.get(this as object) || [this, 3];
        // The key is converted once and handed on converted, so that what is judged is what is
        // stored (a `toString` answers once; a Symbol throws here as in the native).
        // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- WebIDL ToString
        if (name != "setItem" || !refused(bit, (args[0] = `${args[0]}`))) return native.apply(self, args);
      },
      "length",
      { value: native.length },
    );
  });
  AREAS.forEach((name, i) => {
    const bit = i + 1;
    // The real getter (an own accessor of the global, WebIDL §3.7.8), taken before any page script runs.
    const d = Object.getOwnPropertyDescriptor(w, name) as PropertyDescriptor;
    let storage: Storage;
    try {
      storage = (d.get as () => Storage).call(w);
    } catch {
      // Storage refused by the browser (SecurityError: disabled, sandboxed): its getter keeps throwing.
      return;
    }
    const proxy = new Proxy(storage, {
      // Named items and `length` are read from the Storage itself: its getters need it as `this`.
      get: (target, key): unknown => Reflect.get(target, key),
      // Refused: reported as done, as a named-property write reports (a `false` would throw in strict code).
      set: (target, key, value) => refused(bit, key) || Reflect.set(target, key, value),
      defineProperty: (target, key, descriptor) =>
        refused(bit, key) || Reflect.defineProperty(target, key, descriptor),
    });
    known.set(proxy, [storage, bit]).set(storage, [storage, bit, proxy]);
    for (let j = storage.length; j--;) {
      const key = storage.key(j);
      if (refused(bit, key)) storage.removeItem(key as string);
    }
    // The platform's descriptor (configurable, enumerable), with the Proxy's getter.
    d.get = () => proxy;
    Object.defineProperty(w, name, d);
  });
  // A `storage` event names the Storage the page knows: `event.storageArea === localStorage` (posthog-js
  // compares so to follow other tabs) must stay true.
  const event = StorageEvent.prototype;
  const area = Object.getOwnPropertyDescriptor(event, "storageArea") as PropertyDescriptor;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with .call
  const native = area.get as () => Storage | null;
  area.get = function (this: StorageEvent) {
    const storage = native.call(this);
    // WeakMap.get answers undefined for null, which is no key.
    const seen = known.get(storage as Storage);
    return (seen && seen[2]) || storage;
  };
  Object.defineProperty(event, "storageArea", area);
}
