/**
 * Danish, written for consent-edge ("du", as Danish sites address visitors). The category labels
 * stand in parentheses after "kategori:", and the vendor before a verb that does not agree with
 * it, so any name and any list read correctly.
 */
import type { Texts } from "../types";

export const DANISH_TEXTS = {
  title: "Cookies på dette websted",
  body:
    "Vi bruger cookies, som webstedet har brug for for at fungere. Med dit samtykke vil vi også bruge " +
    "valgfrie cookies til at huske dine indstillinger, måle, hvordan webstedet bruges, og vise relevante " +
    "annoncer. Der gemmes ingen valgfrie cookies, før du har valgt, og du kan til enhver tid ændre eller " +
    "trække dit valg tilbage under \u201dCookieindstillinger\u201d.",
  bodyOptOut:
    "Vi bruger cookies, som webstedet har brug for for at fungere, og valgfrie cookies til at huske dine " +
    "indstillinger, måle, hvordan webstedet bruges, og vise relevante annoncer. Du kan til enhver tid afvise " +
    "de valgfrie eller ændre dit valg under \u201dCookieindstillinger\u201d.",
  acceptAll: "Accepter alle",
  rejectAll: "Afvis alle",
  customise: "Tilpas",
  save: "Gem valg",
  close: "Luk",
  settingsLink: "Cookieindstillinger",
  policyLinkText: "Cookiepolitik",
  cookiesInCategory: "Cookies i denne kategori",
  servicesInCategory: "Tillad for sig, også når kategorien er slået fra",
  categories: {
    necessary: {
      label: "Nødvendige",
      description:
        "Altid slået til: webstedet har brug for dem for at fungere (sikkerhed, login, at huske dette valg).",
    },
    functional: {
      label: "Funktionelle",
      description: "Husker valg, du træffer, for eksempel sprog eller tema.",
    },
    analytics: {
      label: "Statistik",
      description: "Hjælper os med at forstå, hvordan webstedet bruges, så vi kan forbedre det.",
    },
    marketing: {
      label: "Marketing",
      description:
        "Lader annoncepartnere måle annoncer og vise annoncer, der er relevante for dig, her og på andre websteder.",
    },
  },

  placeholderText:
    "{vendor} vises ikke, fordi det kræver cookies, som du ikke har accepteret (kategori: {categories}).",
  placeholderButton: "Accepter disse cookies og vis ({categories})",
  placeholderOnce: "Vis det kun denne gang",
  placeholderAlways: "Tillad altid {services}",
  placeholderLabel: "Blokeret indhold: {vendor}",
  placeholderSomeone: "Det indlejrede indhold",
  and: "og",

  settingsPageTitle: "Cookieindstillinger",
  backToSite: "Tilbage til webstedet",

  policyTitle: "Cookiepolitik",
  policyIntro:
    "Denne side viser, efter kategori, hver cookie og hver post i browserens lager, som webstedet bruger, " +
    "og de tredjeparter, der er involveret. Den laves ud fra den samme konfiguration, som håndhæver dit valg.",
  policyRevision: "Politikkens version: {revision}",
  policyAlwaysOn: "Altid slået til: kræver ikke samtykke.",
  policyNeedsConsent: "Bruges kun med dit samtykke.",
  colName: "Navn",
  colProvider: "Udbyder",
  colPurpose: "Formål",
  colDuration: "Varighed",
  colType: "Type",
  colParty: "Sat af",
  typeHttp: "HTTP-cookie",
  typeScript: "Sat af et script",
  firstParty: "Dette websted (førstepart)",
  thirdPartyOn: "Tredjepart ({domain})",
  durationSession: "Indtil du lukker browseren",
  durationUnknown: "Ikke oplyst",
  noCookies: "Ingen cookies i denne kategori.",
  storageHeading: "Andet lager i din browser",
  colKey: "Nøgle",
  colArea: "Gemt i",
  areaLocal: "Lokalt lager, indtil det slettes",
  areaSession: "Sessionslager, indtil fanen lukkes",
  thirdPartiesHeading: "Tredjeparter",
  colThirdParty: "Tredjepart",
  colReceives: "Hvad de modtager",
  colPrivacyPolicy: "Privatlivspolitik",
  choicesHeading: "Dine valg",
  choicesText:
    "Du kan acceptere eller afvise hver valgfri kategori og til enhver tid ændre eller trække dit valg " +
    "tilbage. Det er lige så nemt at afvise som at acceptere, og en ændring gælder med det samme.",
  openSettings: "Åbn cookieindstillingerne",
  gpcText:
    "Hvis din browser sender Global Privacy Control, behandler vi det som et afslag på disse kategorier: {categories}.",
  dntText:
    "Hvis din browser sender Do Not Track, indlæses disse tjenester ikke, uanset hvad du har accepteret: {vendors}.",
  nothingOptional:
    "Dette websted bruger kun det, det har brug for for at fungere: der er intet at acceptere eller afvise.",
  policyServicesHeading: "Tjenester, du kan tillade enkeltvis",
  policyServicesText:
    "Du kan tillade hver af disse tjenester for sig, uden resten af {category}: i cookieindstillingerne eller med knappen på et af dens indlejrede elementer.",
  policyColService: "Tjeneste",
  policyColHosts: "Indlæses fra",
  policyColCookies: "Dens cookies",
  policyNoneDeclared: "Ingen angivet",
} satisfies Texts;
