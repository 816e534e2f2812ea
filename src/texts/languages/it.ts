/**
 * Italian, written for consent-edge ("tu", as most Italian sites address visitors).
 * The placeholder puts the category labels in parentheses after "categoria:", and the vendor is
 * the object of "Non mostriamo", so neither its gender nor the list's length changes a word.
 */
import type { Texts } from "../types";

export const ITALIAN_TEXTS = {
  title: "Cookie su questo sito",
  body:
    "Usiamo i cookie necessari al funzionamento del sito. Con il tuo consenso useremmo anche cookie " +
    "facoltativi per ricordare le tue preferenze, misurare come viene usato il sito e mostrare annunci " +
    "pertinenti. Nessun cookie facoltativo viene impostato prima della tua scelta, che puoi modificare o " +
    "revocare in qualsiasi momento da \u00abImpostazioni cookie\u00bb.",
  bodyOptOut:
    "Usiamo i cookie necessari al funzionamento del sito e cookie facoltativi per ricordare le tue " +
    "preferenze, misurare come viene usato il sito e mostrare annunci pertinenti. Puoi rifiutare quelli " +
    "facoltativi, o modificare la tua scelta, in qualsiasi momento da \u00abImpostazioni cookie\u00bb.",
  acceptAll: "Accetta tutti",
  rejectAll: "Rifiuta tutti",
  customise: "Personalizza",
  save: "Salva le scelte",
  close: "Chiudi",
  settingsLink: "Impostazioni cookie",
  policyLinkText: "Cookie policy",
  cookiesInCategory: "Cookie di questa categoria",
  servicesInCategory: "Consenti singolarmente, anche con questa categoria disattivata",
  categories: {
    necessary: {
      label: "Necessari",
      description:
        "Sempre attivi: servono al funzionamento del sito (sicurezza, accesso, memorizzazione di questa scelta).",
    },
    functional: {
      label: "Funzionali",
      description: "Ricordano le scelte che fai, come la lingua o il tema.",
    },
    analytics: {
      label: "Statistiche",
      description: "Ci aiutano a capire come viene usato il sito, per poterlo migliorare.",
    },
    marketing: {
      label: "Marketing",
      description:
        "Permettono ai partner pubblicitari di misurare gli annunci e di mostrarti annunci pertinenti, qui e su altri siti.",
    },
  },

  placeholderText:
    "Non mostriamo {vendor} perché richiede cookie che non hai accettato (categoria: {categories}).",
  placeholderButton: "Accetta questi cookie e mostra ({categories})",
  placeholderOnce: "Mostra solo questa volta",
  placeholderAlways: "Consenti sempre {services}",
  placeholderLabel: "Contenuto bloccato: {vendor}",
  placeholderSomeone: "questo contenuto incorporato",
  and: "e",

  settingsPageTitle: "Impostazioni cookie",
  backToSite: "Torna al sito",

  policyTitle: "Cookie policy",
  policyIntro:
    "Questa pagina elenca, per categoria, ogni cookie e ogni elemento di memoria del browser che questo sito " +
    "usa, e le terze parti coinvolte. È generata dalla stessa configurazione che applica la tua scelta.",
  policyRevision: "Versione della policy: {revision}",
  policyAlwaysOn: "Sempre attivi: non richiedono consenso.",
  policyNeedsConsent: "Usati solo con il tuo consenso.",
  colName: "Nome",
  colProvider: "Fornitore",
  colPurpose: "Finalità",
  colDuration: "Durata",
  colType: "Tipo",
  colParty: "Impostato da",
  typeHttp: "Cookie HTTP",
  typeScript: "Impostato da uno script",
  firstParty: "Questo sito (prima parte)",
  thirdPartyOn: "Terza parte ({domain})",
  durationSession: "Fino alla chiusura del browser",
  durationUnknown: "Non indicata",
  noCookies: "Nessun cookie in questa categoria.",
  storageHeading: "Altri dati memorizzati nel browser",
  colKey: "Chiave",
  colArea: "Memorizzato in",
  areaLocal: "Memoria locale, fino alla cancellazione",
  areaSession: "Memoria di sessione, fino alla chiusura della scheda",
  thirdPartiesHeading: "Terze parti",
  colThirdParty: "Terza parte",
  colReceives: "Che cosa ricevono",
  colPrivacyPolicy: "Informativa privacy",
  choicesHeading: "Le tue scelte",
  choicesText:
    "Puoi accettare o rifiutare ogni categoria facoltativa, e modificare o revocare la tua scelta in qualsiasi " +
    "momento. Rifiutare è semplice quanto accettare, e una modifica vale subito.",
  openSettings: "Apri le impostazioni dei cookie",
  gpcText:
    "Se il tuo browser invia Global Privacy Control, lo consideriamo un rifiuto di queste categorie: {categories}.",
  dntText:
    "Se il tuo browser invia Do Not Track, questi servizi non vengono caricati, qualunque cosa tu abbia accettato: {vendors}.",
  nothingOptional:
    "Questo sito usa solo ciò che serve al suo funzionamento: non c\u2019è nulla da accettare o rifiutare.",
  policyServicesHeading: "Servizi che puoi consentire uno per uno",
  policyServicesText:
    "Puoi consentire ciascuno di questi servizi singolarmente, senza il resto di {category}: nelle impostazioni dei cookie o con il pulsante su uno dei suoi contenuti incorporati.",
  policyColService: "Servizio",
  policyColHosts: "Caricato da",
  policyColCookies: "I suoi cookie",
  policyNoneDeclared: "Nessuno dichiarato",
} satisfies Texts;
