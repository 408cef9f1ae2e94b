// The ChaCha20-Poly1305 that Noise encrypts every frame with, keyed by a KeyObject made once per
// session key. libp2p-noise hands Node's createCipheriv the raw key bytes for frames of 1,200
// bytes and more; on Node 24 each such call first asks whether the bytes are a CryptoKey, and
// the native check answers no by building a TypeError with a stack trace. With a KeyObject that
// check is skipped: 8-9 us per 4 KB frame instead of 20-27 us on this machine, and the profile
// of a loaded devnet had 3% of the validators' main threads in that check. Frames below
// NODE_FROM_BYTES stay with libp2p-noise's own (WebAssembly) code, faster for small ones.
import crypto, { type KeyObject } from "node:crypto";
import type { ICryptoInterface } from "@chainsafe/libp2p-noise";
import { defaultCrypto } from "@chainsafe/libp2p-noise/crypto";

const CHACHA_POLY1305 = "chacha20-poly1305";
const TAG_BYTES = 16;
/** Frames from this size go through Node's cipher (measured crossover: 600-1,100 bytes). */
export const NODE_FROM_BYTES = 1024;

interface CachedKey {
  /** The bytes the KeyObject was made from, to notice a key changed in place. */
  readonly bytes: Uint8Array;
  readonly key: KeyObject;
}

// By the key array itself: a Noise session keeps one array per direction for its whole life.
const keys = new WeakMap<Uint8Array, CachedKey>();

function keyObjectOf(k: Uint8Array): KeyObject {
  const cached = keys.get(k);
  if (cached !== undefined && equalBytes(cached.bytes, k)) return cached.key;
  const made = { bytes: Uint8Array.from(k), key: crypto.createSecretKey(k) };
  keys.set(k, made);
  return made.key;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// The list type is libp2p-noise's own (its copy of uint8arraylist), hence the parameter types.
type Sealable = Parameters<ICryptoInterface["chaCha20Poly1305Encrypt"]>[0];
type Openable = Parameters<ICryptoInterface["chaCha20Poly1305Decrypt"]>[0];

function encrypt(plaintext: Sealable, nonce: Uint8Array, ad: Uint8Array, k: Uint8Array): Uint8Array {
  const cipher = crypto.createCipheriv(CHACHA_POLY1305, keyObjectOf(k), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(ad, { plaintextLength: plaintext.byteLength });
  const parts: Uint8Array[] = [];
  if (plaintext instanceof Uint8Array) parts.push(cipher.update(plaintext));
  else for (const buf of plaintext) parts.push(cipher.update(buf));
  const final = cipher.final();
  if (final.byteLength > 0) parts.push(final);
  parts.push(cipher.getAuthTag());
  return Buffer.concat(parts, plaintext.byteLength + TAG_BYTES);
}

function decrypt(frame: Openable, nonce: Uint8Array, ad: Uint8Array, k: Uint8Array): Uint8Array {
  // A frame in pieces is joined once: they are rare (a frame is read whole) and small.
  const ciphertext = frame instanceof Uint8Array ? frame : frame.subarray();
  if (ciphertext.byteLength < TAG_BYTES) throw new Error("Invalid chacha20poly1305 decryption");
  const textLength = ciphertext.byteLength - TAG_BYTES;
  const decipher = crypto.createDecipheriv(CHACHA_POLY1305, keyObjectOf(k), nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(ad, { plaintextLength: textLength });
  decipher.setAuthTag(ciphertext.subarray(textLength));
  const text = decipher.update(ciphertext.subarray(0, textLength));
  const final = decipher.final(); // throws when the tag does not match
  return final.byteLength > 0 ? Buffer.concat([text, final]) : text;
}

/** libp2p-noise's default crypto, with large frames sealed and opened as described above. */
export const noiseCrypto: ICryptoInterface = {
  ...defaultCrypto,
  chaCha20Poly1305Encrypt(plaintext, nonce, ad, k) {
    if (plaintext.byteLength < NODE_FROM_BYTES) return defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k);
    return encrypt(plaintext, nonce, ad, k);
  },
  chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst) {
    if (ciphertext.byteLength < NODE_FROM_BYTES) {
      return defaultCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst);
    }
    return decrypt(ciphertext, nonce, ad, k);
  },
};
