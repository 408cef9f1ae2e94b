import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decode, EncodingError, encode } from "../../../crypto/index.ts";
import { MemoryKv } from "../../../vm/state/kv.ts";
import { StateError, StateErrorCode } from "../../../vm/state/sparse-merkle-errors.ts";
import {
  type StateProof,
  stateProofCodec,
  stateProofShapeProblem,
  verifyStateProof,
} from "../../../vm/state/sparse-merkle-proof.ts";
import { SparseMerkleState } from "../../../vm/state/sparse-merkle-state.ts";
import { hexOf } from "./reference-tree.ts";

const bytes = (...b: number[]) => Uint8Array.from(b);
const flipBit = (b: Uint8Array, i = 0) => Uint8Array.from(b, (x, j) => (j === i ? x ^ 1 : x));

async function stateWith(keys: Uint8Array[]): Promise<SparseMerkleState> {
  const state = await SparseMerkleState.open(new MemoryKv());
  keys.forEach((k, i) => {
    state.set(k, bytes(i & 0xff, 0xaa));
  });
  await state.commit();
  return state;
}

/** Every way to misuse or tamper with a valid proof of `key` (holding `value` or absent). */
function tamperings(proof: StateProof): StateProof[] {
  const out: StateProof[] = [];
  proof.siblings.forEach((_, i) => {
    out.push({ ...proof, siblings: proof.siblings.map((s, j) => (j === i ? flipBit(s, 31) : s)) });
  });
  if (proof.leaf !== null) {
    out.push({ ...proof, leaf: { ...proof.leaf, valueHash: flipBit(proof.leaf.valueHash) } });
    out.push({ ...proof, leaf: { ...proof.leaf, keyHash: flipBit(proof.leaf.keyHash, 31) } });
    out.push({ ...proof, leaf: null });
  }
  if (proof.depth > 0) {
    // Dropping the last step, or claiming one sibling empty.
    const depth = proof.depth - 1;
    const emptySiblings = proof.emptySiblings.slice(0, Math.ceil(depth / 8));
    const last = emptySiblings.length - 1;
    if (depth % 8 !== 0) emptySiblings[last] = (emptySiblings[last] as number) & (0xff << (8 - (depth % 8)));
    const lastEmpty = ((proof.emptySiblings[depth >> 3] as number) >> (7 - (depth & 7))) & 1;
    out.push({ ...proof, depth, emptySiblings, siblings: lastEmpty ? proof.siblings : proof.siblings.slice(0, -1) });
  }
  return out;
}

