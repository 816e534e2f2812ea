/**
 * The example configs against the real cookie policies they encode (/work/shared/policies).
 * Each site is reached on its real hostname over https, so requests go through the URL origin
 * path to the fixture origin, which sets every cookie the policy names (some longer-lived or
 * with fewer attributes than the policy promises) plus cookies the policy never mentions.
 */
import { describe, expect, it } from "vitest";
import aktara from "../examples/aktara.json";
import aktok from "../examples/aktok.json";
import ankorium from "../examples/ankorium.json";
import certiron from "../examples/certiron.json";
import prokken from "../examples/prokken.json";
import type { SiteInput } from "../src/config/types";
import { appFor, consent, FIXED_NOW, originReceivedCookie, send, setCookieNames } from "./helpers";

const EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT";
const DAY = 86_400;

/** JSON imports type `sameSite` as string; `appFor` validates the config for real. */
function app(config: { sites: unknown[] }) {
  return appFor(config.sites as SiteInput[]);
}

/** An `Expires` attribute `seconds` after the test clock. */
function expiresIn(seconds: number): string {
  return `Expires=${new Date((FIXED_NOW + seconds) * 1000).toUTCString()}`;
}

const APPS = {
  aktara: app(aktara),
  aktok: app(aktok),
  ankorium: app(ankorium),
  certiron: app(certiron),
  prokken: app(prokken),
};
type AppName = keyof typeof APPS;

// Cookies the necessary-only policies never name: analytics, ads and support widgets a tag manager might add.
const UNDECLARED = {
  ga: "_ga=GA1.1.1234567890.1763900000; Path=/; Max-Age=63072000; SameSite=Lax",
  fbp: "_fbp=fb.1.1763900000000.987654321; Path=/; Max-Age=7776000; SameSite=Lax",
  intercom: "intercom-id-h3k9x2=5b1c6a0e-7f2d-4c1a-9e3b-2d4f6a8c0e1b; Path=/; Max-Age=23328000; SameSite=Lax",
  hotjar: "_hjSessionUser_3456789=eyJpZCI6IjEyMyJ9; Path=/; Max-Age=31536000; SameSite=Lax",
  posthog: "ph_phc_AbCdEf123_posthog=%7B%22distinct_id%22%3A%22u1%22%7D; Path=/; Max-Age=31536000",
};

