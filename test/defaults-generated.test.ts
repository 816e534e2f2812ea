/**
 * src/defaults/trackers.generated.ts is what scripts/build-defaults.ts writes from the installed
 * third-party-web now: regenerated here in memory, with the same converter, and compared byte for
 * byte. Skips, saying so, when the package is not installed.
 */
import { describe, expect, it } from "vitest";
import { convertEntities, renderTrackersModule, type TpwEntity } from "../src/defaults/convert";
import { defaultTrackerRules } from "../src/defaults/tracker-rules";
import committed from "../src/defaults/trackers.generated.ts?raw";

// A glob, not an import: a missing package gives no match instead of failing the whole file.
const files: Record<string, string> = {
  ...import.meta.glob("../node_modules/third-party-web/dist/entities.json", {
    query: "?raw",
    import: "default",
    eager: true,
  }),
  ...import.meta.glob("../node_modules/third-party-web/package.json", {
    query: "?raw",
    import: "default",
    eager: true,
  }),
};

function load(): { entities: TpwEntity[]; version: string } | undefined {
  const entities = files["../node_modules/third-party-web/dist/entities.json"];
  const manifest = files["../node_modules/third-party-web/package.json"];
  if (entities === undefined || manifest === undefined) return undefined;
  const { version } = JSON.parse(manifest) as { version: string };
  return { entities: JSON.parse(entities) as TpwEntity[], version };
}

const data = load();
if (!data) console.warn("third-party-web is not installed (npm ci): the generated defaults are not checked");

describe.skipIf(!data)("the generated default tracker rows", () => {
  const { entities, version } = data ?? { entities: [], version: "" };

  it("are what npm run build:defaults writes from the installed third-party-web", () => {
    expect(committed).toBe(renderTrackersModule(convertEntities(entities).vendors, version));
  });

  it("leave out every consent tool's domain", () => {
    const hosts = new Set(defaultTrackerRules().map((rule) => rule.match));
    const consentDomains = entities
      .filter((entity) => entity.category === "consent-provider")
      .flatMap((entity) => entity.domains.map((domain) => domain.replace(/^\*\./, "").toLowerCase()));
    expect(consentDomains.length).toBeGreaterThan(50);
    for (const domain of consentDomains) {
      // Neither the domain nor a parent of it is a default host.
      const labels = domain.split(".");
      const covering = labels
        .map((_, index) => labels.slice(index).join("."))
        .filter((host) => hosts.has(host));
      expect(covering, domain).toEqual([]);
    }
  });

  it("map every dataset category, and an unmapped one stops the build", () => {
    expect(() => convertEntities([{ name: "New", category: "new-kind", domains: ["new.example"] }])).toThrow(
      /category-map\.ts/,
    );
  });
});
