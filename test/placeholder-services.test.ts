/**
 * The placeholder's buttons (issue 12 item 3), through the real worker or HTML stage and read by a
 * real parser (parse5): every blocked embed offers "Show it just this once" (`data-ce-once`) beside
 * its grant; an embed of a service grants that service alone ("Always allow YouTube",
 * `data-ce-grant="marketing:youtube"`), one without a service its categories as before; with the
 * service granted on its own the edge serves the embed live, and no other of its category.
 * What the buttons do in a browser: test/e2e/services.e2e.test.ts.
 */
import { parse } from "parse5";
import { describe, expect, it } from "vitest";
import { serializeConsentCookie } from "../src/consent/consent-cookie";
import { ENGLISH_TEXTS } from "../src/texts/languages/en";
import { attributeOf, elementsNamed, textOf, type Element, type Node } from "./dom";
import { appFor, FIXED_NOW, REVISION, send, testSite } from "./helpers";
import { htmlSite, page, rewrite } from "./html-helpers";

interface Shown {
  /** The placeholder's needs (`data-ce-placeholder`). */
  needs: string | undefined;
  /** Each button: its text, and the inert attribute it carries with that attribute's value. */
  buttons: Array<{ text: string; once: boolean; grant: string | undefined }>;
}

/** Every placeholder in `html` (or a tree parse5 built of it). */
function placeholdersOf(html: string | Node): Shown[] {
  return elementsNamed(typeof html === "string" ? parse(html) : html, "div")
    .filter((div) => attributeOf(div, "data-ce-placeholder") !== undefined)
    .map((div) => ({
      needs: attributeOf(div, "data-ce-placeholder"),
      buttons: elementsNamed(div, "button").map((button: Element) => ({
        text: textOf(button),
        once: attributeOf(button, "data-ce-once") !== undefined,
        grant: attributeOf(button, "data-ce-grant"),
      })),
    }));
}

const once = { text: ENGLISH_TEXTS.placeholderOnce, once: true, grant: undefined };

describe("the placeholder's buttons", () => {
  it("after a YouTube embed: just this once, and Always allow YouTube (the service, not Marketing)", async () => {
    const { text } = await rewrite(page(`<iframe src="https://www.youtube.com/embed/x"></iframe>`), []);
    expect(placeholdersOf(text)).toEqual([
      {
        needs: "marketing:youtube",
        buttons: [once, { text: "Always allow YouTube", once: false, grant: "marketing:youtube" }],
      },
    ]);
  });

  it("after a youtube-nocookie.com and a Vimeo embed: the same service, and Vimeo under Analytics", async () => {
    const { text } = await rewrite(
      page(
        `<iframe src="https://www.youtube-nocookie.com/embed/x"></iframe><iframe src="https://player.vimeo.com/video/1"></iframe>`,
      ),
      [],
    );
    expect(placeholdersOf(text).map(({ needs, buttons }) => [needs, buttons[1]?.text])).toEqual([
      ["marketing:youtube", "Always allow YouTube"],
      ["analytics:vimeo", "Always allow Vimeo"],
    ]);
  });

  it("after an embed without a service: just this once, and its category's grant as before", async () => {
    const site = htmlSite({
      trackers: { rules: [{ host: "maps.example", category: "functional", vendor: "Example Maps" }] },
    });
    const { text } = await rewrite(page(`<iframe src="https://maps.example/embed"></iframe>`), [], { site });
    expect(placeholdersOf(text)).toEqual([
      {
        needs: "functional",
        buttons: [once, { text: "Accept Functional cookies and show it", once: false, grant: "functional" }],
      },
    ]);
  });

  it("a site's own service without a vendor is named by its id", async () => {
    const site = htmlSite({
      trackers: { rules: [{ host: "player.example", category: "marketing", service: "player" }] },
    });
    const { text } = await rewrite(page(`<iframe src="https://player.example/v/1"></iframe>`), [], { site });
    const [shown] = placeholdersOf(text);
    expect(shown?.buttons[1]).toEqual({
      text: "Always allow player",
      once: false,
      grant: "marketing:player",
    });
  });

  it("no placeholder where the category is granted: the service's embed is live", async () => {
    const { text } = await rewrite(page(`<iframe src="https://www.youtube.com/embed/x"></iframe>`), [
      "marketing",
    ]);
    expect(placeholdersOf(text)).toEqual([]);
  });
});

describe("YouTube granted on its own, through the worker (cookie version 2)", () => {
  const b64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));
  const PAGE =
    `<!doctype html><html><head></head><body>` +
    `<iframe src="https://www.youtube.com/embed/x"></iframe>` +
    `<iframe src="https://ads.example/banner"></iframe>` +
    `</body></html>`;
  const app = appFor(
    testSite({
      trackers: { rules: [{ host: "ads.example", category: "marketing", vendor: "Example Ads" }] },
    }),
  );
  const fetchPage = async (cookie: string) => {
    const res = await send(app, "https://www.example.com/", {
      headers: {
        "X-Fixture-Body": b64(PAGE),
        "X-Fixture-Header": JSON.stringify({ "Content-Type": "text/html; charset=utf-8" }),
        Cookie: cookie,
      },
    });
    expect(res.status).toBe(200);
    return parse(await res.text());
  };
  const cookie = (services: string[] | undefined, scoped = false) =>
    `ce_consent=${serializeConsentCookie({
      revision: REVISION,
      givenAt: FIXED_NOW - 60,
      granted: [],
      ...(services ? { services } : {}),
      ...(scoped ? { scoped: true } : {}),
    })}`;

  it.each([
    ["a whole choice", false],
    ["a scoped grant ('Always allow YouTube' of an undecided visitor)", true],
  ])(
    "%s: the YouTube embed is live, the other marketing embed inert with its placeholder",
    async (_, scoped) => {
      const served = await fetchPage(cookie(["youtube"], scoped));
      const [youtube, ads] = elementsNamed(served, "iframe");
      expect(youtube && attributeOf(youtube, "src")).toBe("https://www.youtube.com/embed/x");
      expect(youtube && attributeOf(youtube, "data-ce-category")).toBeUndefined();
      expect(ads && attributeOf(ads, "src")).toBeUndefined();
      expect(ads && attributeOf(ads, "data-ce-category")).toBe("marketing");
      expect(placeholdersOf(served).map((shown) => shown.needs)).toEqual(["marketing"]);
    },
  );

  it("without the service (a refusal), both embeds are inert, each with its placeholder", async () => {
    const served = await fetchPage(cookie(undefined));
    expect(elementsNamed(served, "iframe").map((frame) => attributeOf(frame, "data-ce-category"))).toEqual([
      "marketing:youtube",
      "marketing",
    ]);
  });
});
