import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** ../shared/testdata files, or null when the folder is absent. */
    publicSuffixTests: string | null;
    topSetCookie: string | null;
    httpStateParser: string | null;
    /** base64 of BROTLI_PAGE (vitest.config.ts), brotli-compressed. */
    brotliPage: string;
    brotliPagePlain: string;
    /** fast-check settings for every property test (test/fuzz/settings.ts). */
    fuzz: { seed: number; numRuns: number };
  }
}
