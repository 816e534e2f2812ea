/**
 * The nonce and hash the injected runtime runs by, under the page's CSP (CSP3: every enforced
 * policy must allow it; the directive that governs inline scripts decides). Issue 7, item 5. The
 * same variants run in Chromium in test/e2e/csp.e2e.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allowInlineInPolicy,
  allowInlineScript,
  allowInlineStyle,
  allowTrustedTypesPolicy,
  cspNonce,
  policyNonce,
  sha256Base64,
} from "../src/html/csp";
import { fuzzParameters } from "./fuzz/settings";

const TEXT = "(function(){window.consentEdge={}})()";
const HASH = "'sha256-QP6Celu88Uf9u4Yrxns0UWXQ6duUQvBE8+NEeaK6ONI='";

/** Headers with one `Content-Security-Policy` line per policy (joined with ", " as the Headers API does). */
function cspHeaders(policies: string[], reportOnly: string[] = []): Headers {
  return new Headers([
    ...policies.map((policy): [string, string] => ["Content-Security-Policy", policy]),
    ...reportOnly.map((policy): [string, string] => ["Content-Security-Policy-Report-Only", policy]),
  ]);
}

it("the fixture hash is the SHA-256 of the fixture text", async () => {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(TEXT));
  expect(`'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`).toBe(HASH);
});

describe("cspNonce: the nonce every enforced policy accepts for an inline script", () => {
  it.each<[string, string[], string | undefined, string[]?]>([
    ["the script directive, not an earlier style one", ["style-src 'nonce-A'; script-src 'nonce-B'"], "B"],
    ["the script directive in either order", ["script-src 'nonce-B'; style-src 'nonce-A'"], "B"],
    ["script-src over default-src", ["default-src 'nonce-D'; script-src 'nonce-B'"], "B"],
    ["script-src over an earlier default-src", ["script-src 'nonce-B'; default-src 'nonce-D'"], "B"],
    ["script-src-elem over script-src", ["script-src 'nonce-B'; script-src-elem 'nonce-E'"], "E"],
    ["default-src when nothing else names scripts", ["default-src 'nonce-D'; style-src 'nonce-A'"], "D"],
    ["script-src-attr does not govern elements", ["script-src-attr 'nonce-T'; script-src 'nonce-B'"], "B"],
    ["only a style nonce: none for scripts", ["style-src 'nonce-A'"], undefined],
    ["not a nonce inside a report URL", ["report-uri /csp?'nonce-Z'; script-src 'nonce-B'"], "B"],
    ["keywords in any case, the value as written", ["SCRIPT-SRC 'NONCE-bB9+/_-=='"], "bB9+/_-=="],
    ["the first of duplicate directives", ["script-src 'nonce-A'; script-src 'nonce-B'"], "A"],
    ["tabs, padding, empty directives", ["  ;\tstyle-src\t'nonce-A' ;; script-src\t 'nonce-B'  ; "], "B"],
    ["with 'strict-dynamic'", ["script-src 'strict-dynamic' 'nonce-A' https:"], "A"],
    ["not an invalid nonce source", ["script-src 'nonce-a!b' 'self'"], undefined],
    ["none when 'unsafe-inline' already allows it", ["script-src 'unsafe-inline'"], undefined],
    ["two policies: the nonce both accept", ["script-src 'nonce-A' 'nonce-B'", "script-src 'nonce-B'"], "B"],
    ["two policies, one silent on scripts", ["img-src *", "script-src 'nonce-A'"], "A"],
    ["two policies in one header line", ["img-src 'nonce-X', script-src 'nonce-A'"], "A"],
    ["two policies, the other allowing inline", ["script-src 'nonce-A'", "default-src 'unsafe-inline'"], "A"],
    [
      "two policies with different nonces: none (hash path)",
      ["script-src 'nonce-A'", "script-src 'nonce-B'"],
      undefined,
    ],
    ["one comma-joined line, different nonces", ["script-src 'nonce-A', default-src 'nonce-B'"], undefined],
    [
      "a nonce policy and a hash policy: none (hash path)",
      ["script-src 'nonce-A'", "script-src 'self'"],
      undefined,
    ],
    ["never from a report-only policy", ["img-src *"], undefined, ["script-src 'nonce-R'"]],
    ["the enforced nonce, not the report-only one", ["script-src 'nonce-A'"], "A", ["script-src 'nonce-R'"]],
    ["no policy at all", [], undefined],
  ])("%s", (_, policies, expected, reportOnly) => {
    expect(cspNonce(cspHeaders(policies, reportOnly))).toBe(expected);
  });

  it.each<[string, string | undefined]>([
    ["script-src 'nonce-B'; style-src 'nonce-S'", "S"],
    ["style-src-elem 'nonce-E'; style-src 'nonce-S'", "E"],
    ["default-src 'nonce-D'; script-src 'nonce-B'", "D"],
    ["script-src 'nonce-B'", undefined],
  ])("for a <style>: %j gives %j", (policy, expected) => {
    expect(cspNonce(cspHeaders([policy]), "style")).toBe(expected);
  });
});

