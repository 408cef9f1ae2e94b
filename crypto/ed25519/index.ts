export {
  BatchVerifier,
  type BatchVerifierOptions,
  defaultBatchVerifierOptions,
  type SignedItem,
  verifyHere,
} from "./batch-verifier.ts";
export * from "./keys.ts";
export { GROUP_ORDER, isCanonicalS } from "./rule.ts";
export { type NativeKeyPair, nativeKeyPair, nativeSigner } from "./sign-native.ts";
export { VerifiedSignatures } from "./verified-signatures.ts";
export { addon, verifyAddon } from "./verify-addon.ts";
export { type NativeVerifierName, nativeBatches, nativeVerifier, verifyNative } from "./verify-native.ts";
export { verifyNoble } from "./verify-noble.ts";
export { verifyOpenssl } from "./verify-openssl.ts";
export { verifySodium } from "./verify-sodium.ts";
