/**
 * The consent banner: one self-contained HTML fragment (style, region, settings link, script)
 * inserted at the start of `<body>`. It works without JavaScript (a form that posts to the consent
 * API, `<details>` for the categories, a link to the API's settings page); its script only enhances
 * it, when the runtime (`window.consentEdge`, src/runtime/index.ts) is there, so that a choice takes
 * effect without a reload.
 *
 * What a compliant banner must offer (aktok policy §5.1.1, EDPB Guidelines 05/2020 and the EDPB
 * cookie banner taskforce report, 2023): no pre-ticked boxes for an undecided visitor; Accept and
 * Reject on the first layer with equal prominence (the same element, class, size and colours, side
 * by side); one control per category, `necessary` always on, and one per service a category's rules
 * name (YouTube under Marketing: granted on its own, whatever the category's control says); no cookie wall (a non-modal region,
 * nothing blocked or blurred, the page scrolls); withdrawal as easy as consent (a settings link on
 * every page, even after a choice).
 *
 * Keyboard and focus: the region comes first in the document, so the first Tab reaches it; focus is
 * never stolen on load. Opened by a settings link, focus moves to its heading; Escape and Close
 * then hide it and return focus to that link. For an undecided visitor (the first layer) Escape does
 * nothing and there is no Close: hiding the banner without a choice would record nothing, and as it
 * blocks nothing there is nothing to escape from; Accept, Reject and Save are the ways out.
 *
 * Colours (WCAG 2.2 contrast, AA asks 4.5:1 for text, 3:1 for focus indicators): text #1f1f1f on
 * #ffffff 16.5:1; descriptions #474747 on #ffffff 9.3:1; links, "Customise", Close and the focus
 * ring #0b57d0 on #ffffff 6.4:1; button text #ffffff on #0b57d0 6.4:1 (hover #0842a0, 9.1:1).
 * Nothing moves: no animation or transition, so `prefers-reduced-motion` has nothing to reduce.
 */
import { escapeHtml } from "../html/inert";
import type { BannerTexts } from "./texts";
import { nonceAttribute } from "../html/csp";

export const CONSENT_ENDPOINT = "/.consent-edge/consent";
export const SETTINGS_ENDPOINT = "/.consent-edge/settings";

/** The form's `choice` values: the contract with the consent API. */
export const BANNER_CHOICES = ["accept-all", "reject-all", "save"] as const;
export type BannerChoice = (typeof BANNER_CHOICES)[number];

export interface BannerOptions {
  texts: BannerTexts;
  /** The site's categories, `necessary` first. */
  categories: string[];
  /** Currently granted: ticked in the settings view (`open: false`), ignored in the first layer. */
  granted: string[];
  /**
   * What an undecided visitor granted with scoped grants (an embed's button): ticked in the first
   * layer, since the visitor ticked them; nothing else is.
   */
  scoped?: string[];
  /** true: the first layer, shown (undecided visitor); false: hidden until a settings link opens it. */
  open: boolean;
  /** Same-origin path and query to come back to after a post without JavaScript. */
  returnTo: string;
  /** The page's CSP nonce, put on the `<style>` and the `<script>`. */
  nonce?: string;
  /** The cookie policy, linked after the body text (http(s) or a path; anything else is left out). */
  policyUrl?: string;
  /** The language of `texts` (BCP 47), for the `lang` attribute. */
  lang: string;
  /** Shown although it is not the first layer: the settings page served to visitors without JavaScript. */
  show?: boolean;
  /**
   * Each category's cookies as the declaration states them (src/policy/), listed under its row in
   * "Customise": name, provider and duration, already in the visitor's language.
   */
  cookies?: Readonly<Record<string, readonly BannerCookie[] | undefined>>;
  /**
   * Each category's services (src/consent/services.ts), listed under its row in "Customise", each
   * with its own control (`service` fields): granted on their own, without their category.
   */
  services?: Readonly<Record<string, readonly BannerService[] | undefined>>;
  /**
   * The services granted on their own (`granted.services`): ticked, in the first layer too, since
   * only the visitor grants one (an embed's "Always allow", or an earlier choice).
   */
  grantedServices?: readonly string[];
}

export interface BannerService {
  id: string;
  label: string;
}

export interface BannerCookie {
  name: string;
  provider?: string;
  /** "1 year", "Until you close the browser". */
  duration: string;
}

/**
 * Scoped under `#ce-banner` and `#ce-banner-settings`, so nothing applies to the page. `all: revert`
 * first: page rules such as `button { text-transform: uppercase }` would otherwise reach in. The
 * buttons' borders are the colour of their background, so that they stay visible in forced colours.
 * Static text, so that a hash-based CSP can list its hash once.
 */
