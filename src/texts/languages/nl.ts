/**
 * Dutch, written for consent-edge ("u" throughout, as Dutch and Flemish sites address visitors).
 * The placeholder puts the category labels in parentheses after "categorie:", where one label or
 * a joined list reads correctly.
 */
import type { Texts } from "../types";

export const DUTCH_TEXTS = {
  title: "Cookies op deze website",
  body:
    "We gebruiken cookies die de website nodig heeft om te werken. Met uw toestemming zouden we ook " +
    "optionele cookies gebruiken om uw voorkeuren te onthouden, te meten hoe de website wordt gebruikt en " +
    "relevante advertenties te tonen. Er wordt niets optioneels geplaatst voordat u kiest, en u kunt uw " +
    "keuze altijd wijzigen of intrekken via \u2018Cookie-instellingen\u2019.",
  bodyOptOut:
    "We gebruiken cookies die de website nodig heeft om te werken, en optionele cookies om uw voorkeuren " +
    "te onthouden, te meten hoe de website wordt gebruikt en relevante advertenties te tonen. U kunt de " +
    "optionele cookies altijd weigeren, of uw keuze wijzigen, via \u2018Cookie-instellingen\u2019.",
  acceptAll: "Alles accepteren",
  rejectAll: "Alles weigeren",
  customise: "Aanpassen",
  save: "Keuze opslaan",
  close: "Sluiten",
  settingsLink: "Cookie-instellingen",
  policyLinkText: "Cookiebeleid",
  cookiesInCategory: "Cookies in deze categorie",
  servicesInCategory: "Afzonderlijk toestaan, ook als deze categorie uit staat",
  categories: {
    necessary: {
      label: "Noodzakelijk",
      description:
        "Altijd aan: de website heeft ze nodig om te werken (beveiliging, inloggen, deze keuze onthouden).",
    },
    functional: {
      label: "Functioneel",
      description: "Onthouden keuzes die u maakt, zoals uw taal of thema.",
    },
    analytics: {
      label: "Statistieken",
      description: "Helpen ons te begrijpen hoe de website wordt gebruikt, zodat we hem kunnen verbeteren.",
    },
    marketing: {
      label: "Marketing",
      description:
        "Laten advertentiepartners advertenties meten en advertenties tonen die voor u relevant zijn, hier en op andere websites.",
    },
  },

  placeholderText:
    "{vendor} wordt niet getoond, omdat daarvoor cookies nodig zijn die u niet hebt geaccepteerd " +
    "(categorie: {categories}).",
  placeholderButton: "Deze cookies accepteren en tonen ({categories})",
  placeholderOnce: "Alleen deze keer tonen",
  placeholderAlways: "{services} altijd toestaan",
  placeholderLabel: "{vendor} is geblokkeerd",
  placeholderSomeone: "Deze ingesloten inhoud",
  and: "en",

  settingsPageTitle: "Cookie-instellingen",
  backToSite: "Terug naar de website",

  policyTitle: "Cookiebeleid",
  policyIntro:
    "Deze pagina noemt per categorie elke cookie en elk gegeven in de browseropslag dat deze website " +
    "gebruikt, en de betrokken derden. Ze wordt gemaakt uit dezelfde configuratie die uw keuze afdwingt.",
  policyRevision: "Versie van het beleid: {revision}",
  policyAlwaysOn: "Altijd aan: hiervoor is geen toestemming nodig.",
  policyNeedsConsent: "Alleen met uw toestemming.",
  colName: "Naam",
  colProvider: "Aanbieder",
  colPurpose: "Doel",
  colDuration: "Bewaartermijn",
  colType: "Soort",
  colParty: "Geplaatst door",
  typeHttp: "HTTP-cookie",
  typeScript: "Geplaatst door een script",
  firstParty: "Deze website (first party)",
  thirdPartyOn: "Derde partij ({domain})",
  durationSession: "Tot u de browser sluit",
  durationUnknown: "Niet vermeld",
  noCookies: "Geen cookies in deze categorie.",
  storageHeading: "Andere opslag in uw browser",
  colKey: "Sleutel",
  colArea: "Bewaard in",
  areaLocal: "Lokale opslag, tot die wordt gewist",
  areaSession: "Sessieopslag, tot het tabblad wordt gesloten",
  thirdPartiesHeading: "Derde partijen",
  colThirdParty: "Derde partij",
  colReceives: "Wat zij ontvangen",
  colPrivacyPolicy: "Privacybeleid",
  choicesHeading: "Uw keuzes",
  choicesText:
    "U kunt elke optionele categorie accepteren of weigeren, en uw keuze altijd wijzigen of intrekken. " +
    "Weigeren is even eenvoudig als accepteren, en een wijziging geldt meteen.",
  openSettings: "Cookie-instellingen openen",
  gpcText:
    "Als uw browser Global Privacy Control verstuurt, behandelen we dat als een weigering van deze categorieën: {categories}.",
  dntText:
    "Als uw browser Do Not Track verstuurt, worden deze diensten niet geladen, wat u ook hebt geaccepteerd: {vendors}.",
  nothingOptional:
    "Deze website gebruikt alleen wat nodig is om te werken: er valt niets te accepteren of te weigeren.",
  policyServicesHeading: "Diensten die u afzonderlijk kunt toestaan",
  policyServicesText:
    "U kunt elk van deze diensten afzonderlijk toestaan, zonder de rest van {category}: in de cookie-instellingen, of met de knop bij een van de ingesloten items ervan.",
  policyColService: "Dienst",
  policyColHosts: "Geladen van",
  policyColCookies: "Eigen cookies",
  policyNoneDeclared: "Geen opgegeven",
} satisfies Texts;
