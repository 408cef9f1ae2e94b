// The signature rule of UBN, the same for every verifier we ship:
//
//   RFC 8032 section 5.1.7 with strict decoding and the cofactorless equation:
//   - signature is 64 bytes, public key 32 bytes;
//   - S < L (the group order), so S + L is not a second valid signature;
//   - A decodes canonically (y < p, no "negative zero" x) and is not of small order;
//   - [S]B - [k]A, encoded, equals the R bytes exactly (so R must be canonical, and an R or
//     A with a torsion component is rejected unless the torsion cancels).
//
// This is what OpenSSL (node:crypto) does. The noble library's own verify uses the cofactored
// equation, which accepts more mixed-order signatures; a chain must not have two answers for
// one signature, so our noble path re-implements the rule above with noble's point arithmetic.
// test/crypto/ed25519-agreement.test.ts holds both to it.
import { ed25519 } from "@noble/curves/ed25519.js";

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
