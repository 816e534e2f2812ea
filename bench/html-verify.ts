/**
 * `npm run bench:html` measures nothing until every variant serves what it claims to, at every page
 * size: pass-through and one-selector the origin's page byte for byte, consent-edge every tracker
 * neutralised with the first-party markup intact, and the same number of inert elements in every
 * rule-count config.
 */
import { fetchText } from "./latency";
import { EDGE, ORIGIN_SERVICE } from "./html-workers";

export interface Verified {
  status: number;
  bodyBytes: number;
  inertElements: number;
}

/**
 * Abort unless every variant serves what it claims to. `ports` has each variant's port and the
 * origin's (ORIGIN_SERVICE); `label` names the page in the messages.
 */
export async function verify(
  ports: Record<string, number>,
  variants: readonly string[],
  path: string,
  headers: Record<string, string>,
  page: string,
  label: string,
): Promise<Record<string, Verified>> {
  const problems: string[] = [];
  const out: Record<string, Verified> = {};
  const edge = variants.filter((v) => EDGE.includes(v));
  for (const name of [ORIGIN_SERVICE, ...variants]) {
    const port = ports[name];
    if (port === undefined) throw new Error(`bench: no port for ${name}`);
    const reply = await fetchText(port, path, headers);
    out[name] = {
      status: reply.status,
      bodyBytes: Buffer.byteLength(reply.body),
      inertElements: inertElements(reply.body),
    };
    if (reply.status !== 200) problems.push(`${name}: HTTP ${reply.status}: ${reply.body.slice(0, 200)}`);
    if (!edge.includes(name)) {
      if (reply.body !== page) problems.push(`${name}: the page differs from the origin's`);
      continue;
    }
    for (const problem of neutralisationProblems(reply.body, page)) problems.push(`${name}: ${problem}`);
  }
  const counts = new Set(edge.map((name) => out[name]?.inertElements));
  if (counts.size > 1) {
    problems.push(
      `the rule-count configs neutralise different numbers of elements: ${edge.map((n) => `${n} ${out[n]?.inertElements}`).join(", ")}`,
    );
  }
  if (problems.length > 0)
    throw new Error(
      `bench: verification failed (${label} page), refusing to measure:\n  ${problems.join("\n  ")}`,
    );
  return out;
}

/** What a body with every tracker neutralised must (not) contain; each problem as a sentence. */
export function neutralisationProblems(body: string, originBody: string): string[] {
  const problems: string[] = [];
  const live: [string, RegExp][] = [
    ["a live gtag.js src", /\ssrc="https:\/\/www\.googletagmanager\.com/],
    ["a live YouTube iframe src", /\ssrc="https:\/\/www\.youtube\.com/],
    ["a live preconnect to googletagmanager", /\shref="https:\/\/www\.googletagmanager\.com/],
    ["a live dns-prefetch to clarity.ms", /\shref="https:\/\/www\.clarity\.ms/],
    ["the Meta noscript pixel", /facebook\.com\/tr\?id=/],
    ["the Matomo noscript pixel", /matomo\.php\?idsite=/],
    ["a live site-rule pixel", /\ssrc="https:\/\/tracker-\d+\.example/],
  ];
  for (const [what, pattern] of live) if (pattern.test(body)) problems.push(`the page still has ${what}`);
  if (!body.includes("data-ce-category")) problems.push("no element carries data-ce-category");
  if (!body.includes("consentEdge=")) problems.push("the runtime was not injected");
  // Every inline tracker snippet must sit in an inert script.
  const signatures = [
    "gtag('config', 'G-",
    "gtag('config', 'AW-",
    "_paq.push",
    "posthog.init(",
    '"clarity", "script"',
    "fbq('init'",
  ];
  // The runtime carries the site's snippet signatures as data for its page guard: not a snippet.
  // Its wrapper's parameters grow with its bundles (`(function(C,G,P,Z){`, scripts/build-runtime.ts).
  const page = body.replace(/<script[^>]*>\(function\(C,G,P[A-Z,]*\)[\s\S]*?<\/script>/, "");
  for (const signature of signatures) {
    const at = page.indexOf(signature);
    if (at === -1) {
      problems.push(`the inline snippet ${signature} disappeared`);
      continue;
    }
    const open = page.lastIndexOf("<script", at);
    const tag = page.slice(open, page.indexOf(">", open) + 1);
    if (!tag.includes('type="text/plain"') || !tag.includes("data-ce-category"))
      problems.push(`the inline snippet ${signature} is still live (${tag})`);
  }
  // First-party content is untouched (the placeholders shown for blocked embeds aside).
  const count = (text: string, re: RegExp): number => text.match(re)?.length ?? 0;
  const content = body.replace(/<div data-ce-placeholder=[\s\S]*?<\/div>/g, "");
  for (const re of [/<img src="\/images\//g, /<a href="\//g, /<form\b/g, /<p>/g, /<figure\b/g]) {
    if (count(content, re) !== count(originBody, re))
      problems.push(
        `first-party markup changed: ${String(re)} ${count(originBody, re)} -> ${count(content, re)}`,
      );
  }
  return problems;
}

/** Elements the page carries in inert form (attribute occurrences; the runtime's own text excluded). */
export function inertElements(body: string): number {
  return body.match(/\sdata-ce-category="/g)?.length ?? 0;
}
