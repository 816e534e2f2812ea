/**
 * The declaration as a complete page: one `<h1>`, an `<h2>` per category, the third parties and the
 * visitor's choices, each list a real table (`<caption>`, `<th scope>`), so that screen readers
 * announce each cell with its column. Every text is escaped. No script, no external resource, one
 * static `<style>` (POLICY_STYLE, which the endpoint's CSP allows by its hash); it prints.
 *
 * The settings link is the no-JavaScript settings page (the banner as a page): the policy page
 * carries no banner script, and the link works the same with JavaScript or without.
 *
 * Colours as the banner's (WCAG 2.2 AA): text #1f1f1f on #fff 16.5:1, secondary #474747 9.3:1,
 * links #0b57d0 6.4:1.
 */
import { escapeHtml } from "../html/inert";
import type { Texts } from "../texts/types";
import {
  cookieColumns,
  cookieRow,
  serviceColumns,
  serviceRow,
  servicesText,
  storageColumns,
  storageRow,
} from "./table-rows";
import { fill, joinList } from "../texts/fill";
import type { Declaration, DeclaredCategory, ThirdParty } from "./declaration";

export const POLICY_STYLE =
  `html{color:#1f1f1f;background:#fff;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
body{max-width:64rem;margin:0 auto;padding:1rem}
h1{font-size:1.75rem;margin:.5rem 0 1rem}h2{font-size:1.3rem;margin:2rem 0 .5rem}
a{color:#0b57d0}a:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
.note{color:#474747}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
caption{text-align:start;font-weight:600;padding:.25rem 0}
th,td{text-align:start;vertical-align:top;padding:.4rem .6rem;border:1px solid #c7c7c7}
thead th{background:#f2f2f2}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9375em;overflow-wrap:anywhere}
@media print{body{max-width:none;padding:0}a{color:inherit}a[href^="http"]::after{content:" (" attr(href) ")"}.scroll{overflow:visible}tr{break-inside:avoid}}`.replace(
    /\n/g,
    "",
  );

export interface PolicyPageOptions {
  /** BCP 47 of `texts`. */
  lang: string;
  texts: Texts;
}

export function renderPolicyHtml(declaration: Declaration, { lang, texts }: PolicyPageOptions): string {
  const e = escapeHtml;
  const dir = texts.dir === "rtl" ? "rtl" : "ltr";
  const sections = declaration.categories.map((category, i) => categorySection(category, i, lang, texts));
  return (
    `<!doctype html><html lang="${e(lang)}" dir="${dir}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${e(texts.policyTitle)}</title><style>${POLICY_STYLE}</style></head><body><main>` +
    `<h1>${e(texts.policyTitle)}</h1>` +
    `<p>${e(texts.policyIntro)}</p>` +
    `<p class="note">${e(fill(texts.policyRevision, { revision: declaration.revision }))}</p>` +
    sections.join("") +
    thirdPartiesSection(declaration, texts) +
    choicesSection(declaration, texts) +
    contactOf(declaration) +
    `</main></body></html>`
  );
}

function categorySection(category: DeclaredCategory, index: number, lang: string, texts: Texts): string {
  const e = escapeHtml;
  const id = `category-${index}`;
  const cookies = category.cookies.length
    ? table(
        `${category.label}: ${texts.cookiesInCategory}`,
        cookieColumns(texts),
        category.cookies.map((cookie) => asHtmlCells(cookieRow(cookie, lang, texts))),
      )
    : `<p>${e(texts.noCookies)}</p>`;
  const storage = category.storage.length
    ? table(
        `${category.label}: ${texts.storageHeading}`,
        storageColumns(texts),
        category.storage.map((item) => asHtmlCells(storageRow(item, texts))),
      )
    : "";
  // Services a visitor can allow on their own (docs/services.md): named, with what each loads and stores.
  const services = category.services.length
    ? `<p>${e(servicesText(category.label, texts))}</p>` +
      table(
        `${category.label}: ${texts.policyServicesHeading}`,
        serviceColumns(texts),
        category.services.map((service) => serviceRow(service, texts).map(escapeHtml)),
      )
    : "";
  return (
    `<section aria-labelledby="${id}"><h2 id="${id}">${e(category.label)}</h2>` +
    (category.description ? `<p>${e(category.description)}</p>` : "") +
    `<p class="note">${e(category.needsConsent ? texts.policyNeedsConsent : texts.policyAlwaysOn)}</p>` +
    cookies +
    storage +
    services +
    `</section>`
  );
}