describe("state proofs", () => {
  it("prove inclusion of every key and absence of others, and nothing else", async () => {
    let emptyEnds = 0;
    let otherLeafEnds = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 3 }), { maxLength: 48, selector: hexOf }),
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
        async (present, probes) => {
          const state = await stateWith(present);
          const root = state.root;
          const presentIds = new Set(present.map(hexOf));
          for (const [i, key] of present.entries()) {
            const value = bytes(i & 0xff, 0xaa);
            const proof = await state.prove(key);
            expect(verifyStateProof(root, key, value, proof)).toBe(true);
            expect(verifyStateProof(root, key, bytes(i & 0xff, 0xab), proof)).toBe(false);
            expect(verifyStateProof(root, key, undefined, proof)).toBe(false);
            expect(verifyStateProof(root, bytes(...key, 0), value, proof)).toBe(false);
            expect(verifyStateProof(flipBit(root), key, value, proof)).toBe(false);
            for (const bad of tamperings(proof)) expect(verifyStateProof(root, key, value, bad)).toBe(false);
          }
          for (const key of probes.filter((k) => !presentIds.has(hexOf(k)))) {
            const proof = await state.prove(key);
            if (proof.leaf === null) emptyEnds++;
            else otherLeafEnds++;
            expect(verifyStateProof(root, key, undefined, proof)).toBe(true);
            expect(verifyStateProof(root, key, bytes(0, 0xaa), proof)).toBe(false);
            for (const bad of tamperings(proof)) expect(verifyStateProof(root, key, undefined, bad)).toBe(false);
            // The absence proof of one key says nothing about a present key.
            if (present.length > 0) {
              expect(verifyStateProof(root, present[0] as Uint8Array, undefined, proof)).toBe(false);
            }
          }
        },
      ),
      { numRuns: 50 },
    );
    // Both kinds of absence were exercised.
    expect(emptyEnds).toBeGreaterThan(0);
    expect(otherLeafEnds).toBeGreaterThan(0);
  });

  it("prove absence in the empty state and in a one-key state", async () => {
    const empty = await stateWith([]);
    const p0 = await empty.prove(bytes(1));
    expect(p0).toEqual({ depth: 0, emptySiblings: new Uint8Array(0), siblings: [], leaf: null });
    expect(verifyStateProof(empty.root, bytes(1), undefined, p0)).toBe(true);

    const one = await stateWith([bytes(1)]);
    const p1 = await one.prove(bytes(2));
    expect(p1.depth).toBe(0);
    expect(p1.leaf).not.toBeNull();
    expect(verifyStateProof(one.root, bytes(2), undefined, p1)).toBe(true);
    expect(verifyStateProof(one.root, bytes(1), bytes(0, 0xaa), await one.prove(bytes(1)))).toBe(true);
  });

  it("prove against an older root, and refuse a root never committed", async () => {
    const state = await stateWith([bytes(1), bytes(2), bytes(3)]);
    const oldRoot = state.root;
    state.set(bytes(2), bytes(9));
    state.delete(bytes(3));
    await state.commit();
    const old2 = await state.prove(bytes(2), oldRoot);
    expect(verifyStateProof(oldRoot, bytes(2), bytes(1, 0xaa), old2)).toBe(true);
    expect(verifyStateProof(oldRoot, bytes(3), bytes(2, 0xaa), await state.prove(bytes(3), oldRoot))).toBe(true);
    expect(verifyStateProof(state.root, bytes(3), undefined, await state.prove(bytes(3)))).toBe(true);
    expect(verifyStateProof(state.root, bytes(2), bytes(9), await state.prove(bytes(2), state.root))).toBe(true);

    const err = await state.prove(bytes(1), new Uint8Array(32).fill(7)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as StateError).code).toBe(StateErrorCode.unknownRoot);
  });

  it("compress empty siblings into the bitmap", async () => {
    // Keys whose hashes share a long prefix leave a chain of internal nodes with empty siblings.
    const state = await stateWith(Array.from({ length: 300 }, (_, i) => bytes(i & 0xff, i >> 8)));
    let compressed = 0;
    for (let i = 0; i < 300; i++) {
      const proof = await state.prove(bytes(i & 0xff, i >> 8));
      expect(stateProofShapeProblem(proof)).toBeUndefined();
      compressed += proof.depth - proof.siblings.length;
    }
    expect(compressed).toBeGreaterThan(0);
  });

  it("round-trip through the canonical codec and refuse inconsistent proofs", async () => {
    const state = await stateWith(Array.from({ length: 64 }, (_, i) => bytes(i)));
    for (const key of [bytes(5), bytes(200)]) {
      const proof = await state.prove(key);
      const back = decode(stateProofCodec, encode(stateProofCodec, proof));
      expect(back).toEqual(proof);
      expect(verifyStateProof(state.root, key, key[0] === 5 ? bytes(5, 0xaa) : undefined, back)).toBe(true);
    }
    const good = await state.prove(bytes(5));
    const bad: StateProof[] = [
      { ...good, depth: good.depth + 1 },
      { ...good, siblings: [...good.siblings, new Uint8Array(32).fill(1)] },
      { ...good, siblings: good.siblings.map((s, i) => (i === 0 ? new Uint8Array(32) : s)) },
      { ...good, emptySiblings: Uint8Array.from([...good.emptySiblings, 0]) },
      { ...good, depth: 257, emptySiblings: new Uint8Array(33) },
    ];
    if (good.depth % 8 !== 0) {
      // A bitmap bit past the depth.
      const emptySiblings = good.emptySiblings.slice();
      emptySiblings[emptySiblings.length - 1] = (emptySiblings[emptySiblings.length - 1] as number) | 1;
      bad.push({ ...good, emptySiblings });
    }
    for (const p of bad) {
      expect(stateProofShapeProblem(p)).toBeDefined();
      expect(verifyStateProof(state.root, bytes(5), bytes(5, 0xaa), p)).toBe(false);
      expect(() => encode(stateProofCodec, p)).toThrow(EncodingError);
    }
    // The same inconsistency arriving as bytes is refused by the decoder.
    const raw = encode(stateProofCodec, { ...good, siblings: [], depth: 0, emptySiblings: new Uint8Array(0) });
    expect(() => decode(stateProofCodec, raw)).not.toThrow();
    const forged = Uint8Array.from(raw);
    forged[1] = 3; // depth 3 with an empty bitmap
    expect(() => decode(stateProofCodec, forged)).toThrow(EncodingError);
  });

  it("return false, not throw, for malformed arguments", () => {
    const proof = { depth: 0, emptySiblings: new Uint8Array(0), siblings: [], leaf: null };
    expect(verifyStateProof(new Uint8Array(31), bytes(1), undefined, proof)).toBe(false);
    expect(verifyStateProof(new Uint8Array(32), bytes(1), undefined, null as unknown as StateProof)).toBe(false);
    expect(
      verifyStateProof(new Uint8Array(32), bytes(1), undefined, { ...proof, siblings: "x" } as unknown as StateProof),
    ).toBe(false);
    expect(verifyStateProof(new Uint8Array(32), bytes(1), undefined, proof)).toBe(true);
  });
});
