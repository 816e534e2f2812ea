/**
 * The runtime injected first into every rewritten page. It restores neutralised elements, in
 * document order, the moment the visitor grants their category, without a reload:
 *
 *   consentEdge.grant(["analytics"])     grant categories (writes the consent cookie, restores)
 *   consentEdge.set(["analytics"])       set exactly these categories
 *   consentEdge.withdraw(["analytics"])  withdraw (or withdraw() for all): reloads, so that the edge
 *                                        deletes the cookies and serves the page without those trackers
 *   consentEdge.granted()                the granted categories, `necessary` included
 *   consentEdge.categories               the site's categories
 *   consentEdge.onChange(fn)             fn(granted) after every change
 *   consentEdge.sync()                   apply the consent cookie now (after the consent API has set it)
 *
 * It also follows the consent cookie (a CMP or another tab may write it): through the Cookie Store
 * API where there is one, else by checking once a second. Restored scripts keep their CSP nonce
 * (read from the `nonce` property: browsers hide the attribute) and their `integrity`,
 * `crossorigin` and `referrerpolicy`; external classic scripts run in order, each after the one
 * before it has loaded.
 *
 * Written as compact ES2017 in a string: this is what ships, and its size is measured in tests.
 */
import type { Site } from "../config/compile";
import { globSource } from "../config/glob";
import { nonceAttribute } from "./csp";
import { INERT } from "./inert";

const SOURCE = String.raw`(function(C){
var d=document,w=window,A="${INERT.category}",cur=C.g,last,fns=[];
function has(c){return c==="necessary"||cur.indexOf(c)>-1}
function all(v){return v.split(" ").every(has)}
function read(){var best=-1,g=null;d.cookie.split("; ").forEach(function(p){var i=p.indexOf("=");if(p.slice(0,i)!==C.n)return;var f=p.slice(i+1).split(".");if(f[0]!=="1"||f[1]!==C.r||!(+f[2]>best))return;best=+f[2];g=f[3]==="-"?[]:f[3].split("~").filter(function(c){return C.k.indexOf(c)>-1})});return g}
function gcm(kind){if(!C.gcm)return;var m=function(c){return has(c)?"granted":"denied"};w.dataLayer=w.dataLayer||[];(function(){w.dataLayer.push(arguments)})("consent",kind,{ad_storage:m("marketing"),ad_user_data:m("marketing"),ad_personalization:m("marketing"),analytics_storage:m("analytics"),functionality_storage:m("functional"),personalization_storage:m("functional"),security_storage:"granted"})}
function swap(o,tag){var n=d.createElement(tag);for(var i=0;i<o.attributes.length;i++){var a=o.attributes[i];if(a.name.indexOf("data-ce-")&&a.name!=="type")n.setAttribute(a.name,a.value)}var t=o.getAttribute("${INERT.type}");if(t!==null)n.setAttribute("type",t);n.nonce=o.nonce;return n}
function restore(){var list=[].slice.call(d.querySelectorAll("["+A+"]")).filter(function(e){return all(e.getAttribute(A))});
(function next(i){var o=list[i];if(!o)return;var go=function(){next(i+1)};if(o.tagName==="SCRIPT"){var n=swap(o,"script"),s=o.getAttribute("${INERT.src}");if(s!==null){n.async=o.hasAttribute("async");n.src=s;if(!n.async){n.onload=n.onerror=go;o.parentNode.replaceChild(n,o);return}}else n.text=o.text;o.parentNode.replaceChild(n,o)}else{["src","srcset","href"].forEach(function(a){var v=o.getAttribute("data-ce-"+a);if(v!==null)o.setAttribute(a,v)});if(o.hasAttribute("${INERT.unhide}"))o.removeAttribute("hidden");o.removeAttribute(A)}go()})(0);
[].forEach.call(d.querySelectorAll("[${INERT.placeholder}]"),function(p){if(all(p.getAttribute("${INERT.placeholder}")))p.remove()})}
function write(g){d.cookie=C.n+"=1."+C.r+"."+Math.floor(Date.now()/1e3)+"."+(g.length?g.join("~"):"-")+"; Path=/; Max-Age="+C.m+"; SameSite=Lax"+(location.protocol==="https:"?"; Secure":"");check()}
function check(boot){var v=d.cookie;if(v===last)return;last=v;var before=cur,g=read();if(g===null)return;cur=g;if(!boot&&before.some(function(c){return!has(c)}))return location.reload();if(cur.some(function(c){return before.indexOf(c)<0})){gcm("update");ready(restore);fns.forEach(function(f){f(api.granted())})}}
function ready(f){d.readyState==="loading"?d.addEventListener("DOMContentLoaded",f):f()}
var api=w.consentEdge={categories:C.k,granted:function(){return["necessary"].concat(cur)},
set:function(g){write(C.k.filter(function(c){return c!=="necessary"&&g.indexOf(c)>-1}))},
grant:function(g){api.set(cur.concat(g))},
withdraw:function(g){api.set(g?cur.filter(function(c){return g.indexOf(c)<0}):[])},
onChange:function(f){fns.push(f)},sync:function(){check()}};
if(C.guard){var D=Object.getOwnPropertyDescriptor(Document.prototype,"cookie");Object.defineProperty(d,"cookie",{configurable:true,get:function(){return D.get.call(d)},set:function(v){var n=String(v).split("=")[0].trim();if(!/max-age=0|expires=thu, 01 jan 1970/i.test(v)&&C.guard.some(function(r){return!has(r[1])&&new RegExp(r[0]).test(n)}))return;D.set.call(d,v)}})}
gcm("default");check(1);
d.addEventListener("click",function(e){var b=e.target.closest&&e.target.closest("[${INERT.grant}]");if(b)api.grant(b.getAttribute("${INERT.grant}").split(" "))});
w.cookieStore&&cookieStore.addEventListener?cookieStore.addEventListener("change",function(){check()}):setInterval(check,1e3)
})`;

