export {
  BatchVerifier,
  type BatchVerifierOptions,
  defaultBatchVerifierOptions,
  type SignedItem,
} from "./batch-verifier.ts";
export * from "./keys.ts";
export { GROUP_ORDER, isCanonicalS } from "./rule.ts";
export { type NativeKeyPair, nativeKeyPair, nativeSigner } from "./sign-native.ts";
export { VerifiedSignatures } from "./verified-signatures.ts";
export { verifyNative } from "./verify-native.ts";
export { verifyNoble } from "./verify-noble.ts";