export const BANNER_STYLE = `#ce-banner,#ce-banner *,#ce-banner-settings{all:revert;box-sizing:border-box}
#ce-banner [hidden],#ce-banner[hidden],#ce-banner-settings[hidden]{display:none!important}
#ce-banner{position:fixed;z-index:2147483646;left:0;right:0;bottom:0;max-height:80vh;overflow:auto;margin:0;padding:1rem;background:#fff;color:#1f1f1f;border-top:3px solid #0b57d0;box-shadow:0 -2px 12px rgba(0,0,0,.25);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;text-align:start}
#ce-banner form{position:relative;max-width:60rem;margin:0 auto}
#ce-banner h2{margin:0 0 .5rem;padding-inline-end:6rem;font-size:1.25rem;font-weight:700;line-height:1.3}
#ce-banner p{margin:0 0 .75rem}
#ce-banner a,#ce-banner summary{color:#0b57d0;text-decoration:underline;cursor:pointer}
#ce-banner summary{padding:.25rem 0;font-weight:600}
#ce-banner .ce-banner__actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:0 0 .5rem}
#ce-banner .ce-banner__button{flex:1 1 12rem;min-height:2.75rem;margin:0;padding:.5rem 1.25rem;border:2px solid #0b57d0;border-radius:.375rem;background:#0b57d0;color:#fff;font:inherit;font-weight:600;cursor:pointer}
#ce-banner .ce-banner__button:hover{background:#0842a0;border-color:#0842a0}
#ce-banner .ce-banner__close{position:absolute;top:0;inset-inline-end:0;min-height:2.25rem;padding:.125rem .75rem;border:2px solid #0b57d0;border-radius:.375rem;background:#fff;color:#0b57d0;font:inherit;cursor:pointer}
#ce-banner ul{list-style:none;margin:.5rem 0 .75rem;padding:0}
#ce-banner li{display:grid;grid-template-columns:auto 1fr;gap:0 .625rem;padding:.5rem 0;border-top:1px solid #c7c7c7}
#ce-banner input{width:1.25rem;height:1.25rem;margin:.15rem 0 0;accent-color:#0b57d0}
#ce-banner label{font-weight:600}
#ce-banner li p,#ce-banner li details{grid-column:2;margin:0;color:#474747;font-size:.9375rem}
#ce-banner li li{display:list-item;padding:0;border:0}
#ce-banner li>ul{grid-column:2;margin:.25rem 0 0}
#ce-banner li summary{padding:0;font-weight:400}
#ce-banner :focus-visible,#ce-banner-settings:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
#ce-banner-settings{display:block;width:max-content;max-width:100%;margin:1.5rem auto;padding:.25rem .5rem;background:#fff;color:#0b57d0;border-radius:.25rem;font:.875rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;text-decoration:underline}
@media (max-width:30rem){#ce-banner{padding:.75rem;max-height:90vh}#ce-banner h2{font-size:1.125rem}}
@media print{#ce-banner,#ce-banner-settings{display:none!important}}`.replace(/\n/g, "");

/**
 * The enhancement, ES2017, static (a hash-based CSP can list it). Without `window.consentEdge` or
 * `SubmitEvent.submitter` the form posts as it would without JavaScript. With it, the choice is the
 * runtime's `consentEdge.set` (src/runtime/index.ts): the optional categories chosen, never
 * `necessary`, like the form's `category` fields, sent to the consent API, which writes the receipt
 * and sets the cookie; the runtime then applies it. If the API refuses (no receipt could be written)
 * or cannot be reached, a refusal is still applied; a grant is not. Save sends the services ticked
 * (granted on their own), as the form's `service` fields; Accept all and Reject all send none,
 * as the consent API reads those choices without JavaScript (every service comes with its category,
 * or none). A scoped grant (an embed's button) ticks its categories and services but does not close
 * the first layer: the visitor has not decided yet.
 * The settings link is in the flow, never fixed: a fixed link would cover the page's own content
 * and focus (WCAG 2.4.11). Without JavaScript it stays where the fragment is, at the top of the
 * page; with it, it moves to the end of `<body>` once the page is parsed (a footer, as the aktok
 * policy §5.1.1(e) puts it), hidden until then so that nothing shifts, and out of the way of the
 * page's own skip links in the tab order. Sites may add their own links to the settings page:
 * the script opens the banner from any of them.
 */
