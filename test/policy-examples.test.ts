/**
 * Each example's generated declaration against its real cookie policy (../shared/policies), row
 * for row: the policy's tables are transcribed below as facts (name or the policy's label,
 * category, provider, duration, type), and `declarationFor` must give the same rows in the same
 * order, nothing extra and nothing missing, but for the differences each example makes on
 * purpose, which are listed with the reason. Where the policies are present, their tables are
 * also parsed from the files and must equal the transcription, so that it cannot drift.
 */
import { describe, expect, it } from "vitest";
import aktara from "../examples/aktara.json";
import aktok from "../examples/aktok.json";
import ankorium from "../examples/ankorium.json";
import certiron from "../examples/certiron.json";
import prokken from "../examples/prokken.json";
import { compileConfig, type Site } from "../src/config/compile";
import { parseDuration } from "../src/config/duration";
import { type DeclaredCookie, declarationFor } from "../src/policy/declaration";

/** The real policies, when ../shared is there (read at test time, never copied into the repo). */
const POLICY_FILES = import.meta.glob("../../shared/policies/*.txt", {
  query: "?raw",
  import: "default",
  eager: true,
});
const policyText = (name: string): string | undefined => POLICY_FILES[`../../shared/policies/${name}.txt`];

function siteOf(config: unknown, index = 0): Site {
  const compiled = compileConfig(config);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  const site = compiled.config.sites[index];
  if (!site) throw new Error(`no site ${index}`);
  return site;
}

/** A cookie row as the policy states it. `duration` in the policy's words; `type` where it has one. */
interface PolicyRow {
  label: string;
  category: string;
  provider?: string;
  duration: string;
  type?: string;
}

// ---- What a policy's words mean ------------------------------------------------------------

/**
 * Seconds, or "session". With the config's units (30-day month, 365-day year). Where the policy
 * gives two lifetimes ("12 hours (standard) or 30 days (remember me)"), the longer: that is what
 * the cookie can live, and what the config caps.
 */
function policySeconds(words: string): number | "session" {
  if (/close your browser|browser session|^session$/i.test(words.trim())) return "session";
  const amounts = [...words.matchAll(/(\d+)\s*(year|month|day|hour|minute)s?/gi)].map(([, n, unit]) =>
    parseDuration(
      `${n}${{ year: "y", month: "mo", day: "d", hour: "h", minute: "m" }[(unit ?? "").toLowerCase() as "year"]}`,
    ),
  );
  const longest = Math.max(...amounts.map((seconds) => seconds ?? 0));
  if (!Number.isFinite(longest) || longest <= 0) throw new Error(`no duration in "${words}"`);
  return longest;
}

/** The policy's category words (a section heading or a Type column) as the config's category. */
function categoryOf(words: string): string {
  if (/essential|strictly necessary/i.test(words)) return "necessary";
  const match = /functional|analytics|marketing/i.exec(words);
  if (!match) throw new Error(`no category in "${words}"`);
  return match[0].toLowerCase();
}

const declared = (duration: DeclaredCookie["duration"]): number | "session" | "unknown" =>
  duration.kind === "seconds" ? duration.seconds : duration.kind;

// ---- Parsing the real tables ---------------------------------------------------------------

/** Every `| a | b |` table in the text: its header cells and rows, with the heading before it. */
function pipeTables(text: string): Array<{ heading: string; header: string[]; rows: string[][] }> {
  const tables: Array<{ heading: string; header: string[]; rows: string[][] }> = [];
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, "")
      .split("|")
      .map((cell) => cell.trim());
  let heading = "";
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (!line.startsWith("|")) {
      if (/^\d+(\.\d+)*\s+\S/.test(line)) heading = line;
      continue;
    }
    const header = cells(line);
    i++; // the |---| line
    const rows: string[][] = [];
    while ((lines[i + 1] ?? "").startsWith("|")) rows.push(cells(lines[++i] ?? ""));
    tables.push({ heading, header, rows });
  }
  return tables;
}

/** The cookie rows of a policy's pipe tables, read by their column names. */
function parsedRows(text: string, fixedCategory?: string): PolicyRow[] {
  return pipeTables(text)
    .filter((table) => table.header[0] === "Cookie" || table.header[0] === "Name")
    .flatMap((table) =>
      table.rows.map((row) => {
        const column = (name: string) => row[table.header.indexOf(name)];
        const type = column("Type");
        const provider = column("Provider");
        const category =
          fixedCategory ??
          (table.header.includes("Provider") ? categoryOf(table.heading) : categoryOf(type ?? ""));
        return {
          label: row[0] ?? "",
          category,
          ...(provider === undefined ? {} : { provider }),
          duration: column("Duration") ?? "",
          ...(type === undefined ? {} : { type }),
        };
      }),
    );
}

