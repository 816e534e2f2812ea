import { describe, expect, it } from "vitest";
import { didomi } from "../../src/consent/cmp/didomi";
import type { CmpReading, CookiePair } from "../../src/consent/cmp/types";

const jar = (...pairs: Array<[string, string]>): CookiePair[] =>
  pairs.map(([name, value]) => ({ name, value }));
const undecided = (code: string): CmpReading => ({ status: "undecided", reason: `didomi:${code}` });
const read = (value: string) => didomi.read(jar(["didomi_token", value]));
const encode = (token: unknown) => btoa(JSON.stringify(token));

// Source for the five tokens: uBlockOrigin/uBOL-home
// firefox/rulesets/scripting/scriptlet/annoyances-cookies.trusted-set-cookie.js (didomi_token values).
// Purposes disabled only; vendors_li enabled (ignored).
const REJECTED_2023 =
  "eyJ1c2VyX2lkIjoiMThhNmQyZGEtOGNmOC02YTE0LWI3OWQtNzViOGU4ZjA2YmYyIiwiY3JlYXRlZCI6IjIwMjMtMDktMDdUMDE6MDc6MTQuNTIwWiIsInVwZGF0ZWQiOiIyMDIzLTA5LTA3VDAxOjA3OjE0LjUyMFoiLCJ2ZW5kb3JzIjp7ImVuYWJsZWQiOlsiZ29vZ2xlIiwiYzpwaWFuby1ic1hwclg4dyIsImM6bHVjaWRob2xkLXlmdGJXVGY3IiwiYzpzYWxlc2ZvcmNlLUI0WEI1UU5aIiwiYzpsaXZlZnlyZS00Y2JOV1lFeiIsImM6eW91dHViZS1EV3RqQ1VLYiIsImM6YWNjZW5nYWdlLUVXRUx4MzRnIiwiYzpjaGFydGJlYXQtaHhLaEZiQXciLCJjOmFtYXpvbmFkcy05YzVUTkdhaiIsImM6dHdpdHRlcndpLXdVbUJubkt5IiwiYzpmYWNlYm9va3ctMmthN1Z3UTgiLCJjOmdvb2dsZW9wdC1RaGlBZG1WYSIsImM6Z2djcm9sbHVwLW5OSGVpMmFXIiwiYzpmYWNlYm9va2EtZnJVOU01SlkiLCJjOmdvb2dsZWFuYS1HMmJzRUp5VCIsImM6Z29vZ2xlYXVkLUxEalZZa2VhIiwiYzppbnN0YWdyYW0tdFdtSmdKcHEiLCJjOm5ldHF1ZXN0LU4yblc0ZnBHIiwiYzpwcm9jdGVyYW4tSzROdzh4TUMiLCJjOmNvbXNjb3JlLWpVRmM5aWNZIiwiYzpzcG90aW0tM0ZLSDYyeUMiLCJjOnl1c3AtejhOaTQ0Wk0iLCJjOndlbWFzc21lZC1QR1o2M0Z4WSIsImM6ZXZvbG9rLWl6S3o3QVlWIiwiYzpnb29nbGVmaXItSDhrY2lGSkciLCJjOmxhbGlnYS1ZNllRMjJSUiIsImM6YWRzdml1LVZUMjZtM1FiIl19LCJwdXJwb3NlcyI6eyJkaXNhYmxlZCI6WyJnZW9sb2NhdGlvbl9kYXRhIiwiY29tcGFydGlyLWRwSGdKRUphIiwia0VlRHNMQ3AiLCJkZXZpY2VfY2hhcmFjdGVyaXN0aWNzIl19LCJ2ZW5kb3JzX2xpIjp7ImVuYWJsZWQiOlsiZ29vZ2xlIl19LCJ2ZXJzaW9uIjoyLCJhYyI6IkRIYUNJQUVJQUl3QVdRQXVnQnNBRDBBSlVBWWdBOFFCLWdFM0FLTUFZb0F6NEI0Z0R6UUh1QWU4QkRnQ1N3R1lnTTFBZXFCQWtDRFlFUkFJamdSSkFpbUJHY0NVUUVzUUphZ1M3QW40QlJVQ3FvRmh3TFVnWWlBem1CcWNEaUFIS0FPbkFkV0E3Q0I3RURfd0lHQVJtZ2tNQkwyQ2M0RTd3S0NBVUhncFNCVHFDczhGb0FMUmdXeUF1ZEJlU0Mtb0dIUU1iZ1k3QUFBQS5ESGFDSUFFSUFJd0FXUUF1Z0JzQUQwQUpVQVlnQThRQi1nRTNBS01BWW9BejRCNGdEelFIdUFlOEJEZ0NTd0dZZ00xQWVxQkFrQ0RZRVJBSWpnUkpBaW1CR2NDVVFFc1FKYWdTN0FuNEJSVUNxb0Zod0xVZ1lpQXptQnFjRGlBSEtBT25BZFdBN0NCN0VEX3dJR0FSbWdrTUJMMkNjNEU3d0tDQVVIZ3BTQlRxQ3M4Rm9BTFJnV3lBdWRCZVNDLW9HSFFNYmdZN0FBQUEifQ==";