/** Newlines and indentation only: the source above is written without relying on them. */
export const RUNTIME_SOURCE = SOURCE.replace(/\n\s*/g, "");

export interface RuntimeConfig {
  /** Consent cookie name, policy revision, cookie lifetime (seconds). */
  n: string;
  r: string;
  m: number;
  /** The site's categories. */
  k: string[];
  /** What the edge rendered this page for (without `necessary`). */
  g: string[];
  gcm: boolean;
  /** `document.cookie` guard: [name regex, category] for every cookie rule, or false. */
  guard: Array<[string, string]> | false;
}

export function runtimeConfig(site: Site, granted: ReadonlySet<string>): RuntimeConfig {
  return {
    n: site.consentCookie.name,
    r: site.policyRevision,
    m: site.consentCookie.maxAgeSeconds,
    k: site.categories,
    g: [...granted].filter((category) => category !== "necessary"),
    gcm: site.trackers.googleConsentMode,
    guard: cookieGuardRules(site),
  };
}

/** The guard's rules depend only on the site: built once per isolate, not per page. */
const guards = new WeakMap<Site, RuntimeConfig["guard"]>();

function cookieGuardRules(site: Site): RuntimeConfig["guard"] {
  let rules = guards.get(site);
  if (rules === undefined) {
    rules = site.trackers.cookieGuard
      ? site.cookies.map((rule): [string, string] => [`^${globSource(rule.pattern)}$`, rule.category])
      : false;
    guards.set(site, rules);
  }
  return rules;
}

/** The text of the injected script. `<` is escaped so that nothing in the config can close the element. */
export function runtimeText(config: RuntimeConfig): string {
  return `${RUNTIME_SOURCE}(${JSON.stringify(config).replace(/</g, "\\u003c")})`;
}

/** The `<script>` element to inject; `nonce` is the page's CSP nonce when it has one. */
export function runtimeElement(text: string, nonce: string | undefined): string {
  return `<script${nonceAttribute(nonce)}>${text}</script>`;
}
