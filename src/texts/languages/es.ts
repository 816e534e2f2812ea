/**
 * Spanish, written for consent-edge ("usted" forms, neutral between Spain and Latin America). The
 * placeholder puts the category labels in parentheses after "categoría:", where one label or a
 * joined list reads correctly without agreement.
 */
import type { Texts } from "../types";

export const SPANISH_TEXTS = {
  title: "Cookies en este sitio",
  body:
    "Usamos las cookies que el sitio necesita para funcionar. Con su consentimiento, también usaríamos " +
    "cookies opcionales para recordar sus preferencias, medir cómo se usa el sitio y mostrar anuncios " +
    "relevantes. No se instala ninguna cookie opcional hasta que usted elija, y puede cambiar o retirar " +
    "su elección en cualquier momento en \u00abConfiguración de cookies\u00bb.",
  bodyOptOut:
    "Usamos las cookies que el sitio necesita para funcionar y cookies opcionales para recordar sus " +
    "preferencias, medir cómo se usa el sitio y mostrar anuncios relevantes. Puede rechazar las opcionales, " +
    "o cambiar su elección, en cualquier momento en \u00abConfiguración de cookies\u00bb.",
  acceptAll: "Aceptar todas",
  rejectAll: "Rechazar todas",
  customise: "Personalizar",
  save: "Guardar selección",
  close: "Cerrar",
  settingsLink: "Configuración de cookies",
  policyLinkText: "Política de cookies",
  cookiesInCategory: "Cookies de esta categoría",
  servicesInCategory: "Permitir por separado, aunque esta categoría esté desactivada",
  categories: {
    necessary: {
      label: "Necesarias",
      description:
        "Siempre activas: el sitio las necesita para funcionar (seguridad, inicio de sesión, recordar esta elección).",
    },
    functional: {
      label: "Funcionales",
      description: "Recuerdan las opciones que elige, como su idioma o su tema.",
    },
    analytics: {
      label: "Analíticas",
      description: "Nos ayudan a entender cómo se usa el sitio para poder mejorarlo.",
    },
    marketing: {
      label: "Marketing",
      description:
        "Permiten a socios publicitarios medir los anuncios y mostrarle anuncios relevantes, aquí y en otros sitios.",
    },
  },

  placeholderText:
    "No mostramos {vendor} porque necesita cookies que usted no ha aceptado (categoría: {categories}).",
  placeholderButton: "Aceptar estas cookies y mostrar ({categories})",
  placeholderOnce: "Mostrar solo esta vez",
  placeholderAlways: "Permitir siempre {services}",
  placeholderLabel: "Contenido bloqueado: {vendor}",
  placeholderSomeone: "este contenido insertado",
  and: "y",

  settingsPageTitle: "Configuración de cookies",
  backToSite: "Volver al sitio",

  policyTitle: "Política de cookies",
  policyIntro:
    "Esta página enumera, por categoría, cada cookie y cada elemento de almacenamiento del navegador que usa " +
    "este sitio, y los terceros que intervienen. Se genera a partir de la misma configuración que aplica su " +
    "elección.",
  policyRevision: "Versión de la política: {revision}",
  policyAlwaysOn: "Siempre activas: no requieren consentimiento.",
  policyNeedsConsent: "Solo se usan con su consentimiento.",
  colName: "Nombre",
  colProvider: "Proveedor",
  colPurpose: "Finalidad",
  colDuration: "Duración",
  colType: "Tipo",
  colParty: "Instalada por",
  typeHttp: "Cookie HTTP",
  typeScript: "Instalada por un script",
  firstParty: "Este sitio (propia)",
  thirdPartyOn: "De terceros ({domain})",
  durationSession: "Hasta que cierre el navegador",
  durationUnknown: "No indicada",
  noCookies: "No hay cookies en esta categoría.",
  storageHeading: "Otros datos guardados en su navegador",
  colKey: "Clave",
  colArea: "Guardado en",
  areaLocal: "Almacenamiento local, hasta que se borre",
  areaSession: "Almacenamiento de sesión, hasta que se cierre la pestaña",
  thirdPartiesHeading: "Terceros",
  colThirdParty: "Tercero",
  colReceives: "Qué reciben",
  colPrivacyPolicy: "Política de privacidad",
  choicesHeading: "Sus opciones",
  choicesText:
    "Puede aceptar o rechazar cada categoría opcional, y cambiar o retirar su elección en cualquier momento. " +
    "Rechazar es tan fácil como aceptar, y el cambio se aplica de inmediato.",
  openSettings: "Abrir la configuración de cookies",
  gpcText:
    "Si su navegador envía Global Privacy Control, lo tratamos como un rechazo de estas categorías: {categories}.",
  dntText:
    "Si su navegador envía Do Not Track, estos servicios no se cargan, aunque usted los haya aceptado: {vendors}.",
  nothingOptional: "Este sitio solo usa lo que necesita para funcionar: no hay nada que aceptar ni rechazar.",
  policyServicesHeading: "Servicios que puede permitir uno por uno",
  policyServicesText:
    "Puede permitir cada uno de estos servicios por separado, sin el resto de {category}: en la configuración de cookies o con el botón de uno de sus contenidos insertados.",
  policyColService: "Servicio",
  policyColHosts: "Se carga desde",
  policyColCookies: "Sus cookies",
  policyNoneDeclared: "Ninguno declarado",
} satisfies Texts;
