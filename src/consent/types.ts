/** The resolved consent of one request: what every later stage decides from. */

/** Where a state came from. Later sources (CMP cookies, TCF, GPC, region defaults) extend this. */
export type ConsentSourceName = "consent-cookie" | "default";

export interface ConsentState {
  /** Granted categories; always contains `necessary`. */
  granted: ReadonlySet<string>;
  /** False while the visitor has not made a choice that applies to this policy revision. */
  decided: boolean;
  source: ConsentSourceName;
  /** Why this source decided, or why the default applied: `valid`, `no-cookie`, `unparseable`, `old-revision`... */
  reason: string;
  givenAt?: number;
  receiptId?: string;
}

/** What a consent source may read. Plain data; the clock is passed in. */
export interface ConsentInput {
  cookies: ReadonlyArray<{ name: string; value: string }>;
  headers: Headers;
  /** Unix seconds. */
  now: number;
}
