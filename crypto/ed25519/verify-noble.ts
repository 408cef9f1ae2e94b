// The reference verifier: the UBN rule (rule.ts) written with @noble/curves point arithmetic.
// Slower than the native verifiers; it is the rule's second, independent implementation that
// tests hold the addon to, and it settles what libsodium and OpenSSL refuse where the addon
// is not built (verify-native.ts).
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from "./keys.ts";
import { GROUP_ORDER, isCanonicalS, scalarFromBytesLE } from "./rule.ts";

const { Point } = ed25519;
type EdPoint = ReturnType<typeof Point.fromBytes>;

/** A strictly decoded point (y < p, no negative zero) that is not of small order, or null. */
function decodeStrict(bytes: Uint8Array): EdPoint | null {
  try {
    const point = Point.fromBytes(bytes, false);
    return point.isSmallOrder() ? null : point;
  } catch {
    return null;
  }
}

export function verifyNoble(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_LENGTH || signature.length !== SIGNATURE_LENGTH) return false;
  if (!isCanonicalS(signature)) return false;
  const A = decodeStrict(publicKey);
  const R = decodeStrict(signature.subarray(0, 32));
  if (A === null || R === null) return false;
  const S = scalarFromBytesLE(signature.subarray(32, 64));
  const h = sha512.create();
  h.update(signature.subarray(0, 32));
  h.update(publicKey);
  h.update(message);
  const k = scalarFromBytesLE(h.digest()) % GROUP_ORDER;
  // [8]([S]B - [k]A - R) is the identity: the cofactored equation.
  const sB = S === 0n ? Point.ZERO : Point.BASE.multiplyUnsafe(S);
  const kA = k === 0n ? Point.ZERO : A.multiplyUnsafe(k);
  return sB.subtract(kA).subtract(R).clearCofactor().is0();
}