// ---- Comparing a declaration with the transcription ----------------------------------------

interface Expectation {
  rows: PolicyRow[];
  /** A policy label that names config rules otherwise: "Session ID" is `aktok_session`. */
  names?: Record<string, string[]>;
  /** The policy's provider as the config names the third party (one name per company). */
  providers?: Record<string, string>;
  /** Config rows the policy's tables do not have, by category, each with the reason. */
  extra?: Record<string, Array<{ name: string; why: string }>>;
  /** Where the config's duration differs from the policy's on purpose, with the reason. */
  durations?: Record<string, { seconds: number | "session"; why: string }>;
}

function compare(site: Site, expected: Expectation): void {
  const declaration = declarationFor(site);
  for (const category of declaration.categories) {
    const rows = expected.rows.filter((row) => row.category === category.id);
    const names = [
      ...rows.flatMap((row) => (expected.names?.[row.label] ?? [row.label]).map((name) => ({ name, row }))),
      ...(expected.extra?.[category.id] ?? []).map(({ name }) => ({ name, row: undefined })),
    ];
    expect(
      category.cookies.map((cookie) => cookie.name),
      category.id,
    ).toEqual(names.map(({ name }) => name));
    names.forEach(({ name, row }, i) => {
      const cookie = category.cookies[i];
      if (!row || !cookie) return;
      if (row.provider !== undefined)
        expect(cookie.provider, name).toBe(expected.providers?.[row.provider] ?? row.provider);
      const seconds = expected.durations?.[name]?.seconds ?? policySeconds(row.duration);
      expect(declared(cookie.duration), name).toBe(seconds);
      // aktok's Type column: "Session" or "Persistent", which the duration says too.
      if (row.type === "Persistent") expect(cookie.duration.kind, name).toBe("seconds");
      if (row.type === "Session" && !expected.durations?.[name])
        expect(cookie.duration.kind, name).toBe("session");
      // ankorium's Type column: HttpOnly, which only the server can set.
      if (row.type?.includes("HttpOnly")) expect(cookie.setBy, name).toBe("http");
    });
  }
}

/** The parsed table rows equal the transcription, or the part is skipped, saying why. */
function matchesFile(name: string, transcribed: PolicyRow[], parse: (text: string) => PolicyRow[]) {
  const text = policyText(name);
  it.skipIf(text === undefined)(
    `the transcription is ${name}'s table as the policy file has it${text === undefined ? " (skipped: ../shared/policies is absent)" : ""}`,
    () => {
      expect(parse(text ?? "")).toEqual(transcribed);
    },
  );
}

// ---- aktara ----------------------------------------------------------------------------------

const AKTARA: PolicyRow[] = [
  {
    label: "authjs.session-token",
    category: "necessary",
    duration: "Up to 30 days",
    type: "Strictly necessary",
  },
  {
    label: "authjs.csrf-token",
    category: "necessary",
    duration: "Browser session",
    type: "Strictly necessary",
  },
  {
    label: "authjs.callback-url",
    category: "necessary",
    duration: "Browser session",
    type: "Strictly necessary",
  },
];

describe("aktara: the declaration is the policy's table", () => {
  const site = siteOf(aktara);
  it("row for row", () => {
    compare(site, {
      rows: AKTARA,
      // Auth.js names its cookies __Secure- (and the CSRF one __Host-) over HTTPS, which production
      // is: the example declares both spellings of each, the policy only the plain one.
      names: {
        "authjs.session-token": ["authjs.session-token", "__Secure-authjs.session-token"],
        "authjs.csrf-token": ["authjs.csrf-token", "__Host-authjs.csrf-token"],
        "authjs.callback-url": ["authjs.callback-url", "__Secure-authjs.callback-url"],
      },
    });
  });
  it("states no third party, nothing optional, and the contact", () => {
    const declaration = declarationFor(site);
    expect(declaration.thirdParties).toEqual([]);
    expect(declaration.choices.optional).toBe(false);
    expect(declaration.contact).toBe("privacy@aktara.ai");
  });
  matchesFile("aktara", AKTARA, (text) => parsedRows(text));
});

// ---- aktok -----------------------------------------------------------------------------------