// Aktok: every cookie its policy names, in table order, as a careless origin might set them.
const AKTOK_NECESSARY = [
  "aktok_session=s%3A9f8e7d6c.Qm9vYmFy; Path=/; HttpOnly",
  "aktok_access=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln; Path=/; Max-Age=7776000; Secure; HttpOnly; SameSite=Lax",
  "aktok_refresh=eyJhbGciOiJIUzI1NiJ9.eyJyIjoxfQ.cmVm; Path=/; Max-Age=5184000; Secure; HttpOnly; SameSite=Lax",
  "aktok_csrf=c8f1e2d3; Path=/; Secure; SameSite=Strict",
  "__stripe_mid=1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b; Path=/; Max-Age=31536000; SameSite=Strict",
  "__stripe_sid=9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d; Path=/; Max-Age=1800; SameSite=Strict",
];
const AKTOK_FUNCTIONAL = [
  "aktok_lang=en; Path=/; Max-Age=31536000",
  "aktok_tz=Europe%2FBerlin; Path=/; Max-Age=31536000",
  "aktok_theme=dark; Path=/; Max-Age=63072000",
];
const AKTOK_ANALYTICS = [
  "_pk_id.1.a1b2=4f3e2d1c0b9a8e7f.1763900000.; Path=/; Max-Age=34128000; SameSite=Lax",
  "_pk_ses.1.a1b2=1; Path=/; Max-Age=1800; SameSite=Lax",
  "_pk_ref.1.a1b2=%5B%22%22%2C%22%22%2C1763900000%5D; Path=/; Max-Age=15552000; SameSite=Lax",
  "ph_phc_AbCdEf123_posthog=%7B%22distinct_id%22%3A%22u1%22%7D; Path=/; Max-Age=31536000; SameSite=Lax",
  "_ga=GA1.1.1234567890.1763900000; Path=/; Domain=aktok.com; Max-Age=63072000",
  "_ga_ABC123XYZ=GS1.1.1763900000.1.1.1763900100.0.0.0; Path=/; Domain=aktok.com; Max-Age=63072000",
  "_gid=GA1.2.987654321.1763900000; Path=/; Domain=aktok.com; Max-Age=86400",
  "_clck=1xk2n3m|2|fr4|0|1800; Path=/; Max-Age=31536000",
  "_clsk=9q8w7e|1763900000|1|1|a.clarity.ms/collect; Path=/; Max-Age=86400",
  "CLID=6c1f2e3d-4b5a-4c9d-8e7f-0a1b2c3d4e5f; Path=/; Max-Age=31536000; Secure; SameSite=None",
];
const AKTOK_MARKETING = [
  "_fbp=fb.1.1763900000000.987654321; Path=/; Domain=aktok.com; Max-Age=7776000",
  "_fbc=fb.1.1763900000000.IwAR2xYz; Path=/; Domain=aktok.com; Max-Age=7776000",
  "fr=0AbCdEfGh.1763900000; Path=/; Max-Age=7776000; Secure; HttpOnly; SameSite=None",
  "_gcl_au=1.1.1122334455.1763900000; Path=/; Max-Age=7776000",
  "IDE=AHWqTUmZx1y2z3; Path=/; Max-Age=34128000; Secure; HttpOnly; SameSite=None",
  "__gads=ID=abc123:T=1763900000:RT=1763900000:S=ALNI_Mb; Path=/; Max-Age=34128000",
];
const AKTOK_UNDECLARED = [
  UNDECLARED.intercom,
  UNDECLARED.hotjar,
  "_gcl_aw=GCL.1763900000.Cj0KCQ; Path=/; Max-Age=7776000",
  "ajs_anonymous_id=%22a1b2c3%22; Path=/; Max-Age=31536000",
];
const AKTOK_ALL = [
  ...AKTOK_NECESSARY,
  ...AKTOK_FUNCTIONAL,
  ...AKTOK_ANALYTICS,
  ...AKTOK_MARKETING,
  ...AKTOK_UNDECLARED,
];
const names = (lines: string[]) => lines.map((line) => line.slice(0, line.indexOf("=")));

interface PolicyCase {
  site: string;
  app: AppName;
  url: string;
  /** What the fixture origin sets: every cookie the policy names, mixed with ones it does not. */
  originSets: string[];
  /** The policy's necessary cookies, in the order the origin set them. */
  necessary: string[];
}

