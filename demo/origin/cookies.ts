// The Set-Cookie lines the demo origin sends, one builder per cookie.
// Names and lifetimes follow the site's cookie policy (shared/policies/aktok.txt);
// values are realistic but fake. Some lines carry Expires= as well as or instead of
// Max-Age=, and _ga is a domain cookie, because real origins do both.

export interface CookieContext {
  /** Request time in milliseconds since the epoch. */
  readonly now: number;
  /** The request's hostname, used for the one domain cookie. */
  readonly hostname: string;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;
// Months of 30 days, as the policy's tables (and consent-edge's config) count them. Only _ga and
// _ga_DEMO123 (2 years) go past what the demo config allows (400 days).
const MONTH_3 = 90 * DAY;
const MONTH_6 = 180 * DAY;
const MONTH_13 = 390 * DAY;

const expires = (ctx: CookieContext, seconds: number): string =>
  `Expires=${new Date(ctx.now + seconds * 1000).toUTCString()}`;

// A fake but well-formed HS256 JWT (header.payload.signature, base64url).
const JWT_HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
const ACCESS_JWT = `${JWT_HEADER}.eyJzdWIiOiJ1c3JfZGVtbzAwMSIsIndzIjoid3NfZGVtbyIsInR5cCI6ImFjY2VzcyIsImV4cCI6MTc3NjcxNTIwMH0.q3Vd8Jx2mN5pL0rT7sW1yZ4aB6cE9fG2hK5jM8nP0rQ`;
const REFRESH_JWT = `${JWT_HEADER}.eyJzdWIiOiJ1c3JfZGVtbzAwMSIsInR5cCI6InJlZnJlc2giLCJqdGkiOiJydF83ZjNjOWEiLCJleHAiOjE3NzY3NTg0MDB9.Zx9Wv1Ut3Sr5Qp7On9Ml1Kj3Ih5Gf7Ed9Cb1Aa3Yy5X`;

const POSTHOG_STATE = encodeURIComponent(
  JSON.stringify({
    distinct_id: "0196a3f2-7c41-7d2e-9b1a-5e8f0c2d4a61",
    $sesid: [1776672000123, "0196a3f2-7c42-7a10-8e3b-2f9d6c1b0e77", 1776671880456],
    $device_id: "0196a3f2-7c41-7d2e-9b1a-5e8f0c2d4a61",
    $user_state: "anonymous",
  }),
);

const MATOMO_REF = encodeURIComponent(JSON.stringify(["", "", 1776671880, "https://www.google.com/"]));

const lines = {
  // necessary (Aktok session, access/refresh tokens, CSRF)
  aktok_session: () =>
    "aktok_session=s%3A9f2c4e7a1b3d5f60.Kq8vR2tY5wZ1xB4nM7pL0sD3; Path=/; HttpOnly; Secure; SameSite=Lax",
  aktok_access: () =>
    `aktok_access=${ACCESS_JWT}; Max-Age=${12 * HOUR}; Path=/; HttpOnly; Secure; SameSite=Lax`,
  aktok_refresh: () =>
    `aktok_refresh=${REFRESH_JWT}; Max-Age=${DAY}; Path=/api/auth; HttpOnly; Secure; SameSite=Strict`,
  aktok_csrf: () => "aktok_csrf=c5b0e9d27a4f4e18b6d3a1f08c7e2b95; Path=/; Secure; SameSite=Strict",

  // functional (language, timezone, theme)
  aktok_lang: () => `aktok_lang=en; Max-Age=${YEAR}; Path=/; SameSite=Lax`,
  aktok_tz: (c: CookieContext) => `aktok_tz=Europe%2FBerlin; ${expires(c, YEAR)}; Path=/; SameSite=Lax`,
  aktok_theme: (c: CookieContext) =>
    `aktok_theme=dark; Max-Age=${YEAR}; ${expires(c, YEAR)}; Path=/; SameSite=Lax`,

  // analytics: Matomo (self-hosted), PostHog, Google Analytics 4, Microsoft Clarity
  "_pk_id.1.1fff": (c: CookieContext) =>
    `_pk_id.1.1fff=8c3e5a7b9d1f2046.1776671880.; ${expires(c, MONTH_13)}; Path=/; SameSite=Lax`,
  "_pk_ses.1.1fff": () => `_pk_ses.1.1fff=1; Max-Age=${30 * MINUTE}; Path=/; SameSite=Lax`,
  "_pk_ref.1.1fff": () => `_pk_ref.1.1fff=${MATOMO_REF}; Max-Age=${MONTH_6}; Path=/; SameSite=Lax`,
  ph_phc_demo123_posthog: () =>
    `ph_phc_demo123_posthog=${POSTHOG_STATE}; Max-Age=${YEAR}; Path=/; SameSite=Lax`,
  _ga: (c: CookieContext) =>
    `_ga=GA1.1.123.456; Max-Age=${2 * YEAR}; ${expires(c, 2 * YEAR)}; Domain=${c.hostname}; Path=/; SameSite=Lax`,
  _ga_DEMO123: () =>
    `_ga_DEMO123=GS1.1.1776671880.1.1.1776672000.0.0.0; Max-Age=${2 * YEAR}; Path=/; SameSite=Lax`,
  _gid: () => `_gid=GA1.1.789.012; Max-Age=${DAY}; Path=/; SameSite=Lax`,
  _clck: () => `_clck=abc|2|f|0|1; Max-Age=${YEAR}; Path=/; SameSite=Lax`,
  _clsk: () => `_clsk=def|1|1|0|x.clarity.ms/collect; Max-Age=${DAY}; Path=/; SameSite=Lax`,
  CLID: (c: CookieContext) =>
    `CLID=5e1f2c0b3a9d4e7f8a6b1c2d3e4f5a6b.20260420.20270420; ${expires(c, YEAR)}; Path=/; SameSite=Lax`,

  // marketing: Meta Pixel, Google Ads / AdSense
  _fbp: (c: CookieContext) => `_fbp=fb.1.1700000000000.123; ${expires(c, MONTH_3)}; Path=/; SameSite=Lax`,
  _fbc: () => `_fbc=fb.1.1700000000000.AbCd; Max-Age=${MONTH_3}; Path=/; SameSite=Lax`,
  _gcl_au: () => `_gcl_au=1.1.111.222; Max-Age=${MONTH_3}; Path=/; SameSite=Lax`,
  __gads: (c: CookieContext) => `__gads=ID=abc:T=1:S=xyz; ${expires(c, MONTH_13)}; Path=/; SameSite=Lax`,

  // undeclared: in no table of the policy
  ab_bucket: () => `ab_bucket=b; Max-Age=${30 * DAY}; Path=/; SameSite=Lax`,
} satisfies Record<string, (c: CookieContext) => string>;

export type CookieName = keyof typeof lines;

/** Every cookie, in policy order: what each HTML page sets. */
export const PAGE_COOKIES = Object.keys(lines) as readonly CookieName[];

export function setCookieLines(names: readonly CookieName[], ctx: CookieContext): string[] {
  return names.map((name) => lines[name](ctx));
}
