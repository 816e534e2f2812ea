/** The whole pipeline in workerd, against the fixture origin: both sides of the proxy. */

import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createConfigErrorWorker, createProxy } from "../src/worker";
import { createWorker, missingOrigins } from "../src/worker";
import { compileConfig } from "../src/config/compile";
import {
  appFor,
  consent,
  DEBUG_SECRET,
  FIXED_NOW_MS,
  originReceivedCookie,
  send,
  setCookieNames,
  testSite,
} from "./helpers";

const WWW = "https://www.example.com/";
const app = appFor(testSite());
const EPOCH = "Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";

describe("request cookies", () => {
  it("the origin never receives a refused cookie, and receives the rest byte for byte", async () => {
    const granted = consent(["analytics"]);
    const res = await send(app, WWW, {
      headers: { Cookie: `session=s%201; _ga=GA1.2.3; lang=en; mystery=1; ${granted}; _fbp=fb.1` },
    });
    expect(originReceivedCookie(res)).toBe(`session=s%201; _ga=GA1.2.3; ${granted}`);
  });

  it("removes the Cookie header when nothing is left", async () => {
    const res = await send(app, WWW, { headers: { Cookie: "_ga=1; _fbp=2" } });
    const received = await res.json<{ headers: Record<string, string> }>();
    expect(received.headers.cookie).toBeUndefined();
  });

  it("tells the origin the resolved state, and a visitor cannot forge it", async () => {
    const res = await send(app, WWW, {
      headers: {
        Cookie: consent(["marketing"]),
        "X-Consent-Granted": "necessary,functional,analytics,marketing",
        "X-Consent-Debug": "guess",
      },
    });
    const { headers } = await res.json<{ headers: Record<string, string> }>();
    expect(headers["x-consent-granted"]).toBe("necessary,marketing");
    expect(headers["x-consent-source"]).toBe("consent-cookie");
    expect(headers["x-consent-decided"]).toBe("1");
    expect(headers["x-consent-debug"]).toBeUndefined();
  });
});

describe("response cookies", () => {
  const lines = [
    "session=abc; Path=/",
    "refresh=r1; Path=/; Max-Age=2592000; HttpOnly",
    "lang=de; Max-Age=100; Path=/",
    "_ga=GA1.1.1; Max-Age=63072000; Path=/",
    "_ga_XYZ=GS1; Path=/",
    "ph_phc_1_posthog=%7B%7D; Path=/",
    "_fbp=fb.1; Path=/",
    "intercom-id=77; Path=/",
  ];

  it.each<[string, string[], string[]]>([
    ["nothing", [], ["session", "refresh"]],
    ["analytics", ["analytics"], ["session", "refresh", "_ga", "_ga_XYZ", "ph_phc_1_posthog"]],
    ["functional+marketing", ["functional", "marketing"], ["session", "refresh", "lang", "_fbp"]],
    [
      "everything",
      ["functional", "analytics", "marketing"],
      ["session", "refresh", "lang", "_ga", "_ga_XYZ", "ph_phc_1_posthog", "_fbp"],
    ],
  ])("granted %s: exactly the granted cookies are set, undeclared never", async (_, granted, expected) => {
    const res = await send(app, WWW, { originSets: lines, headers: { Cookie: consent(granted) } });
    expect(setCookieNames(res)).toEqual(expected);
  });

  it("rewrites kept lines to their rule and keeps the others verbatim, one header each", async () => {
    const res = await send(app, WWW, { originSets: lines, headers: { Cookie: consent(["analytics"]) } });
    expect(res.headers.getSetCookie()).toEqual([
      "session=abc; Path=/; Secure; HttpOnly; SameSite=Lax",
      "refresh=r1; HttpOnly; Max-Age=604800; Path=/api/auth",
      "_ga=GA1.1.1; Path=/; Max-Age=34560000",
      "_ga_XYZ=GS1; Path=/",
      "ph_phc_1_posthog=%7B%7D; Path=/",
    ]);
  });

  it.each([
    ["HEAD", 200, {}],
    ["GET", 302, { "X-Fixture-Location": "/elsewhere" }],
    ["GET", 304, {}],
    ["GET", 204, {}],
    ["POST", 303, { "X-Fixture-Location": "/done" }],
  ] as const)("%s with status %i is filtered too", async (method, status, extra) => {
    const res = await send(app, WWW, {
      method,
      originSets: ["session=1", "_ga=GA1", "_fbp=fb"],
      headers: { "X-Fixture-Status": String(status), ...extra },
    });
    expect(res.status).toBe(status);
    expect(setCookieNames(res)).toEqual(["session"]);
    if (status >= 300 && status < 304)
      expect(res.headers.get("Location")).toBe(extra["X-Fixture-Location" as never]);
    const body = await res.text();
    if (method === "HEAD" || status === 304 || status === 204) expect(body).toBe("");
    else expect(JSON.parse(body)).toMatchObject({ method });
  });
});

