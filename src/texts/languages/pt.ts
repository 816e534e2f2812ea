/**
 * Portuguese, written for consent-edge in forms readers in Portugal and Brazil both accept (third
 * person, no "tu"/"você" choice). The vendor is the object of "Não mostramos", so its gender
 * never matters, and the category labels stand in parentheses after "categoria:".
 */
import type { Texts } from "../types";

export const PORTUGUESE_TEXTS = {
  title: "Cookies neste site",
  body:
    "Usamos os cookies de que o site precisa para funcionar. Com o seu consentimento, usaríamos também " +
    "cookies opcionais para lembrar as suas preferências, medir a utilização do site e mostrar anúncios " +
    "relevantes. Nenhum cookie opcional é guardado antes da sua escolha, e pode alterá-la ou retirá-la a " +
    "qualquer momento em \u201cDefinições de cookies\u201d.",
  bodyOptOut:
    "Usamos os cookies de que o site precisa para funcionar e cookies opcionais para lembrar as suas " +
    "preferências, medir a utilização do site e mostrar anúncios relevantes. Pode recusar os opcionais, ou " +
    "alterar a sua escolha, a qualquer momento em \u201cDefinições de cookies\u201d.",
  acceptAll: "Aceitar todos",
  rejectAll: "Recusar todos",
  customise: "Personalizar",
  save: "Guardar escolhas",
  close: "Fechar",
  settingsLink: "Definições de cookies",
  policyLinkText: "Política de cookies",
  cookiesInCategory: "Cookies desta categoria",
  servicesInCategory: "Permitir individualmente, mesmo com esta categoria desativada",
  categories: {
    necessary: {
      label: "Necessários",
      description:
        "Sempre ativos: o site precisa deles para funcionar (segurança, início de sessão, lembrar esta escolha).",
    },
    functional: {
      label: "Funcionais",
      description: "Lembram as escolhas que faz, como o idioma ou o tema.",
    },
    analytics: {
      label: "Analíticos",
      description: "Ajudam-nos a perceber como o site é utilizado, para o podermos melhorar.",
    },
    marketing: {
      label: "Marketing",
      description:
        "Permitem a parceiros de publicidade medir anúncios e mostrar-lhe anúncios relevantes, aqui e noutros sites.",
    },
  },

  placeholderText: "Não mostramos {vendor} porque requer cookies que não aceitou (categoria: {categories}).",
  placeholderButton: "Aceitar estes cookies e mostrar ({categories})",
  placeholderOnce: "Mostrar só desta vez",
  placeholderAlways: "Permitir sempre {services}",
  placeholderLabel: "Conteúdo bloqueado: {vendor}",
  placeholderSomeone: "este conteúdo incorporado",
  and: "e",

  settingsPageTitle: "Definições de cookies",
  backToSite: "Voltar ao site",

  policyTitle: "Política de cookies",
  policyIntro:
    "Esta página lista, por categoria, cada cookie e cada elemento de armazenamento do navegador que este " +
    "site utiliza, e os terceiros envolvidos. É gerada a partir da mesma configuração que aplica a sua escolha.",
  policyRevision: "Versão da política: {revision}",
  policyAlwaysOn: "Sempre ativos: não precisam de consentimento.",
  policyNeedsConsent: "Usados apenas com o seu consentimento.",
  colName: "Nome",
  colProvider: "Fornecedor",
  colPurpose: "Finalidade",
  colDuration: "Duração",
  colType: "Tipo",
  colParty: "Definido por",
  typeHttp: "Cookie HTTP",
  typeScript: "Definido por um script",
  firstParty: "Este site (próprio)",
  thirdPartyOn: "Terceiro ({domain})",
  durationSession: "Até fechar o navegador",
  durationUnknown: "Não indicada",
  noCookies: "Não há cookies nesta categoria.",
  storageHeading: "Outros dados guardados no seu navegador",
  colKey: "Chave",
  colArea: "Guardado em",
  areaLocal: "Armazenamento local, até ser apagado",
  areaSession: "Armazenamento de sessão, até fechar o separador",
  thirdPartiesHeading: "Terceiros",
  colThirdParty: "Terceiro",
  colReceives: "O que recebem",
  colPrivacyPolicy: "Política de privacidade",
  choicesHeading: "As suas escolhas",
  choicesText:
    "Pode aceitar ou recusar cada categoria opcional, e alterar ou retirar a sua escolha a qualquer momento. " +
    "Recusar é tão fácil como aceitar, e uma alteração aplica-se de imediato.",
  openSettings: "Abrir as definições de cookies",
  gpcText:
    "Se o seu navegador enviar Global Privacy Control, tratamos isso como uma recusa destas categorias: {categories}.",
  dntText:
    "Se o seu navegador enviar Do Not Track, estes serviços não são carregados, seja o que for que tenha aceitado: {vendors}.",
  nothingOptional: "Este site usa apenas o que precisa para funcionar: não há nada para aceitar ou recusar.",
  policyServicesHeading: "Serviços que pode permitir um a um",
  policyServicesText:
    "Pode permitir cada um destes serviços separadamente, sem o resto de {category}: nas definições de cookies ou com o botão num dos seus conteúdos incorporados.",
  policyColService: "Serviço",
  policyColHosts: "Carregado de",
  policyColCookies: "Os seus cookies",
  policyNoneDeclared: "Nenhum declarado",
} satisfies Texts;
