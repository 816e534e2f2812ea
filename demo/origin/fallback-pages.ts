// Two pages consent-edge cannot rewrite, so the demo shows what the fallback does (README, "When a
// page cannot be rewritten"): the original page under a strict Content-Security-Policy that lets no
// third-party tracker load or run. Both embed the demo's trackers, so the CSP is what stops them.

import { BODY_TAGS, HEAD_TAGS } from "./trackers";

export interface FallbackPage {
  readonly path: string;
  readonly contentType: string;
  readonly body: Uint8Array;
}

function page(title: string, charset: string, main: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="${charset}">
<title>${title}</title>
<link rel="stylesheet" href="/style.css">
${HEAD_TAGS}
</head>
<body>
${BODY_TAGS}
  <main id="content">
${main}
    <p><a href="/">Back to the home page</a></p>
  </main>
</body>
</html>
`;
}

// lol-html's strict parser refuses a <noscript> inside <select> (it cannot tell whether the text
// that follows is markup or text), although browsers ignore the tag there: HTML standard, "in select"
// insertion mode, "any other start tag: parse error, ignore the token".
const SELECT_NOSCRIPT = page(
  "Language | Aktok",
  "utf-8",
  `    <h1>Choose your language</h1>
    <form action="/" method="get">
      <label for="lang">Language</label>
      <select id="lang" name="lang">
        <option value="en">English</option>
        <option value="de">Deutsch</option>
        <noscript><option value="fr">Français</option></noscript>
      </select>
      <button type="submit">Save</button>
    </form>`,
);

// UTF-16 is not ASCII-compatible, and lol-html only rewrites ASCII-compatible encodings.
const UTF16 = page(
  "Über uns | Aktok",
  "utf-16",
  `    <h1>Über uns: ein Postfach für das ganze Team</h1>
    <p>Diese Seite ist in UTF-16 kodiert: Grüße, Straße, Übergröße.</p>`,
);

/** UTF-16LE with a byte order mark, which browsers honour over any label (WHATWG Encoding §6). */
function encodeUtf16le(text: string): Uint8Array {
  const bytes = new Uint8Array(2 + text.length * 2);
  bytes[0] = 0xff;
  bytes[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[2 + i * 2] = unit & 0xff;
    bytes[3 + i * 2] = unit >> 8;
  }
  return bytes;
}

export const FALLBACK_PAGES: ReadonlyMap<string, FallbackPage> = new Map(
  [
    {
      path: "/fallback/select-noscript",
      contentType: "text/html; charset=utf-8",
      body: new TextEncoder().encode(SELECT_NOSCRIPT),
    },
    { path: "/fallback/utf-16", contentType: "text/html; charset=utf-16", body: encodeUtf16le(UTF16) },
  ].map((p) => [p.path, p]),
);