export const BANNER_SCRIPT = String.raw`(function(d,w){
var R=d.getElementById("ce-banner"),F=R.querySelector("form"),H=d.getElementById("ce-banner-title"),X=d.getElementById("ce-banner-close"),L=d.getElementById("ce-banner-settings"),all=function(n){return[].slice.call(F.querySelectorAll("input[name="+n+"]"))},B=all("category"),S=all("service"),from=null,ce=w.consentEdge;
function on(l,g){l.forEach(function(i){i.checked=g.indexOf(i.value)>-1})}
function tick(g,s){on(B,g);on(S,s)}
function show(a){if(R.hidden){from=a;X.hidden=false}R.hidden=false;F.querySelector("details").open=true;H.focus()}
function hide(focus){R.hidden=X.hidden=true;if(focus&&from)from.focus();from=null}
L.hidden=true;
d.addEventListener("click",function(e){var a=e.target.closest&&e.target.closest('a[href^="${SETTINGS_ENDPOINT}"]');if(a&&!e.button&&!e.ctrlKey&&!e.metaKey&&!e.shiftKey&&!e.altKey){e.preventDefault();show(a)}});
X.addEventListener("click",function(){hide(1)});
R.addEventListener("keydown",function(e){if(e.key==="Escape"&&from){e.preventDefault();hide(1)}});
F.addEventListener("submit",function(e){var b=e.submitter;if(!ce||!b||b.name!=="choice")return;e.preventDefault();
var v=b.value,k=function(l){return l.filter(function(i){return v==="accept-all"&&l===B||v==="save"&&i.checked}).map(function(i){return i.value})},g=k(B),s=k(S);
tick(g,s);hide(1);ce.set(g,s)});
ce&&ce.onChange(function(g,s){tick(g,ce.services());if(!s&&!from&&!R.hidden)hide()});
function end(){d.body.appendChild(L);L.hidden=false}
d.readyState==="loading"?d.addEventListener("DOMContentLoaded",end):end()
})(document,window)`.replace(/\n/g, "");

/**
 * A same-origin path (and query), normalised, or "/". The value ends up in a `Location` header and
 * a form field, and the browser resolves it against the page: so it is resolved here the same way
 * (the WHATWG URL parser, which strips tabs and newlines, reads `\` as `/` and removes dot
 * segments), and kept only if the result stays on the page's origin and its own serialisation
 * cannot be read as another host: `/..//host` and `/.//host` resolve to the path `//host`, which as a
 * `Location` is protocol-relative (WHATWG URL §4.4, "special authority slashes"). The input must
 * start with one `/` (a relative path would resolve against the consent API's URL).
 */
export function safeReturnPath(returnTo: string): string {
  if (!returnTo.startsWith("/") || returnTo.length > MAX_RETURN_LENGTH) return "/";
  const resolved = sameOriginPath(returnTo);
  // The normalised path must itself resolve to itself on the same origin (no `//`, no `/\`).
  return resolved !== undefined && sameOriginPath(resolved) === resolved ? resolved : "/";
}

const MAX_RETURN_LENGTH = 2048;
/** Any origin does: only whether the result stays on it matters. */
const RETURN_BASE = "https://return-path.invalid";

function sameOriginPath(path: string): string | undefined {
  let url: URL;
  try {
    url = new URL(path, RETURN_BASE);
  } catch {
    return undefined;
  }
  if (url.origin !== RETURN_BASE || url.username !== "" || url.password !== "") return undefined;
  const normalised = `${url.pathname}${url.search}${url.hash}`;
  if (!normalised.startsWith("/") || /^\/[/\\]/.test(normalised)) return undefined;
  return normalised.length <= MAX_RETURN_LENGTH ? normalised : undefined;
}

function safePolicyUrl(url: string | undefined): string | null {
  return url !== undefined && /^(?:https?:\/\/|\/)/i.test(url) && hasNoControlOrSpace(url) ? url : null;
}

/** No C0 control, space or DEL: the URL parser strips some of them, which can change the URL's meaning. */
function hasNoControlOrSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return false;
  }
  return true;
}

/**
 * A category's cookies, folded: every page carries the banner, so each is one short line
 * ("_ga: Google Analytics, 400 days") and nothing is shown until the visitor opens the list.
 */
function cookieList(cookies: readonly BannerCookie[] | undefined, title: string): string {
  if (!cookies?.length) return "";
  const items = cookies.map(
    ({ name, provider, duration }) =>
      `<li>${escapeHtml(name)}: ${provider === undefined ? "" : `${escapeHtml(provider)}, `}${escapeHtml(duration)}</li>`,
  );
  return `<details><summary>${escapeHtml(title)}</summary><ul>${items.join("")}</ul></details>`;
}

/**
 * A category's services, each with its own control (`service` fields, which the consent API reads
 * as services granted on their own), under a heading that names the list. `necessary` has none to
 * offer: it is always on.
 */
