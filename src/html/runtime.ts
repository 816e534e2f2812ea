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
 * API where there is one, else by checking once a second. Several copies of the cookie (a sibling
 * subdomain can add one with `Domain=`) are read by the edge's rule (src/consent/sources/own-cookie.ts):
 * they grant only what every copy grants, and beside another copy, one that is not a current choice
 * (another revision, unreadable, dated more than 10 minutes ahead) grants nothing. Restored scripts keep their CSP nonce
 * (read from the `nonce` property: browsers hide the attribute) and their `integrity`,
 * `crossorigin` and `referrerpolicy`; external classic scripts run in order, each after the one
 * before it has loaded.
 *
 * Written as compact ES2017 in a string: this is what ships, and its size is measured in tests.
 */
import type { Site } from "../config/compile";
import { globSource } from "../config/glob";
import { nonceAttribute } from "./csp";
import { INERT, INERT_URL_ATTRIBUTES } from "./inert";

const SOURCE = String.raw`(function(C,G){
var d=document,w=window,A="${INERT.category}",cur=C.g,last,fns=[];
function has(c){return c=="necessary"||cur.indexOf(c)>-1}
function all(v){return v.split(" ").every(has)}
function read(){var g=null,n=0,bad=0,t=Date.now()/1e3+600;d.cookie.split("; ").forEach(function(p){var i=p.indexOf("=");if(p.slice(0,i)!=C.n)return;n++;var f=p.slice(i+1).split(".");if(f[0]!="1"||f[1]!=C.r||!/^\d+$/.test(f[2])||+f[2]>t||!/^(-|[a-z][a-z0-9_]*(~[a-z][a-z0-9_]*)*)$/.test(f[3]||"")){bad++;return}var c=f[3]=="-"?[]:f[3].split("~").filter(c=>C.k.indexOf(c)>-1);g=g==null?c:g.filter(x=>c.indexOf(x)>-1)});return n>1&&bad?[]:g}
function gcm(kind){if(!C.gcm)return;var m=c=>has(c)?"granted":"denied";w.dataLayer=w.dataLayer||[];(function(){w.dataLayer.push(arguments)})("consent",kind,{ad_storage:m("marketing"),ad_user_data:m("marketing"),ad_personalization:m("marketing"),analytics_storage:m("analytics"),functionality_storage:m("functional"),personalization_storage:m("functional"),security_storage:"granted"})}
function swap(o){var n=d.createElementNS(o.namespaceURI,"script");for(var i=0;i<o.attributes.length;i++){var a=o.attributes[i];if(a.name.indexOf("data-ce-")&&a.name!="type")n.setAttribute(a.name,a.value)}var t=o.getAttribute("${INERT.type}");if(t!=null)n.setAttribute("type",t);n.nonce=o.nonce;return n}
function restore(){var list=[].slice.call(d.querySelectorAll("["+A+"]")).filter(e=>all(e.getAttribute(A)));
(function next(i){var o=list[i];if(!o)return;var go=function(){next(i+1)},p=o.parentNode,l=o.localName;if(l=="script"){var n=swap(o),s=o.getAttribute("${INERT.src}"),h=o instanceof SVGElement?o.getAttribute("${INERT.href}"):null;if(s!=null||h!=null){n.async=o.hasAttribute("async");s!=null?n.src=s:n.setAttribute("href",h);if(!n.async){n.onload=n.onerror=go;p.replaceChild(n,o);return}}else n.textContent=o.textContent;p.replaceChild(n,o)}else{${JSON.stringify(INERT_URL_ATTRIBUTES)}.forEach(function(a){var v=o.getAttribute("data-ce-"+a);if(v!=null)o.setAttribute(a,v)});if(o.hasAttribute("${INERT.unhide}"))o.removeAttribute("hidden");o.removeAttribute(A);if(l=="source"&&p.load)p.load();if(l=="meta")p.replaceChild(o.cloneNode(),o)}go()})(0);
[].forEach.call(d.querySelectorAll("[${INERT.placeholder}]"),function(p){if(all(p.getAttribute("${INERT.placeholder}")))p.remove()})}
function write(g){d.cookie=C.n+"=1."+C.r+"."+Math.floor(Date.now()/1e3)+"."+(g.length?g.join("~"):"-")+"; Path=/; Max-Age="+C.m+"; SameSite=Lax"+(location.protocol=="https:"||/^__(Host|Secure)-/.test(C.n)?"; Secure":"");check()}
function check(boot){var v=d.cookie;if(v==last)return;last=v;var before=cur,g=read();if(g==null)return;cur=g;if(!boot&&before.some(function(c){return!has(c)}))return location.reload();if(cur.some(c=>before.indexOf(c)<0)){gcm("update");ready(restore);fns.forEach(function(f){f(api.granted())})}}
function ready(f){d.readyState=="loading"?d.addEventListener("DOMContentLoaded",f):f()}
var api=w.consentEdge={categories:C.k,granted:function(){return["necessary"].concat(cur)},
set:function(g){write(C.k.filter(c=>c!="necessary"&&g.indexOf(c)>-1))},
grant:function(g){api.set(cur.concat(g))},
withdraw:function(g){api.set(g?cur.filter(c=>g.indexOf(c)<0):[])},
onChange:function(f){fns.push(f)},sync:function(){check()}};
G&&G(C,has);
gcm("default");check(1);
d.addEventListener("click",function(e){var b=e.target.closest&&e.target.closest("[${INERT.grant}]");if(b)api.grant(b.getAttribute("${INERT.grant}").split(" "))});
w.cookieStore&&cookieStore.addEventListener?cookieStore.addEventListener("change",function(){check()}):setInterval(check,1e3)
})`;

