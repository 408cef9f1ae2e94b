// SHA-256 is the one hash of the protocol. Every hash of a structure is domain-tagged so that
// bytes of one kind can never be replayed as another kind (a leaf as an inner node, a
// transaction as a vote).
import { hash as oneShotHash } from "node:crypto";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { utf8 } from "./bytes.ts";

export const HASH_LENGTH = 32;

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
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
  const tagBytes = utf8(tag);
  if (tagBytes.length > 255) throw new RangeError(`hash tag longer than 255 bytes: ${tag}`);
  const h = nobleSha256.create();
  h.update(Uint8Array.of(tagBytes.length));
  h.update(tagBytes);
  h.update(data);
  return h.digest();
}
