/** A site's consent sources, in its configured order, compiled once per isolate. */
import type { ConsentSourceConfig } from "../../config/consent";
import { CMP_COMBINERS, CMP_DECODERS } from "../cmp/registry";
import { cmpSource } from "./cmp-source";
import { gppSource } from "./gpp-source";
import { readOwnConsentCookie } from "./own-cookie";
import type { ConsentSource } from "./source";
import { usPrivacySource } from "./us-privacy-source";

const OWN_COOKIE: ConsentSource = { name: "consent-cookie", read: readOwnConsentCookie };

export function buildSources(configs: readonly ConsentSourceConfig[]): ConsentSource[] {
  return configs.map((config) => {
    if (config.kind === "consent-cookie") return OWN_COOKIE;
    const options = {
      ...(config.map ? { map: config.map } : {}),
      ...(config.cookie ? { cookie: config.cookie } : {}),
    };
    // The US signals only refuse, and what that decides depends on the visitor's region.
    if (config.cmp === "gpp") return gppSource(options);
    if (config.cmp === "us-privacy") return usPrivacySource(options);
    return cmpSource(CMP_DECODERS[config.cmp], options, CMP_COMBINERS[config.cmp]);
  });
}
