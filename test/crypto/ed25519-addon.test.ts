// The addon's own face: its layout checks, and the batch path's answers on large inputs. Its
// verdicts are held to the rule in ed25519-agreement.test.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { utf8 } from "../../crypto/bytes.ts";
import { packBatch } from "../../crypto/ed25519/batch-wire.ts";
import { addon, keyPairFromSeed, sign, verifyAddon, verifyNoble } from "../../crypto/ed25519/index.ts";

const key = keyPairFromSeed(new Uint8Array(32).fill(3));
const item = (i: number) => {
  const message = utf8(`addon ${i}`);
  return { publicKey: key.publicKey, message, signature: sign(message, key.secretKey) };
};

describe("the ed25519 addon", () => {
  it("is built here", () => {
    expect(addon).not.toBeNull();
  });

  it("refuses a packed batch shorter than its count, or a message that runs past its end", () => {
    const packed = packBatch([item(0), item(1)]);
    expect(Array.from(addon?.verifyPacked(packed, 2) ?? [])).toEqual([1, 1]);
    expect(() => addon?.verifyPacked(packed, 3)).toThrow(/shorter than its count/);
    expect(() => addon?.verifyPacked(packed.subarray(0, packed.length - 1), 2)).toThrow(/past the batch/);
    expect(Array.from(addon?.verifyPacked(new Uint8Array(0), 0) ?? [1])).toEqual([]);
  });

  it("answers false for wrong lengths and throws only for arguments that are not bytes", () => {
    const it0 = item(0);
    expect(verifyAddon?.(it0.publicKey.subarray(1), it0.message, it0.signature)).toBe(false);
    expect(verifyAddon?.(it0.publicKey, it0.message, it0.signature.subarray(1))).toBe(false);
    expect(addon?.verifyOne(it0.publicKey, it0.message, it0.signature)).toBe(true);
    expect(() => addon?.verifyOne(it0.publicKey, "text" as unknown as Uint8Array, it0.signature)).toThrow(TypeError);
  });

  it("checks a batch of 2,000 in one call, with one spoiled signature found wherever it is", () => {
    const items = Array.from({ length: 2000 }, (_, i) => item(i));
    for (const spoiled of [0, 255, 256, 1999]) {
      const copy = items.map((it) => ({ ...it }));
      const sig = Uint8Array.from((copy[spoiled] as (typeof copy)[number]).signature);
      sig[40] = (sig[40] as number) ^ 1;
      (copy[spoiled] as (typeof copy)[number]).signature = sig;
      const results = addon?.verifyPacked(packBatch(copy), copy.length) ?? new Uint8Array(0);
      expect(results.length).toBe(2000);
      expect(results.indexOf(0), `spoiled at ${spoiled}`).toBe(spoiled);
      expect(results.lastIndexOf(0)).toBe(spoiled);
    }
  });

  it("gives noble's verdict on random keys and signatures, alone and in batches", () => {
    const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
    const randomItem = fc.record({
      publicKey: bytes(32),
      message: fc.uint8Array({ maxLength: 64 }),
      signature: bytes(64),
    });
    fc.assert(
      fc.property(fc.array(randomItem, { minLength: 1, maxLength: 40 }), (items) => {
        // Half the keys are made valid points, and S below 2^252, so the equation itself is reached.
        const shaped = items.map((it, i) => ({
          ...it,
          publicKey: i % 2 === 0 ? keyPairFromSeed(it.publicKey).publicKey : it.publicKey,
          signature: Uint8Array.from(it.signature, (b, j) => (j === 63 ? b & 0x0f : b)),
        }));
        const expected = shaped.map((it) => verifyNoble(it.publicKey, it.message, it.signature));
        const batch = Array.from(addon?.verifyPacked(packBatch(shaped), shaped.length) ?? [], (b) => b === 1);
        const alone = shaped.map((it) => verifyAddon?.(it.publicKey, it.message, it.signature));
        return JSON.stringify(batch) === JSON.stringify(expected) && JSON.stringify(alone) === JSON.stringify(expected);
      }),
      { numRuns: 60, seed: 0xadd0 },
    );
  });
});
