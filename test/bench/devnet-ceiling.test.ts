// The devnet bench's ceiling: measured with the validators' verifier, and with OpenSSL's beside
// it (reported apart, never in place of it).
import { describe, expect, it } from "vitest";
import { measureCeiling } from "../../bench/devnet-ceiling.ts";
import { nativeVerifier } from "../../crypto/index.ts";

describe("devnet ceiling", () => {
  it("divides cores x single-core verifies by the validators, for each verifier", async () => {
    const c = await measureCeiling(4);
    expect(c.verifier).toBe(nativeVerifier);
    expect(c.nativePerS).toBeGreaterThan(0);
    expect(c.opensslPerS).toBeGreaterThan(0);
    expect(c.tps).toBeCloseTo((c.cores * c.nativePerS) / 4, 6);
    expect(c.opensslTps).toBeCloseTo((c.cores * c.opensslPerS) / 4, 6);
    // With OpenSSL as the validators' verifier, the two yardsticks are one measurement.
    if (c.verifier === "openssl") expect(c.opensslPerS).toBe(c.nativePerS);
  }, 20_000);
});
