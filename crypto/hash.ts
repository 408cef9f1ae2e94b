// SHA-256 is the one hash of the protocol. Every hash of a structure is domain-tagged so that
// bytes of one kind can never be replayed as another kind (a leaf as an inner node, a
// transaction as a vote).
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { utf8 } from "./bytes.ts";

export const HASH_LENGTH = 32;

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
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
