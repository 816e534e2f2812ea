/**
 * Swedish, written for consent-edge ("du", as Swedish sites address visitors). The category
 * labels stand in parentheses after "kategori:", and the vendor before a verb that does not
 * agree with it, so any name and any list read correctly.
 */
import type { Texts } from "../types";

export const SWEDISH_TEXTS = {
  title: "Cookies på den här webbplatsen",
  body:
    "Vi använder cookies som webbplatsen behöver för att fungera. Med ditt samtycke skulle vi också använda " +
    "valfria cookies för att komma ihåg dina inställningar, mäta hur webbplatsen används och visa relevanta " +
    "annonser. Inga valfria cookies sparas innan du har valt, och du kan när som helst ändra eller återkalla " +
    "ditt val under \u201dCookieinställningar\u201d.",
  bodyOptOut:
    "Vi använder cookies som webbplatsen behöver för att fungera och valfria cookies för att komma ihåg dina " +
    "inställningar, mäta hur webbplatsen används och visa relevanta annonser. Du kan när som helst neka de " +
    "valfria, eller ändra ditt val, under \u201dCookieinställningar\u201d.",
  acceptAll: "Godkänn alla",
  rejectAll: "Neka alla",
  customise: "Anpassa",
  save: "Spara val",
  close: "Stäng",
  settingsLink: "Cookieinställningar",
  policyLinkText: "Cookiepolicy",
  cookiesInCategory: "Cookies i den här kategorin",
  servicesInCategory: "Tillåt var för sig, även när kategorin är avstängd",
  categories: {
    necessary: {
      label: "Nödvändiga",
      description:
        "Alltid på: webbplatsen behöver dem för att fungera (säkerhet, inloggning, att komma ihåg det här valet).",
    },
    functional: {
      label: "Funktionella",
      description: "Kommer ihåg val du gör, till exempel språk eller tema.",
    },
    analytics: {
      label: "Statistik",
      description: "Hjälper oss att förstå hur webbplatsen används, så att vi kan förbättra den.",
    },
    marketing: {
      label: "Marknadsföring",
      description:
        "Låter annonspartner mäta annonser och visa annonser som är relevanta för dig, här och på andra webbplatser.",
    },
  },

  placeholderText:
    "{vendor} visas inte, eftersom det kräver cookies som du inte har godkänt (kategori: {categories}).",
  placeholderButton: "Godkänn dessa cookies och visa ({categories})",
  placeholderOnce: "Visa bara den här gången",
  placeholderAlways: "Tillåt alltid {services}",
  placeholderLabel: "Blockerat innehåll: {vendor}",
  placeholderSomeone: "Det inbäddade innehållet",
  and: "och",

  settingsPageTitle: "Cookieinställningar",
  backToSite: "Tillbaka till webbplatsen",

  policyTitle: "Cookiepolicy",
  policyIntro:
    "Den här sidan listar, per kategori, varje cookie och varje post i webbläsarens lagring som webbplatsen " +
    "använder, och de tredje parter som berörs. Den skapas från samma konfiguration som verkställer ditt val.",
  policyRevision: "Policyns version: {revision}",
  policyAlwaysOn: "Alltid på: kräver inget samtycke.",
  policyNeedsConsent: "Används bara med ditt samtycke.",
  colName: "Namn",
  colProvider: "Leverantör",
  colPurpose: "Syfte",
  colDuration: "Lagringstid",
  colType: "Typ",
  colParty: "Sätts av",
  typeHttp: "HTTP-cookie",
  typeScript: "Sätts av ett skript",
  firstParty: "Den här webbplatsen (förstapart)",
  thirdPartyOn: "Tredje part ({domain})",
  durationSession: "Tills du stänger webbläsaren",
  durationUnknown: "Anges inte",
  noCookies: "Inga cookies i den här kategorin.",
  storageHeading: "Annan lagring i din webbläsare",
  colKey: "Nyckel",
  colArea: "Lagras i",
  areaLocal: "Lokal lagring, tills den raderas",
  areaSession: "Sessionslagring, tills fliken stängs",
  thirdPartiesHeading: "Tredje parter",
  colThirdParty: "Tredje part",
  colReceives: "Vad de får",
  colPrivacyPolicy: "Integritetspolicy",
  choicesHeading: "Dina val",
  choicesText:
    "Du kan godkänna eller neka varje valfri kategori, och när som helst ändra eller återkalla ditt val. " +
    "Att neka är lika enkelt som att godkänna, och en ändring gäller direkt.",
  openSettings: "Öppna cookieinställningarna",
  gpcText:
    "Om din webbläsare skickar Global Privacy Control behandlar vi det som ett nej till dessa kategorier: {categories}.",
  dntText:
    "Om din webbläsare skickar Do Not Track läses dessa tjänster inte in, vad du än har godkänt: {vendors}.",
  nothingOptional:
    "Den här webbplatsen använder bara det den behöver för att fungera: det finns inget att godkänna eller neka.",
  policyServicesHeading: "Tjänster du kan tillåta en i taget",
  policyServicesText:
    "Du kan tillåta var och en av dessa tjänster för sig, utan resten av {category}: i cookieinställningarna eller med knappen på något av dess inbäddade innehåll.",
  policyColService: "Tjänst",
  policyColHosts: "Laddas från",
  policyColCookies: "Dess cookies",
  policyNoneDeclared: "Inga angivna",
} satisfies Texts;
