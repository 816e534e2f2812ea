/**
 * The path a request is routed by, as the app behind consent-edge reads it. A site is chosen by
 * its path prefix, and the app's router (Hono's getPath, most origins' servers too) decodes
 * percent-encoded characters before matching: `/%73hop/page` is the shop's route. Matching the
 * site on the raw `URL.pathname` let such a link put the shop's page under another site's policy
 * (a report-only one: refused cookies set, trackers live). URI equivalence (RFC 3986 §6.2.2.2)
 * says those are the same path.
 *
 * Decoded as decodeURI does, so the reserved characters stay encoded (`%2F` is no `/`, as it is
 * none to the router either), and `%25` stays `%25` (no second round of decoding); a malformed
 * sequence stays as it is.
 */
export function routedPath(pathname: string): string {
  if (!pathname.includes("%")) return pathname;
  return pathname.replace(/(?:%[0-9A-Fa-f]{2})+/g, decodeRun);
}

function decodeRun(run: string): string {
  try {
    return decodeURI(run.replace(/%25/g, "%2525"));
  } catch {
    // Not UTF-8 (a lone `%C3`, say): the router cannot decode it either.
    return run;
  }
}
