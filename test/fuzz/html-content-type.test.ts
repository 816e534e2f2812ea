/**
 * Properties of what the HTML stage takes a response to be: header parsing never throws, the sniff
 * decides as browsers do however the bytes arrive, and an untyped HTML page with a tracker comes
 * out with no tracker a real parser (parse5) would run, in any chunking.
 */
import fc from "fast-check";
import { parse } from "parse5";
import { describe, expect, it } from "vitest";
import {
  classifyDocument,
  extractMimeType,
  SNIFF_BYTES,
  sniffUnknownType,
} from "../../src/html/content-type";
import { planDecoding } from "../../src/html/decode-body";
import { enforceHtml } from "../../src/html/rewrite-html";
import { chunked, emptyReport, htmlSite } from "../html-helpers";
import { fuzzParameters } from "./settings";

const headerText = fc.string({
  unit: fc.constantFrom(...'text/html;charset="utf-8", */*\\ \tX+xml'.split("")),
  maxLength: 40,
});

describe("Content-Type and Content-Encoding", () => {
  it("parsing any header value never throws, and the essence is always lowercase", () => {
    fc.assert(
      fc.property(fc.oneof(headerText, fc.string({ maxLength: 60 })), (value) => {
        const mime = extractMimeType(value);
        if (mime) expect(mime.essence).toBe(mime.essence.toLowerCase());
        expect(() => planDecoding(value)).not.toThrow();
        const headers = new Headers();
        try {
          headers.set("Content-Type", value);
        } catch {
          return; // not a valid header value at all: the runtime never hands us one
        }
        expect(["html", "unknown", "xml", "other"]).toContain(classifyDocument(headers));
      }),
      fuzzParameters(),
    );
  });
});

const PREFIXES = [
  "<!DOCTYPE html>",
  "<html>",
  "<p>",
  "<script>",
  "<!-- c -->",
  "<?xml ?>",
  "<b ",
  "<br>",
  "%PDF-",
  "x",
];

describe("sniffing an untyped body", () => {
  it("the decision made on the first bytes is the decision on the whole body", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(" ", "\t", "\n", "\r", "\f"), maxLength: 20 }),
        fc.constantFrom(...PREFIXES),
        fc.string({ maxLength: 30 }),
        fc.integer({ min: 0, max: 80 }),
        (space, prefix, rest, cut) => {
          const bytes = new TextEncoder().encode(`${space}${prefix}${rest}`);
          const whole = sniffUnknownType(bytes, true);
          const early = sniffUnknownType(bytes.subarray(0, cut), cut >= bytes.length);
          if (early !== "more") expect(early).toBe(whole);
          expect(whole).not.toBe("more");
        },
      ),
      fuzzParameters(),
    );
  });

  it("never looks past the resource header", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), (extra) => {
        const bytes = new TextEncoder().encode(`${" ".repeat(SNIFF_BYTES + extra)}<html>`);
        expect(sniffUnknownType(bytes, false)).toBe("other");
      }),
      fuzzParameters(),
    );
  });
});

type Node = { nodeName: string; attrs?: Array<{ name: string; value: string }>; childNodes?: Node[] };
function liveTrackers(html: string): number {
  let count = 0;
  const visit = (node: Node) => {
    const attrs = new Map((node.attrs ?? []).map((attr) => [attr.name, attr.value]));
    if (
      node.nodeName === "script" &&
      attrs.get("src")?.includes("googletagmanager.com") &&
      !attrs.has("type")
    ) {
      count += 1;
    }
    for (const child of node.childNodes ?? []) visit(child);
  };
  visit(parse(html));
  return count;
}

describe("an untyped page", () => {
  const site = htmlSite();
  it("comes out enforced and identical in any chunking", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom(" ", "\n", "\t"), maxLength: 8 }),
        fc.integer({ min: 1, max: 64 }),
        async (space, chunk) => {
          const page = `${space}<!doctype html><html><head><title>t</title></head><body><p>a</p><script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script></body></html>`;
          const run = async (size: number) => {
            const headers = new Headers();
            const report = emptyReport(site);
            const body = await enforceHtml(
              new Response(chunked(new TextEncoder().encode(page), size)),
              headers,
              {
                site,
                granted: new Set(["necessary"]),
                doNotTrack: false,
                page: new URL("https://www.example.com/"),
                method: "GET",
                buffer: false,
              },
              report,
            );
            return {
              text: await new Response(body).text(),
              html: report.html,
              type: headers.get("Content-Type"),
            };
          };
          const [one, many] = await Promise.all([run(0), run(chunk)]);
          expect(many).toEqual(one);
          expect(one.html).toBe("rewritten (sniffed as html)");
          expect(one.type).toBe("text/html");
          expect(liveTrackers(one.text)).toBe(0);
        },
      ),
      fuzzParameters({ scale: 0.25 }),
    );
  });
});
