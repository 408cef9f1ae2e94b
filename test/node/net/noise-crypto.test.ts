import { randomBytes } from "node:crypto";
import type { ICryptoInterface } from "@chainsafe/libp2p-noise";
import { defaultCrypto } from "@chainsafe/libp2p-noise/crypto";
import { Uint8ArrayList } from "uint8arraylist";
import { describe, expect, it } from "vitest";
import { NODE_FROM_BYTES, noiseCrypto } from "../../../node/net/noise-crypto.ts";

// libp2p-noise types its lists with its own copy of uint8arraylist; the class is the same.
type NoiseList = Parameters<ICryptoInterface["chaCha20Poly1305Encrypt"]>[0];
const asNoise = (list: Uint8ArrayList): NoiseList => list as unknown as NoiseList;
const flat = (x: ReturnType<ICryptoInterface["chaCha20Poly1305Encrypt"]>): Buffer =>
  Buffer.from(x instanceof Uint8Array ? x : x.subarray());
const SIZES = [0, 15, 100, NODE_FROM_BYTES - 1, NODE_FROM_BYTES, 1199, 1200, 4000, 65519];

function nonceOf(n: number): Uint8Array {
  const nonce = new Uint8Array(12);
  new DataView(nonce.buffer).setUint32(4, n, true);
  return nonce;
}

describe("Noise frame cipher", () => {
  it("seals exactly as libp2p-noise's own code, and each opens what the other sealed", () => {
    const k = randomBytes(32);
    const ad = randomBytes(32);
    SIZES.forEach((size, i) => {
      const text = randomBytes(size);
      const ours = flat(noiseCrypto.chaCha20Poly1305Encrypt(text, nonceOf(i), ad, k));
      const theirs = flat(defaultCrypto.chaCha20Poly1305Encrypt(text, nonceOf(i), ad, k));
      expect(Buffer.from(ours).equals(Buffer.from(theirs)), `size ${size}`).toBe(true);
      expect(flat(defaultCrypto.chaCha20Poly1305Decrypt(ours, nonceOf(i), ad, k))).toEqual(text);
      expect(flat(noiseCrypto.chaCha20Poly1305Decrypt(theirs, nonceOf(i), ad, k))).toEqual(text);
    });
  });

  it("takes frames in pieces (Uint8ArrayList) as well as whole", () => {
    const k = randomBytes(32);
    const text = randomBytes(5000);
    const pieces = new Uint8ArrayList(text.subarray(0, 1000), text.subarray(1000, 4321), text.subarray(4321));
    const sealed = flat(noiseCrypto.chaCha20Poly1305Encrypt(asNoise(pieces), nonceOf(7), new Uint8Array(0), k));
    const whole = flat(defaultCrypto.chaCha20Poly1305Encrypt(text, nonceOf(7), new Uint8Array(0), k));
    expect(Buffer.from(sealed).equals(Buffer.from(whole))).toBe(true);
    const split = new Uint8ArrayList(sealed.subarray(0, 2500), sealed.subarray(2500));
    expect(flat(noiseCrypto.chaCha20Poly1305Decrypt(asNoise(split), nonceOf(7), new Uint8Array(0), k))).toEqual(text);
  });

  it("refuses a frame altered in any part, under another key or nonce, or shorter than its tag", () => {
    const k = randomBytes(32);
    const ad = new Uint8Array(0);
    const sealed = flat(noiseCrypto.chaCha20Poly1305Encrypt(randomBytes(3000), nonceOf(1), ad, k));
    for (const at of [0, 1500, sealed.length - 1]) {
      const bad = Uint8Array.from(sealed);
      bad[at] = (bad[at] as number) ^ 1;
      expect(() => noiseCrypto.chaCha20Poly1305Decrypt(bad, nonceOf(1), ad, k)).toThrow();
    }
    expect(() => noiseCrypto.chaCha20Poly1305Decrypt(sealed, nonceOf(1), ad, randomBytes(32))).toThrow();
    expect(() => noiseCrypto.chaCha20Poly1305Decrypt(sealed, nonceOf(2), ad, k)).toThrow();
    const short = new Uint8Array(NODE_FROM_BYTES);
    expect(() => noiseCrypto.chaCha20Poly1305Decrypt(short.subarray(0, 10), nonceOf(1), ad, k)).toThrow();
  });

  it("follows a key changed in place instead of keeping the one it first saw", () => {
    const k = randomBytes(32);
    const text = randomBytes(2000);
    noiseCrypto.chaCha20Poly1305Encrypt(text, nonceOf(0), new Uint8Array(0), k);
    k.set(randomBytes(32));
    const ours = flat(noiseCrypto.chaCha20Poly1305Encrypt(text, nonceOf(0), new Uint8Array(0), k));
    const theirs = flat(defaultCrypto.chaCha20Poly1305Encrypt(text, nonceOf(0), new Uint8Array(0), k));
    expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
  });
});
