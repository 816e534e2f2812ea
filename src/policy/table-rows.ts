/**
 * The cookie and storage tables' columns and rows as plain text in the visitor's language: one
 * source for the HTML page and the Markdown, which each escape the text and mark the first cell
 * (the cookie name or storage key) as code in their own way.
 */
import { fill, joinList } from "../texts/fill";
import type { Texts } from "../texts/types";
import type { DeclaredCookie, DeclaredService, DeclaredStorage } from "./declaration";
import { formatDuration } from "./format-duration";

export function cookieColumns(texts: Texts): string[] {
  return [
    texts.colName,
    texts.colProvider,
    texts.colPurpose,
    texts.colDuration,
    texts.colType,
    texts.colParty,
  ];
}

/** Name, provider, purpose, duration, who sets it, which party: what the config says, or "not stated". */
export function cookieRow(cookie: DeclaredCookie, lang: string, texts: Texts): string[] {
  const unknown = texts.durationUnknown;
  return [
    cookie.name,
    cookie.provider ?? unknown,
    cookie.purpose ?? unknown,
    formatDuration(cookie.duration, lang, texts),
    cookie.setBy === "http" ? texts.typeHttp : cookie.setBy === "script" ? texts.typeScript : unknown,
    cookie.party.kind === "first"
      ? texts.firstParty
      : fill(texts.thirdPartyOn, { domain: cookie.party.domain }),
  ];
}

export function serviceColumns(texts: Texts): string[] {
  return [texts.policyColService, texts.policyColHosts, texts.policyColCookies];
}

/** Service, the hosts it loads from, its cookies: what the config says, or "none declared". */
export function serviceRow(service: DeclaredService, texts: Texts): string[] {
  const none = texts.policyNoneDeclared;
  return [service.label, service.hosts.join(", ") || none, service.cookies.join(", ") || none];
}

/** The sentence above a category's services: each can be allowed without the rest of it. */
export function servicesText(categoryLabel: string, texts: Texts): string {
  return fill(texts.policyServicesText, { category: categoryLabel });
}

export function storageColumns(texts: Texts): string[] {
  return [texts.colKey, texts.colArea, texts.colProvider, texts.colPurpose];
}

/** Key, where it is kept, provider, purpose. */
export function storageRow(item: DeclaredStorage, texts: Texts): string[] {
  const unknown = texts.durationUnknown;
  const area =
    item.area === "local"
      ? texts.areaLocal
      : item.area === "session"
        ? texts.areaSession
        : joinList([texts.areaLocal, texts.areaSession], texts.and);
  return [item.key, area, item.provider ?? unknown, item.purpose ?? unknown];
}