describe("allowInlineScript: the runtime's hash, in exactly the directives that would block it", () => {
  it.each<[string, string[], string | undefined, string[]]>([
    [
      "a hash policy",
      ["script-src 'self' 'sha256-AAAA'"],
      undefined,
      [`script-src 'self' 'sha256-AAAA' ${HASH}`],
    ],
    [
      "default-src governs",
      ["default-src 'self'; img-src *"],
      undefined,
      [`default-src 'self' ${HASH}; img-src *`],
    ],
    [
      "'unsafe-inline' allows it",
      ["script-src 'self' 'unsafe-inline'"],
      undefined,
      ["script-src 'self' 'unsafe-inline'"],
    ],
    [
      "'UNSAFE-INLINE' in capitals",
      ["SCRIPT-SRC 'UNSAFE-INLINE'"],
      undefined,
      ["SCRIPT-SRC 'UNSAFE-INLINE'"],
    ],
    ["nothing governs scripts", ["img-src *; style-src 'self'"], undefined, ["img-src *; style-src 'self'"]],
    [
      "'unsafe-inline' is void beside a hash",
      ["script-src 'unsafe-inline' 'sha256-AAAA'"],
      undefined,
      [`script-src 'unsafe-inline' 'sha256-AAAA' ${HASH}`],
    ],
    [
      "'unsafe-inline' is void beside 'strict-dynamic'",
      ["script-src 'unsafe-inline' 'strict-dynamic'"],
      undefined,
      [`script-src 'unsafe-inline' 'strict-dynamic' ${HASH}`],
    ],
    [
      "'unsafe-inline' is void beside a nonce",
      ["script-src 'unsafe-inline' 'nonce-A'"],
      undefined,
      [`script-src 'unsafe-inline' 'nonce-A' ${HASH}`],
    ],
    [
      "'unsafe-hashes' is about attributes only",
      ["script-src 'unsafe-hashes' 'sha256-AAAA'"],
      undefined,
      [`script-src 'unsafe-hashes' 'sha256-AAAA' ${HASH}`],
    ],
    [
      "the element's nonce suffices",
      ["script-src 'nonce-A' 'strict-dynamic'"],
      "A",
      ["script-src 'nonce-A' 'strict-dynamic'"],
    ],
    [
      "without the nonce, the hash",
      ["script-src 'nonce-A' 'strict-dynamic'"],
      undefined,
      [`script-src 'nonce-A' 'strict-dynamic' ${HASH}`],
    ],
    ["its hash already there", [`script-src 'self' ${HASH}`], undefined, [`script-src 'self' ${HASH}`]],
    [
      "its hash in base64url",
      [`script-src ${HASH.replace(/\+/g, "-").replace(/\//g, "_")}`],
      undefined,
      [`script-src ${HASH.replace(/\+/g, "-").replace(/\//g, "_")}`],
    ],
    [
      "script-src-elem governs, not script-src",
      ["script-src-elem 'self'; script-src 'unsafe-inline'"],
      undefined,
      [`script-src-elem 'self' ${HASH}; script-src 'unsafe-inline'`],
    ],
    [
      "the first of duplicates governs",
      ["script-src 'self'; script-src 'unsafe-inline'"],
      undefined,
      [`script-src 'self' ${HASH}; script-src 'unsafe-inline'`],
    ],
    ["an empty source list", ["script-src; img-src *"], undefined, [`script-src ${HASH}; img-src *`]],
    ["'none'", ["script-src 'none'"], undefined, [`script-src 'none' ${HASH}`]],
    [
      "spacing kept",
      ["img-src *;script-src\t'self'   ;  ;img-src x"],
      undefined,
      [`img-src *;script-src\t'self' ${HASH}   ;  ;img-src x`],
    ],
    ["keywords in capitals", ["DEFAULT-SRC 'SELF'"], undefined, [`DEFAULT-SRC 'SELF' ${HASH}`]],
    [
      "two hash policies: both",
      ["script-src 'self'", "default-src 'self'"],
      undefined,
      [`script-src 'self' ${HASH}`, `default-src 'self' ${HASH}`],
    ],
    [
      "two policies, one silent",
      ["img-src *", "script-src 'self'"],
      undefined,
      ["img-src *", `script-src 'self' ${HASH}`],
    ],
    [
      "two policies, one allowing inline",
      ["script-src 'unsafe-inline'", "script-src 'self'"],
      undefined,
      ["script-src 'unsafe-inline'", `script-src 'self' ${HASH}`],
    ],
    [
      "two nonces, no nonce on the element",
      ["script-src 'nonce-A'", "script-src 'nonce-B'"],
      undefined,
      [`script-src 'nonce-A' ${HASH}`, `script-src 'nonce-B' ${HASH}`],
    ],
    [
      "two nonces, the element carrying one",
      ["script-src 'nonce-A'", "script-src 'nonce-B'"],
      "A",
      ["script-src 'nonce-A'", `script-src 'nonce-B' ${HASH}`],
    ],
  ])("%s", async (_, policies, nonce, expected) => {
    const headers = cspHeaders(policies, ["script-src 'self'"]);
    await allowInlineScript(headers, TEXT, nonce);
    expect(headers.get("Content-Security-Policy")).toBe(expected.join(", "));
    // Report-only policies never block: they are not touched.
    expect(headers.get("Content-Security-Policy-Report-Only")).toBe("script-src 'self'");
  });

  it("adds nothing to a page without a policy", async () => {
    const headers = cspHeaders([], ["script-src 'self'"]);
    await allowInlineScript(headers, TEXT);
    expect(headers.has("Content-Security-Policy")).toBe(false);
  });

  it("a <style> is governed by style-src, not script-src", async () => {
    const headers = cspHeaders(["script-src 'self'; style-src 'self'"]);
    await allowInlineStyle(headers, TEXT);
    expect(headers.get("Content-Security-Policy")).toBe(`script-src 'self'; style-src 'self' ${HASH}`);
  });
});