describe("garbage from visitors never causes a 5xx and never fails open", () => {
  it.each([
    ["an empty consent cookie", "ce_consent="],
    ["trailing junk", "ce_consent=1.2026-04-03.9.analytics~marketing~functional.%%%"],
    ["non-ASCII bytes", "ce_consent=\u00ff\u00fe"],
    ["a timestamp past 2^53", "ce_consent=1.2026-04-03.17000000000000000000.analytics"],
    ["an 8 KB value", `ce_consent=${"A".repeat(8_000)}`],
    [
      "a later refusal beside an earlier grant",
      "ce_consent=1.2026-04-03.1.analytics; ce_consent=1.2026-04-03.2.-",
    ],
    ["another tool's format", "ce_consent=true; analytics=granted"],
    ["empty pairs", ";;;=;;_ga"],
    ["only equals signs", "====="],
    ["prototype names", "__proto__=1; constructor=2"],
  ])("%s", async (_, cookie) => {
    const res = await send(app, WWW, {
      headers: { Cookie: cookie },
      originSets: ["session=1", "_ga=GA1; Max-Age=100", "_fbp=fb; Max-Age=100"],
    });
    expect(res.status).toBe(200);
    const set = res.headers.getSetCookie().filter((line) => !line.includes("Max-Age=0;"));
    expect(set.map((line) => line.slice(0, line.indexOf("=")))).toEqual(["session"]);
  });

  it("survives a malformed Set-Cookie from the origin", async () => {
    const res = await send(app, WWW, { originSets: ["", ";", "=", "==x", "_ga", "session=ok"] });
    expect(res.status).toBe(200);
    expect(setCookieNames(res)).toEqual(["session"]);
  });
});

describe("withdrawal", () => {
  it("expires every refused cookie the browser sends, in every variant, and no granted one", async () => {
    const withPath = appFor(
      testSite({
        cookies: [
          { name: "session", category: "necessary" },
          { name: "_ga", category: "analytics" },
          { name: "adpath", category: "marketing", path: "/ads" },
        ],
      }),
    );
    const res = await send(withPath, "https://shop.www.example.org/", {
      headers: { Cookie: `${consent(["analytics"])}; session=1; _ga=GA1; adpath=9; adpath=10; stray=1` },
    });
    const domains = ["shop.www.example.org", "www.example.org", "example.org"];
    expect(res.headers.getSetCookie()).toEqual([
      `adpath=; ${EPOCH}; Path=/; Secure`,
      ...domains.map((d) => `adpath=; ${EPOCH}; Path=/; Domain=${d}; Secure`),
      `adpath=; ${EPOCH}; Path=/ads; Secure`,
      ...domains.map((d) => `adpath=; ${EPOCH}; Path=/ads; Domain=${d}; Secure`),
    ]);
    expect(res.headers.get("Cache-Control")).toBe("private");
  });

  it("withdrawing consent expires what was granted before", async () => {
    const res = await send(app, "http://www.example.com/", {
      headers: { Cookie: `${consent([])}; _ga=GA1; _ga_XYZ=GS1; _fbp=fb; __Host-ad=1; __Secure-ad=2` },
    });
    const lines = res.headers.getSetCookie();
    expect(lines).toContain(`_ga=; ${EPOCH}; Path=/; Domain=example.com`);
    expect(lines).toContain(`_ga_XYZ=; ${EPOCH}; Path=/; Domain=www.example.com`);
    expect(lines).toContain(`_fbp=; ${EPOCH}; Path=/`);
    expect(lines.filter((l) => l.startsWith("__Host-ad="))).toEqual([`__Host-ad=; ${EPOCH}; Path=/; Secure`]);
    expect(lines.filter((l) => l.startsWith("__Secure-ad="))).toHaveLength(3);
    expect(lines.every((l) => l.includes("Max-Age=0;"))).toBe(true);
    expect(lines).toHaveLength(3 + 3 + 3 + 1 + 3);
  });
});

describe("withdrawal at scale", () => {
  it("expires at most 64 names per response and still withholds every refused cookie", async () => {
    const cookies = Array.from({ length: 300 }, (_, i) => `_ga_${i}=x`).join("; ");
    const res = await send(app, "http://localhost.example.org/", {
      headers: { Cookie: `session=1; ${cookies}` },
    });
    const expired = new Set(setCookieNames(res));
    expect(expired.size).toBe(64);
    expect(originReceivedCookie(res)).toBe("session=1");
  });
});

