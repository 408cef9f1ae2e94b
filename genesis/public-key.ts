// Which validator keys a genesis accepts. Beyond 32 bytes, the key must decode strictly (as the
// signature rule in crypto/ed25519/rule.ts demands) and lie in the prime-order subgroup: a
// small-order key lets anyone forge its signatures, and a key with a torsion component was not
// made by any honest key generator (`ubn keys new` never makes one). Refusing them at genesis
// costs about a millisecond per key.
import { ed25519 } from "@noble/curves/ed25519.js";
import { PUBLIC_KEY_LENGTH } from "../crypto/index.ts";

/** Why `publicKey` cannot be a validator key, or undefined when it can. */
export function validatorKeyProblem(publicKey: Uint8Array): string | undefined {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) {
    return `must be ${PUBLIC_KEY_LENGTH} bytes, got ${publicKey.length}`;
  }
  let point: ReturnType<typeof ed25519.Point.fromBytes>;
  try {
    point = ed25519.Point.fromBytes(publicKey, false);
  } catch {
    return "is not a canonical encoding of an Ed25519 curve point";
  }
  if (point.isSmallOrder()) return "is a small-order Ed25519 point, for which anyone can forge signatures";
  if (!point.isTorsionFree()) return "is not in the prime-order subgroup of Ed25519 (it has a torsion component)";
  return undefined;
}
