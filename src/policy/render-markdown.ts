/**
 * The declaration as Markdown, for a site that publishes its policy itself (`consent-edge policy`):
 * the tables the real policies have (Name, Provider, Purpose, Duration, Type, Set by), a section
 * per category, then storage, third parties and choices. Cells are escaped so that a `|` or a
 * line break in a purpose cannot break the table.
 */
import type { Texts } from "../texts/types";
import { fill, joinList } from "../texts/fill";
import type { Declaration } from "./declaration";
import {
  cookieColumns,
  cookieRow,
  serviceColumns,
  serviceRow,
  servicesText,
  storageColumns,
  storageRow,
} from "./table-rows";

export function renderPolicyMarkdown(
  declaration: Declaration,
  { lang, texts }: { lang: string; texts: Texts },
): string {
  const out: string[] = [`# ${inline(texts.policyTitle)}`, "", inline(texts.policyIntro), ""];
  out.push(inline(fill(texts.policyRevision, { revision: declaration.revision })), "");
  const labels = new Map(declaration.categories.map((category) => [category.id, category.label]));
  const unknown = texts.durationUnknown;
  for (const category of declaration.categories) {
    out.push(`## ${inline(category.label)}`, "");
    if (category.description) out.push(inline(category.description), "");
    out.push(inline(category.needsConsent ? texts.policyNeedsConsent : texts.policyAlwaysOn), "");
    if (!category.cookies.length) out.push(inline(texts.noCookies), "");
    else
      out.push(
        ...table(
          cookieColumns(texts),
          category.cookies.map((cookie) => asCodeFirst(cookieRow(cookie, lang, texts))),
        ),
        "",
      );
    if (category.storage.length)
      out.push(
        `### ${inline(texts.storageHeading)}`,
        "",
        ...table(
          storageColumns(texts),
          category.storage.map((item) => asCodeFirst(storageRow(item, texts))),
        ),
        "",
      );
    if (category.services.length)
      out.push(
        `### ${inline(texts.policyServicesHeading)}`,
        "",
        inline(servicesText(category.label, texts)),
        "",
        ...table(
          serviceColumns(texts),
          category.services.map((service) => serviceRow(service, texts)),
        ),
        "",
      );
  }
  if (declaration.thirdParties.length)
    out.push(
      `## ${inline(texts.thirdPartiesHeading)}`,
      "",
      ...table(
        [texts.colThirdParty, texts.colType, texts.colPurpose, texts.colReceives, texts.colPrivacyPolicy],
        declaration.thirdParties.map((party) => [
          party.name,
          party.categories.map((id) => labels.get(id) ?? id).join(", "),
          party.purpose ?? unknown,
          party.receives ?? unknown,
          party.privacyPolicy ?? unknown,
        ]),
      ),
      "",
    );
  out.push(`## ${inline(texts.choicesHeading)}`, "");
  const { choices } = declaration;
  if (!choices.optional) out.push(inline(texts.nothingOptional), "");
  else {
    out.push(inline(texts.choicesText), "");
    if (choices.settingsUrl !== undefined)
      out.push(`[${inline(texts.openSettings)}](<${choices.settingsUrl}>)`, "");
    const labelled = (ids: string[]) =>
      joinList(
        ids.map((id) => labels.get(id) ?? id),
        texts.and,
      );
    if (choices.gpc.length) out.push(inline(fill(texts.gpcText, { categories: labelled(choices.gpc) })), "");
    const dnt = [
      ...choices.doNotTrack.vendors,
      ...choices.doNotTrack.categories.map((id) => labels.get(id) ?? id),
    ];
    if (dnt.length) out.push(inline(fill(texts.dntText, { vendors: joinList(dnt, texts.and) })), "");
  }
  if (declaration.contact !== undefined) out.push(inline(declaration.contact), "");
  return `${out.join("\n").trimEnd()}\n`;
}

/** Markdown's own characters escaped, line breaks folded: text stays text. */
function inline(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/([\\`*_[\]<>|#])/g, "\\$1");
}

/** A cookie name as code: backticks inside are doubled around, so nothing escapes the span. */
function code(name: string): string {
  return name.includes("`") ? `\`\` ${name} \`\`` : `\`${name}\``;
}

/** A table cell: text (escaped) or a name shown as code. */
type Cell = string | { code: string };

/**
 * Which cells are code is said by the row, never guessed from the text: a provider or purpose that
 * began with a backtick was taken for code and skipped the escaping, so `<img onerror>` or a line
 * break in it reached the Markdown as written.
 */
/** A row whose first cell (a cookie name, a storage key) is shown as code. */
function asCodeFirst([first = "", ...rest]: string[]): Cell[] {
  return [{ code: first }, ...rest];
}

function table(columns: string[], rows: Cell[][]): string[] {
  const cell = (value: Cell) =>
    typeof value === "string"
      ? inline(value)
      : code(value.code.replace(/[\r\n]+/g, " ")).replace(/\|/g, "\\|");
  return [
    `| ${columns.map(inline).join(" | ")} |`,
    `|${columns.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ];
}