describe("debug headers", () => {
  const names = [
    "X-Consent-Granted",
    "X-Consent-Source",
    "X-Consent-Mode",
    "X-Consent-Cookies-Dropped",
    "X-Consent-Cookies-Rewritten",
    "X-Consent-Cookies-Expired",
    "Server-Timing",
  ];
  const request = {
    originSets: ["session=VALUE1", "_ga=VALUE2", "refresh=VALUE3; Path=/"],
    headers: {
      Cookie: `_fbp=VALUE4; ${consent(["analytics"])}`,
      "X-Fixture-Cache-Control": "public, max-age=60",
    },
  };

  it("with the secret: what happened and why, names only, private", async () => {
    const res = await send(app, WWW, {
      ...request,
      headers: { ...request.headers, "X-Fixture-Header": JSON.stringify({ "Server-Timing": "db;dur=7" }) },
      debug: true,
    });
    expect(res.headers.get("X-Consent-Granted")).toBe("necessary,analytics");
    expect(res.headers.get("X-Consent-Source")).toBe("consent-cookie (valid)");
    expect(res.headers.get("X-Consent-Mode")).toBe("enforce");
    expect(res.headers.get("X-Consent-Cookies-Dropped")).toBe("none");
    expect(res.headers.get("X-Consent-Cookies-Rewritten")).toBe(
      "session (secure httponly samesite), refresh (path)",
    );
    expect(res.headers.get("X-Consent-Cookies-Expired")).toBe("_fbp (marketing: _fbp)");
    expect(res.headers.get("X-Consent-Cookies-Withheld")).toBe("_fbp (marketing: _fbp)");
    expect(res.headers.get("Server-Timing")).toMatch(
      /^db;dur=7, consent-edge;dur=\d+;desc="worker", consent-edge-origin;dur=\d+;desc="origin"$/,
    );
    const all = [...res.headers]
      .map(([name, value]) => `${name}: ${value}`)
      .filter((l) => /^x-consent/i.test(l));
    expect(all.join("\n")).not.toMatch(/VALUE\d/);
    expect(res.headers.get("Cache-Control")).toBe("private, max-age=60");
  });

  it("names dropped cookies with their rule", async () => {
    const res = await send(app, WWW, { originSets: ["_ga=1", "_ga_X=1", "zzz=1"], debug: true });
    expect(res.headers.get("X-Consent-Cookies-Dropped")).toBe(
      "_ga (analytics: _ga), _ga_X (analytics: _ga_*), zzz (undeclared: block)",
    );
    expect(res.headers.get("X-Consent-Source")).toBe("default: undecided (consent-cookie: no-cookie)");
  });

  it.each([
    ["no header", {}],
    ["a wrong secret", { "X-Consent-Debug": "wrong" }],
    ["a prefix of the secret", { "X-Consent-Debug": DEBUG_SECRET.slice(0, -1) }],
    ["an empty header", { "X-Consent-Debug": "" }],
  ])("absent with %s", async (_, headers) => {
    const res = await send(app, WWW, { ...request, headers: { ...request.headers, ...headers } });
    for (const name of names) expect(res.headers.has(name)).toBe(false);
  });

  it("absent when the site has no debug secret configured, whatever is presented", async () => {
    const noSecret = appFor(testSite({ debugSecret: "UNSET_SECRET" }));
    const res = await send(noSecret, WWW, { ...request, debug: true });
    expect(res.headers.has("X-Consent-Granted")).toBe(false);
  });

  it("an origin cannot impersonate the debug headers", async () => {
    const res = await send(app, WWW, {
      headers: {
        "X-Fixture-Header": JSON.stringify({ "X-Consent-Granted": "everything", "X-Consent-Mode": "off" }),
      },
    });
    expect(res.headers.has("X-Consent-Granted")).toBe(false);
    expect(res.headers.has("X-Consent-Mode")).toBe(false);
  });

  it("caps long lists at an item boundary", async () => {
    const many = Array.from({ length: 200 }, (_, i) => `_ga_${"x".repeat(20)}${i}=1`);
    const res = await send(app, WWW, { originSets: many, debug: true });
    const dropped = res.headers.get("X-Consent-Cookies-Dropped") ?? "";
    expect(dropped.length).toBeLessThanOrEqual(1_024);
    expect(dropped).toMatch(/, \.\.\. \(\+\d+ more\)$/);
    expect(dropped.startsWith(`_ga_${"x".repeat(20)}0 (analytics: _ga_*), `)).toBe(true);
  });
});

describe("caching", () => {
  it.each([
    ["public, max-age=600, s-maxage=3600", ["session=1"], "private, max-age=600"],
    ["no-store", ["session=1"], "no-store"],
    [null, ["_ga=1"], "private"],
    ["public, max-age=600", [], "public, max-age=600"], // nothing depends on consent: left cacheable
  ])("Cache-Control %j with %j -> %j", async (cacheControl, sets, expected) => {
    const res = await send(app, WWW, {
      originSets: sets,
      headers: cacheControl ? { "X-Fixture-Cache-Control": cacheControl } : {},
    });
    expect(res.headers.get("Cache-Control")).toBe(expected);
  });
});

