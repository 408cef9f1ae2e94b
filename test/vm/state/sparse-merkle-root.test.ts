import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256, sha256Binary, taggedHash } from "../../../crypto/index.ts";
import { MemoryKv } from "../../../vm/state/kv.ts";
import { digestToBytes, EMPTY_ROOT, stateKeyHash } from "../../../vm/state/sparse-merkle-node.ts";
import { SparseMerkleState } from "../../../vm/state/sparse-merkle-state.ts";
import { hexOf, referenceRoot } from "./reference-tree.ts";

const bytes = (...b: number[]) => Uint8Array.from(b);
const open = () => SparseMerkleState.open(new MemoryKv());

async function rootOf(entries: [Uint8Array, Uint8Array][], batches = 1): Promise<Uint8Array> {
  const state = await open();
  const per = Math.ceil(entries.length / batches);
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i] as [Uint8Array, Uint8Array];
    state.set(k, v);
    if ((i + 1) % per === 0) await state.commit();
  }
  return state.commit();
}

// Short keys and a small alphabet of values, so that generated writes collide and overwrite.
const key = fc.uint8Array({ minLength: 0, maxLength: 4 });
const value = fc.uint8Array({ minLength: 0, maxLength: 3 });
const write = fc.tuple(key, fc.option(value, { nil: undefined }));

describe("state root", () => {
  it("is 32 zero bytes for the empty state, before and after an empty commit", async () => {
    const state = await open();
    expect(EMPTY_ROOT).toEqual(new Uint8Array(32));
    expect(state.root).toEqual(EMPTY_ROOT);
    expect(await state.pendingRoot()).toEqual(EMPTY_ROOT);
    expect(await state.commit()).toEqual(EMPTY_ROOT);
  });

  it("hashes with sha256Binary exactly what sha256 gives", () => {
    for (let n = 0; n < 200; n += 7) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(Uint8Array.from(sha256Binary(data), (c) => c.charCodeAt(0))).toEqual(sha256(data));
    }
  });

  it("hashes keys with the tagged hash the docs name", () => {
    for (const k of [bytes(), bytes(1, 2, 3), new Uint8Array(300).fill(9)]) {
      expect(digestToBytes(stateKeyHash(k))).toEqual(taggedHash("UBN/state/key/v1", k));
    }
  });

  it("has the documented form for one and two keys", async () => {
    const k1 = bytes(1);
    const v1 = bytes(10);
    const leaf1 = sha256(Uint8Array.of(0, ...taggedHash("UBN/state/key/v1", k1), ...sha256(v1)));
    expect(await rootOf([[k1, v1]])).toEqual(leaf1);
    const two = new Map([
      [hexOf(k1), v1],
      ["02", bytes(20)],
    ]);
    expect(
      await rootOf([
        [k1, v1],
        [bytes(2), bytes(20)],
      ]),
    ).toEqual(referenceRoot(two));
  });

  it("equals the naive reference for any writes, in any order and any batching", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(write, { maxLength: 60 }), fc.integer({ min: 1, max: 5 }), async (writes, batches) => {
        const model = new Map<string, Uint8Array>();
        const state = await open();
        const per = Math.ceil(writes.length / batches) || 1;
        for (let i = 0; i < writes.length; i++) {
          const [k, v] = writes[i] as [Uint8Array, Uint8Array | undefined];
          if (v === undefined) {
            state.delete(k);
            model.delete(hexOf(k));
          } else {
            state.set(k, v);
            model.set(hexOf(k), v);
          }
          if ((i + 1) % per === 0) await state.commit();
        }
        const expected = referenceRoot(model);
        expect(await state.pendingRoot()).toEqual(expected);
        expect(await state.commit()).toEqual(expected);

        // The final set written in one batch, in reverse order, into a fresh state.
        const entries = [...model].reverse().map(([k, v]) => [Uint8Array.from(Buffer.from(k, "hex")), v]);
        expect(await rootOf(entries as [Uint8Array, Uint8Array][])).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it("comes back exactly after deleting what was added", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(key, { maxLength: 40, selector: hexOf }),
        fc.uniqueArray(key, { minLength: 1, maxLength: 20, selector: hexOf }),
        async (base, extra) => {
          const added = extra.filter((k) => !base.some((b) => hexOf(b) === hexOf(k)));
          const state = await open();
          for (const k of base) state.set(k, bytes(7));
          const before = await state.commit();
          for (const k of added) state.set(k, bytes(8));
          await state.commit();
          for (const k of added) state.delete(k);
          expect(await state.commit()).toEqual(before);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("does not change for set-then-delete in one batch, nor for rewriting a value", async () => {
    const state = await open();
    for (let i = 0; i < 50; i++) state.set(bytes(i), bytes(i, 1));
    const root = await state.commit();
    state.set(bytes(200), bytes(1));
    state.delete(bytes(200));
    expect(await state.pendingRoot()).toEqual(root);
    expect(await state.commit()).toEqual(root);
    state.set(bytes(5), bytes(5, 1));
    state.delete(bytes(99)); // absent key
    expect(await state.commit()).toEqual(root);
  });

  it("goes back to the empty root when every key is deleted", async () => {
    const state = await open();
    for (let i = 0; i < 30; i++) state.set(bytes(i), bytes(i));
    await state.commit();
    for (let i = 0; i < 30; i++) state.delete(bytes(i));
    expect(await state.commit()).toEqual(EMPTY_ROOT);
  });

  it("keeps the reference root over many blocks of a larger state", async () => {
    const model = new Map<string, Uint8Array>();
    const state = await open();
    let seed = 1;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed;
    };
    for (let block = 0; block < 6; block++) {
      for (let i = 0; i < 400; i++) {
        const k = bytes(rand() % 7, rand() % 256);
        if (rand() % 5 === 0) {
          state.delete(k);
          model.delete(hexOf(k));
        } else {
          const v = bytes(block, i & 0xff);
          state.set(k, v);
          model.set(hexOf(k), v);
        }
      }
      expect(await state.commit()).toEqual(referenceRoot(model));
    }
  });
});
