// SHA-256 is the one hash of the protocol. Every hash of a structure is domain-tagged so that
// bytes of one kind can never be replayed as another kind (a leaf as an inner node, a
// transaction as a vote).
//
// Hashing goes through node:crypto's one-shot digest (OpenSSL): on the short inputs of the
// protocol (transactions, addresses, tree nodes) it is several times faster than the pure-JS
// noble implementation, with the same output (test/crypto checks both against each other).
import { hash as oneShotHash } from "node:crypto";
import { utf8 } from "./bytes.ts";

export const HASH_LENGTH = 32;

export function sha256(data: Uint8Array): Uint8Array {
  const b = oneShotHash("sha256", data, "buffer");
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * SHA-256 through node:crypto's one-shot digest, as a 32-character string with one character
 * per byte (latin1). For hot paths over many short inputs (state tree nodes): on 65-97-byte
 * inputs it takes 0.29 us, against 0.9 us for the same call returning a Buffer and 1.2 us for
 * noble or createHash, because it allocates no ArrayBuffer. Such strings compare, sort and key
 * Maps natively.
 */
export function sha256Binary(data: Uint8Array): string {
  return oneShotHash("sha256", data, "binary");
}

/** sha256(len(tag) || tag || data), with the tag as UTF-8 and its length as one byte. */
export function taggedHash(tag: string, data: Uint8Array): Uint8Array {
  const prefix = tagPrefix(tag);
  const input = new Uint8Array(prefix.length + data.length);
  input.set(prefix, 0);
  input.set(data, prefix.length);
  return sha256(input);
}

/** len(tag) || tag, per tag; the protocol has a few dozen tags. */
const prefixes = new Map<string, Uint8Array>();

function tagPrefix(tag: string): Uint8Array {
  let p = prefixes.get(tag);
  if (p === undefined) {
    const tagBytes = utf8(tag);
    if (tagBytes.length > 255) throw new RangeError(`hash tag longer than 255 bytes: ${tag}`);
    p = new Uint8Array(1 + tagBytes.length);
    p[0] = tagBytes.length;
    p.set(tagBytes, 1);
    if (prefixes.size < 1024) prefixes.set(tag, p);
  }
  return p;
}
