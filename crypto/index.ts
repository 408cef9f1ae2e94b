// crypto/: keys, signatures, hashes, canonical encoding, Merkle trees, addresses, keystore.
// Imports nothing else of ours.
export * from "./address.ts";
export * from "./bytes.ts";
export * from "./coded-error.ts";
export * from "./ed25519/index.ts";
export * from "./encoding/index.ts";
export * from "./hash.ts";
export * from "./keystore/index.ts";
export * from "./merkle.ts";
