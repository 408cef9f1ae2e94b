// An independent, deliberately naive definition of the state root, written from docs/state.md
// with the reference SHA-256 (noble) and nothing from vm/state: the root of a set of (key,
// value) pairs, computed from scratch by recursion over the key-hash bits.
import { concatBytes, sha256, taggedHash } from "../../../crypto/index.ts";

const keyHash = (key: Uint8Array) => taggedHash("UBN/state/key/v1", key);
const bit = (h: Uint8Array, d: number) => ((h[d >> 3] as number) >> (7 - (d & 7))) & 1;

export function referenceRoot(entries: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const leaves = [...entries].map(([hexKey, value]) => ({
    keyHash: keyHash(Uint8Array.from(Buffer.from(hexKey, "hex"))),
    valueHash: sha256(value),
  }));
  const subtree = (set: typeof leaves, depth: number): Uint8Array => {
    if (set.length === 0) return new Uint8Array(32);
    if (set.length === 1) {
      const [leaf] = set as [(typeof leaves)[number]];
      return sha256(concatBytes(Uint8Array.of(0), leaf.keyHash, leaf.valueHash));
    }
    const left = subtree(
      set.filter((l) => bit(l.keyHash, depth) === 0),
      depth + 1,
    );
    const right = subtree(
      set.filter((l) => bit(l.keyHash, depth) === 1),
      depth + 1,
    );
    return sha256(concatBytes(Uint8Array.of(1), left, right));
  };
  return subtree(leaves, 0);
}

export const hexOf = (b: Uint8Array) => Buffer.from(b).toString("hex");
