// A smoke run of `ubn bench crypto` on a tiny budget: every figure must come out positive.
import { describe, expect, it } from "vitest";
import { formatCryptoBench, runCryptoBench } from "../../bench/crypto.ts";
import { nativeVerifier } from "../../crypto/index.ts";

describe("runCryptoBench", () => {
  it("returns a positive finite figure for every measurement", async () => {
    const seen: string[] = [];
    const r = await runCryptoBench({
      seconds: 0.05,
      signers: 16,
      batchSize: 256,
      workers: 2,
      onMeasured: (figure) => seen.push(figure),
    });
    for (const key of [
      "noble_verify_per_s",
      "noble_lib_verify_per_s",
      "native_verify_per_s",
      "openssl_verify_per_s",
      "sodium_verify_per_s",
      "here_batch64_verify_per_s",
      "batch_verify_per_s",
      "sign_per_s",
      "sha256_mb_per_s",
    ] as const) {
      const value = r[key];
      expect(value !== null && Number.isFinite(value) && value > 0, `${key} = ${value}`).toBe(true);
    }
    expect(r.batch_workers).toBe(2);
    expect(r.cores).toBeGreaterThan(0);
    expect(r.node).toBe(process.version);
    expect(r.native_verifier).toBe(nativeVerifier);
    expect(seen).toEqual([
      "noble_verify",
      "noble_lib_verify",
      "native_verify",
      "openssl_verify",
      "sodium_verify",
      "here_batch64_verify",
      "batch_verify",
      "sign",
      "sha256_1mib",
    ]);
    expect(formatCryptoBench(r)).toContain("BatchVerifier, 2 workers");
  });

  it("refuses a non-positive duration", async () => {
    await expect(runCryptoBench({ seconds: 0 })).rejects.toThrow(/seconds/);
  });
});
