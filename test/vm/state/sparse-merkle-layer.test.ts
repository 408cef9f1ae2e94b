import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type KvOp, MemoryKv } from "../../../vm/state/kv.ts";
import { StateError, StateErrorCode } from "../../../vm/state/sparse-merkle-errors.ts";
import type { StateLayer } from "../../../vm/state/sparse-merkle-layer.ts";
import { digestToBytes } from "../../../vm/state/sparse-merkle-node.ts";
import { SparseMerkleState } from "../../../vm/state/sparse-merkle-state.ts";
import { hexOf, referenceRoot } from "./reference-tree.ts";

const bytes = (...b: number[]) => Uint8Array.from(b);
const keyOf = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));

/** One block's writes: a value, or undefined to delete. */
type Block = [Uint8Array, Uint8Array | undefined][];

function applyTo(model: Map<string, Uint8Array>, block: Block): Map<string, Uint8Array> {
  const next = new Map(model);
  for (const [k, v] of block) {
    if (v === undefined) next.delete(hexOf(k));
    else next.set(hexOf(k), v);
  }
  return next;
}

/** Executes `block` on `below` (or the committed tree) and returns its layer. */
async function execute(state: SparseMerkleState, below: StateLayer | undefined, block: Block): Promise<StateLayer> {
  state.discard();
  if (below !== undefined) expect(state.stackOn(below)).toBe(true);
  for (const [k, v] of block) {
    if (v === undefined) state.delete(k);
    else state.set(k, v);
  }
  const layer = await state.layer();
  state.discard();
  return layer;
}

async function expectState(state: SparseMerkleState, model: ReadonlyMap<string, Uint8Array>, keys: Iterable<string>) {
  for (const k of keys) expect(await state.get(keyOf(k)), k).toEqual(model.get(k));
}

const block = fc.array(
  fc.tuple(
    fc.uint8Array({ minLength: 1, maxLength: 2 }),
    fc.option(fc.uint8Array({ maxLength: 3 }), { nil: undefined }),
  ),
  { maxLength: 24 },
);

describe("state layers", () => {
  it("give each block of a chain the root of all writes so far, and commit to the same state", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(block, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 3 }),
        async (blocks, lag) => {
          const kv = new MemoryKv();
          const state = await SparseMerkleState.open(kv, { nodeCacheSize: 8, readCacheSize: 4 });
          const models: Map<string, Uint8Array>[] = [];
          const layers: StateLayer[] = [];
          const touched = new Set<string>();
          let model = new Map<string, Uint8Array>();
          let committed = 0;
          for (const b of blocks) {
            for (const [k] of b) touched.add(hexOf(k));
            // Blocks commit `lag` blocks behind the newest, as 2-chain HotStuff commits a parent.
            const layer = await execute(state, layers[layers.length - 1], b);
            model = applyTo(model, b);
            expect(hexOf(digestToBytes(layer.root))).toBe(hexOf(referenceRoot(model)));
            layers.push(layer);
            models.push(model);
            while (layers.length - committed > lag) {
              const root = await state.commitLayer(layers[committed] as StateLayer);
              expect(root).toEqual(referenceRoot(models[committed] as Map<string, Uint8Array>));
              committed++;
            }
          }
          // Reads on the newest layer see every block's writes.
          state.stackOn(layers[layers.length - 1] as StateLayer);
          await expectState(state, model, touched);
          state.discard();
          for (; committed < layers.length; committed++) await state.commitLayer(layers[committed] as StateLayer);
          expect(state.root).toEqual(referenceRoot(model));
          const reopened = await SparseMerkleState.open(kv);
          expect(reopened.root).toEqual(referenceRoot(model));
          await expectState(reopened, model, touched);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("commit nothing for a block whose parent lost, and do not stack on it", async () => {
    const kv = new MemoryKv();
    let writes = 0;
    const write = kv.write.bind(kv);
    kv.write = (ops: readonly KvOp[]) => {
      writes++;
      return write(ops);
    };
    const state = await SparseMerkleState.open(kv);
    const parent = await execute(state, undefined, [[bytes(1), bytes(1)]]);
    const winner = await execute(state, parent, [[bytes(2), bytes(2)]]);
    const loser = await execute(state, parent, [[bytes(2), bytes(3)]]);
    const loserChild = await execute(state, loser, [[bytes(4), bytes(4)]]);
    expect(await state.commitLayer(parent)).toBeDefined();
    expect(await state.commitLayer(winner)).toBeDefined();
    const root = state.root;
    expect(writes).toBe(2);
    expect(await state.commitLayer(loser)).toBeUndefined();
    expect(await state.commitLayer(loserChild)).toBeUndefined();
    expect(state.stackOn(loserChild)).toBe(false);
    expect(state.root).toEqual(root);
    expect(writes).toBe(2);
    expect(await state.get(bytes(2))).toEqual(bytes(2));
    expect(await state.get(bytes(4))).toBeUndefined();
  });

  it("keep reads and roots right when a deletion collapses a subtree the layer below made", async () => {
    const state = await SparseMerkleState.open(new MemoryKv());
    const many: Block = Array.from({ length: 40 }, (_, i) => [bytes(i), bytes(i, 1)]);
    const full = await execute(state, undefined, many);
    const emptied = await execute(
      state,
      full,
      many.slice(1).map(([k]) => [k, undefined]),
    );
    expect(hexOf(digestToBytes(emptied.root))).toBe(hexOf(referenceRoot(new Map([[hexOf(bytes(0)), bytes(0, 1)]]))));
    const nothing = await execute(state, emptied, []);
    expect(nothing.root).toBe(emptied.root);
    await state.commitLayer(full);
    await state.commitLayer(emptied);
    expect(await state.commitLayer(nothing)).toEqual(state.root);
    expect(await state.get(bytes(0))).toEqual(bytes(0, 1));
    expect(await state.get(bytes(5))).toBeUndefined();
  });

  it("refuse to mix with pending writes, and commit() refuses writes standing on a layer", async () => {
    const state = await SparseMerkleState.open(new MemoryKv());
    const layer = await execute(state, undefined, [[bytes(1), bytes(1)]]);
    state.set(bytes(9), bytes(9));
    expect(() => state.stackOn(layer)).toThrow(StateError);
    await expect(state.commitLayer(layer)).rejects.toMatchObject({ code: StateErrorCode.pendingWrites });
    state.discard();
    state.stackOn(layer);
    state.set(bytes(2), bytes(2));
    await expect(state.commit()).rejects.toMatchObject({ code: StateErrorCode.onLayer });
    state.discard();
    expect(await state.commitLayer(layer)).toBeDefined();
    expect(await state.get(bytes(1))).toEqual(bytes(1));
  });
});