function serviceList(
  services: readonly BannerService[] | undefined,
  row: number,
  ticked: ReadonlySet<string>,
  heading: string,
): string {
  if (!services?.length) return "";
  const headingId = `ce-banner-s${row}`;
  const items = services.map(({ id, label }, j) => {
    const control = `ce-banner-s${row}-${j}`;
    return `<li><input type="checkbox" name="service" value="${escapeHtml(id)}" id="${control}"${ticked.has(id) ? " checked" : ""}> <label for="${control}">${escapeHtml(label)}</label></li>`;
  });
  return `<p id="${headingId}">${escapeHtml(heading)}</p><ul aria-labelledby="${headingId}">${items.join("")}</ul>`;
}

/** The banner fragment. Every text and attribute value is escaped; the result is static per input. */
export function renderBanner(options: BannerOptions): string {
  const { texts, open } = options;
  const returnTo = safeReturnPath(options.returnTo);
  const policyUrl = safePolicyUrl(options.policyUrl);
  const lang = escapeHtml(options.lang);
  const dir = texts.dir ? ` dir="${texts.dir === "rtl" ? "rtl" : "ltr"}"` : "";
  const categories = [
    "necessary",
    ...options.categories.filter((c, i, all) => c !== "necessary" && all.indexOf(c) === i),
  ];
  // An undecided visitor sees nothing ticked, whatever a default grants (no pre-ticked boxes),
  // but what they granted themselves on an embed.
  const ticked = new Set(open ? (options.scoped ?? []) : options.granted);
  const tickedServices = new Set(options.grantedServices ?? []);

  const rows = categories.map((category, i) => {
    const text = texts.categories[category] ?? { label: category, description: "" };
    const id = `ce-banner-c${i}`;
    const described = `ce-banner-d${i}`;
    // `necessary` has no name: a disabled control is never submitted, and it must not look optional.
    const control =
      category === "necessary"
        ? `<input type="checkbox" id="${id}" checked disabled aria-describedby="${described}">`
        : `<input type="checkbox" name="category" value="${escapeHtml(category)}" id="${id}" aria-describedby="${described}"${ticked.has(category) ? " checked" : ""}>`;
    // An own key only: a category may be named "constructor".
    const services = serviceList(
      options.services && Object.hasOwn(options.services, category) ? options.services[category] : undefined,
      i,
      tickedServices,
      texts.servicesInCategory,
    );
    return `<li>${control}<label for="${id}">${escapeHtml(text.label)}</label><p id="${described}">${escapeHtml(text.description)}</p>${cookieList(options.cookies?.[category], texts.cookiesInCategory)}${services}</li>`;
  });

  const policyLink = policyUrl
    ? ` <a href="${escapeHtml(policyUrl)}">${escapeHtml(texts.policyLinkText)}</a>`
    : "";
  const button = (choice: BannerChoice, label: string) =>
    `<button type="submit" name="choice" value="${choice}" class="ce-banner__button">${escapeHtml(label)}</button>`;
  const settingsHref = `${SETTINGS_ENDPOINT}?return=${encodeURIComponent(returnTo)}`;
  const nonce = nonceAttribute(options.nonce);

  return (
    `<style${nonce}>${BANNER_STYLE}</style>` +
    `<div id="ce-banner" class="ce-banner" role="region" aria-labelledby="ce-banner-title" lang="${lang}"${dir}${open || options.show ? "" : " hidden"}>` +
    `<form method="post" action="${CONSENT_ENDPOINT}">` +
    `<input type="hidden" name="return" value="${escapeHtml(returnTo)}">` +
    `<h2 id="ce-banner-title" tabindex="-1">${escapeHtml(texts.title)}</h2>` +
    `<button type="button" id="ce-banner-close" class="ce-banner__close" hidden>${escapeHtml(texts.close)}</button>` +
    `<p>${escapeHtml(texts.body)}${policyLink}</p>` +
    `<div class="ce-banner__actions">${button("accept-all", texts.acceptAll)}${button("reject-all", texts.rejectAll)}</div>` +
    // The settings view opens on the categories: the visitor came to change them.
    `<details${open ? "" : " open"}><summary>${escapeHtml(texts.customise)}</summary>` +
    `<ul>${rows.join("")}</ul>${button("save", texts.save)}</details>` +
    `</form></div>` +
    `<a id="ce-banner-settings" href="${escapeHtml(settingsHref)}" lang="${lang}"${dir}>${escapeHtml(texts.settingsLink)}</a>` +
    `<script${nonce}>${BANNER_SCRIPT}</script>`
  );
}
