/**
 * `consent-edge inventory` and `suggest` through main() against the real app's admin endpoint,
 * the inventory in miniflare's D1 written by the store's own flush: undeclared first, declared by
 * category, the rules never seen; a JSON Patch from the known-cookie table and the built-in
 * tracker rules, "needs your decision" for the rest, and --write only when the result compiles.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main";
import { applyPatch, buildSuggestions, knownCookie } from "../src/cli/suggest";
import { compileConfig } from "../src/config/compile";
import { KNOWN_COOKIES } from "../src/config/known-cookies";
import { flush } from "../src/inventory/store";
import type { InventoryDocument, InventoryEntry } from "../src/inventory/types";
import { DEBUG_SECRET, FIXED_NOW, FIXED_NOW_MS, send, testSite } from "./helpers";
import { createProxy } from "../src/worker";

function firstSite<T>(sites: T[]): T {
  const [site] = sites;
  if (site === undefined) throw new Error("no site");
  return site;
}

/** The URL a fetch was asked for. */
function hrefOf(input: RequestInfo | URL): string {
  return typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
}

const inventoryDb = (env as unknown as { INVENTORY_DB: D1Database }).INVENTORY_DB;

function entry(site: string, overrides: Partial<InventoryEntry>): InventoryEntry {
  return {
    site,
    kind: "cookie",
    name: "x",
    source: "set-cookie",
    action: "dropped",
    rule: null,
    category: null,
    count: 1,
    firstSeen: FIXED_NOW - 3_600,
    lastSeen: FIXED_NOW - 60,
    samplePaths: ["/"],
    ...overrides,
  };
}

function configFor(id: string, overrides: Record<string, unknown> = {}) {
  return {
    sites: [
      testSite({
        id,
        hosts: [`${id}.example.com`],
        inventory: { enabled: true },
        trackers: { rules: [{ host: "cdn.partner.example", category: "functional" }] },
        ...overrides,
      }),
    ],
  };
}