// Purposes enabled only (the two special features).
const ACCEPTED_2023 =
  "eyJ1c2VyX2lkIjoiMThhZDY1NzMtZGY4YS02YzJhLWJkZmUtOGI5ZjkwMDU5MmQwIiwiY3JlYXRlZCI6IjIwMjMtMDktMjdUMTE6MTI6MzcuNzk3WiIsInVwZGF0ZWQiOiIyMDIzLTA5LTI3VDExOjEyOjM3Ljc5N1oiLCJ2ZW5kb3JzIjp7ImVuYWJsZWQiOlsiZ29vZ2xlIiwiYzpkbXB3ZWJlZGktblRCSEFrNDQiLCJjOmFtYXpvbnRhbS1lWTRpTjROViIsImM6YmF0Y2gtYkp0R3R0eEwiLCJjOndhcm5lcmJyby1BUEpXeUFHUCIsImM6ZmFjZWJvb2std0RpR25KV1YiLCJjOnNuYXBjaGF0LWhXMnJNSmZZIiwiYzp0aWt0b2stV2J5cEEzWmQiLCJjOnR3aXR0ZXIteGJERXhKUGsiLCJjOmdvb2dsZWFuYS1YTXFhZ2F3YSJdfSwicHVycG9zZXMiOnsiZW5hYmxlZCI6WyJkZXZpY2VfY2hhcmFjdGVyaXN0aWNzIiwiZ2VvbG9jYXRpb25fZGF0YSJdfSwidmVuZG9yc19saSI6eyJlbmFibGVkIjpbImdvb2dsZSJdfSwidmVyc2lvbiI6Mn0=";
// Custom purposes, mixed.
const MIXED_2023 =
  "eyJ1c2VyX2lkIjoiMThhZWVmZTgtNGJjMS02NjhmLWE5YTgtNmNhM2VmMmQ0NzVkIiwiY3JlYXRlZCI6IjIwMjMtMTAtMDJUMDY6MDY6NDQuODA0WiIsInVwZGF0ZWQiOiIyMDIzLTEwLTAyVDA2OjA2OjQ0LjgwNFoiLCJ2ZW5kb3JzIjp7ImVuYWJsZWQiOlsiYzphYi10YXN0eSIsImM6YWNhc3QtQ2M3MmNoWHAiLCJjOmFjcG0tSkIzNEJicmQiLCJjOmFwbG96ZS14NDdKZlhVSyIsImM6YXBwc2ZseWVyLXdETmJrQ2I2IiwiYzphdGludGVybmUtY1dRS0hlSloiLCJjOmJlb3AtdEdSV0hIYUYiLCJjOmJpbmctYWRzIiwiYzpjaGFydGJlYXQiLCJjOmNsaWNraW50ZXh0IiwiYzpkYWlseW1vdGlvLWhyRldwVEtDIiwiYzpzcXVhZGF0YS1lYXN5ZG1wIiwiYzpkeW5hbWljbWEtNzhlUmpLY1YiLCJjOmZhY2Vib29rLXRrQWpXM2k2IiwiYzpmbG91cmlzaC14bnhZTVo2TiIsImM6Z2VuaWFsbHktWjhiUmhxRW4iLCJnb29nbGUiLCJjOmdvb2dsZW1hcC1kRDdDWkNKZyIsImM6aW5mb2dyYW0tcXFoZDNoZk0iLCJjOmluc3RhZ3JhbS1MWmthNlI0NCIsImM6aW5zdGFncmFtIiwiYzpqdXh0YXBvc2UtTVpnSEZmWXgiLCJjOm1hcHM0bmV3cy0zWDlWUVc3NiIsImM6bWljcm9zb2Z0IiwiYzptaWNyb3NvZnQtYW5hbHl0aWNzIiwiYzptaWNyb3NvZnQtb25lZHJpdmUtbGl2ZS1zZGsiLCJjOm15ZmVlbGJhY2siLCJjOm9uZXNpZ25hbC1uS1hmQ3BZcyIsImM6cGxheWJ1enotamhKcUNBeEsiLCJjOnBvb29sLWV3WjY2ZWdmIiwiYzpwb29vbC1WeWhDaXQ3TiIsImM6cHVic3RhY2stV3JDYkV5Y00iLCJjOnNob3J0aGFuZC02R01GSzJCVyIsImM6c291bmRjbG91ZC14S01ER1g0TCIsImM6c3RvcnltYXAtTFpwaWQ3WXEiLCJjOnN1YnNjcmliZS1abXdVZVVDUCIsImM6dGltZWxpbmVqLWU2WFJDS1VYIiwidHdpdHRlciIsImM6dHdpdHRlci1pNnhkQjJyVCIsImM6dmltZW8tSGlNcnpFUEgiLCJjOnlvdXR1YmUiLCJjOnlvdXR1YmUtQ2VWemptSlAiXX0sInB1cnBvc2VzIjp7ImVuYWJsZWQiOlsicmVzZWF1eHNvLTlLYmpid05oIl0sImRpc2FibGVkIjpbImdlb2xvY2F0aW9uX2RhdGEiLCJkZXZpY2VfY2hhcmFjdGVyaXN0aWNzIiwiYXVkaWVuY2VtLXhlZGVVMmdRIiwiY29udGVudXN2LWhGVDhpZmRSIiwiY29udGVudXNjLXBYQVZVdDhyIiwibWVzdXJlZGEtaDdHUWVyclQiXX0sInZlcnNpb24iOjIsImFjIjoiQ25XQUdBRmtCSllLZFFBQS5BRm1BQ0FGayJ9";
