// Ed25519 signing through node:crypto with the key parsed once: the same signatures as the
// noble `sign` (RFC 8032 signing is deterministic), several times faster, for a node that
// signs every vote and proposal, and for tools that make many keys (no noble point math).
import { createPrivateKey, createPublicKey, sign } from "node:crypto";
import { SECRET_KEY_LENGTH } from "./keys.ts";

// DER prefix of a PKCS#8 Ed25519 private key (RFC 8410), followed by the 32-byte seed.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export interface NativeKeyPair {
  publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export function nativeKeyPair(secretKey: Uint8Array): NativeKeyPair {
  if (secretKey.length !== SECRET_KEY_LENGTH) {
    throw new RangeError(`an Ed25519 secret key is ${SECRET_KEY_LENGTH} bytes`);
  }
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secretKey]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(key).export({ format: "der", type: "spki" });
  return {
    publicKey: new Uint8Array(spki.subarray(spki.length - 32)),
    sign: (message) => new Uint8Array(sign(null, message, key)),
  };
}

export function nativeSigner(secretKey: Uint8Array): (message: Uint8Array) => Uint8Array {
  return nativeKeyPair(secretKey).sign;
}