describe("a policy as text (a <meta http-equiv> policy's content)", () => {
  it("gives the same answers as the header functions", async () => {
    const sha256 = await sha256Base64(TEXT);
    expect(`'sha256-${sha256}'`).toBe(HASH);
    expect(policyNonce("style-src 'nonce-A'; script-src 'nonce-B'")).toBe("B");
    expect(policyNonce("script-src 'nonce-B'; style-src 'nonce-A'", "style")).toBe("A");
    expect(allowInlineInPolicy("default-src 'self'; img-src *", "script", sha256)).toBe(
      `default-src 'self' ${HASH}; img-src *`,
    );
    expect(allowInlineInPolicy("script-src 'nonce-B'", "script", sha256, "B")).toBe("script-src 'nonce-B'");
  });
});

describe("allowTrustedTypesPolicy: the runtime's policy name, where a trusted-types directive would refuse it", () => {
  it.each<[string, string[], string[]]>([
    [
      "no trusted-types directive",
      ["require-trusted-types-for 'script'"],
      ["require-trusted-types-for 'script'"],
    ],
    ["a list of names", ["trusted-types a b; img-src *"], ["trusted-types a b consent-edge; img-src *"]],
    ["any name", ["trusted-types *"], ["trusted-types *"]],
    ["the name already", ["trusted-types consent-edge"], ["trusted-types consent-edge"]],
    ["'none' (void beside a name)", ["trusted-types 'none'"], ["trusted-types 'none' consent-edge"]],
    [
      "an empty list",
      ["trusted-types; script-src 'self'"],
      ["trusted-types consent-edge; script-src 'self'"],
    ],
    ["capitals", ["TRUSTED-TYPES a"], ["TRUSTED-TYPES a consent-edge"]],
    [
      "two policies",
      ["trusted-types a", "img-src *", "trusted-types *"],
      ["trusted-types a consent-edge", "img-src *", "trusted-types *"],
    ],
  ])("%s", (_, policies, expected) => {
    const headers = cspHeaders(policies, ["trusted-types x"]);
    allowTrustedTypesPolicy(headers, "consent-edge");
    expect(headers.get("Content-Security-Policy")).toBe(expected.join(", "));
    expect(headers.get("Content-Security-Policy-Report-Only")).toBe("trusted-types x");
  });
});

