/**
 * The default cookie table (src/defaults/cookies.ts) against the Open Cookie Database
 * (jkwakman/Open-Cookie-Database, Apache-2.0), read from ../shared/datasets at test time and never
 * copied: for every entry of ours the database also lists, the categories agree, or the
 * disagreement is listed below with why ours is right. Skips, saying so, when the file is absent.
 */
import { describe, expect, it } from "vitest";
import { globSource } from "../src/config/glob";
import { DEFAULT_COOKIES, type DefaultCookieCategory } from "../src/defaults/cookies";

const files: Record<string, string> = import.meta.glob(
  "../../shared/datasets/open-cookie-database/open-cookie-database.csv",
  { query: "?raw", import: "default", eager: true },
);
const csv = Object.values(files)[0];
if (csv === undefined)
  console.warn("../shared/datasets/open-cookie-database is absent: the cookie table is not cross-checked");

/** RFC 4180: fields separated by commas, quoted fields may hold commas, newlines and "" for a quote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text.charAt(i + 1) === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** The database's categories in ours. "Security" cookies (bot and fraud defence) are strictly necessary. */
const OCD_CATEGORY: Record<string, DefaultCookieCategory> = {
  Necessary: "necessary",
  Security: "necessary",
  Functional: "functional",
  Personalization: "functional",
  Analytics: "analytics",
  Marketing: "marketing",
};

/**
 * Where we disagree with the database, name -> [its category, why ours is right]. Every other
 * entry the database lists must agree.
 */
const DISAGREEMENTS: Record<string, string> = {
  // A consent tool's record of the visitor's choice is strictly necessary: without it the choice
  // cannot be honoured (Article 29 Working Party, Opinion 04/2012, section 3.6: "user-input" and
  // consent-storing cookies are exempt). The database files them as Functional, which a visitor can
  // refuse: refusing it would delete the very record of the refusal.
  CookieConsent: "Functional (ours: necessary)",
  "CookieConsentBulkSetting-*": "Functional (ours: necessary)",
  OptanonAlertBoxClosed: "Functional (ours: necessary)",
  OptanonConsent: "Functional (ours: necessary)",
  "cmplz_*": "Functional (ours: necessary)",
  "cookieyes-consent": "Functional (ours: necessary)",
  didomi_token: "Functional (ours: necessary)",
  "euconsent-v2": "Functional (ours: necessary)",
  usprivacy: "Functional (ours: necessary)",
  // Matomo's consent records (Matomo FAQ 146): the same reason; mtm_consent_removed is the record
  // of a withdrawal, which must outlive the withdrawal of analytics.
  mtm_consent: "Analytics (ours: necessary)",
  mtm_consent_removed: "Analytics (ours: necessary)",
  mtm_cookie_consent: "Analytics (ours: necessary)",
  // Hotjar's tracking code sets these for its recordings and surveys (Hotjar's cookie list); they
  // exist only where the analytics script runs, and identify the visitor's sessions to Hotjar.
  _hjAbsoluteSessionInProgress: "Functional (ours: analytics)",
  _hjCookieTest: "Functional (ours: analytics)",
  _hjFirstSeen: "Functional (ours: analytics)",
  _hjIncludedInPageviewSample: "Functional (ours: analytics)",
  "_hjIncludedInSessionSample*": "Functional (ours: analytics)",
  _hjLocalStorageTest: "Functional (ours: analytics)",
  _hjSessionStorageTest: "Functional (ours: analytics)",
  "_hjSessionUser_*": "Functional (ours: analytics)",
  "_hjSession_*": "Functional (ours: analytics)",
  _hjTLDTest: "Functional (ours: analytics)",
  // The database's prefix rows for _gat_ split between Analytics and Functional; Google documents
  // _gat_<id> as Google Analytics' request throttle, set only by the analytics tag.
  "_gat_*": "Analytics/Functional (ours: analytics)",
  // Set by the YouTube embed, which the built-in rules (and these) treat as marketing: the cookie
  // comes only with the player, so the policy lists it under the category the player needs.
  YSC: "Functional (ours: marketing)",
  // DoubleClick sets it to test whether it can set its ad cookies: only where its ad tags run.
  test_cookie: "Functional (ours: marketing)",
  // LinkedIn's cookie table files the Insight Tag's cookies under advertising; they are set only
  // by the Insight Tag, which needs marketing.
  li_fat_id: "Functional (ours: marketing)",
  li_giant: "Functional (ours: marketing)",
  ln_or: "Analytics (ours: marketing)",
  AnalyticsSyncHistory: "Analytics (ours: marketing)",
};

interface OcdRow {
  platform: string;
  category: string;
  name: string;
  /** "1": the name is a prefix. */
  wildcard: boolean;
}

describe.skipIf(csv === undefined)("the default cookie table against the Open Cookie Database", () => {
  const [header = [], ...body] = parseCsv(csv ?? "");
  const column = (title: string) => header.indexOf(title);
  const [name, category, platform, wildcard] = [
    column("Cookie / Data Key name"),
    column("Category"),
    column("Platform"),
    column("Wildcard match"),
  ];
  const rows: OcdRow[] = body
    .filter((row) => row.length === header.length)
    .map((row) => ({
      name: row[name] ?? "",
      category: row[category] ?? "",
      platform: row[platform] ?? "",
      wildcard: row[wildcard] === "1",
    }));

  it("parses the whole file, quoted fields included", () => {
    expect(name).toBeGreaterThanOrEqual(0);
    expect(rows.length).toBeGreaterThan(2_000);
    expect(body.filter((row) => row.length !== header.length && row.join("") !== "")).toEqual([]);
  });

  const found = DEFAULT_COOKIES.map((cookie) => {
    const glob = new RegExp(`^${globSource(cookie.name)}$`);
    const literal = cookie.name.replace(/\*.*$/, "");
    const matches = rows.filter((row) =>
      row.wildcard ? literal.startsWith(row.name) && row.name.length >= 3 : glob.test(row.name),
    );
    return { cookie, matches };
  });
  const listed = found.filter(({ matches }) => matches.length > 0);

  it("agrees on the category of every entry the database lists, or says why not", () => {
    const disagreeing: Record<string, string> = {};
    for (const { cookie, matches } of listed) {
      const theirs = [...new Set(matches.map((row) => row.category))];
      if (theirs.every((category) => OCD_CATEGORY[category] === cookie.category)) continue;
      disagreeing[cookie.name] = `${theirs.join("/")} (ours: ${cookie.category})`;
    }
    expect(disagreeing).toEqual(DISAGREEMENTS);
    console.log(
      `Open Cookie Database: ${listed.length} of ${DEFAULT_COOKIES.length} table entries listed, ${listed.length - Object.keys(DISAGREEMENTS).length} agree, ${Object.keys(DISAGREEMENTS).length} disagreements explained`,
    );
  });
});
