// Signing through node:crypto gives the same public key and the same signatures as the noble
// implementation the keystore and wallets use (RFC 8032 signing is deterministic).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keyPairFromSeed, nativeKeyPair, nativeSigner, sign } from "../../crypto/index.ts";

describe("native Ed25519 signing", () => {
  it("agrees with noble on keys and signatures", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), (seed, msg) => {
        const native = nativeKeyPair(seed);
        const noble = keyPairFromSeed(seed);
        expect(native.publicKey).toEqual(noble.publicKey);
        expect(native.sign(msg)).toEqual(sign(msg, noble.secretKey));
        expect(nativeSigner(seed)(msg)).toEqual(sign(msg, noble.secretKey));
      }),
      { numRuns: 100 },
    );
  });

  it("refuses a secret key of the wrong length", () => {
    expect(() => nativeKeyPair(new Uint8Array(31))).toThrow(RangeError);
  });
});