const AKTOK: PolicyRow[] = [
  {
    label: "Session ID",
    category: "necessary",
    provider: "Aktok",
    duration: "Expires when you close your browser",
    type: "Session",
  },
  {
    label: "Access token (JWT)",
    category: "necessary",
    provider: "Aktok",
    duration: "12 hours (standard) or 30 days (remember me)",
    type: "Persistent",
  },
  {
    label: "Refresh token (JWT)",
    category: "necessary",
    provider: "Aktok",
    duration: "24 hours (standard) or 60 days (remember me)",
    type: "Persistent",
  },
  {
    label: "CSRF token",
    category: "necessary",
    provider: "Aktok",
    duration: "Expires when you close your browser",
    type: "Session",
  },
  {
    label: "Language preference",
    category: "functional",
    provider: "Aktok",
    duration: "1 year",
    type: "Persistent",
  },
  { label: "Timezone", category: "functional", provider: "Aktok", duration: "1 year", type: "Persistent" },
  {
    label: "Theme preference",
    category: "functional",
    provider: "Aktok",
    duration: "1 year",
    type: "Persistent",
  },
  {
    label: "_pk_id",
    category: "analytics",
    provider: "Matomo (self-hosted)",
    duration: "13 months",
    type: "Persistent",
  },
  {
    label: "_pk_ses",
    category: "analytics",
    provider: "Matomo (self-hosted)",
    duration: "30 minutes of inactivity",
    type: "Session",
  },
  {
    label: "_pk_ref",
    category: "analytics",
    provider: "Matomo (self-hosted)",
    duration: "6 months",
    type: "Persistent",
  },
  {
    label: "ph_*_posthog",
    category: "analytics",
    provider: "PostHog",
    duration: "1 year",
    type: "Persistent",
  },
  {
    label: "_ga",
    category: "analytics",
    provider: "Google Analytics 4",
    duration: "2 years",
    type: "Persistent",
  },
  {
    label: "ga*",
    category: "analytics",
    provider: "Google Analytics 4",
    duration: "2 years",
    type: "Persistent",
  },
  {
    label: "_gid",
    category: "analytics",
    provider: "Google Analytics 4",
    duration: "24 hours",
    type: "Persistent",
  },
  {
    label: "_clck",
    category: "analytics",
    provider: "Microsoft Clarity",
    duration: "1 year",
    type: "Persistent",
  },
  {
    label: "_clsk",
    category: "analytics",
    provider: "Microsoft Clarity",
    duration: "1 day",
    type: "Persistent",
  },
  {
    label: "CLID",
    category: "analytics",
    provider: "Microsoft Clarity",
    duration: "1 year",
    type: "Persistent",
  },
  {
    label: "_fbp",
    category: "marketing",
    provider: "Meta (Facebook Pixel)",
    duration: "3 months",
    type: "Persistent",
  },
  {
    label: "_fbc",
    category: "marketing",
    provider: "Meta (Facebook Pixel)",
    duration: "3 months",
    type: "Persistent",
  },
  {
    label: "fr",
    category: "marketing",
    provider: "Meta (Facebook)",
    duration: "3 months",
    type: "Persistent",
  },
  {
    label: "_gcl_au",
    category: "marketing",
    provider: "Google Ads",
    duration: "3 months",
    type: "Persistent",
  },
  {
    label: "IDE",
    category: "marketing",
    provider: "Google (DoubleClick)",
    duration: "13 months",
    type: "Persistent",
  },
  {
    label: "__gads",
    category: "marketing",
    provider: "Google AdSense",
    duration: "13 months",
    type: "Persistent",
  },
];

/** aktok's third-party table (§4.1): name, purpose, privacy policy as written (no scheme). */
const AKTOK_THIRD_PARTIES = [
  {
    name: "Matomo (self-hosted)",
    purpose: "Web analytics",
    privacyPolicy: "Self-hosted at analytics.aktok.com — no external data transfer",
  },
  {
    name: "PostHog",
    purpose: "Product analytics and session recording",
    privacyPolicy: "posthog.com/privacy",
  },
  { name: "Google Analytics", purpose: "Web traffic analysis", privacyPolicy: "policies.google.com/privacy" },
  {
    name: "Microsoft Clarity",
    purpose: "Session recording and heatmaps",
    privacyPolicy: "privacy.microsoft.com",
  },
  {
    name: "Meta (Facebook)",
    purpose: "Advertising audiences and conversion tracking",
    privacyPolicy: "facebook.com/privacy",
  },
  {
    name: "Google Ads / AdSense",
    purpose: "Ad serving and conversion tracking",
    privacyPolicy: "policies.google.com/privacy",
  },
  {
    name: "Firebase (Google)",
    purpose: "Push notification delivery",
    privacyPolicy: "firebase.google.com/support/privacy",
  },
];

