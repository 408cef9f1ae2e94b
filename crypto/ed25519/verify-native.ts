// The production verifier: libsodium where its binding loads, else OpenSSL through node:crypto.
// Both check the same rule (rule.ts) and the agreement tests hold them to it, so nodes that use
// different ones never answer differently; only the speed differs (libsodium about 2x here).
//
// UBN_ED25519=openssl in the environment picks OpenSSL even where libsodium loads: for an
// operator who distrusts the binding on some platform, and for measuring one against the other.
import { verifyOpenssl } from "./verify-openssl.ts";
import { verifySodium } from "./verify-sodium.ts";

export type NativeVerifierName = "libsodium" | "openssl";

const sodium = process.env.UBN_ED25519 === "openssl" ? null : verifySodium;

/** Which library verifyNative uses in this process (benchmarks report it next to their rates). */
export const nativeVerifier: NativeVerifierName = sodium !== null ? "libsodium" : "openssl";

/** Verifies under the UBN rule (see rule.ts) with the fastest native library here. Never throws. */
export const verifyNative: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean =
  sodium ?? verifyOpenssl;
