// The signature rule of UBN, the same for every verifier we ship:
//
//   RFC 8032 section 5.1.7 with strict decoding and the cofactored equation:
//   - signature is 64 bytes, public key 32 bytes;
//   - S < L (the group order), so S + L is not a second valid signature;
//   - A and R decode canonically (y < p, no "negative zero" x) and are not of small order;
//   - [8]([S]B - [k]A - R) is the identity, with k = SHA-512(R || A || M) mod L.
//
// The equation is the cofactored one (as in ZIP 215, which CometBFT uses) so that many
// signatures can be checked at once by a random linear combination of their equations and
// get exactly the verdicts they get one by one: with the cofactorless equation the torsion
// parts of crafted signatures could cancel inside a combination (native/src/verify.c).
// Honest signatures are valid under both equations; only crafted ones with a torsion component
// in A or R tell them apart, and for those the cofactored rule accepts where OpenSSL and
// libsodium (cofactorless) refuse. So those two may say yes for the rule, never no:
// verifyNative has verifyNoble settle their refusals where the addon is not built.
// test/crypto/ed25519-agreement.test.ts holds every verifier to this.
import { ed25519 } from "@noble/curves/ed25519.js";
import { fromHex } from "../bytes.ts";

export const GROUP_ORDER: bigint = ed25519.Point.Fn.ORDER;

/** Little-endian 32 bytes as an integer. */
export function scalarFromBytesLE(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number);
  return n;
}

/** True when S (the second half of a signature) is fully reduced: S < L. */
export function isCanonicalS(signature: Uint8Array): boolean {
  // Fast path: L < 2^253, so any S with one of the top three bits set is too big.
  if (((signature[63] as number) & 0xe0) !== 0) return false;
  return scalarFromBytesLE(signature.subarray(32, 64)) < GROUP_ORDER;
}

/** True when the y coordinate of a 32-byte point encoding is reduced: y < p = 2^255 - 19. */
export function hasCanonicalY(point: Uint8Array): boolean {
  // Only y in [p, 2^255) is too big: bytes ed..ff, then 30 bytes ff, then 7f (sign bit aside).
  if (((point[31] as number) & 0x7f) !== 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (point[i] !== 0xff) return true;
  return (point[0] as number) < 0xed;
}

// The y coordinates of the eight points of small order (orders 1, 2, 4 and 8), encoded with the
// sign bit clear. Each y stands for both signs of x, so the list also covers the "negative zero"
// encodings of the identity and of the point of order 2. test/crypto/ed25519-agreement.test.ts
// derives the eight points from the curve and checks them against this list.
const SMALL_ORDER_Y = [
  "0100000000000000000000000000000000000000000000000000000000000000", // identity
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2: y = p - 1
  "0000000000000000000000000000000000000000000000000000000000000000", // order 4: y = 0
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8: y = p - above
].map((hex) => fromHex(hex, 32));

/**
 * True when a 32-byte point encoding with canonical y is a point of small order (either sign of
 * x, including the invalid "negative zero" x). A non-canonical y (see hasCanonicalY) is not
 * recognised here.
 */
export function isSmallOrderEncoding(point: Uint8Array): boolean {
  outer: for (const y of SMALL_ORDER_Y) {
    for (let i = 0; i < 31; i++) if (point[i] !== y[i]) continue outer;
    if (((point[31] as number) & 0x7f) === y[31]) return true;
  }
  return false;
}
