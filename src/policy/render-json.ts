/**
 * The declaration as JSON, for tools (a CMP's vendor list, an audit, a site's own policy page):
 * stable and language-independent: ids, enums and seconds, never a translated label. Every key is
 * always present (`null` where the config says nothing), so a consumer needs no guessing.
 *
 *   {
 *     "version": 1,
 *     "site": "aktok", "revision": "2026-04-03",
 *     "categories": [{
 *       "id": "analytics", "needsConsent": true,
 *       "cookies": [{ "name": "_ga", "provider": "Google Analytics", "purpose": "…",
 *                     "duration": { "kind": "seconds", "seconds": 34560000 },   // or "session" / "unknown"
 *                     "setBy": "http" | "script" | null,
 *                     "party": "first" | "third", "thirdPartyDomain": "facebook.com" | null }],
 *       "storage": [{ "key": "ph_*_posthog", "area": "local" | "session" | "both", "provider": …, "purpose": … }],
 *       "services": [{ "id": "youtube", "label": "YouTube", "hosts": ["youtube.com"], "cookies": ["YSC"] }]
 *     }],
 *     "thirdParties": [{ "name": …, "categories": ["analytics"], "purpose": …, "receives": …,
 *                        "privacyPolicy": "https://…" | null, "domains": ["facebook.com"] }],
 *     "choices": { "settingsUrl": "/.consent-edge/settings?return=%2Fcookies" | null, "optional": true,
 *                  "gpc": ["marketing"], "doNotTrack": { "categories": [], "vendors": ["Matomo"] } },
 *     "contact": "privacy@example.com" | null
 *   }
 *
 * `version` changes only when a key is removed or its meaning changes; new keys may appear
 * (`services`, each a service a visitor can allow without its category, came so: still version 1).
 * A service's `label` is the vendor or provider the config names, not a translated text.
 */
import type {
  Declaration,
  DeclaredCookie,
  DeclaredService,
  DeclaredStorage,
  ThirdParty,
} from "./declaration";

export const POLICY_JSON_VERSION = 1;

export function policyJson(declaration: Declaration) {
  return {
    version: POLICY_JSON_VERSION,
    site: declaration.site,
    revision: declaration.revision,
    categories: declaration.categories.map((category) => ({
      id: category.id,
      needsConsent: category.needsConsent,
      cookies: category.cookies.map(cookieJson),
      storage: category.storage.map(storageJson),
      services: category.services.map(serviceJson),
    })),
    thirdParties: declaration.thirdParties.map(thirdPartyJson),
    // `settingsUrl` null for a site without the banner (no settings page): every key is present.
    choices: { ...declaration.choices, settingsUrl: declaration.choices.settingsUrl ?? null },
    contact: declaration.contact ?? null,
  };
}

export function renderPolicyJson(declaration: Declaration): string {
  return `${JSON.stringify(policyJson(declaration), null, 2)}\n`;
}

function cookieJson(cookie: DeclaredCookie) {
  return {
    name: cookie.name,
    provider: cookie.provider ?? null,
    purpose: cookie.purpose ?? null,
    duration: cookie.duration,
    setBy: cookie.setBy ?? null,
    party: cookie.party.kind,
    thirdPartyDomain: cookie.party.kind === "third" ? cookie.party.domain : null,
  };
}

function serviceJson(service: DeclaredService) {
  return { id: service.id, label: service.label, hosts: service.hosts, cookies: service.cookies };
}

function storageJson(item: DeclaredStorage) {
  return { key: item.key, area: item.area, provider: item.provider ?? null, purpose: item.purpose ?? null };
}

function thirdPartyJson(party: ThirdParty) {
  return {
    name: party.name,
    categories: party.categories,
    purpose: party.purpose ?? null,
    receives: party.receives ?? null,
    privacyPolicy: party.privacyPolicy ?? null,
    domains: party.domains,
  };
}