const POLICY_CASES: PolicyCase[] = [
  {
    site: "aktara (names as the policy writes them)",
    app: "aktara",
    url: "https://aktara.ai/api/auth/callback/google",
    originSets: [
      UNDECLARED.ga,
      "authjs.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..iv.ct.tag; Path=/; Max-Age=7776000; HttpOnly; SameSite=Lax",
      "authjs.csrf-token=4b1d9e%7Cf00dcafe; Path=/; HttpOnly; SameSite=Lax",
      UNDECLARED.fbp,
      "authjs.callback-url=%2Fdashboard; Path=/; HttpOnly; SameSite=Lax",
      "__vercel_live_token=vlt_abc123; Path=/; Secure; HttpOnly; SameSite=None",
      UNDECLARED.intercom,
    ],
    necessary: ["authjs.session-token", "authjs.csrf-token", "authjs.callback-url"],
  },
  {
    site: "aktara (Auth.js names over https)",
    app: "aktara",
    url: "https://www.aktara.ai/api/auth/callback/google",
    originSets: [
      "__Secure-authjs.session-token=eyJhbGciOiJkaXIifQ..iv.ct.tag; Path=/; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax",
      UNDECLARED.posthog,
      "__Host-authjs.csrf-token=4b1d9e%7Cf00dcafe; Path=/; HttpOnly; Secure; SameSite=Lax",
      "__Secure-authjs.callback-url=https%3A%2F%2Fwww.aktara.ai%2Fdashboard; Path=/; HttpOnly; Secure; SameSite=Lax",
      UNDECLARED.ga,
    ],
    necessary: ["__Secure-authjs.session-token", "__Host-authjs.csrf-token", "__Secure-authjs.callback-url"],
  },
  {
    site: "ankorium marketing site (sets zero cookies)",
    app: "ankorium",
    url: "https://ankorium.com/pricing",
    originSets: [
      "token=eyJhbGciOiJIUzI1NiJ9.eyJ0IjoxfQ.dG9r; Path=/; HttpOnly; Secure; SameSite=Lax",
      "refreshToken=rt_8f7e6d5c4b3a; Path=/; Max-Age=604800; HttpOnly; Secure; SameSite=Lax",
      UNDECLARED.ga,
      UNDECLARED.fbp,
    ],
    necessary: [],
  },
  {
    site: "ankorium platform (tenant site)",
    app: "ankorium",
    url: "https://acme.ankorium.com/admin/login",
    originSets: [
      UNDECLARED.intercom,
      "token=eyJhbGciOiJIUzI1NiJ9.eyJ0IjoxfQ.dG9r; Path=/; HttpOnly; Secure; SameSite=None",
      UNDECLARED.ga,
      "refreshToken=rt_8f7e6d5c4b3a; Path=/; Max-Age=2592000; HttpOnly",
      UNDECLARED.fbp,
    ],
    necessary: ["token", "refreshToken"],
  },
  {
    site: "certiron marketing site (localStorage only)",
    app: "certiron",
    url: "https://certiron.io/",
    originSets: [
      "certiron.cookies_ack=1; Path=/; Max-Age=31536000",
      UNDECLARED.ga,
      UNDECLARED.fbp,
      "__stripe_mid=1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b; Path=/; Max-Age=31536000; SameSite=Strict",
    ],
    necessary: [],
  },
  {
    site: "certiron dashboard (localStorage only)",
    app: "certiron",
    url: "https://dashboard.certiron.io/app",
    originSets: [
      "certiron.session=st_0a1b2c3d4e5f; Path=/; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax",
      UNDECLARED.intercom,
      UNDECLARED.hotjar,
    ],
    necessary: [],
  },
  {
    site: "prokken",
    app: "prokken",
    url: "https://www.prokken.com/api/auth/login",
    originSets: [
      UNDECLARED.ga,
      "prokken_access=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwIn0.YWNj; Path=/; Max-Age=172800; HttpOnly; Secure",
      UNDECLARED.fbp,
      "prokken_refresh=eyJhbGciOiJIUzI1NiJ9.eyJyIjoicCJ9.cmVm; Path=/; Max-Age=2592000; HttpOnly",
      UNDECLARED.intercom,
    ],
    necessary: ["prokken_access", "prokken_refresh"],
  },
  {
    site: "aktok",
    app: "aktok",
    url: "https://www.aktok.com/app",
    originSets: AKTOK_ALL,
    necessary: names(AKTOK_NECESSARY),
  },
];

interface RewriteCase {
  cookie: string;
  app: AppName;
  url: string;
  set: string;
  /** The line the visitor gets: the origin's, with only what the policy requires changed. */
  expected: string;
}

