/**
 * The pages `npm run bench:html` serves: a news-site front page that embeds the demo's trackers
 * exactly as their vendors ship them (GA4 and Google Ads gtag.js with their inline configs, Matomo,
 * PostHog, Clarity, the Meta Pixel, their two <noscript> pixels, a YouTube iframe,
 * preconnect/dns-prefetch hints), around realistic first-party markup: a long nav, articles with
 * images (most with relative src), forms, a table, a footer full of links.
 *
 * The default shape (DEFAULT_SHAPE) is the ~96 KiB, 741-element page the bench has always measured.
 * Other sizes scale it: more (or fewer, shorter) articles, so that elements grow with bytes, while
 * the trackers stay once each in head and body (pageOfSize). Deterministic: the same bytes on every
 * run for the same shape (a fixed word list and a seeded generator).
 */
import { BODY_TAGS, HEAD_TAGS, YOUTUBE_EMBED } from "../demo/origin/trackers";
import { mulberry32 } from "./stats";

/** The host the bench requests carry; the generated consent-edge site claims it. */
export const PAGE_HOST = "news.bench.test";

/** Third-party pixels on the page whose hosts are site rules in every rule-count config (see html.ts). */
export const SITE_RULE_PIXEL_HOSTS = ["tracker-3.example", "tracker-7.example"] as const;

const WORDS = (
  "the edge consent cookie policy visitor analytics marketing page script origin browser request " +
  "response stream market city council budget school river weather energy price report season team " +
  "match street museum garden harbour bridge station library festival election minister transport " +
  "housing climate science health study research data privacy network worker service update review " +
  "morning evening weekend local national world story interview opinion column photo video live"
).split(" ");

export interface PageStats {
  bytes: number;
  /** Start tags in the markup (`<x`), trackers' included; `<noscript>` content counted as markup. */
  elements: number;
  images: number;
  relativeImages: number;
  scripts: { external: number; inline: number };
  iframes: number;
  forms: number;
  /** Elements the one-selector variant's `script[src]` matches. */
  scriptSrc: number;
}

/** How much first-party markup a page carries around the trackers. */
export interface PageShape {
  articles: number;
  /** Paragraphs per article (5 in the default page). */
  paragraphs: number;
  /** Figures in even and odd articles. */
  figures: readonly [even: number, odd: number];
  navItems: number;
  /** Teasers in the sidebar's "Latest", each with an image. */
  teasers: number;
  /** Rows of the sidebar's markets table (0: no table). */
  marketRows: number;
  footerColumns: number;
  footerLinks: number;
  /** The reader-comments form under the articles. */
  comments: boolean;
}

/** The page the bench measured before it had sizes: 96 KiB, 741 elements. */
export const DEFAULT_SHAPE: PageShape = {
  articles: 10,
  paragraphs: 5,
  figures: [4, 3],
  navItems: 20,
  teasers: 4,
  marketRows: 8,
  footerColumns: 4,
  footerLinks: 8,
  comments: true,
};

/**
 * The smallest page (about 10 KiB): one article of one paragraph and the embed, a short nav and
 * footer, the newsletter form (its `<select>` included) and nothing else. The trackers and the
 * page's head are most of its bytes, as on a small landing page.
 */
export const SMALL_SHAPE: PageShape = {
  articles: 1,
  paragraphs: 1,
  figures: [0, 0],
  navItems: 6,
  teasers: 0,
  marketRows: 0,
  footerColumns: 1,
  footerLinks: 4,
  comments: false,
};

/**
 * A page of about `targetBytes`: the default page when that is within 10% of it, the small shape
 * below it, and above it the default page with as many articles as fill the bytes (estimated from
 * what one article adds; the result is within an article, ~8 KiB, of the target).
 */