/** Each cell is already HTML: the first is the row's header (`<th scope="row">`). */
function table(caption: string, columns: string[], rows: string[][]): string {
  const e = escapeHtml;
  const head = columns.map((column) => `<th scope="col">${e(column)}</th>`).join("");
  const body = rows
    .map(
      ([first, ...rest]) =>
        `<tr><th scope="row">${first ?? ""}</th>${rest.map((cell) => `<td>${cell}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<div class="scroll"><table><caption>${e(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** Plain-text cells escaped for HTML, the first (a cookie name, a storage key) as code. */
function asHtmlCells([first = "", ...rest]: string[]): string[] {
  return [`<code>${escapeHtml(first)}</code>`, ...rest.map(escapeHtml)];
}

function thirdPartiesSection(declaration: Declaration, texts: Texts): string {
  if (!declaration.thirdParties.length) return "";
  const e = escapeHtml;
  const labels = new Map(declaration.categories.map((category) => [category.id, category.label]));
  const rows = declaration.thirdParties.map((party: ThirdParty) => [
    e(party.name),
    e(party.categories.map((id) => labels.get(id) ?? id).join(", ")),
    e(party.purpose ?? texts.durationUnknown),
    e(party.receives ?? texts.durationUnknown),
    party.privacyPolicy ? link(party.privacyPolicy, party.privacyPolicy) : e(texts.durationUnknown),
  ]);
  return (
    `<section aria-labelledby="third-parties"><h2 id="third-parties">${e(texts.thirdPartiesHeading)}</h2>` +
    table(
      texts.thirdPartiesHeading,
      [texts.colThirdParty, texts.colType, texts.colPurpose, texts.colReceives, texts.colPrivacyPolicy],
      rows,
    ) +
    `</section>`
  );
}

function choicesSection(declaration: Declaration, texts: Texts): string {
  const e = escapeHtml;
  const { choices } = declaration;
  const labels = new Map(declaration.categories.map((category) => [category.id, category.label]));
  const labelled = (ids: string[]) =>
    joinList(
      ids.map((id) => labels.get(id) ?? id),
      texts.and,
    );
  const parts = choices.optional
    ? [
        `<p>${e(texts.choicesText)}</p>`,
        choices.settingsUrl === undefined ? "" : `<p>${link(choices.settingsUrl, texts.openSettings)}</p>`,
        choices.gpc.length ? `<p>${e(fill(texts.gpcText, { categories: labelled(choices.gpc) }))}</p>` : "",
        choices.doNotTrack.categories.length || choices.doNotTrack.vendors.length
          ? `<p>${e(
              fill(texts.dntText, {
                vendors: joinList(
                  [
                    ...choices.doNotTrack.vendors,
                    ...choices.doNotTrack.categories.map((id) => labels.get(id) ?? id),
                  ],
                  texts.and,
                ),
              }),
            )}</p>`
          : "",
      ]
    : [`<p>${e(texts.nothingOptional)}</p>`];
  return `<section aria-labelledby="choices"><h2 id="choices">${e(texts.choicesHeading)}</h2>${parts.join("")}</section>`;
}

/** The operator's contact: an e-mail address becomes a mailto: link, an https URL a link. */
function contactOf(declaration: Declaration): string {
  const contact = declaration.contact;
  if (contact === undefined) return "";
  const href = /^[^\s@<>"]+@[^\s@<>"]+$/.test(contact)
    ? `mailto:${contact}`
    : /^https:\/\/\S+$/.test(contact)
      ? contact
      : undefined;
  return `<address>${href ? link(href, contact) : escapeHtml(contact)}</address>`;
}

/** Only https, mailto: and same-origin paths become links; anything else is shown as text. */
function link(href: string, text: string): string {
  if (!/^(?:https:\/\/|mailto:|\/(?![/\\]))\S*$/i.test(href)) return escapeHtml(text);
  return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
}