async function setUp(
  id: string,
  entries: Array<Partial<InventoryEntry>>,
  overrides: Record<string, unknown> = {},
) {
  const config = configFor(id, overrides);
  const compiled = compileConfig(config);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  const app = createProxy(compiled.config, { clock: () => FIXED_NOW_MS });
  await flush(
    inventoryDb,
    entries.map((e) => entry(id, e)),
    `flush-${id}`,
    { now: FIXED_NOW },
  );
  const files: Record<string, string> = { "consent-edge.config.json": JSON.stringify(config, null, 2) };
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io = {
    readFile: (path: string) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: ${path}`);
      return text;
    },
    writeFile: (path: string, text: string) => {
      files[path] = text;
    },
    stdout: (line: string) => stdout.push(line),
    stderr: (line: string) => stderr.push(line),
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => send(app, hrefOf(input), init)) as typeof fetch,
    env: { CONSENT_EDGE_DEBUG_SECRET: DEBUG_SECRET },
  };
  return { io, files, stdout, stderr, url: `https://${id}.example.com/` };
}

const SEEN: Array<Partial<InventoryEntry>> = [
  { name: "_ga", rule: "_ga", category: "analytics", action: "dropped", count: 40 },
  { name: "session", rule: "session", category: "necessary", action: "kept", count: 90 },
  { name: "_uetvid", count: 12, samplePaths: ["/", "/shop"] },
  { name: "_ttp", source: "request-cookie", action: "withheld", count: 3 },
  { name: "ab_bucket", count: 7 },
  { kind: "host", name: "www.clarity.ms", source: "page", action: "allowed", count: 5 },
  { kind: "host", name: "static.unknown-cdn.example", source: "browser", action: "contacted", count: 2 },
];

describe("consent-edge inventory", () => {
  it("prints undeclared entries first, then declared ones, then the rules never seen; exit 1", async () => {
    const { io, stdout, stderr, url } = await setUp("inv", SEEN, {
      trackers: { builtin: false, rules: [{ host: "cdn.partner.example", category: "functional" }] },
    });
    expect(await main(["inventory", url], io)).toBe(1);
    expect(stderr).toEqual([]);
    const text = stdout.join("\n");
    const at = (needle: string) => text.indexOf(needle);
    expect(at("undeclared: 5")).toBeGreaterThan(0);
    expect(at("undeclared: 5")).toBeLessThan(at("declared: 2"));
    expect(at("declared: 2")).toBeLessThan(at("declared, not seen:"));
    expect(text).toMatch(
      /^ {2}! +cookie +_uetvid +undeclared +Set-Cookie: dropped +12 +2026-11-23 11:00 UTC +2026-11-23 11:59 UTC +\/ \/shop$/m,
    );
    expect(text).toMatch(/^ {2}! +host +static\.unknown-cdn\.example +undeclared +browser: contacted +2 /m);
    expect(text).toMatch(/^ +cookie +session +necessary \(session\) +Set-Cookie: kept +90 /m);
    // Declared, never seen: every cookie rule but _ga and session, and the site's tracker rule.
    expect(text).toMatch(/^ {2}· +cookie +_fbp +marketing$/m);
    expect(text).toMatch(/^ {2}· +host +host:cdn\.partner\.example +functional$/m);
    expect(text).not.toMatch(/^ {2}· +cookie +_ga +analytics$/m);
  });

  it("drift is the same command; --json prints the document", async () => {
    const { io, stdout, url } = await setUp("drift", [
      { name: "session", rule: "session", category: "necessary", action: "kept" },
    ]);
    expect(await main(["drift", url, "--json"], io)).toBe(0);
    const doc = JSON.parse(stdout.join("\n")) as InventoryDocument;
    expect(doc).toMatchObject({ site: "drift", mode: "enforce", generatedAt: FIXED_NOW });
    expect(doc.entries.map((e) => e.name)).toEqual(["session"]);
  });
});

describe("drift: the inventory against the config about to be deployed", () => {
  it("judges each entry by the given config, not by the one in force when it was seen", async () => {
    const { io, stdout, url } = await setUp(
      "judged",
      [
        // Seen undeclared, declared since: the config now has a rule.
        { name: "_fbp", rule: null, category: null, action: "dropped", count: 4 },
        // Seen declared, no longer: the config lost the rule.
        { name: "old_pref", rule: "old_pref", category: "functional", action: "kept", count: 2 },
        {
          kind: "host",
          name: "www.clarity.ms",
          rule: null,
          category: null,
          source: "page",
          action: "allowed",
        },
      ],
      { trackers: { builtin: true } },
    );
    expect(await main(["inventory", url, "--json"], io)).toBe(1);
    const doc = JSON.parse(stdout.join("\n")) as InventoryDocument;
    const judged = Object.fromEntries(doc.entries.map((e) => [e.name, [e.rule, e.category]]));
    expect(judged).toEqual({
      _fbp: ["_fbp", "marketing"],
      old_pref: [null, null],
      // The built-in rules are part of the config.
      "www.clarity.ms": ["host:clarity.ms", "analytics"],
    });
    // What was done stays what happened then.
    expect(doc.entries.find((e) => e.name === "_fbp")?.action).toBe("dropped");
  });

  it("exit 0 once the config declares everything traffic showed", async () => {
    const { io, url } = await setUp("settled", [
      { name: "_fbp", rule: null, category: null, action: "dropped" },
    ]);
    expect(await main(["inventory", url], io)).toBe(0);
  });
});

describe("consent-edge suggest", () => {
  it("proposes rules from the known-cookie table and the built-in trackers, and leaves the rest to the operator", async () => {
    // Without the built-in rules: with them, clarity.ms is declared already.
    const { io, stdout, url } = await setUp("sug", SEEN, { trackers: { builtin: false } });
    expect(await main(["suggest", url, "--json"], io)).toBe(1);
    const out = JSON.parse(stdout.join("\n")) as {
      patch: unknown[];
      suggestions: Array<{ seen: string[]; category: string; vendor: string; source?: string }>;
      undecided: Array<{ kind: string; name: string }>;
    };
    expect(out.patch).toEqual([
      {
        op: "add",
        path: "/sites/0/cookies/-",
        value: {
          name: "_uetvid",
          category: "marketing",
          provider: "Microsoft Advertising UET",
          purpose: "visitor id for conversion tracking",
        },
      },
      {
        op: "add",
        path: "/sites/0/cookies/-",
        value: {
          name: "_ttp",
          category: "marketing",
          provider: "TikTok Pixel",
          purpose: "visitor id for ad measurement",
        },
      },
      // The site's trackers have no rules list yet: RFC 6902 adds the parent first.
      { op: "add", path: "/sites/0/trackers/rules", value: [] },
      {
        op: "add",
        path: "/sites/0/trackers/rules/-",
        value: { host: "clarity.ms", category: "analytics", vendor: "Microsoft Clarity" },
      },
    ]);
    expect(out.suggestions.map((s) => s.source ?? "builtin")).toEqual([
      "https://help.ads.microsoft.com/apex/index/3/en/53056",
      "builtin",
      "https://ads.tiktok.com/help/article/using-cookies-with-tiktok-pixel",
    ]);
    expect(out.undecided.map((u) => `${u.kind} ${u.name}`)).toEqual([
      "cookie ab_bucket",
      "host static.unknown-cdn.example",
    ]);
  });

  it("--write applies the patch to the config file, and the result is a valid config", async () => {
    const { io, files, stderr, stdout, url } = await setUp(
      "write",
      [{ name: "_hjSessionUser_1" }, { name: "_hjSessionUser_2" }],
      { cookies: [] },
    );
    expect(await main(["suggest", url, "--write"], io)).toBe(0);
    // The file is the record: the patch is printed only when it is not applied.
    expect(stdout.join("\n")).toContain("+ cookie _hjSessionUser_* → analytics");
    expect(stdout.join("\n")).not.toContain("patch (RFC 6902)");
    expect(stderr).toEqual([
      "✓ consent-edge.config.json: 1 rule added (review them: git diff consent-edge.config.json)",
    ]);
    const written = JSON.parse(files["consent-edge.config.json"] ?? "") as {
      sites: Array<{ cookies: Array<{ name: string }> }>;
    };
    // Both Hotjar cookies are covered by one glob rule.
    expect(written.sites[0]?.cookies).toEqual([
      {
        name: "_hjSessionUser_*",
        category: "analytics",
        provider: "Hotjar",
        purpose: "Hotjar user id, per site",
      },
    ]);
    expect(compileConfig(written).ok).toBe(true);
  });

  it("never writes a config the patch would make invalid", async () => {
    const rules = Array.from({ length: 1_000 }, (_, i) => ({ host: `t${i}.example`, category: "analytics" }));
    const { io, files, stderr, url } = await setUp(
      "invalid",
      [{ kind: "host", name: "connect.facebook.net", source: "page", action: "allowed" }],
      {
        trackers: { builtin: false, rules },
      },
    );
    const before = files["consent-edge.config.json"];
    expect(await main(["suggest", url, "--write"], io)).toBe(1);
    expect(stderr.at(-1)).toBe("✗ not written: the patched config would not be valid");
    expect(stderr[0]).toMatch(/^consent-edge\.config\.json: sites\[0\]\.trackers\.rules: 1001 rules/);
    expect(files["consent-edge.config.json"]).toBe(before);
  });

  it("a known vendor's category the site does not have needs a decision", () => {
    const compiled = compileConfig({
      sites: [testSite({ id: "cats", categories: ["necessary", "statistics"], cookies: [] })],
    });
    if (!compiled.ok) throw new Error("config");
    const site = firstSite(compiled.config.sites);
    const doc: InventoryDocument = {
      site: "cats",
      generatedAt: 0,
      mode: "enforce",
      entries: [entry("cats", { name: "_clck" })],
    };
    const result = buildSuggestions(doc, { sites: [{ id: "cats" }] }, 0, site);
    expect(result.operations).toEqual([]);
    expect(result.undecided[0]?.why).toMatch(
      /^Microsoft Clarity .+ is analytics, and this site has no category "analytics"/,
    );
  });
});

describe("the patch and the table", () => {
  it("creates the arrays the config does not have yet, as RFC 6902 requires a parent to exist", () => {
    const compiled = compileConfig({ sites: [testSite({ id: "bare", cookies: [] })] });
    if (!compiled.ok) throw new Error("config");
    const doc: InventoryDocument = {
      site: "bare",
      generatedAt: 0,
      mode: "report-only",
      entries: [
        entry("bare", { name: "_fbp" }),
        entry("bare", { kind: "host", name: "px.ads.linkedin.com", source: "page" }),
      ],
    };
    const raw = { sites: [{ id: "bare", hosts: ["www.example.com"], policyRevision: "1" }] };
    const { operations } = buildSuggestions(doc, raw, 0, firstSite(compiled.config.sites));
    expect(operations.map((op) => op.path)).toEqual([
      "/sites/0/cookies",
      "/sites/0/cookies/-",
      "/sites/0/trackers",
      "/sites/0/trackers/rules/-",
    ]);
    expect(applyPatch(raw, operations)).toEqual({
      sites: [
        {
          id: "bare",
          hosts: ["www.example.com"],
          policyRevision: "1",
          cookies: [
            {
              name: "_fbp",
              category: "marketing",
              provider: "Meta Pixel",
              purpose: "browser id for ad delivery and measurement",
            },
          ],
          trackers: {
            rules: [{ host: "px.ads.linkedin.com", category: "marketing", vendor: "LinkedIn Insight" }],
          },
        },
      ],
    });
    expect(raw.sites[0]).not.toHaveProperty("cookies");
    expect(() => applyPatch(raw, [{ op: "add", path: "/sites/3/cookies/-", value: 1 }])).toThrow(
      /does not exist/,
    );
  });

  it("every known cookie is a valid cookie rule with a vendor's https source, and none is too generic", () => {
    const compiled = compileConfig({
      sites: [
        testSite({ id: "table", cookies: KNOWN_COOKIES.map(({ name, category }) => ({ name, category })) }),
      ],
    });
    expect(compiled.ok).toBe(true);
    for (const known of KNOWN_COOKIES) {
      expect(known.source).toMatch(/^https:\/\//);
      expect(known.name.replace(/\*/g, "").length).toBeGreaterThanOrEqual(3);
    }
    expect(knownCookie("_hjSessionUser_123456")?.vendor).toBe("Hotjar");
    expect(knownCookie("_pk_id.1.1fff")?.vendor).toBe("Matomo");
    expect(knownCookie("session")).toBeUndefined();
    expect(knownCookie("_gax")).toBeUndefined();
  });
});
