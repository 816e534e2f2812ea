/** Run the real HTML stage (HTMLRewriter in workerd) over a page delivered in chunks of a given size. */
import { compileConfig, type Site } from "../src/config/compile";
import type { SiteInput } from "../src/config/types";
import { enforceHtml } from "../src/html/rewrite-html";
import { runtimeConfig, runtimeElement, runtimeText } from "../src/html/runtime";
import type { EnforcementReport } from "../src/report";
import { testSite } from "./helpers";

export const RUNTIME_MARK = "<!-- consent-edge runtime -->";

export function htmlSite(overrides: Partial<SiteInput> = {}): Site {
  const compiled = compileConfig({
    sites: [
      testSite({
        trackers: { rules: [{ host: "maps.example.com", category: "functional", vendor: "Example Maps" }] },
        ...overrides,
      }),
    ],
  });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  const [site] = compiled.config.sites;
  if (!site) throw new Error("no site");
  return site;
}

export function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      const step = size > 0 ? size : bytes.length;
      for (let i = 0; i < bytes.length; i += step) controller.enqueue(bytes.slice(i, i + step));
      controller.close();
    },
  });
}

export function emptyReport(site: Site): EnforcementReport {
  return {
    siteId: site.id,
    mode: site.mode,
    consent: {
      granted: new Set(["necessary"]),
      decided: false,
      source: "default",
      reason: "test",
      region: { area: undefined, model: "opt-in" },
      signals: { gpc: false, dnt: false },
      decidedBy: {},
      ignored: [],
    },
    dropped: [],
    neutralised: [],
    rewritten: [],
    expired: [],
    withheld: [],
    undeclared: [],
    startedAt: 0,
  };
}

export interface Rewritten {
  text: string;
  report: EnforcementReport;
  headers: Headers;
}

export async function rewrite(
  input: string | Uint8Array,
  granted: string[],
  options: {
    chunk?: number;
    site?: Site;
    contentType?: string;
    headers?: Record<string, string>;
    doNotTrack?: boolean;
  } = {},
): Promise<Rewritten> {
  const site = options.site ?? htmlSite();
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  const origin = new Response(chunked(bytes, options.chunk ?? 0), {
    headers: { "Content-Type": options.contentType ?? "text/html; charset=utf-8", ...options.headers },
  });
  const headers = new Headers(origin.headers);
  const report = emptyReport(site);
  const grantedSet = new Set(["necessary", ...granted]);
  const body = await enforceHtml(
    origin,
    headers,
    {
      site,
      granted: grantedSet,
      doNotTrack: options.doNotTrack ?? false,
      page: new URL("https://www.example.com/page"),
      method: "GET",
      buffer: false,
    },
    report,
  );
  const raw = await new Response(body).text();
  const runtime = runtimeElement(runtimeText(runtimeConfig(site, grantedSet)), undefined);
  return { text: raw.replace(runtime, RUNTIME_MARK), report, headers };
}

export function page(fragment: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Fixture</title></head>\n<body><main><p>Content</p>\n${fragment}</main></body></html>\n`;
}