const REWRITE_CASES: RewriteCase[] = [
  {
    cookie: "aktara authjs.session-token: 90 days capped to 30 days",
    app: "aktara",
    url: "https://aktara.ai/",
    set: "authjs.session-token=jwe.a.b; Path=/; Max-Age=7776000; HttpOnly; SameSite=Lax",
    expected: `authjs.session-token=jwe.a.b; Path=/; HttpOnly; SameSite=Lax; Max-Age=${30 * DAY}`,
  },
  {
    cookie: "aktara __Secure-authjs.session-token: Expires 90 days out capped to 30 days",
    app: "aktara",
    url: "https://www.aktara.ai/",
    set: `__Secure-authjs.session-token=jwe.a.b; Path=/; ${expiresIn(90 * DAY)}; HttpOnly; Secure; SameSite=Lax`,
    expected: `__Secure-authjs.session-token=jwe.a.b; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=2592000; Expires=Wed, 23 Dec 2026 12:00:00 GMT`,
  },
  {
    cookie: "aktara __Host-authjs.csrf-token: session cookie kept verbatim",
    app: "aktara",
    url: "https://aktara.ai/",
    set: "__Host-authjs.csrf-token=4b1d9e%7Cf00dcafe; Path=/; HttpOnly; Secure; SameSite=Lax",
    expected: "__Host-authjs.csrf-token=4b1d9e%7Cf00dcafe; Path=/; HttpOnly; Secure; SameSite=Lax",
  },
  {
    cookie: "ankorium token: SameSite=None becomes SameSite=Lax",
    app: "ankorium",
    url: "https://acme.ankorium.com/",
    set: "token=eyJ0.eyJ1.c2ln; Path=/; HttpOnly; Secure; SameSite=None",
    expected: "token=eyJ0.eyJ1.c2ln; Path=/; HttpOnly; Secure; SameSite=Lax",
  },
  {
    cookie: "ankorium token: missing HttpOnly, Secure and SameSite are added",
    app: "ankorium",
    url: "https://acme.ankorium.com/",
    set: "token=eyJ0.eyJ1.c2ln; Path=/",
    expected: "token=eyJ0.eyJ1.c2ln; Path=/; Secure; HttpOnly; SameSite=Lax",
  },
  {
    cookie: "ankorium refreshToken: 30 days capped to 7 days, Secure and SameSite added",
    app: "ankorium",
    url: "https://acme.ankorium.com/",
    set: "refreshToken=rt_8f7e6d5c4b3a; Path=/; Max-Age=2592000; HttpOnly",
    expected: "refreshToken=rt_8f7e6d5c4b3a; Path=/; HttpOnly; Max-Age=604800; Secure; SameSite=Lax",
  },
  {
    cookie: "prokken_access: 48 hours capped to 24 hours, SameSite=Lax added",
    app: "prokken",
    url: "https://prokken.com/",
    set: "prokken_access=eyJ0.eyJ1.YWNj; Path=/; Max-Age=172800; HttpOnly; Secure",
    expected: "prokken_access=eyJ0.eyJ1.YWNj; Path=/; HttpOnly; Secure; Max-Age=86400; SameSite=Lax",
  },
  {
    cookie: "prokken_access: already as the policy promises, kept verbatim",
    app: "prokken",
    url: "https://prokken.com/",
    set: "prokken_access=eyJ0.eyJ1.YWNj; Path=/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax",
    expected: "prokken_access=eyJ0.eyJ1.YWNj; Path=/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax",
  },
  {
    cookie: "prokken_refresh: Path=/ restricted to /api/auth, capped to 7 days, Secure and SameSite added",
    app: "prokken",
    url: "https://www.prokken.com/api/auth/refresh",
    set: "prokken_refresh=eyJ0.eyJy.cmVm; Path=/; Max-Age=2592000; HttpOnly",
    expected:
      "prokken_refresh=eyJ0.eyJy.cmVm; HttpOnly; Max-Age=604800; Secure; SameSite=Lax; Path=/api/auth",
  },
  {
    cookie: "prokken_refresh: Path=/api is wider than /api/auth, SameSite=None becomes Lax",
    app: "prokken",
    url: "https://www.prokken.com/api/auth/refresh",
    set: "prokken_refresh=eyJ0.eyJy.cmVm; Path=/api; Max-Age=604800; HttpOnly; Secure; SameSite=None",
    expected:
      "prokken_refresh=eyJ0.eyJy.cmVm; Max-Age=604800; HttpOnly; Secure; SameSite=Lax; Path=/api/auth",
  },
  {
    cookie: "prokken_refresh: Path=/api/auth/refresh is within /api/auth, kept verbatim",
    app: "prokken",
    url: "https://www.prokken.com/api/auth/refresh",
    set: "prokken_refresh=eyJ0.eyJy.cmVm; Path=/api/auth/refresh; Max-Age=604800; HttpOnly; Secure; SameSite=Lax",
    expected:
      "prokken_refresh=eyJ0.eyJy.cmVm; Path=/api/auth/refresh; Max-Age=604800; HttpOnly; Secure; SameSite=Lax",
  },
  {
    cookie: "aktok_session: Secure and SameSite=Lax added",
    app: "aktok",
    url: "https://www.aktok.com/",
    set: "aktok_session=s%3A9f8e7d6c.Qm9vYmFy; Path=/; HttpOnly",
    expected: "aktok_session=s%3A9f8e7d6c.Qm9vYmFy; Path=/; HttpOnly; Secure; SameSite=Lax",
  },
  {
    cookie: "aktok_access: 90 days capped to 30 days",
    app: "aktok",
    url: "https://www.aktok.com/",
    set: "aktok_access=eyJ0.eyJ1.c2ln; Path=/; Max-Age=7776000; Secure; HttpOnly; SameSite=Lax",
    expected: "aktok_access=eyJ0.eyJ1.c2ln; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=2592000",
  },
  {
    cookie: "aktok_refresh: SameSite=Strict and Path=/api/auth",
    app: "aktok",
    url: "https://www.aktok.com/api/auth/refresh",
    set: "aktok_refresh=eyJ0.eyJy.cmVm; Path=/; Max-Age=5184000; Secure; HttpOnly; SameSite=Lax",
    expected:
      "aktok_refresh=eyJ0.eyJy.cmVm; Max-Age=5184000; Secure; HttpOnly; SameSite=Strict; Path=/api/auth",
  },
];

