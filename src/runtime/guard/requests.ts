/**
 * Requests made by script to a URL of a refused category: refused the way the platform refuses a
 * blocked request, decided at call time with the grants of that moment, and never queued for later
 * (nothing refused here is kept, so nothing refused before a grant can be sent after it).
 *
 * Each refused call is handed to the native API with a URL that fails without any network traffic,
 * so every event, state and error is the browser's own (measured in Chromium against requests that
 * connect-src blocks, test/e2e/guard-requests.e2e.test.ts):
 *   fetch, XMLHttpRequest  a blob: URL of this origin that was never created: the Fetch standard's
 *                          blob scheme fetch answers it with a network error (TypeError from fetch;
 *                          readyState 4, status 0, error and loadend from XHR, asynchronously).
 *                          XHR opens it with GET: Chromium fails a non-GET blob: XHR inside send().
 *   EventSource            a data: URL: its type is not text/event-stream, so the connection fails
 *                          (error, readyState CLOSED) instead of being retried as after a network error.
 *   WebSocket              port 1 of this page's host, a "bad port" (Fetch standard, port blocking):
 *                          refused before any DNS lookup or connection (error, then close 1006).
 *   sendBeacon             false, "could not queue", as the issue asks (Chromium answers true to a
 *                          beacon CSP blocks; false makes SDKs fall back to fetch/XHR, refused too).
 * What a page reads back (ws.url, es.url) is the URL it gave.
 */
import type { Refuses } from "./rules";

type Native = (this: unknown, ...args: unknown[]) => unknown;

export function guardRequests(refuses: Refuses): void {
  const w = window as unknown as Record<string, Native | undefined>;
  const blob = `blob:${location.origin}/0`;

  /**
   * Whether a call's URL (args[i]) is refused: the URL that was checked, else undefined. The
   * argument is converted once, as the native converts it, and the call passes the converted value
   * on, so that what is checked is what is sent (a `toString` answers once). The conversion is
   * WebIDL's (ECMAScript ToString, as a template literal does; String() would turn a Symbol into
   * "Symbol(x)" where the native throws). A Request keeps its body and options (fetch reads it).
   * What cannot be converted (a Symbol, a throwing toString) is left for the native to throw on.
   */
  const refused = (args: unknown[], i: number, ws?: 1): string | undefined => {
    try {
      // undefined is left to the native (window.open's optional URL defaults to "", about:blank).
      if (args[i] !== undefined) {
        const v =
          // eslint-disable-next-line @typescript-eslint/restrict-template-expressions, @typescript-eslint/no-base-to-string -- ToString, as above
          args[i] instanceof Request ? args[i].url : (args[i] = `${args[i]}`);
        // The rules classify http(s) URLs: a WebSocket's ws(s) URL is the same host and path.
        const url = ws ? v.replace(/^(\s*)ws/i, "$1http") : v;
        return refuses(url) && url;
      }
    } catch {
      // A Symbol or a throwing toString: the native throws its own error.
    }
  };

  /** A method whose refused calls get `answer`, or, without one, the native call with the blob: URL. */
  const hook = (
    owner: Record<string, Native | undefined>,
    name: string,
    i: number,
    answer?: false | null,
  ) => {
    const native = owner[name];
    if (native)
      // The platform's length (feature tests read it), which a rest parameter would make 0.
      owner[name] = Object.defineProperty(
        function (this: unknown, ...args: unknown[]) {
          if (refused(args, i)) {
            if (answer !== undefined) return answer;
            args[i] = blob;
            // XHR's open(method, url): see above, GET keeps the failure asynchronous.
            if (i) args[0] = "GET";
          }
          return native.apply(this, args);
        },
        "length",
        { value: native.length },
      );
  };

  /**
   * A constructor whose refused instances are real ones (instanceof, statics and prototype kept:
   * the replacement's prototype is the native's) connected to `nowhere`; subclasses still work
   * (Reflect.construct with new.target, which also throws, as the native does, without `new`).
   */
  const wrap = (name: string, nowhere: string, ws?: 1) => {
    const Native = w[name] as unknown as
      { new (...args: unknown[]): object; prototype: { constructor: unknown } } | undefined;
    if (!Native) return;
    const Guarded = function (this: unknown, ...args: unknown[]) {
      const url = refused(args, 0, ws);
      if (url) args[0] = nowhere;
      const instance = Reflect.construct(Native, args, new.target) as object;
      if (url)
        Object.defineProperty(instance, "url", {
          value: new URL(url, document.baseURI).href.replace(/^http/, ws ? "ws" : "http"),
        });
      return instance;
    };
    Guarded.prototype = Native.prototype;
    Native.prototype.constructor = Guarded;
    w[name] = Object.assign(Guarded, Native);
  };

  hook(w, "fetch", 0);
  // Chromium's deferred fetch, made for analytics beacons: refused, it throws its own TypeError
  // (the blob: URL is not one it defers).
  hook(w, "fetchLater", 0);
  // A refused window.open answers null, as a popup blocker does.
  hook(w, "open", 0, null);
  hook(XMLHttpRequest.prototype as unknown as Record<string, Native>, "open", 1);
  hook(Navigator.prototype as unknown as Record<string, Native>, "sendBeacon", 0, false);
  wrap("WebSocket", `wss://${location.hostname}:1/`, 1);
  wrap("EventSource", "data:,");
}
