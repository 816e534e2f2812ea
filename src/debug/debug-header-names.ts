/** The request headers an operator sends with the debug secret: for the worker and the CLI alike. */

/** The site's debug secret, compared in constant time (./debug-gate.ts). */
export const DEBUG_REQUEST_HEADER = "X-Consent-Debug";

/**
 * A response header with the debug secret, and a request header to the origin always: the services
 * granted on their own, beside their category (`youtube,vimeo`). src/proxy/origin-request.ts
 * sends it to the origin beside `X-Consent-Granted`.
 */
export const SERVICES_HEADER = "X-Consent-Services";

/** With the debug secret, a request may pretend to come from elsewhere: "DE", "US-CA". */
export const DEBUG_COUNTRY_HEADER = "X-Consent-Debug-Country";
