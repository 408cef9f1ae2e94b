// The production verifier. Where UBN's addon loads (verify-addon.ts) it is the addon: the rule
// exactly, and batches at more than twice the single rate. Elsewhere, libsodium (or OpenSSL through
// node:crypto) answers first: both check the cofactorless equation, so every signature they
// accept is valid under the rule (rule.ts), and an honest signature is always accepted; what
// they refuse is checked again by verifyNoble, which implements the rule itself, because a few
// crafted signatures (with torsion components) are valid under the rule and not under theirs.
// Nodes with and without the addon therefore give the same answers, at different speeds.
//
// UBN_ED25519=libsodium or =openssl in the environment skips the addon (and with openssl,
// libsodium too): for an operator who distrusts a binding on some platform, and for measuring
// one against another.
import { addon, verifyAddon } from "./verify-addon.ts";
import { verifyNoble } from "./verify-noble.ts";
import { verifyOpenssl } from "./verify-openssl.ts";
import { verifySodium } from "./verify-sodium.ts";

export type NativeVerifierName = "ubn-addon" | "libsodium" | "openssl";

type Verify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;

const choice = process.env.UBN_ED25519;

function pick(): { name: NativeVerifierName; verify: Verify } {
  if (choice !== "libsodium" && choice !== "openssl" && verifyAddon !== null) {
    return { name: "ubn-addon", verify: verifyAddon };
  }
  const [name, first]: [NativeVerifierName, Verify] =
    choice !== "openssl" && verifySodium !== null ? ["libsodium", verifySodium] : ["openssl", verifyOpenssl];
  return { name, verify: (k, m, s) => first(k, m, s) || verifyNoble(k, m, s) };
}

const picked = pick();

/** Which verifier verifyNative uses in this process (benchmarks report it next to their rates). */
export const nativeVerifier: NativeVerifierName = picked.name;

/** True when batches are verified by the addon's combined equation (BatchVerifier uses it). */
export const nativeBatches: boolean = picked.name === "ubn-addon" && addon !== null;

/** Verifies under the UBN rule (see rule.ts) with the fastest verifier here. Never throws. */
export const verifyNative: Verify = picked.verify;
