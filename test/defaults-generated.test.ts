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
type Loaders<T> = Record<string, () => Promise<T>>;
const entityFiles: Loaders<TpwEntity[]> = import.meta.glob<TpwEntity[]>(
  "../node_modules/third-party-web/dist/entities.json",
  {
    import: "default",
  },
);
const packageFiles: Loaders<string> = import.meta.glob<string>(
  "../node_modules/third-party-web/package.json",
  {
    import: "version",
  },
);

async function load(): Promise<{ entities: TpwEntity[]; version: string } | undefined> {
  const [entities] = Object.values(entityFiles);
  const [version] = Object.values(packageFiles);
  if (!entities || !version) return undefined;
  return { entities: await entities(), version: await version() };
}

const data = await load();
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