describe("aktok: the declaration is the policy's four cookie tables and its third-party table", () => {
  const site = siteOf(aktok);
  const DAYS_400 = 400 * 86_400;
  it("row for row", () => {
    compare(site, {
      rows: AKTOK,
      names: {
        "Session ID": ["aktok_session"],
        "Access token (JWT)": ["aktok_access"],
        "Refresh token (JWT)": ["aktok_refresh"],
        "CSRF token": ["aktok_csrf"],
        "Language preference": ["aktok_lang"],
        Timezone: ["aktok_tz"],
        "Theme preference": ["aktok_theme"],
        // Matomo appends the site id and a hash (`_pk_id.1.a1b2`): prefix rules.
        _pk_id: ["_pk_id*"],
        _pk_ses: ["_pk_ses*"],
        _pk_ref: ["_pk_ref*"],
        // The policy's `ga*` is GA4's per-property cookie, `_ga_<container>`; `ga*` as a rule
        // would also match names that are not Google's.
        "ga*": ["_ga_*"],
      },
      // One name per company, the third-party table's, so that the cookie tables and the third
      // parties name each the same way; the policy's cookie tables name the product instead.
      providers: {
        "Google Analytics 4": "Google Analytics",
        "Meta (Facebook Pixel)": "Meta (Facebook)",
        "Google Ads": "Google Ads / AdSense",
        "Google (DoubleClick)": "Google Ads / AdSense",
        "Google AdSense": "Google Ads / AdSense",
      },
      extra: {
        // §4.3 says in prose that Stripe may set its own strictly necessary cookies on payment
        // forms; the example declares them so that the worker keeps them.
        necessary: [
          { name: "__stripe_mid", why: "policy §4.3, Stripe's fraud prevention" },
          { name: "__stripe_sid", why: "policy §4.3, Stripe's fraud prevention" },
        ],
      },
      durations: {
        // Browsers keep no cookie longer than 400 days (RFC 6265bis §5.5), so a 2-year cap could
        // never hold and the config refuses one: the declaration states what the visitor gets.
        _ga: { seconds: DAYS_400, why: "400-day browser cap" },
        "_ga_*": { seconds: DAYS_400, why: "400-day browser cap" },
        // The policy's "Session" is Matomo's visit: the cookie itself lives 30 minutes.
        "_pk_ses*": { seconds: 1_800, why: "a 30-minute cookie, not a browser-session one" },
      },
    });
  });
  it("fr and IDE are third-party cookies, on facebook.com and doubleclick.net", () => {
    const marketing = declarationFor(site).categories.find((category) => category.id === "marketing");
    const party = (name: string) => marketing?.cookies.find((cookie) => cookie.name === name)?.party;
    expect(party("fr")).toEqual({ kind: "third", domain: "facebook.com" });
    expect(party("IDE")).toEqual({ kind: "third", domain: "doubleclick.net" });
    expect(party("_fbp")).toEqual({ kind: "first" });
  });
  it("the third parties, row for row", () => {
    const parties = declarationFor(site).thirdParties;
    // Stripe is named in §4.3's prose, not the table: it comes last, from the cookie rules.
    expect(parties.map((party) => party.name)).toEqual([
      ...AKTOK_THIRD_PARTIES.map((row) => row.name),
      "Stripe",
    ]);
    AKTOK_THIRD_PARTIES.forEach((row, i) => {
      const party = parties[i];
      expect(party?.purpose, row.name).toBe(row.purpose);
      // Matomo is self-hosted: the table's cell says so instead of linking a policy.
      const link = party?.privacyPolicy?.replace(/^https:\/\/(www\.)?/, "");
      expect(link, row.name).toBe(
        row.privacyPolicy.startsWith("Self-hosted") ? undefined : row.privacyPolicy,
      );
      expect(party?.receives, row.name).toBeDefined();
    });
  });
  it("GPC refuses marketing, and Do Not Track stops Matomo", () => {
    const { choices } = declarationFor(site);
    expect(choices.gpc).toEqual(["marketing"]);
    expect(choices.doNotTrack).toEqual({ categories: [], vendors: ["Matomo (self-hosted)"] });
    expect(choices.settingsUrl).toBe("/.consent-edge/settings?return=%2Fcookies");
  });
  matchesFile("aktok", AKTOK, (text) => parsedRows(text));
  const text = policyText("aktok");
  it.skipIf(text === undefined)("the third-party transcription is the policy's table", () => {
    const table = pipeTables(text ?? "").find((candidate) => candidate.header[0] === "Third Party");
    expect(table?.rows.map(([name, purpose, privacyPolicy]) => ({ name, purpose, privacyPolicy }))).toEqual(
      AKTOK_THIRD_PARTIES,
    );
  });
});

