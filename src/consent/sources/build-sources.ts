/** A site's consent sources, in its configured order, compiled once per isolate. */
import type { ConsentSourceConfig } from "../../config/consent";
import { CMP_COMBINERS, CMP_DECODERS } from "../cmp/registry";
import { cmpSource } from "./cmp-source";
import { readOwnConsentCookie } from "./own-cookie";
import type { ConsentSource } from "./source";

const OWN_COOKIE: ConsentSource = { name: "consent-cookie", read: readOwnConsentCookie };

export function buildSources(configs: readonly ConsentSourceConfig[]): ConsentSource[] {
  return configs.map((config) => {
    if (config.kind === "consent-cookie") return OWN_COOKIE;
    const decoder = CMP_DECODERS[config.cmp];
    return cmpSource(
      decoder,
      { ...(config.map ? { map: config.map } : {}), ...(config.cookie ? { cookie: config.cookie } : {}) },
      CMP_COMBINERS[config.cmp],
    );
  });
}