describe("modes and undeclared policies", () => {
  it("report-only changes nothing and says what enforce would do", async () => {
    const reportOnly = appFor(testSite({ mode: "report-only" }));
    const sets = ["session=1", "_ga=GA1; Max-Age=999999999", "zzz=1"];
    const res = await send(reportOnly, WWW, {
      originSets: sets,
      headers: { Cookie: "_fbp=1; zzz=2" },
      debug: true,
    });
    expect(res.headers.getSetCookie()).toEqual(sets);
    expect(originReceivedCookie(res)).toBe("_fbp=1; zzz=2");
    expect(res.headers.get("X-Consent-Mode")).toBe("report-only");
    expect(res.headers.get("X-Consent-Cookies-Dropped")).toBe(
      "_ga (analytics: _ga), zzz (undeclared: block)",
    );
    expect(res.headers.get("X-Consent-Cookies-Expired")).toBe("_fbp (marketing: _fbp)");
    expect(res.headers.get("X-Consent-Cookies-Rewritten")).toBe("session (secure httponly samesite)");
  });

  it.each([
    ["allow", ["session", "zzz"], "zzz=2", undefined],
    ["report", ["session", "zzz"], "zzz=2", "zzz"],
    ["block", ["session"], "", undefined],
  ] as const)("undeclared: %s", async (undeclared, names, received, reported) => {
    const site = appFor(testSite({ undeclared }));
    const res = await send(site, WWW, {
      originSets: ["session=1", "zzz=1"],
      headers: { Cookie: "zzz=2" },
      debug: true,
    });
    expect(setCookieNames(res)).toEqual(names);
    expect(originReceivedCookie(res)).toBe(received);
    expect(res.headers.get("X-Consent-Cookies-Undeclared") ?? undefined).toBe(reported);
  });
});

describe("failing closed", () => {
  it("if enforcement throws, the visitor gets the response without a single cookie", async () => {
    const compiled = compileConfig({ sites: [testSite()] });
    if (!compiled.ok) throw new Error("config");
    const site = compiled.config.sites[0];
    if (!site) throw new Error("site");
    const classify = site.classifyCookie;
    site.classifyCookie = (name) => {
      if (name === "boom") throw new Error("classifier bug");
      return classify(name);
    };
    const broken = createProxy(compiled.config, { clock: () => FIXED_NOW_MS });
    const request = new Request(WWW, {
      headers: {
        "X-Fixture-Set-Cookie": JSON.stringify(["session=1", "_ga=1", "boom=1"]),
        "X-Fixture-Status": "200",
        "X-Consent-Debug": DEBUG_SECRET,
      },
    });
    const res = await broken.fetch(request, env, createExecutionContext());
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    expect(res.headers.get("X-Consent-Failure")).toBe("Error");
  });

  it("an unreachable origin is a 502 with no cookies", async () => {
    const missing = appFor(testSite({ origin: "service:NOT_BOUND" }));
    const res = await send(missing, WWW, { originSets: ["_ga=1"] });
    expect(res.status).toBe(502);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});

describe("an invalid bundled config", () => {
  it("refuses every request with 503 and fetches nothing", async () => {
    const refusing = createConfigErrorWorker("  sites[0].origin: missing");
    const res = await refusing.fetch(
      new Request(WWW, { headers: { "X-Fixture-Set-Cookie": '["_ga=1"]' } }),
      env,
    );
    expect(res.status).toBe(503);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.has("X-Fixture-Received-Cookie")).toBe(false);
    expect(await res.text()).toContain("npm run check");
  });
});

describe("a site without an origin", () => {
  const withoutOrigin = testSite();
  delete withoutOrigin.origin;

  it("is a problem for the stand-alone worker, naming its path and the fix", () => {
    const compiled = compileConfig({
      sites: [testSite({ id: "with" }), { ...withoutOrigin, id: "without", hosts: ["a.example.net"] }],
    });
    if (!compiled.ok) throw new Error(`config: ${JSON.stringify(compiled.problems)}`);
    const problems = missingOrigins(compiled.config);
    expect(problems.map((problem) => problem.path)).toEqual(["sites[1].origin"]);
    expect(problems[0]?.fix).toContain('"origin": "https://');
    expect(problems[0]?.fix).toContain("consentEdge(config)");
  });

  it("makes createWorker refuse every request with 503, fetching nothing", async () => {
    const worker = createWorker({ sites: [withoutOrigin] });
    const res = await worker.fetch(
      new Request(WWW, { headers: { "X-Fixture-Set-Cookie": '["_ga=1"]' } }),
      env,
    );
    expect(res.status).toBe(503);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.has("X-Fixture-Received-Cookie")).toBe(false);
  });
});