describe("examples: with no consent cookie", () => {
  it.each(POLICY_CASES)("$site: exactly the policy's necessary cookies come back", async (c) => {
    const res = await send(APPS[c.app], c.url, { originSets: c.originSets });
    expect(res.status).toBe(200);
    expect(setCookieNames(res)).toEqual(c.necessary);
  });

  it.each(REWRITE_CASES)("$cookie", async (c) => {
    const res = await send(APPS[c.app], c.url, { originSets: [c.set] });
    expect(res.headers.getSetCookie()).toEqual([c.expected]);
  });

  it("prokken: the necessary lines come back carrying every attribute the policy promises", async () => {
    const prokkenCase = POLICY_CASES.find((c) => c.app === "prokken");
    const res = await send(APPS.prokken, "https://www.prokken.com/api/auth/login", {
      originSets: prokkenCase?.originSets ?? [],
    });
    expect(res.headers.getSetCookie()).toEqual([
      "prokken_access=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwIn0.YWNj; Path=/; HttpOnly; Secure; Max-Age=86400; SameSite=Lax",
      "prokken_refresh=eyJhbGciOiJIUzI1NiJ9.eyJyIjoicCJ9.cmVm; HttpOnly; Max-Age=604800; Secure; SameSite=Lax; Path=/api/auth",
    ]);
  });
});

describe("examples: necessary-only sites ignore any wider consent", () => {
  const NECESSARY_ONLY = POLICY_CASES.filter((c) => c.app !== "aktok");
  it.each(NECESSARY_ONLY)("$site: a consent cookie granting every category changes nothing", async (c) => {
    const config = { aktara, ankorium, certiron, prokken }[c.app as Exclude<AppName, "aktok">];
    const revision = config.sites[0]?.policyRevision ?? "";
    const res = await send(APPS[c.app], c.url, {
      originSets: c.originSets,
      headers: { Cookie: consent(["functional", "analytics", "marketing"], { revision }) },
    });
    expect(setCookieNames(res)).toEqual(c.necessary);
  });
});

