// The site's two static first-party files. Served without cookies.

export const STYLE_CSS = `:root { --ink: #16202b; --muted: #5b6776; --brand: #3b5bdb; --bg: #ffffff; --line: #e3e7ee; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--brand); }
.site-header { display: flex; align-items: center; gap: 1.5rem; padding: 1rem 2rem; border-bottom: 1px solid var(--line); }
.site-header nav ul { display: flex; gap: 1.25rem; list-style: none; margin: 0; padding: 0; }
.site-header nav { flex: 1; }
.site-header [aria-current="page"] { font-weight: 600; text-decoration: none; }
.logo { font-weight: 800; font-size: 1.4rem; text-decoration: none; color: var(--ink); }
.button { display: inline-block; padding: 0.5rem 1rem; border-radius: 6px; background: var(--brand); color: #fff; text-decoration: none; }
.button-secondary { background: transparent; color: var(--brand); border: 1px solid var(--brand); }
.button-large { padding: 0.75rem 1.5rem; font-size: 1.1rem; }
main { max-width: 72rem; margin: 0 auto; padding: 2rem; }
.hero { padding: 3rem 0; max-width: 48rem; }
.hero-compact { padding: 1.5rem 0; }
.lead { font-size: 1.2rem; color: var(--muted); }
.logos ul, .numbers ul { display: flex; flex-wrap: wrap; gap: 2rem; list-style: none; padding: 0; }
.feature-grid, .plans { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1.5rem; }
.plan { border: 1px solid var(--line); border-radius: 10px; padding: 1.5rem; }
.plan-featured { border-color: var(--brand); }
.price strong { font-size: 2rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.5rem; border-bottom: 1px solid var(--line); }
.post { max-width: 44rem; }
.video iframe { max-width: 100%; }
.site-footer { border-top: 1px solid var(--line); padding: 2rem; color: var(--muted); }
.footer-columns { display: flex; flex-wrap: wrap; gap: 3rem; }
.footer-columns h2 { font-size: 1rem; }
.footer-columns ul { list-style: none; padding: 0; }
.demo-panel { padding: 0.75rem 2rem; font-size: 0.85rem; background: #fff8db; border-bottom: 2px dashed #e0a800; }
.demo-panel h2 { font-size: 0.95rem; margin: 0 0 0.25rem; }
.demo-panel p { margin: 0 0 0.5rem; }
.demo-panel dl { margin: 0; }
.demo-panel dd { margin: 0 0 0.25rem; font-family: ui-monospace, monospace; word-break: break-all; }
`;

export const APP_JS = `// Aktok marketing site: small progressive enhancements.
(function () {
  "use strict";
  // Open the FAQ entry named in the URL fragment, e.g. /pricing#faq-trial.
  var target = location.hash && document.getElementById(location.hash.slice(1));
  if (target && target.tagName === "DETAILS") target.open = true;
  // Mark external links so they open in a new tab.
  var links = document.querySelectorAll('a[href^="http"]');
  for (var i = 0; i < links.length; i++) {
    if (links[i].hostname !== location.hostname) {
      links[i].target = "_blank";
      links[i].rel = "noopener";
    }
  }
})();
`;
