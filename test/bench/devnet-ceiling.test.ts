// The devnet bench's ceiling: issue 5's yardstick (node:crypto's verifier) and the validators'
// own verifier beside it.
import { describe, expect, it } from "vitest";
import { measureCeiling } from "../../bench/devnet-ceiling.ts";
import { nativeVerifier } from "../../crypto/index.ts";

describe("devnet ceiling", () => {
  it("divides cores x single-core verifies by the validators, for each verifier", async () => {
    const c = await measureCeiling(4);
    expect(c.verifier).toBe(nativeVerifier);
    expect(c.yardstickPerS).toBeGreaterThan(0);
    expect(c.verifierPerS).toBeGreaterThan(0);
    expect(c.yardstickTps).toBeCloseTo((c.cores * c.yardstickPerS) / 4, 6);
    expect(c.verifierTps).toBeCloseTo((c.cores * c.verifierPerS) / 4, 6);
    // With OpenSSL as the validators' verifier, the two are one measurement.
    if (c.verifier === "openssl") expect(c.verifierPerS).toBe(c.yardstickPerS);
  }, 20_000);
});