// ---- ankorium --------------------------------------------------------------------------------

const ANKORIUM: PolicyRow[] = [
  { label: "token", category: "necessary", duration: "Session", type: "HttpOnly, Secure, SameSite" },
  { label: "refreshToken", category: "necessary", duration: "7 days", type: "HttpOnly, Secure, SameSite" },
];

describe("ankorium: the marketing site sets nothing, the platform the policy's two cookies and one storage item", () => {
  const marketingSite = siteOf(ankorium);
  const platform = siteOf(ankorium, 1);
  it("ankorium.com: no cookies, no storage, nothing optional", () => {
    const declaration = declarationFor(marketingSite);
    expect(declaration.categories.flatMap((category) => [...category.cookies, ...category.storage])).toEqual(
      [],
    );
    expect(declaration.choices.optional).toBe(false);
  });
  it("the platform, row for row", () => {
    compare(platform, { rows: ANKORIUM });
  });
  it("the platform's storage: the community members' Bearer token in localStorage", () => {
    // The policy names no key: the example's `ankorium_token` is its assumption (see its purpose).
    const necessary = declarationFor(platform).categories[0];
    expect(necessary?.storage.map(({ key, area }) => ({ key, area }))).toEqual([
      { key: "ankorium_token", area: "local" },
    ]);
    expect(declarationFor(platform).thirdParties).toEqual([]);
  });
  // The policy's table has no Provider and no Type of category: every cookie is strictly necessary.
  matchesFile("ankorium", ANKORIUM, (text) => parsedRows(text, "necessary"));
  const text = policyText("ankorium");
  it.skipIf(text === undefined)(
    "the policy says the Bearer token is kept in localStorage, not a cookie",
    () => {
      expect(text).toMatch(/Bearer token stored in the browser's localStorage/);
    },
  );
});

// ---- certiron --------------------------------------------------------------------------------

const CERTIRON_STORAGE = ["certiron.session", "certiron.cookies_ack"];

describe("certiron: no cookies, two localStorage keys", () => {
  const site = siteOf(certiron);
  it("the storage section, key for key", () => {
    const declaration = declarationFor(site);
    expect(declaration.categories.flatMap((category) => category.cookies)).toEqual([]);
    const storage = declaration.categories.flatMap((category) => category.storage);
    expect(storage.map(({ key, area, provider }) => ({ key, area, provider }))).toEqual(
      CERTIRON_STORAGE.map((key) => ({ key, area: "local", provider: "CERTIRON" })),
    );
    expect(declaration.thirdParties).toEqual([]);
    expect(declaration.contact).toBe("privacy@certiron.io");
  });
  const text = policyText("certiron");
  it.skipIf(text === undefined)("the transcription is the keys the policy names", () => {
    expect([...(text ?? "").matchAll(/localStorage \(key: ([^)]+)\)/g)].map(([, key]) => key)).toEqual(
      CERTIRON_STORAGE,
    );
  });
});

// ---- prokken ---------------------------------------------------------------------------------

const PROKKEN: PolicyRow[] = [
  {
    label: "prokken_access",
    category: "necessary",
    duration: "24 hours",
    type: "Essential / Strictly Necessary",
  },
  {
    label: "prokken_refresh",
    category: "necessary",
    duration: "7 days",
    type: "Essential / Strictly Necessary",
  },
];

/**
 * prokken's table lost its cell borders ("Cookie NamePurposeTypeDuration"): a row is the name,
 * the purpose (sentences ending in "."), the type and the duration, run together.
 */
function prokkenRows(text: string): PolicyRow[] {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.startsWith("Cookie NamePurposeTypeDuration"));
  const rows: PolicyRow[] = [];
  for (const line of lines.slice(start + 1)) {
    const match = /^([a-z0-9_.-]+)[A-Z].*\.([A-Z][^.]*?)(\d+ \w+)$/.exec(line.trim());
    if (!match) break;
    const [, label = "", type = "", duration = ""] = match;
    rows.push({ label, category: categoryOf(type), duration, type });
  }
  return rows;
}

describe("prokken: the declaration is the policy's table", () => {
  const site = siteOf(prokken);
  it("row for row", () => {
    compare(site, { rows: PROKKEN });
    for (const cookie of declarationFor(site).categories[0]?.cookies ?? []) expect(cookie.setBy).toBe("http");
  });
  matchesFile("prokken", PROKKEN, prokkenRows);
});
