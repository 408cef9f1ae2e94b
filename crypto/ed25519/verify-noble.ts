// The reference verifier: the UBN rule (rule.ts) written with @noble/curves point arithmetic.
// Slower than verifyNative; it exists so the rule has a second, independent implementation
// that tests compare against OpenSSL, and for platforms without native Ed25519.
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { equalBytes } from "../bytes.ts";
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from "./keys.ts";
import { GROUP_ORDER, isCanonicalS, scalarFromBytesLE } from "./rule.ts";

const { Point } = ed25519;

export function verifyNoble(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_LENGTH || signature.length !== SIGNATURE_LENGTH) return false;
  if (!isCanonicalS(signature)) return false;
  let A: InstanceType<typeof Point>;
  try {
    A = Point.fromBytes(publicKey, false); // strict: y < p, no negative zero
  } catch {
    return false;
  }
  if (A.isSmallOrder()) return false;
  const R = signature.subarray(0, 32);
  const S = scalarFromBytesLE(signature.subarray(32, 64));
  const h = sha512.create();
  h.update(R);
  h.update(publicKey);
  h.update(message);
  const k = scalarFromBytesLE(h.digest()) % GROUP_ORDER;
  // [S]B - [k]A, compared with R as bytes (cofactorless, like OpenSSL).
  const sB = S === 0n ? Point.ZERO : Point.BASE.multiplyUnsafe(S);
  const kA = k === 0n ? Point.ZERO : A.multiplyUnsafe(k);
  const expected = sB.subtract(kA);
  // R equals this point's encoding, so R is of small order exactly when this point is.
  return equalBytes(expected.toBytes(), R) && !expected.isSmallOrder();
}
