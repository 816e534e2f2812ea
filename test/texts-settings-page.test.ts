/** The no-JavaScript settings page in the visitor's language, judged by parse5's tree. */
import { type DefaultTreeAdapterMap, parse } from "parse5";
import { describe, expect, it } from "vitest";
import { GERMAN_TEXTS } from "../src/texts/languages/de";
import { appFor, send, testSite } from "./helpers";

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];

function elements(node: Node, out: Element[] = []): Element[] {
  if ("tagName" in node) out.push(node);
  for (const child of "childNodes" in node ? node.childNodes : []) elements(child, out);
  return out;
}
const text = (node: Node): string =>
  "value" in node ? node.value : ("childNodes" in node ? node.childNodes : []).map(text).join("");
const attr = (element: Element, name: string) => element.attrs.find((a) => a.name === name)?.value;

describe("the settings page", () => {
  it("is German for Accept-Language: de, with lang, dir, a heading, a title and a way back", async () => {
    const res = await send(
      appFor(testSite({ banner: { enabled: true } })),
      "https://www.example.com/.consent-edge/settings?return=%2Fshop%3Fa%3D1",
      { headers: { "Accept-Language": "de-AT, en;q=0.5" } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Language")).toBe("de");
    expect(res.headers.get("Vary")).toContain("Accept-Language");
    const all = elements(parse(await res.text()));
    const html = all.find((e) => e.tagName === "html");
    expect(html && attr(html, "lang")).toBe("de");
    expect(html && attr(html, "dir")).toBe("ltr");
    const titles = all.filter((e) => e.tagName === "title").map(text);
    expect(titles).toEqual([GERMAN_TEXTS.settingsPageTitle]);
    expect(all.filter((e) => e.tagName === "h1").map(text)).toEqual([GERMAN_TEXTS.settingsPageTitle]);
    const back = all.find((e) => e.tagName === "a" && text(e) === GERMAN_TEXTS.backToSite);
    expect(back && attr(back, "href")).toBe("/shop?a=1");
  });
});