describe("examples: aktok consent categories", () => {
  const url = "https://www.aktok.com/app";

  it("analytics only: necessary and analytics cookies pass, functional, marketing and undeclared are dropped", async () => {
    const res = await send(APPS.aktok, url, {
      originSets: AKTOK_ALL,
      headers: { Cookie: consent(["analytics"]) },
    });
    expect(setCookieNames(res)).toEqual([...names(AKTOK_NECESSARY), ...names(AKTOK_ANALYTICS)]);
  });

  it("analytics only: analytics lifetimes are capped to the policy's", async () => {
    const res = await send(APPS.aktok, url, {
      originSets: AKTOK_ANALYTICS,
      headers: { Cookie: consent(["analytics"]) },
    });
    const lines = res.headers.getSetCookie();
    // Matomo's 395-day _pk_id is capped to the policy's 13 months (390 days).
    expect(lines[0]).toBe(
      "_pk_id.1.a1b2=4f3e2d1c0b9a8e7f.1763900000.; Path=/; SameSite=Lax; Max-Age=33696000",
    );
    // The policy's 2 years for _ga and _ga_* is capped at the 400 days browsers keep a cookie.
    expect(lines[4]).toBe("_ga=GA1.1.1234567890.1763900000; Path=/; Domain=aktok.com; Max-Age=34560000");
    expect(lines[5]).toBe(
      "_ga_ABC123XYZ=GS1.1.1763900000.1.1.1763900100.0.0.0; Path=/; Domain=aktok.com; Max-Age=34560000",
    );
    // Already within the policy: verbatim.
    expect(lines[6]).toBe(AKTOK_ANALYTICS[6]);
    expect(lines).toHaveLength(AKTOK_ANALYTICS.length);
  });

  it("everything granted: every declared cookie passes, undeclared ones are still dropped", async () => {
    const res = await send(APPS.aktok, url, {
      originSets: AKTOK_ALL,
      headers: { Cookie: consent(["functional", "analytics", "marketing"]) },
    });
    expect(setCookieNames(res)).toEqual([
      ...names(AKTOK_NECESSARY),
      ...names(AKTOK_FUNCTIONAL),
      ...names(AKTOK_ANALYTICS),
      ...names(AKTOK_MARKETING),
    ]);
  });

  it("everything granted: functional and marketing lifetimes are capped to the policy's", async () => {
    const res = await send(APPS.aktok, url, {
      originSets: [AKTOK_FUNCTIONAL[2] ?? "", AKTOK_MARKETING[4] ?? ""],
      headers: { Cookie: consent(["functional", "analytics", "marketing"]) },
    });
    expect(res.headers.getSetCookie()).toEqual([
      "aktok_theme=dark; Path=/; Max-Age=31536000",
      "IDE=AHWqTUmZx1y2z3; Path=/; Secure; HttpOnly; SameSite=None; Max-Age=33696000",
    ]);
  });
});

interface RequestCase {
  site: string;
  app: AppName;
  url: string;
  cookie: string;
  /** The URL the fixture origin saw: the site's configured origin. */
  originUrl: string;
  /** The Cookie header the origin must receive: the kept pairs, byte for byte, in order. */
  received: string;
}

const AKTOK_CONSENT_ANALYTICS = consent(["analytics"]);
const REQUEST_CASES: RequestCase[] = [
  {
    site: "aktara",
    app: "aktara",
    url: "https://www.aktara.ai/dashboard",
    originUrl: "https://origin.aktara.ai/dashboard",
    cookie:
      '_ga=GA1.1.1234567890.1763900000; __Secure-authjs.session-token=eyJhbGciOiJkaXIifQ..iv.ct.tag; ph_phc_x_posthog=%7B%7D; __Host-authjs.csrf-token="4b1d9e|f00d=="; intercom-id-h3k9x2=5b1c',
    received:
      '__Secure-authjs.session-token=eyJhbGciOiJkaXIifQ..iv.ct.tag; __Host-authjs.csrf-token="4b1d9e|f00d=="',
  },
  {
    site: "ankorium platform",
    app: "ankorium",
    url: "https://acme.ankorium.com/admin",
    originUrl: "https://platform-origin.ankorium.com/admin",
    cookie:
      "token=eyJ0.eyJ1.c2ln; _fbp=fb.1.1763900000000.987654321; refreshToken=rt_8f7e6d5c4b3a==; _ga=GA1.1.1.1",
    received: "token=eyJ0.eyJ1.c2ln; refreshToken=rt_8f7e6d5c4b3a==",
  },
  {
    site: "ankorium marketing site",
    app: "ankorium",
    url: "https://www.ankorium.com/",
    originUrl: "https://origin.ankorium.com/",
    cookie: "token=eyJ0.eyJ1.c2ln; _ga=GA1.1.1.1",
    received: "",
  },
  {
    site: "certiron dashboard",
    app: "certiron",
    url: "https://dashboard.certiron.io/app",
    originUrl: "https://origin.certiron.io/app",
    cookie: "certiron.session=st_0a1b2c3d4e5f; _ga=GA1.1.1.1; __stripe_mid=1f2e3d4c",
    received: "",
  },
  {
    site: "prokken",
    app: "prokken",
    url: "https://prokken.com/api/auth/refresh",
    originUrl: "https://origin.prokken.com/api/auth/refresh",
    cookie:
      "prokken_access=eyJ0.eyJ1.YWNj; _ga=GA1.1.1.1; prokken_refresh=eyJ0.eyJy.cmVm%3D%3D; intercom-session-h3k9x2=; _fbp=fb.1.2.3",
    received: "prokken_access=eyJ0.eyJ1.YWNj; prokken_refresh=eyJ0.eyJy.cmVm%3D%3D",
  },
  {
    site: "aktok, no consent",
    app: "aktok",
    url: "https://www.aktok.com/app",
    originUrl: "https://origin.aktok.com/app",
    cookie:
      "aktok_session=s%3A9f8e7d6c.Qm9vYmFy; _ga=GA1.1.1234567890.1763900000; aktok_csrf=c8f1e2d3; _fbp=fb.1.1763900000000.987654321; aktok_lang=en; __stripe_mid=1f2e3d4c-5b6a; _pk_id.1.a1b2=4f3e2d1c; intercom-id-h3k9x2=5b1c; aktok_access=eyJ0.eyJ1.c2ln",
    received:
      "aktok_session=s%3A9f8e7d6c.Qm9vYmFy; aktok_csrf=c8f1e2d3; __stripe_mid=1f2e3d4c-5b6a; aktok_access=eyJ0.eyJ1.c2ln",
  },
  {
    site: "aktok, analytics granted",
    app: "aktok",
    url: "https://www.aktok.com/app",
    originUrl: "https://origin.aktok.com/app",
    cookie: `aktok_session=s%3A9f8e7d6c.Qm9vYmFy; ${AKTOK_CONSENT_ANALYTICS}; _ga=GA1.1.1234567890.1763900000; _fbp=fb.1.1763900000000.987654321; aktok_theme=dark; _pk_id.1.a1b2=4f3e2d1c`,
    received: `aktok_session=s%3A9f8e7d6c.Qm9vYmFy; ${AKTOK_CONSENT_ANALYTICS}; _ga=GA1.1.1234567890.1763900000; _pk_id.1.a1b2=4f3e2d1c`,
  },
];