// Purposes enabled only, created and updated apart.
const ACCEPTED_2024 =
  "eyJ1c2VyX2lkIjoiMThkMmRlNWUtZWViOC02YmY3LWJiMGItYTA4MzI0OWNiNGFhIiwiY3JlYXRlZCI6IjIwMjQtMDEtMjFUMjE6MjE6MDAuMTg0WiIsInVwZGF0ZWQiOiIyMDI0LTAxLTIxVDIxOjIxOjA0Ljg4OFoiLCJ2ZW5kb3JzIjp7ImVuYWJsZWQiOlsiZ29vZ2xlIiwiYzpmYWNlYm9vay1ZeUpSQXllZCIsImM6eW91dHViZSIsImM6YWRvYmVhdWRpLUFXZTdyd3FkIiwiYzphbnVuY2lhbnRlX2xhX2xpZ2EiLCJjOmJlc29jeS1tRlVFYVpCTSJdfSwicHVycG9zZXMiOnsiZW5hYmxlZCI6WyJkYXRhX3NoYXJpbmciLCJkYXRhX3NoYXJpbmdfd2ViIiwiZGV2aWNlX2NoYXJhY3RlcmlzdGljcyIsImdlb2xvY2F0aW9uX2RhdGEiXX0sInZlcnNpb24iOjIsImFjIjoiREU2QU9BRVlBTmdBbFFEekFJY0FpU0RFNEFBQS5BQUFBIn0=";
// Mixed; vendors_li disabled (ignored).
const MIXED_2024 =
  "eyJ1c2VyX2lkIjoiMTkwODMwZjQtNzUxYy02NDczLTk5NzItZDMzMWU2ZWRiNDFhIiwiY3JlYXRlZCI6IjIwMjQtMDctMDVUMTM6MjI6MTQuOTkzWiIsInVwZGF0ZWQiOiIyMDI0LTA3LTA1VDEzOjIyOjUyLjM5M1oiLCJ2ZW5kb3JzIjp7ImVuYWJsZWQiOlsiYzppbnNpZGVyLU5GUDdZcTlGIiwiYzphaXJzaGlwLWJyVWVnM0J0IiwiYzpjaGFydGJlYXQtWHdtYUVIY1IiLCJjOmFkb2JlYW5hbC14TVBFcFpFYiJdLCJkaXNhYmxlZCI6WyJnb29nbGUiLCJ0d2l0dGVyIiwiYzphZHNsb3QtZ3FzeXdBNE0iLCJjOm1pbnV0ZWx5LUZiQ3paU01YIiwiYzp5b3V0dWJlIiwiYzpncmFwZXNob3QiLCJjOnJlZGRpdC1idXR0b25zIiwiYzpsaW5rZWRpbiIsImM6cG9vb2wtMmRrS0t6bU0iLCJjOmdvb2dsZWFuYS00VFhuSmlnUiIsImM6dG10LURMQ2tkN3RHIiwiYzphZGp1c3QtY2NKSFg2UWUiXX0sInB1cnBvc2VzIjp7ImVuYWJsZWQiOlsiZ2VvX2FkcyIsImdlb19tYXJrZXRpbmdfc3R1ZGllcyJdLCJkaXNhYmxlZCI6WyJkZXZpY2VfY2hhcmFjdGVyaXN0aWNzIiwiZ2VvbG9jYXRpb25fZGF0YSJdfSwidmVuZG9yc19saSI6eyJkaXNhYmxlZCI6WyJnb29nbGUiXX0sInZlcnNpb24iOjIsImFjIjoiQUFBQS5BQUFBIn0=";
