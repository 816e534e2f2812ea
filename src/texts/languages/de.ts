/**
 * German, written for consent-edge. "Sie" throughout, as German sites address visitors. The
 * placeholder puts the category labels in parentheses after "Kategorie:", where one label or a
 * joined list of them reads correctly without inflection.
 */
import type { Texts } from "../types";

export const GERMAN_TEXTS = {
  title: "Cookies auf dieser Website",
  body:
    "Wir verwenden Cookies, die für den Betrieb der Website nötig sind. Mit Ihrer Einwilligung würden wir " +
    "außerdem optionale Cookies verwenden, um Ihre Einstellungen zu speichern, die Nutzung der Website zu " +
    "messen und passende Werbung zu zeigen. Optionale Cookies werden erst gesetzt, wenn Sie sich " +
    "entschieden haben, und Sie können Ihre Wahl jederzeit unter \u201eCookie-Einstellungen\u201c ändern " +
    "oder widerrufen.",
  bodyOptOut:
    "Wir verwenden Cookies, die für den Betrieb der Website nötig sind, und optionale Cookies, um Ihre " +
    "Einstellungen zu speichern, die Nutzung der Website zu messen und passende Werbung zu zeigen. Sie " +
    "können die optionalen Cookies jederzeit unter \u201eCookie-Einstellungen\u201c ablehnen oder Ihre " +
    "Wahl ändern.",
  acceptAll: "Alle akzeptieren",
  rejectAll: "Alle ablehnen",
  customise: "Anpassen",
  save: "Auswahl speichern",
  close: "Schließen",
  settingsLink: "Cookie-Einstellungen",
  policyLinkText: "Cookie-Richtlinie",
  cookiesInCategory: "Cookies in dieser Kategorie",
  servicesInCategory: "Einzeln erlauben, auch wenn diese Kategorie aus ist",
  categories: {
    necessary: {
      label: "Notwendig",
      description:
        "Immer aktiv: Die Website braucht sie, um zu funktionieren (Sicherheit, Anmeldung, Speichern dieser Auswahl).",
    },
    functional: {
      label: "Funktional",
      description: "Speichern Entscheidungen, die Sie treffen, etwa Ihre Sprache oder Ihr Farbschema.",
    },
    analytics: {
      label: "Statistik",
      description: "Helfen uns zu verstehen, wie die Website genutzt wird, damit wir sie verbessern können.",
    },
    marketing: {
      label: "Marketing",
      description:
        "Erlauben Werbepartnern, Anzeigen zu messen und Ihnen passende Werbung zu zeigen, hier und auf anderen Websites.",
    },
  },

  placeholderText:
    "{vendor} wird nicht angezeigt, weil dafür Cookies nötig sind, denen Sie nicht zugestimmt haben " +
    "(Kategorie: {categories}).",
  placeholderButton: "Cookies zulassen und anzeigen ({categories})",
  placeholderOnce: "Nur dieses Mal anzeigen",
  placeholderAlways: "{services} immer erlauben",
  placeholderLabel: "{vendor} ist blockiert",
  placeholderSomeone: "Dieser eingebettete Inhalt",
  and: "und",

  settingsPageTitle: "Cookie-Einstellungen",
  backToSite: "Zurück zur Website",

  policyTitle: "Cookie-Richtlinie",
  policyIntro:
    "Diese Seite führt jedes Cookie und jeden Eintrag im Browser-Speicher auf, den diese Website verwendet, " +
    "nach Kategorien geordnet, dazu die beteiligten Dritten. Sie wird aus derselben Konfiguration erzeugt, " +
    "die Ihre Wahl durchsetzt.",
  policyRevision: "Stand der Richtlinie: {revision}",
  policyAlwaysOn: "Immer aktiv: Diese brauchen keine Einwilligung.",
  policyNeedsConsent: "Nur mit Ihrer Einwilligung.",
  colName: "Name",
  colProvider: "Anbieter",
  colPurpose: "Zweck",
  colDuration: "Speicherdauer",
  colType: "Art",
  colParty: "Gesetzt von",
  typeHttp: "HTTP-Cookie",
  typeScript: "Von einem Skript gesetzt",
  firstParty: "Diese Website (Erstanbieter)",
  thirdPartyOn: "Drittanbieter ({domain})",
  durationSession: "Bis Sie den Browser schließen",
  durationUnknown: "Nicht angegeben",
  noCookies: "Keine Cookies in dieser Kategorie.",
  storageHeading: "Weiterer Speicher in Ihrem Browser",
  colKey: "Schlüssel",
  colArea: "Gespeichert in",
  areaLocal: "Lokaler Speicher, bis er gelöscht wird",
  areaSession: "Sitzungsspeicher, bis der Tab geschlossen wird",
  thirdPartiesHeading: "Drittanbieter",
  colThirdParty: "Drittanbieter",
  colReceives: "Was sie erhalten",
  colPrivacyPolicy: "Datenschutzerklärung",
  choicesHeading: "Ihre Wahl",
  choicesText:
    "Sie können jede optionale Kategorie akzeptieren oder ablehnen und Ihre Wahl jederzeit ändern oder " +
    "widerrufen. Ablehnen ist so einfach wie Akzeptieren, und eine Änderung gilt sofort.",
  openSettings: "Cookie-Einstellungen öffnen",
  gpcText:
    "Sendet Ihr Browser Global Privacy Control, werten wir das als Ablehnung dieser Kategorien: {categories}.",
  dntText:
    "Sendet Ihr Browser Do Not Track, werden diese Dienste nicht geladen, was auch immer Sie akzeptiert haben: {vendors}.",
  nothingOptional:
    "Diese Website verwendet nur, was sie zum Funktionieren braucht: Es gibt nichts zu akzeptieren oder abzulehnen.",
  policyServicesHeading: "Dienste, die Sie einzeln erlauben können",
  policyServicesText:
    "Sie können jeden dieser Dienste einzeln erlauben, ohne den Rest von {category}: in den Cookie-Einstellungen oder mit der Schaltfläche auf einem seiner eingebetteten Inhalte.",
  policyColService: "Dienst",
  policyColHosts: "Geladen von",
  policyColCookies: "Seine Cookies",
  policyNoneDeclared: "Keine angegeben",
} satisfies Texts;
