/**
 * A visitor's consent as the worker resolves it (own consent cookie, the CMPs a site names, TCF,
 * GPP and US Privacy, GPC/DNT, region defaults), and the decoders for each CMP's cookie.
 */
import type { Site } from "../config/compile";
import { resolveConsent } from "../consent/resolve-consent";
import type { ConsentState } from "../consent/types";
import { parseCookieHeader } from "../cookies/parse-cookie-header";

export {
  type DecodedGpp,
  type DecodedGppString,
  decodeGppString,
  refusalsOfGpp,
  type UsRefusalField,
} from "../consent/cmp/gpp";
export { CMP_DECODERS } from "../consent/cmp/registry";
export { type DecodedTcString, decodeTcString, type TcCore } from "../consent/cmp/tcf";
export type { CmpDecoder, CmpReading } from "../consent/cmp/types";
export { type DecodedUsPrivacy, decodeUsPrivacy } from "../consent/cmp/us-privacy";
export { type ConsentChoice, parseConsentCookie, serializeConsentCookie } from "../consent/consent-cookie";
export { resolveConsent } from "../consent/resolve-consent";
export type { ConsentState } from "../consent/types";

/**
 * The consent of the visitor who sent `request`, for `site` (a site of compileConfig's result):
 * from its cookies and headers, and the country Cloudflare puts on `request.cf`. `now` is Unix
 * seconds.
 */
export function consentOf(
  request: Request,
  site: Site,
  now: number = Math.floor(Date.now() / 1000),
): ConsentState {
  const geo = (request as { cf?: { country?: string; regionCode?: string } }).cf;
  return resolveConsent(
    {
      cookies: parseCookieHeader(request.headers.get("Cookie")),
      headers: request.headers,
      now,
      country: geo?.country,
      regionCode: geo?.regionCode,
    },
    site,
    site.consentSources,
  );
}
