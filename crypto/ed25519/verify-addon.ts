// Verification by UBN's own addon (crypto/ed25519/native, C, built by `npm install`): the rule
// exactly, one signature at a time at libsodium's speed, and many at once at more than twice
// it (a random linear combination of their equations; native/src/verify.c says why that needs
// the cofactored equation). The addon is optional: where it did not build, `addon` is null and
// verifyNative falls back to libsodium or OpenSSL with noble behind them (verify-native.ts).
import { createRequire } from "node:module";
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from "./keys.ts";

interface AddonBinding {
  verifyOne(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** The batch layout of batch-wire.ts; one byte per item, 1 = valid. Throws on a bad layout. */
  verifyPacked(packed: Uint8Array, count: number): Uint8Array<ArrayBuffer>;
}

function load(): AddonBinding | null {
  try {
    const binding = createRequire(import.meta.url)("./native/build/Release/ubn_ed25519.node") as Partial<AddonBinding>;
    const complete = typeof binding.verifyOne === "function" && typeof binding.verifyPacked === "function";
    return complete ? (binding as AddonBinding) : null;
  } catch {
    return null;
  }
}

/** The addon, or null where it was not built or does not load. */
export const addon: AddonBinding | null = load();

/** Verifies under the UBN rule with the addon; null where it did not load. Never throws. */
export const verifyAddon: ((publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean) | null =
  addon === null
    ? null
    : (publicKey, message, signature) =>
        publicKey.length === PUBLIC_KEY_LENGTH &&
        signature.length === SIGNATURE_LENGTH &&
        addon.verifyOne(publicKey, message, signature);