/**
 * The document.cookie guard (trackers.cookieGuard), shipped only to sites that enable it. A write
 * passes when the browser would read it as a deletion, or when its cookie's category is granted.
 * The string is read as the browser's cookie parser reads it (RFC 6265bis §5.6): the name is the
 * first pair's (a nameless pair `=_ga=1` is sent as `_ga=1`, so its value's name counts too;
 * trimmed of any whitespace, not only SP and HTAB, as lenient parsers trim it);
 * attributes split on `;`, names matched without case; the last Max-Age wins over any Expires and
 * deletes only as a whole `-?DIGIT+` at most 0 (§5.6.2: `Max-Age=0600` is ten minutes; a value a
 * browser might read otherwise, like `+0`, is not trusted to delete); else the last Expires, read
 * by the cookie date algorithm (RFC 6265 §5.1.1: `Expires=1970`, a date without a time and
 * `1/1/1970` are no date at all, so no deletion), deletes when past. A string with a control
 * character is ignored by browsers (or cut short by older ones): never a deletion. `Date.now` is
 * taken before any page script could replace it.
 */
const GUARD_SOURCE = String.raw`(function(C,has){var d=document,now=Date.now;
function names(v){v=v.split(";")[0];var n=/^\s*([^=]*?)\s*=/.exec(v);return n&&n[1]||/^\s*=?\s*([^=]*?)\s*(=|$)/.exec(v)[1]}
function date(v){var t,D,M,Y,x;v.split(/[\t -\/;-@[-\`{-~]/).forEach(function(k){if(!t&&(x=/^(\d\d?):(\d\d?):(\d\d?)(\D|$)/.exec(k)))t=x;else if(D==null&&/^\d\d?(\D|$)/.test(k))D=parseInt(k);else if(!M&&k[2]&&(x="janfebmaraprmayjunjulaugsepoctnovdec".indexOf(k.slice(0,3).toLowerCase()))%3==0)M=x/3+1;else if(Y==null&&/^\d{2,4}(\D|$)/.test(k))Y=parseInt(k)});Y+=Y<70?2e3:Y<100?1900:0;return t&&M&&D>0&&D<32&&Y>1600&&t[1]<24&&t[2]<60&&t[3]<60&&(x=new Date(Date.UTC(Y,M-1,D,t[1],t[2],t[3]))).getUTCDate()==D?+x:NaN}
function gone(v){var m,e;if(/[\0-\b\n-\x1f\x7f]/.test(v))return!1;v.split(";").slice(1).forEach(function(a){a=/^[ \t]*(?:(max-age)|expires)[ \t]*(?:=[ \t]*(.*?))?[ \t]*$/i.exec(a);if(a)a[1]?m=a[2]||"":e=a[2]||""});return m!=null?/^-?\d+$/.test(m)&&m<=0:e!=null&&date(e)<=now()}
var D=Object.getOwnPropertyDescriptor(Document.prototype,"cookie");Object.defineProperty(d,"cookie",{configurable:true,get:()=>D.get.call(d),set:function(v){v=String(v);var n=names(v);if(!gone(v)&&C.guard.some(function(r){return!has(r[1])&&new RegExp(r[0]).test(n)}))return;D.set.call(d,v)}})
})`;

/** Newlines and indentation only: the source above is written without relying on them. */
export const RUNTIME_SOURCE = SOURCE.replace(/\n\s*/g, "");
export const GUARD_SOURCE_TEXT = GUARD_SOURCE.replace(/\n\s*/g, "");

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
  const guard = config.guard ? `,${GUARD_SOURCE_TEXT}` : "";
  return `${RUNTIME_SOURCE}(${JSON.stringify(config).replace(/</g, "\\u003c")}${guard})`;
}

/** The `<script>` element to inject; `nonce` is the page's CSP nonce when it has one. */
export function runtimeElement(text: string, nonce: string | undefined): string {
  return `<script${nonceAttribute(nonce)}>${text}</script>`;
}
