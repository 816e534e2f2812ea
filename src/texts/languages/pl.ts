/**
 * Polish, written for consent-edge. Impersonal forms ("nie wyrażono zgody") avoid the gendered
 * past tense of "Ty"/"Pan/Pani". The vendor stands after a colon ("Zablokowano: YouTube") and the
 * categories after "z kategorii", which is both the singular and the plural genitive, so any
 * label or joined list of labels reads correctly without inflecting it.
 */
import type { Texts } from "../types";

export const POLISH_TEXTS = {
  title: "Pliki cookie w tym serwisie",
  body:
    "Używamy plików cookie niezbędnych do działania serwisu. Za Twoją zgodą używalibyśmy także opcjonalnych " +
    "plików cookie, aby zapamiętać Twoje preferencje, mierzyć korzystanie z serwisu i wyświetlać dopasowane " +
    "reklamy. Żaden opcjonalny plik cookie nie jest zapisywany przed dokonaniem wyboru, a wybór można w " +
    "każdej chwili zmienić lub wycofać w \u201eUstawieniach plików cookie\u201d.",
  bodyOptOut:
    "Używamy plików cookie niezbędnych do działania serwisu oraz opcjonalnych plików cookie, aby zapamiętać " +
    "Twoje preferencje, mierzyć korzystanie z serwisu i wyświetlać dopasowane reklamy. Opcjonalne pliki " +
    "cookie można w każdej chwili odrzucić, a wybór zmienić, w \u201eUstawieniach plików cookie\u201d.",
  acceptAll: "Zaakceptuj wszystkie",
  rejectAll: "Odrzuć wszystkie",
  customise: "Dostosuj",
  save: "Zapisz wybór",
  close: "Zamknij",
  settingsLink: "Ustawienia plików cookie",
  policyLinkText: "Polityka plików cookie",
  cookiesInCategory: "Pliki cookie w tej kategorii",
  servicesInCategory: "Zezwól osobno, nawet gdy ta kategoria jest wyłączona",
  categories: {
    necessary: {
      label: "Niezbędne",
      description:
        "Zawsze włączone: serwis potrzebuje ich do działania (bezpieczeństwo, logowanie, zapamiętanie tego wyboru).",
    },
    functional: {
      label: "Funkcjonalne",
      description: "Zapamiętują dokonane wybory, na przykład język lub motyw.",
    },
    analytics: {
      label: "Analityczne",
      description: "Pomagają nam zrozumieć, jak korzysta się z serwisu, abyśmy mogli go ulepszać.",
    },
    marketing: {
      label: "Marketingowe",
      description:
        "Pozwalają partnerom reklamowym mierzyć skuteczność reklam i wyświetlać dopasowane reklamy, tutaj i w innych serwisach.",
    },
  },

  placeholderText:
    "Nie wyświetlono: {vendor}. Ta treść wymaga plików cookie z kategorii {categories}, na które nie " +
    "wyrażono zgody.",
  placeholderButton: "Zaakceptuj pliki cookie z kategorii {categories} i wyświetl",
  placeholderOnce: "Wyświetl tylko tym razem",
  placeholderAlways: "Zawsze zezwalaj na {services}",
  placeholderLabel: "Zablokowano: {vendor}",
  placeholderSomeone: "osadzona treść",
  and: "i",

  settingsPageTitle: "Ustawienia plików cookie",
  backToSite: "Wróć do serwisu",

  policyTitle: "Polityka plików cookie",
  policyIntro:
    "Ta strona wymienia, według kategorii, każdy plik cookie i każdy element pamięci przeglądarki, których " +
    "używa ten serwis, oraz zaangażowane podmioty zewnętrzne. Powstaje z tej samej konfiguracji, która " +
    "egzekwuje Twój wybór.",
  policyRevision: "Wersja polityki: {revision}",
  policyAlwaysOn: "Zawsze włączone: nie wymagają zgody.",
  policyNeedsConsent: "Używane tylko za Twoją zgodą.",
  colName: "Nazwa",
  colProvider: "Dostawca",
  colPurpose: "Cel",
  colDuration: "Okres przechowywania",
  colType: "Rodzaj",
  colParty: "Zapisywany przez",
  typeHttp: "Plik cookie HTTP",
  typeScript: "Zapisywany przez skrypt",
  firstParty: "Ten serwis (własny)",
  thirdPartyOn: "Podmiot zewnętrzny ({domain})",
  durationSession: "Do zamknięcia przeglądarki",
  durationUnknown: "Nie podano",
  noCookies: "Brak plików cookie w tej kategorii.",
  storageHeading: "Inne dane przechowywane w przeglądarce",
  colKey: "Klucz",
  colArea: "Przechowywane w",
  areaLocal: "Pamięć lokalna, do usunięcia",
  areaSession: "Pamięć sesji, do zamknięcia karty",
  thirdPartiesHeading: "Podmioty zewnętrzne",
  colThirdParty: "Podmiot zewnętrzny",
  colReceives: "Co otrzymują",
  colPrivacyPolicy: "Polityka prywatności",
  choicesHeading: "Twój wybór",
  choicesText:
    "Każdą opcjonalną kategorię można zaakceptować lub odrzucić, a wybór w każdej chwili zmienić lub " +
    "wycofać. Odrzucenie jest tak samo proste jak akceptacja, a zmiana działa od razu.",
  openSettings: "Otwórz ustawienia plików cookie",
  gpcText:
    "Jeśli przeglądarka wysyła sygnał Global Privacy Control, traktujemy go jako odmowę zgody na kategorie: {categories}.",
  dntText:
    "Jeśli przeglądarka wysyła sygnał Do Not Track, te usługi nie są wczytywane, niezależnie od udzielonych zgód: {vendors}.",
  nothingOptional:
    "Ten serwis używa tylko tego, czego potrzebuje do działania: nie ma nic do zaakceptowania ani odrzucenia.",
  policyServicesHeading: "Usługi, na które możesz zezwolić pojedynczo",
  policyServicesText:
    "Możesz zezwolić na każdą z tych usług osobno, bez reszty kategorii {category}: w ustawieniach plików cookie lub przyciskiem przy jednej z jej osadzonych treści.",
  policyColService: "Usługa",
  policyColHosts: "Ładowana z",
  policyColCookies: "Jej pliki cookie",
  policyNoneDeclared: "Brak zadeklarowanych",
} satisfies Texts;
