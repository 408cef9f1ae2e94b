import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  leafHash,
  merkleProof,
  merkleRoot,
  merkleRootOfLeafHashes,
  nodeHash,
  sha256,
  verifyMerkleProof,
} from "../../crypto/index.ts";

const items = (n: number) => Array.from({ length: n }, (_, i) => Uint8Array.of(i, i >> 8, 7));

describe("merkle tree", () => {
  it("has the documented shape for small trees", () => {
    const [a, b, c] = items(3).map(leafHash) as [Uint8Array, Uint8Array, Uint8Array];
    expect(merkleRoot([])).toEqual(sha256(new Uint8Array(0)));
    expect(merkleRoot(items(1))).toEqual(a);
    expect(merkleRoot(items(2))).toEqual(nodeHash(a, b));
    // The odd leaf moves up unchanged; it is never paired with itself.
    expect(merkleRoot(items(3))).toEqual(nodeHash(nodeHash(a, b), c));
  });

  it("computes the same root as hashing leaf by leaf and level by level, for items of any length", () => {
    const reference = (list: Uint8Array[]) => {
      let level = list.map(leafHash);
      while (level.length > 1) {
        const up: Uint8Array[] = [];
        for (let i = 0; i + 1 < level.length; i += 2)
          up.push(nodeHash(level[i] as Uint8Array, level[i + 1] as Uint8Array));
        if (level.length % 2 === 1) up.push(level[level.length - 1] as Uint8Array);
        level = up;
      }
      return level[0];
    };
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 70 }), (list) => {
        expect(merkleRoot(list)).toEqual(reference(list));
        expect(merkleRootOfLeafHashes(list.map(leafHash))).toEqual(reference(list));
      }),
      { numRuns: 200 },
    );
  });

  it("separates leaves from inner nodes", () => {
    // A two-leaf tree's root must not equal the leaf hash of its concatenated children.
    const [a, b] = items(2).map(leafHash) as [Uint8Array, Uint8Array];
    const forged = Uint8Array.from([...a, ...b]);
    expect(merkleRoot([forged])).not.toEqual(merkleRoot(items(2)));
  });

  it("does not let a list with a duplicated last leaf share a root", () => {
    const three = items(3);
    expect(merkleRoot([...three, three[2] as Uint8Array])).not.toEqual(merkleRoot(three));
  });

  it("proves every leaf of trees of size 1..40 and rejects tampering", () => {
    for (let n = 1; n <= 40; n++) {
      const list = items(n);
      const root = merkleRoot(list);
      for (let i = 0; i < n; i++) {
        const proof = merkleProof(list, i);
        expect(verifyMerkleProof(root, n, list[i] as Uint8Array, proof)).toBe(true);
        expect(verifyMerkleProof(root, n, Uint8Array.of(99, 99), proof)).toBe(false);
        if (n > 1) {
          expect(verifyMerkleProof(root, n, list[i] as Uint8Array, { ...proof, index: (i + 1) % n })).toBe(false);
          const bad = proof.siblings.map((s, k) => (k === 0 ? Uint8Array.from(s, (x) => x ^ 1) : s));
          expect(verifyMerkleProof(root, n, list[i] as Uint8Array, { ...proof, siblings: bad })).toBe(false);
          expect(
            verifyMerkleProof(root, n, list[i] as Uint8Array, { ...proof, siblings: proof.siblings.slice(1) }),
          ).toBe(false);
        }
      }
    }
  });

  it("takes the leaf count from the caller, so a leaf cannot be moved to another index", () => {
    // In a 3-leaf tree, leaf 2's path is the same as leaf 1's in a 2-leaf tree with the same root.
    const list = items(3);
    const root = merkleRoot(list);
    const proof = merkleProof(list, 2);
    expect(verifyMerkleProof(root, 3, list[2] as Uint8Array, proof)).toBe(true);
    expect(verifyMerkleProof(root, 3, list[2] as Uint8Array, { ...proof, index: 1 })).toBe(false);
  });

  it("rejects proofs with nonsense indices", () => {
    const list = items(4);
    const root = merkleRoot(list);
    const proof = merkleProof(list, 1);
    for (const index of [-1, 4, 1.5, Number.NaN]) {
      expect(verifyMerkleProof(root, 4, list[1] as Uint8Array, { ...proof, index })).toBe(false);
    }
    expect(() => merkleProof(list, 4)).toThrow(RangeError);
  });

  it("verifies proofs for random lists", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: 1, maxLength: 64 }), fc.nat(), (list, k) => {
        const i = k % list.length;
        const proof = merkleProof(list, i);
        expect(verifyMerkleProof(merkleRoot(list), list.length, list[i] as Uint8Array, proof)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
