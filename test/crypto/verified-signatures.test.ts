import { describe, expect, it } from "vitest";
import { generateKeyPair, sign, VerifiedSignatures } from "../../crypto/index.ts";

const msg = (s: string) => new TextEncoder().encode(s);

describe("VerifiedSignatures", () => {
  it("verifies a signature once and answers the second check from memory", () => {
    const k = generateKeyPair();
    const m = msg("vote for block 7");
    const sig = sign(m, k.secretKey);
    const cache = new VerifiedSignatures();
    expect(cache.verify(k.publicKey, m, sig)).toBe(true);
    expect(cache.verify(k.publicKey, Uint8Array.from(m), Uint8Array.from(sig))).toBe(true);
    expect([cache.misses, cache.hits]).toEqual([1, 1]);
  });

  it("does not carry a valid verdict to another message or key, and forgets nothing invalid", () => {
    const k = generateKeyPair();
    const other = generateKeyPair();
    const m = msg("proposal, round 3");
    const sig = sign(m, k.secretKey);
    const cache = new VerifiedSignatures();
    expect(cache.verify(k.publicKey, m, sig)).toBe(true);
    expect(cache.verify(k.publicKey, msg("proposal, round 4"), sig)).toBe(false);
    expect(cache.verify(other.publicKey, m, sig)).toBe(false);
    const forged = Uint8Array.from(sig);
    forged[5] = (forged[5] as number) ^ 1;
    expect(cache.verify(k.publicKey, m, forged)).toBe(false);
    expect(cache.verify(k.publicKey, m, forged)).toBe(false);
    expect(cache.hits).toBe(0);
    expect(cache.size).toBe(1);
    // The first verdict still stands.
    expect(cache.verify(k.publicKey, m, sig)).toBe(true);
    expect(cache.hits).toBe(1);
  });

  it("keeps its own copy of the bytes, and at most `capacity` verdicts, newest kept", () => {
    const k = generateKeyPair();
    const cache = new VerifiedSignatures(2);
    const ms = [msg("a"), msg("b"), msg("c")];
    const sigs = ms.map((m) => sign(m, k.secretKey));
    ms.forEach((m, i) => {
      expect(cache.verify(k.publicKey, m, sigs[i] as Uint8Array)).toBe(true);
    });
    expect(cache.size).toBe(2);
    (ms[2] as Uint8Array)[0] = 0x7a;
    expect(cache.verify(k.publicKey, ms[2] as Uint8Array, sigs[2] as Uint8Array)).toBe(false);
    expect(cache.verify(k.publicKey, msg("b"), sigs[1] as Uint8Array)).toBe(true);
    expect(cache.hits).toBe(1);
    expect(cache.verify(k.publicKey, msg("a"), sigs[0] as Uint8Array)).toBe(true);
    expect(cache.hits).toBe(1);
    expect(() => new VerifiedSignatures(0)).toThrow(RangeError);
  });
});