export function pageOfSize(targetBytes: number): { shape: PageShape; html: string } {
  const bytes = (shape: PageShape): number => Buffer.byteLength(renderPage(shape), "utf8");
  const base = bytes(DEFAULT_SHAPE);
  if (Math.abs(base - targetBytes) <= targetBytes * 0.1)
    return { shape: DEFAULT_SHAPE, html: renderPage(DEFAULT_SHAPE) };
  if (targetBytes < base) return { shape: SMALL_SHAPE, html: renderPage(SMALL_SHAPE) };
  const more = { ...DEFAULT_SHAPE, articles: DEFAULT_SHAPE.articles * 2 };
  const perArticle = (bytes(more) - base) / DEFAULT_SHAPE.articles;
  const articles = DEFAULT_SHAPE.articles + Math.round((targetBytes - base) / perArticle);
  const shape = { ...DEFAULT_SHAPE, articles };
  return { shape, html: renderPage(shape) };
}

export function renderPage(shape: PageShape = DEFAULT_SHAPE): string {
  const random = mulberry32(0x0b5e55ed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const words = (n: number): string => Array.from({ length: n }, () => pick(WORDS)).join(" ");
  const title = (n: number): string => {
    const text = words(n);
    return text.charAt(0).toUpperCase() + text.slice(1);
  };
  const slug = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, "-");

  // First-party images: most relative, 4 (of the first 40) on the site's own image CDN, one in 20
  // protocol-relative to it (in the default page: 40 images, 34 relative); plus 2 third-party
  // pixels matched by site rules.
  let imageIndex = 0;
  const image = (alt: string, width: number, height: number): string => {
    const i = imageIndex++;
    const file = `${slug(alt).slice(0, 24)}-${i}.jpg`;
    const src =
      i % 10 === 4 && i < 40
        ? `https://img.bench.test/${width}/${file}`
        : i % 20 === 9
          ? `//img.bench.test/${width}/${file}`
          : `/images/${width}/${file}`;
    const srcset =
      i % 3 === 0 ? ` srcset="${src} 1x, ${src.replace(`/${width}/`, `/${width * 2}/`)} 2x"` : "";
    return `<img src="${src}"${srcset} alt="${alt}" width="${width}" height="${height}" loading="lazy" decoding="async">`;
  };

  const paragraph = (): string => {
    const parts: string[] = [];
    for (let s = 0; s < 8; s++) {
      const r = random();
      const sentence = `${title(12 + Math.floor(random() * 12))}.`;
      if (r < 0.15) parts.push(`${sentence} <a href="/news/${slug(words(3))}">${words(3)}</a> ${words(5)}.`);
      else if (r < 0.22) parts.push(`${sentence} <strong>${words(2)}</strong> ${words(4)}.`);
      else if (r < 0.27) parts.push(`${sentence} <em>${words(3)}</em>.`);
      else parts.push(sentence);
    }
    return `<p>${parts.join(" ")}</p>`;
  };

  const navItems = Array.from({ length: shape.navItems }, (_, i) => {
    const label = title(1 + (i % 2));
    return `<li class="nav-item"><a href="/section/${slug(label)}-${i}">${label}</a></li>`;
  }).join("\n        ");

  // Paragraphs, the embed after the second (or the only) one, a quote before the last.
  const body = (withEmbed: boolean): string => {
    const parts: string[] = [];
    for (let k = 0; k < shape.paragraphs; k++) {
      if (k === shape.paragraphs - 1 && k > 0)
        parts.push(`<blockquote><p>${title(12)}.</p><cite>${title(2)}</cite></blockquote>`);
      parts.push(paragraph());
      // (An empty line where an article has no embed: the default page's bytes as they always were.)
      if (k === Math.min(1, shape.paragraphs - 1))
        parts.push(withEmbed ? `<div class="video">${YOUTUBE_EMBED}</div>` : "");
    }
    return parts.join("\n      ");
  };

  const article = (i: number, withEmbed: boolean): string => {
    const heading = title(6);
    const id = `story-${i}`;
    const figures = Array.from(
      { length: i % 2 === 0 ? shape.figures[0] : shape.figures[1] },
      (_, k) =>
        `<figure class="story-figure">${image(title(4), 640 + k * 80, 360)}<figcaption>${title(9)}. Photo: ${title(2)}</figcaption></figure>`,
    ).join("\n      ");
    const tags = Array.from({ length: 3 }, () => {
      const tag = pick(WORDS);
      return `<li><a href="/tag/${tag}" rel="tag">${tag}</a></li>`;
    }).join("");
    return `<article id="${id}" class="story" itemscope itemtype="https://schema.org/NewsArticle">
      <header class="story-header">
        <h2 itemprop="headline"><a href="/news/${slug(heading)}">${heading}</a></h2>
        <p class="byline">By <a href="/authors/${slug(words(2))}" rel="author">${title(2)}</a> &middot; <time datetime="2026-04-${String(1 + (i % 28)).padStart(2, "0")}T08:00:00Z">April ${1 + (i % 28)}, 2026</time></p>
      </header>
      ${figures}
      ${body(withEmbed)}
      <ul class="tags">${tags}</ul>
      <footer class="story-actions"><a class="share" href="/share?story=${id}">Share</a> <button type="button" class="save" data-story="${id}">Save</button></footer>
    </article>`;
  };

  // The YouTube embed once per page, in the third article (or the last, on a shorter page).
  const embedIn = Math.min(2, shape.articles - 1);
  const articles = Array.from({ length: shape.articles }, (_, i) => article(i, i === embedIn)).join("\n    ");

  const latest = Array.from(
    { length: shape.teasers },
    () =>
      `<li class="teaser">${image(title(3), 160, 90)}<a href="/news/${slug(words(4))}">${title(7)}</a> <span class="ago">${1 + Math.floor(random() * 50)} min ago</span></li>`,
  ).join("\n          ");

  const table = Array.from(
    { length: shape.marketRows },
    (_, r) =>
      `<tr><th scope="row">${title(1)}</th><td>${(random() * 100).toFixed(1)}</td><td>${(random() * 100).toFixed(1)}</td><td>${r % 2 ? "up" : "down"}</td></tr>`,
  ).join("\n            ");

  const latestSection =
    shape.teasers > 0
      ? `<section class="latest">
        <h2>Latest</h2>
        <ul>
          ${latest}
        </ul>
      </section>
      `
      : "";
  const marketsSection =
    shape.marketRows > 0
      ? `<section class="markets">
        <h2>Markets</h2>
        <table>
          <thead><tr><th scope="col">Index</th><th scope="col">Open</th><th scope="col">Close</th><th scope="col">Trend</th></tr></thead>
          <tbody>
            ${table}
          </tbody>
        </table>
      </section>
      `
      : "";

  const commentsSection = shape.comments
    ? `<section class="comments" aria-label="Reader comments">
      <h2>Have your say</h2>
      <form action="/comments" method="post">
        <input type="hidden" name="story" value="story-0">
        <label for="name">Name</label> <input id="name" name="name" type="text" required>
        <label for="comment">Comment</label>
        <textarea id="comment" name="comment" rows="4" cols="60"></textarea>
        <button type="submit">Post comment</button>
      </form>
    </section>
    `
    : "";

  const footerColumns = Array.from({ length: shape.footerColumns }, () => {
    const links = Array.from(
      { length: shape.footerLinks },
      () => `<li><a href="/${slug(words(2))}">${title(2)}</a></li>`,
    ).join("\n            ");
    return `<section class="footer-column"><h2>${title(1)}</h2>
          <ul>
            ${links}
          </ul>
        </section>`;
  }).join("\n        ");

  const pixels = SITE_RULE_PIXEL_HOSTS.map(
    (host) => `<img src="https://${host}/p.gif?page=home" width="1" height="1" alt="" style="display:none">`,
  ).join("\n    ");

  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Bench News: front page</title>
  <meta name="description" content="${words(20)}">
  <meta property="og:title" content="Bench News">
  <meta property="og:type" content="website">
  <meta property="og:image" content="https://img.bench.test/og/front.jpg">
  <link rel="canonical" href="https://${PAGE_HOST}/">
  <link rel="icon" href="/favicon.ico" sizes="any">
  <link rel="apple-touch-icon" href="/apple-touch-icon.png">
  <link rel="stylesheet" href="/static/main.css">
  <link rel="stylesheet" href="/static/print.css" media="print">
  <link rel="preload" href="/static/fonts/serif.woff2" as="font" type="font/woff2" crossorigin>
  <link rel="preconnect" href="https://img.bench.test">
  <link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">
  <style>
    :root { --ink: #111; --paper: #fff; --accent: #b00; }
    body { font-family: Georgia, serif; color: var(--ink); background: var(--paper); margin: 0; }
    .site-header, .site-footer { padding: 1rem 2rem; }
    .nav-item { display: inline-block; margin-right: 1rem; }
    .story { max-width: 48rem; margin: 2rem auto; }
    .story-figure img { max-width: 100%; height: auto; }
  </style>
  <script type="application/ld+json">{"@context":"https://schema.org","@type":"WebSite","name":"Bench News","url":"https://${PAGE_HOST}/"}</script>
  <script>document.documentElement.className = document.documentElement.className.replace("no-js", "js");</script>
  <script src="/static/vendor.js" defer></script>
  <script src="/static/app.js" defer></script>
  <script type="module" src="/static/widgets.mjs"></script>
  ${HEAD_TAGS}
</head>
<body class="front">
  ${BODY_TAGS}
  <a class="skip-link" href="#main">Skip to content</a>
  <header class="site-header">
    <a class="logo" href="/"><img src="/static/logo.svg" alt="Bench News" width="180" height="40"></a>
    <nav aria-label="Sections">
      <ul class="nav">
        ${navItems}
      </ul>
    </nav>
    <form class="search" action="/search" method="get" role="search">
      <label for="q">Search</label>
      <input id="q" name="q" type="search" placeholder="Search the news" autocomplete="off">
      <button type="submit">Search</button>
    </form>
  </header>
  <main id="main">
    ${articles}
    <aside class="sidebar" aria-label="Latest">
      ${latestSection}${marketsSection}<section class="newsletter">
        <h2>Newsletter</h2>
        <form action="/newsletter" method="post" class="newsletter-form">
          <input type="hidden" name="csrf" value="bench-csrf-token">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" required placeholder="you@example.com">
          <fieldset>
            <legend>Editions</legend>
            <label><input type="checkbox" name="edition" value="morning" checked> Morning</label>
            <label><input type="checkbox" name="edition" value="evening"> Evening</label>
            <label><input type="checkbox" name="edition" value="weekend"> Weekend</label>
          </fieldset>
          <label for="region">Region</label>
          <select id="region" name="region">
            <option value="north">North</option>
            <option value="south">South</option>
            <option value="east">East</option>
            <option value="west">West</option>
          </select>
          <button type="submit">Subscribe</button>
        </form>
      </section>
    </aside>
    ${commentsSection}${pixels}
  </main>
  <footer class="site-footer">
    <div class="footer-columns">
        ${footerColumns}
    </div>
    <p class="legal">&copy; 2026 Bench News &middot; <a href="/privacy">Privacy</a> &middot; <a href="/cookies">Cookies</a> &middot; <a href="#cookie-settings">Cookie settings</a></p>
  </footer>
  <script>
    document.querySelectorAll("button.save").forEach(function (b) {
      b.addEventListener("click", function () { b.textContent = "Saved"; });
    });
  </script>
</body>
</html>
`;
}

export function pageStats(html: string): PageStats {
  const count = (re: RegExp): number => html.match(re)?.length ?? 0;
  const images = [...html.matchAll(/<img\b[^>]*\ssrc="([^"]*)"/g)].map((m) => m[1] ?? "");
  return {
    bytes: Buffer.byteLength(html, "utf8"),
    elements: count(/<[a-zA-Z]/g),
    images: images.length,
    relativeImages: images.filter((src) => src.startsWith("/") && !src.startsWith("//")).length,
    scripts: { external: count(/<script\b[^>]*\ssrc=/g), inline: count(/<script(?![^>]*\ssrc=)[\s>]/g) },
    iframes: count(/<iframe\b/g),
    forms: count(/<form\b/g),
    scriptSrc: count(/<script\b[^>]*\ssrc=/g),
  };
}
