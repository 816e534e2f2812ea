/** The request headers an operator sends with the debug secret: for the worker and the CLI alike. */

/** The site's debug secret, compared in constant time (./debug-gate.ts). */
export const DEBUG_REQUEST_HEADER = "X-Consent-Debug";

/** With the debug secret, a request may pretend to come from elsewhere: "DE", "US-CA". */
export const DEBUG_COUNTRY_HEADER = "X-Consent-Debug-Country";
