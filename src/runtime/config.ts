/**
 * What the edge hands the runtime with every page (src/html/runtime.ts builds it). Short keys: the
 * object is written into every page.
 */
export interface RuntimeConfig {
  /** Consent cookie name, policy revision, cookie lifetime (seconds). */
  n: string;
  r: string;
  m: number;
  /** The site's categories. */
  k: string[];
  /** What the edge rendered this page for (without `necessary`). */
  g: string[];
  gcm: boolean;
  /** `document.cookie` guard: [name regex, category] for every cookie rule, or false. */
  guard: Array<[string, string]> | false;
}

/** Whether a category is granted now (`necessary` always is). */
export type Granted = (category: string) => boolean;

/** The document.cookie guard's bundle (cookie-guard.ts), passed in only to sites that enable it. */
export type CookieGuard = (config: RuntimeConfig, has: Granted) => void;
