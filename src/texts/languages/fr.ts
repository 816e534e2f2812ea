/**
 * French, written for consent-edge ("vous" throughout). The placeholder puts the category labels
 * in parentheses after "catégorie :", where one label or a joined list reads correctly without
 * agreement; the vendor is the object of "Nous n'affichons pas", so its gender never matters.
 */
import type { Texts } from "../types";

export const FRENCH_TEXTS = {
  title: "Les cookies sur ce site",
  body:
    "Nous utilisons les cookies nécessaires au fonctionnement du site. Avec votre accord, nous utiliserions " +
    "aussi des cookies facultatifs pour mémoriser vos préférences, mesurer l\u2019utilisation du site et " +
    "afficher des publicités adaptées. Aucun cookie facultatif n\u2019est déposé avant votre choix, et vous " +
    "pouvez le modifier ou le retirer à tout moment dans \u00ab\u00a0Paramètres des cookies\u00a0\u00bb.",
  bodyOptOut:
    "Nous utilisons les cookies nécessaires au fonctionnement du site, ainsi que des cookies facultatifs " +
    "pour mémoriser vos préférences, mesurer l\u2019utilisation du site et afficher des publicités adaptées. " +
    "Vous pouvez refuser les cookies facultatifs, ou modifier votre choix, à tout moment dans " +
    "\u00ab\u00a0Paramètres des cookies\u00a0\u00bb.",
  acceptAll: "Tout accepter",
  rejectAll: "Tout refuser",
  customise: "Personnaliser",
  save: "Enregistrer mes choix",
  close: "Fermer",
  settingsLink: "Paramètres des cookies",
  policyLinkText: "Politique de cookies",
  cookiesInCategory: "Cookies de cette catégorie",
  servicesInCategory: "Autoriser séparément, même si cette catégorie est désactivée",
  categories: {
    necessary: {
      label: "Nécessaires",
      description:
        "Toujours actifs\u00a0: le site en a besoin pour fonctionner (sécurité, connexion, mémorisation de ce choix).",
    },
    functional: {
      label: "Fonctionnels",
      description: "Mémorisent les choix que vous faites, comme votre langue ou votre thème.",
    },
    analytics: {
      label: "Statistiques",
      description: "Nous aident à comprendre comment le site est utilisé, afin de l\u2019améliorer.",
    },
    marketing: {
      label: "Marketing",
      description:
        "Permettent à des partenaires publicitaires de mesurer les publicités et de vous montrer des publicités adaptées, ici et sur d\u2019autres sites.",
    },
  },

  placeholderText:
    "Nous n\u2019affichons pas {vendor}, car il faut pour cela des cookies que vous n\u2019avez pas " +
    "acceptés (catégorie\u00a0: {categories}).",
  placeholderButton: "Accepter ces cookies et afficher ({categories})",
  placeholderOnce: "Afficher pour cette fois seulement",
  placeholderAlways: "Toujours autoriser {services}",
  placeholderLabel: "Contenu bloqué\u00a0: {vendor}",
  placeholderSomeone: "ce contenu intégré",
  and: "et",

  settingsPageTitle: "Paramètres des cookies",
  backToSite: "Retour au site",

  policyTitle: "Politique de cookies",
  policyIntro:
    "Cette page liste, par catégorie, chaque cookie et chaque élément de stockage du navigateur utilisés " +
    "par ce site, ainsi que les tiers concernés. Elle est générée à partir de la configuration même qui " +
    "applique votre choix.",
  policyRevision: "Version de la politique\u00a0: {revision}",
  policyAlwaysOn: "Toujours actifs\u00a0: ils ne nécessitent pas de consentement.",
  policyNeedsConsent: "Utilisés uniquement avec votre consentement.",
  colName: "Nom",
  colProvider: "Fournisseur",
  colPurpose: "Finalité",
  colDuration: "Durée",
  colType: "Type",
  colParty: "Déposé par",
  typeHttp: "Cookie HTTP",
  typeScript: "Déposé par un script",
  firstParty: "Ce site (propriétaire)",
  thirdPartyOn: "Tiers ({domain})",
  durationSession: "Jusqu\u2019à la fermeture du navigateur",
  durationUnknown: "Non précisée",
  noCookies: "Aucun cookie dans cette catégorie.",
  storageHeading: "Autres données stockées dans votre navigateur",
  colKey: "Clé",
  colArea: "Stocké dans",
  areaLocal: "Stockage local, jusqu\u2019à sa suppression",
  areaSession: "Stockage de session, jusqu\u2019à la fermeture de l\u2019onglet",
  thirdPartiesHeading: "Tiers",
  colThirdParty: "Tiers",
  colReceives: "Ce qu\u2019ils reçoivent",
  colPrivacyPolicy: "Politique de confidentialité",
  choicesHeading: "Vos choix",
  choicesText:
    "Vous pouvez accepter ou refuser chaque catégorie facultative, et modifier ou retirer votre choix à " +
    "tout moment. Refuser est aussi simple qu\u2019accepter, et un changement s\u2019applique immédiatement.",
  openSettings: "Ouvrir les paramètres des cookies",
  gpcText:
    "Si votre navigateur envoie le signal Global Privacy Control, nous le traitons comme un refus de ces catégories\u00a0: {categories}.",
  dntText:
    "Si votre navigateur envoie Do Not Track, ces services ne sont pas chargés, quoi que vous ayez accepté\u00a0: {vendors}.",
  nothingOptional:
    "Ce site n\u2019utilise que ce dont il a besoin pour fonctionner\u00a0: il n\u2019y a rien à accepter ni à refuser.",
  policyServicesHeading: "Services que vous pouvez autoriser un par un",
  policyServicesText:
    "Vous pouvez autoriser chacun de ces services séparément, sans le reste de la catégorie {category}\u00a0: dans les paramètres des cookies, ou avec le bouton de l\u2019un de ses contenus intégrés.",
  policyColService: "Service",
  policyColHosts: "Chargé depuis",
  policyColCookies: "Ses cookies",
  policyNoneDeclared: "Aucun déclaré",
} satisfies Texts;