// Policies built from the directives and sources that decide inline scripts, in any order and case.
const source = fc.constantFrom(
  "'self'",
  "'unsafe-inline'",
  "'UNSAFE-INLINE'",
  "'strict-dynamic'",
  "'unsafe-hashes'",
  "'unsafe-eval'",
  "'none'",
  "'nonce-A'",
  "'nonce-B'",
  "'NONCE-A'",
  "'sha256-AAAA'",
  "https://cdn.example.com",
  "*",
);
const directiveName = fc.constantFrom(
  "script-src",
  "script-src-elem",
  "script-src-attr",
  "default-src",
  "style-src",
  "img-src",
  "Script-Src",
);
const directive = fc
  .tuple(directiveName, fc.array(source, { maxLength: 4 }), fc.constantFrom(" ", "\t", "  "))
  .map(([name, sources, space]) => [name, ...sources].join(space));
const policy = fc.array(directive, { minLength: 1, maxLength: 4 }).map((directives) => directives.join("; "));
const policies = fc.array(policy, { minLength: 1, maxLength: 3 });

describe("cspNonce and allowInlineScript agree (property)", () => {
  it("with cspNonce's nonce, allowInlineScript needs to add nothing, or cspNonce gave none", async () => {
    await fc.assert(
      fc.asyncProperty(policies, async (list) => {
        const headers = cspHeaders(list);
        const nonce = cspNonce(headers);
        const before = headers.get("Content-Security-Policy");
        await allowInlineScript(headers, TEXT, nonce);
        if (nonce !== undefined) expect(headers.get("Content-Security-Policy")).toBe(before);
      }),
      fuzzParameters(),
    );
  });

  it("only ever inserts the runtime's hash, once per policy at most, and is idempotent", async () => {
    await fc.assert(
      fc.asyncProperty(policies, fc.constantFrom(undefined, "A", "B"), async (list, nonce) => {
        const headers = cspHeaders(list);
        await allowInlineScript(headers, TEXT, nonce);
        const after = headers.get("Content-Security-Policy") ?? "";
        // Taking every inserted hash out gives back the page's own policies, byte for byte.
        expect(after.split(` ${HASH}`).join("")).toBe(list.join(", "));
        expect(after.split(HASH).length - 1).toBeLessThanOrEqual(list.length);
        await allowInlineScript(headers, TEXT, nonce);
        expect(headers.get("Content-Security-Policy")).toBe(after);
        // Once allowed, no nonce is needed any more by any policy that gained the hash.
        const again = cspHeaders(after.split(", "));
        await allowInlineScript(again, TEXT);
        if (nonce === undefined) expect(again.get("Content-Security-Policy")).toBe(after);
      }),
      fuzzParameters(),
    );
  });
});

describe("hostile policies (property)", () => {
  // Any ASCII header value an origin can send (the Headers API refuses NUL, CR and LF, and trims spaces).
  const headerValue = fc
    .array(
      fc.oneof(
        fc.string({
          unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
          maxLength: 12,
        }),
        fc.constantFrom(
          ";",
          ",",
          " ",
          "\t",
          "'",
          "'nonce-",
          "'sha256-",
          "script-src",
          "default-src",
          "'unsafe-inline'",
        ),
      ),
      { maxLength: 16 },
    )
    .map((parts) =>
      parts
        .join("")
        .replace(/[\0\r\n]/g, "")
        .trim(),
    )
    .filter((value) => value !== "");

  it("never throw, and only ever insert the runtime's hash", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(headerValue, { minLength: 1, maxLength: 3 }), async (list) => {
        const headers = cspHeaders(list);
        const before = headers.get("Content-Security-Policy") ?? "";
        const nonce = cspNonce(headers);
        if (nonce !== undefined) expect(before).toContain(`-${nonce}'`);
        await allowInlineScript(headers, TEXT, nonce);
        const after = headers.get("Content-Security-Policy") ?? "";
        expect(after.split(` ${HASH}`).join("")).toBe(before);
      }),
      fuzzParameters(),
    );
  });
});