describe("examples: request side", () => {
  it.each(REQUEST_CASES)("$site: refused cookies never reach the origin, necessary ones do", async (c) => {
    const res = await send(APPS[c.app], c.url, { headers: { Cookie: c.cookie } });
    expect(res.status).toBe(200);
    const seen = await res.json<{ url: string }>();
    expect(seen.url).toBe(c.originUrl);
    // The fixture always answers this header, "" included: an empty value means it saw no Cookie.
    expect(res.headers.has("X-Fixture-Received-Cookie")).toBe(true);
    expect(originReceivedCookie(res)).toBe(c.received);
  });
});

describe("examples: aktok withdrawal", () => {
  const deletions = (name: string, domains: string[]) => [
    `${name}=; Max-Age=0; Expires=${EPOCH}; Path=/; Secure`,
    ...domains.map((domain) => `${name}=; Max-Age=0; Expires=${EPOCH}; Path=/; Domain=${domain}; Secure`),
  ];

  it.each([
    { host: "www.aktok.com", domains: ["www.aktok.com", "aktok.com"] },
    { host: "aktok.com", domains: ["aktok.com"] },
  ])("$host: a refusal deletes the _ga and _fbp the browser still holds", async ({ host, domains }) => {
    const refusal = consent([]);
    const res = await send(APPS.aktok, `https://${host}/app`, {
      headers: {
        Cookie: `${refusal}; aktok_session=s%3A9f8e7d6c; _ga=GA1.1.1234567890.1763900000; _fbp=fb.1.1763900000000.987654321; intercom-id-h3k9x2=5b1c`,
      },
    });
    expect(res.headers.getSetCookie()).toEqual([...deletions("_ga", domains), ...deletions("_fbp", domains)]);
    expect(originReceivedCookie(res)).toBe(`${refusal}; aktok_session=s%3A9f8e7d6c`);
  });

  it("www.aktok.com: analytics granted keeps _ga and deletes only _fbp", async () => {
    const res = await send(APPS.aktok, "https://www.aktok.com/app", {
      headers: {
        Cookie: `${consent(["analytics"])}; _ga=GA1.1.1234567890.1763900000; _fbp=fb.1.1763900000000.987654321`,
      },
    });
    expect(res.headers.getSetCookie()).toEqual(deletions("_fbp", ["www.aktok.com", "aktok.com"]));
  });
});
