// Verification through libsodium, by the prebuilt binding of sodium-native: 18,700 verifications
// per second on one core here, twice OpenSSL through node:crypto (9,400), which spends the
// difference around the arithmetic (a KeyObject, an EVP context and its provider lookups per
// call). libsodium's crypto_sign_verify_detached checks S < L, A canonical and not of small
// order, R not of small order, and the cofactorless equation compared byte for byte with R:
// the UBN rule (rule.ts) but for its cofactored equation, so what it accepts is valid under the
// rule, and what it refuses may not be invalid (verify-native.ts has noble settle that).
// test/crypto/ed25519-agreement.test.ts holds it to that on every edge case of the rule.
//
// The binding is optional: a platform without a prebuild (or a failed load) leaves
// `verifySodium` null, and verifyNative uses OpenSSL instead, with the same verdicts.
import { createRequire } from "node:module";
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from "./keys.ts";

interface SodiumBinding {
  /** Aborts the process (a C assert) on a signature under 64 bytes or a key not of 32. */
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

function loadBinding(): SodiumBinding | null {
  try {
    const binding = createRequire(import.meta.url)("sodium-native") as Partial<SodiumBinding>;
    return typeof binding.crypto_sign_verify_detached === "function" ? (binding as SodiumBinding) : null;
  } catch {
    return null;
  }
}

const binding = loadBinding();

function verifyWith(sodium: SodiumBinding, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  // Lengths first: the binding takes a longer signature's first 64 bytes, and asserts on others.
  if (publicKey.length !== PUBLIC_KEY_LENGTH || signature.length !== SIGNATURE_LENGTH) return false;
  return sodium.crypto_sign_verify_detached(signature, message, publicKey);
}

/** Verifies under the UBN rule with libsodium; null where the binding did not load. Never throws. */
export const verifySodium: ((publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean) | null =
  binding === null ? null : (publicKey, message, signature) => verifyWith(binding, publicKey, message, signature);