const MIXED_2024_READING: CmpReading = {
  status: "decided",
  groups: {
    geo_ads: true,
    geo_marketing_studies: true,
    device_characteristics: false,
    geolocation_data: false,
  },
  givenAt: 1_720_185_772,
};
// Derived: a non-TCF token with Didomi's IAB purpose ids (https://support.didomi.io/purposes), including
// legitimate-interest choices that must not count as consent.
const IAB_TOKEN = {
  user_id: "190830f4-751c-6473-9972-d331e6edb41a",
  created: "2024-07-05T13:22:14.993Z",
  updated: "2024-07-05T13:22:52.393Z",
  vendors: { enabled: ["google"], disabled: [] },
  purposes: {
    enabled: ["cookies", "measure_content_performance"],
    disabled: ["select_basic_ads", "create_ads_profile"],
  },
  vendors_li: { enabled: ["google"], disabled: [] },
  purposes_li: { enabled: ["select_basic_ads", "market_research"], disabled: [] },
  version: 2,
};

describe("didomi decoder", () => {
  it.each<[string, string, CmpReading]>([
    [
      "all rejected (2023)",
      REJECTED_2023,
      {
        status: "decided",
        groups: {
          geolocation_data: false,
          "compartir-dpHgJEJa": false,
          kEeDsLCp: false,
          device_characteristics: false,
        },
        givenAt: 1_694_048_834,
      },
    ],
    [
      "all accepted (2023)",
      ACCEPTED_2023,
      {
        status: "decided",
        groups: { device_characteristics: true, geolocation_data: true },
        givenAt: 1_695_813_157,
      },
    ],
    [
      "mixed, custom purposes (2023)",
      MIXED_2023,
      {
        status: "decided",
        groups: {
          "reseauxso-9KbjbwNh": true,
          geolocation_data: false,
          device_characteristics: false,
          "audiencem-xedeU2gQ": false,
          "contenusv-hFT8ifdR": false,
          "contenusc-pXAVUt8r": false,
          "mesureda-h7GQerrT": false,
        },
        givenAt: 1_696_226_804,
      },
    ],
    [
      "all accepted, givenAt is updated not created (2024)",
      ACCEPTED_2024,
      {
        status: "decided",
        groups: {
          data_sharing: true,
          data_sharing_web: true,
          device_characteristics: true,
          geolocation_data: true,
        },
        givenAt: 1_705_872_064,
      },
    ],
    ["mixed (2024)", MIXED_2024, MIXED_2024_READING],
    // Derived from MIXED_2024: base64url without padding, and padding percent-encoded.
    [
      "base64url without padding",
      MIXED_2024.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_"),
      MIXED_2024_READING,
    ],
    ["padding percent-encoded", MIXED_2024.replace(/=/g, "%3D"), MIXED_2024_READING],
    [
      "IAB purpose ids; legitimate interest ignored",
      encode(IAB_TOKEN),
      {
        status: "decided",
        groups: {
          cookies: true,
          measure_content_performance: true,
          select_basic_ads: false,
          create_ads_profile: false,
        },
        givenAt: 1_720_185_772,
      },
    ],
    [
      "an unusable updated date falls back to created",
      encode({ ...IAB_TOKEN, updated: "yesterday" }),
      {
        status: "decided",
        groups: {
          cookies: true,
          measure_content_performance: true,
          select_basic_ads: false,
          create_ads_profile: false,
        },
        givenAt: 1_720_185_734,
      },
    ],
    [
      "no usable date: no givenAt",
      encode({ ...IAB_TOKEN, created: 1720185734, updated: null }),
      {
        status: "decided",
        groups: {
          cookies: true,
          measure_content_performance: true,
          select_basic_ads: false,
          create_ads_profile: false,
        },
      },
    ],
  ])("%s", (_label, value, expected) => {
    expect(read(value)).toEqual(expected);
  });

  it.each<[string, string, string]>([
    ["vendors only, no purpose choice", encode({ ...IAB_TOKEN, purposes: undefined }), "no-purpose-choice"],
    [
      "empty purpose lists",
      encode({ ...IAB_TOKEN, purposes: { enabled: [], disabled: [] } }),
      "no-purpose-choice",
    ],
    ["legitimate interest only", encode({ ...IAB_TOKEN, purposes: {} }), "no-purpose-choice"],
    [
      "a purpose both enabled and disabled",
      encode({ ...IAB_TOKEN, purposes: { enabled: ["cookies"], disabled: ["cookies"] } }),
      "contradictory-purpose",
    ],
    ["purposes not an object", encode({ ...IAB_TOKEN, purposes: ["cookies"] }), "bad-purposes"],
    ["enabled not a list", encode({ ...IAB_TOKEN, purposes: { enabled: "cookies" } }), "bad-purposes"],
    ["a purpose id not a string", encode({ ...IAB_TOKEN, purposes: { enabled: [1] } }), "bad-purposes"],
    [
      "__proto__ as a purpose",
      encode({ ...IAB_TOKEN, purposes: { enabled: ["__proto__"] } }),
      "bad-purposes",
    ],
    [
      "constructor as a purpose",
      encode({ ...IAB_TOKEN, purposes: { disabled: ["constructor"] } }),
      "bad-purposes",
    ],
    ["truncated", REJECTED_2023.slice(0, 101), "unparseable"],
    ["not base64", "eyJ1c2VyX2lkIjoi!!", "unparseable"],
    ["base64 of text", btoa("hello, world"), "unparseable"],
    ["base64 of a list", btoa('["cookies"]'), "unparseable"],
    ["invalid UTF-8", btoa('{"purposes":"\xff"}'), "unparseable"],
    ["a bad escape", "eyJ%E0%A4%A", "unparseable"],
    ["plain JSON, not base64", '{"purposes":{"enabled":["cookies"]}}', "unparseable"],
    ["8 KB of garbage", "eyJ".padEnd(8192, "QUFB"), "value-too-long"],
  ])("undecided: %s", (_label, value, code) => {
    expect(read(value)).toEqual(undecided(code));
  });

  it("is absent without its cookie", () => {
    expect(
      didomi.read(jar(["euconsent-v2", "CPt3fQAPt3fQACNAFAENDLCgAAAAAAAAACiQAAAOCgDAB-AIsAZ8A6QDBAHBAAAA"])),
    ).toEqual({
      status: "absent",
    });
  });

  // Several copies: a purpose is granted only when every deciding copy grants it, refused when any
  // copy names it (read-helpers.ts, narrowestOf).
  it("several didomi_token copies grant only what every copy grants", () => {
    const expected: CmpReading = {
      status: "decided",
      groups: {
        geo_ads: false,
        geo_marketing_studies: false,
        data_sharing: false,
        data_sharing_web: false,
        device_characteristics: false,
        geolocation_data: false,
      },
      givenAt: 1_720_185_772,
    };
    expect(didomi.read(jar(["didomi_token", MIXED_2024], ["didomi_token", ACCEPTED_2024]))).toEqual(expected);
    expect(didomi.read(jar(["didomi_token", ACCEPTED_2024], ["didomi_token", MIXED_2024]))).toEqual(expected);
    expect(didomi.read(jar(["didomi_token", MIXED_2024], ["didomi_token", "eyJ"]))).toEqual(
      MIXED_2024_READING,
    );
  });

  it("reads a renamed cookie", () => {
    expect(didomi.read(jar(["my_didomi", MIXED_2024]), { cookieName: "my_didomi" })).toEqual(
      MIXED_2024_READING,
    );
  });

  it("never puts the cookie value in a reason", () => {
    const reading = read(encode({ purposes: { enabled: ["SECRET VALUE"] } }));
    expect(reading).toEqual(undecided("bad-purposes"));
    expect(JSON.stringify(reading)).not.toContain("SECRET");
  });
});
