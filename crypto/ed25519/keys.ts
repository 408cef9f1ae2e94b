// Key generation and signing use @noble/curves (audited, constant-time signing).
import { ed25519 } from "@noble/curves/ed25519.js";

export const PUBLIC_KEY_LENGTH = 32;
export const SECRET_KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;

export interface KeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

export function generateKeyPair(): KeyPair {
  const secretKey = ed25519.utils.randomSecretKey();
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

/** Deterministic key pair from a 32-byte seed (devnets and tests). */
export function keyPairFromSeed(seed: Uint8Array): KeyPair {
  if (seed.length !== SECRET_KEY_LENGTH) throw new RangeError(`seed must be ${SECRET_KEY_LENGTH} bytes`);
  return { secretKey: Uint8Array.from(seed), publicKey: ed25519.getPublicKey(seed) };
}

export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(secretKey);
}

export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretKey);
}
