// Node flushes every few commits (nodeFlushInterval): the commits between journal their keys,
// and reopening the store at any point (a crash after any batch) must rebuild the committed
// tree, serve the same values and proofs, and keep committing.
import { describe, expect, it } from "vitest";
import { type KvOp, MemoryKv } from "../../../vm/state/kv.ts";
import { StateError, StateErrorCode } from "../../../vm/state/sparse-merkle-errors.ts";
import { verifyStateProof } from "../../../vm/state/sparse-merkle-proof.ts";
import { SparseMerkleState } from "../../../vm/state/sparse-merkle-state.ts";
import { FLUSHED_KEY, journalKey, StateBucket, valueKey } from "../../../vm/state/sparse-merkle-storage.ts";
import { hexOf, referenceRoot } from "./reference-tree.ts";

const bytes = (...b: number[]) => Uint8Array.from(b);

/** xorshift32: the same sequence on every machine. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/** A MemoryKv that records each batch. */
class RecordingKv extends MemoryKv {
  batches: (readonly KvOp[])[] = [];
  override async write(ops: readonly KvOp[]): Promise<void> {
    this.batches.push(ops);
    await super.write(ops);
  }
}

const nodeOps = (ops: readonly KvOp[]) => ops.filter((op) => op.key[0] === StateBucket.node).length;
const keyOf = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));

async function expectMatches(state: SparseMerkleState, model: ReadonlyMap<string, Uint8Array>, probe: string[]) {
  expect(hexOf(state.root)).toBe(hexOf(referenceRoot(model)));
  for (const k of probe) {
    const key = keyOf(k);
    const value = model.get(k);
    expect(await state.get(key)).toEqual(value);
    expect(verifyStateProof(state.root, key, value, await state.prove(key))).toBe(true);
  }
}

describe("SparseMerkleState with nodeFlushInterval", () => {
  it("reopens after any commit with the committed root, values and proofs, and keeps committing", async () => {
    const rand = prng(7);
    const opts = { nodeFlushInterval: 5, nodeCacheSize: 4096, readCacheSize: 64 };
    let kv = new MemoryKv();
    let state = await SparseMerkleState.open(kv, opts);
    const model = new Map<string, Uint8Array>();
    let reopened = 0;
    for (let block = 0; block < 60; block++) {
      // Mostly small blocks; now and then one past nodeCacheSize / 4 new nodes, which flushes early.
      const writes = rand() < 0.1 ? 700 : 1 + Math.floor(rand() * 40);
      const useLayer = rand() < 0.5;
      for (let i = 0; i < writes; i++) {
        const key = bytes(Math.floor(rand() * 256), Math.floor(rand() * 8));
        if (rand() < 0.2) {
          state.delete(key);
          model.delete(hexOf(key));
        } else {
          const value = bytes(block, i & 0xff);
          state.set(key, value);
          model.set(hexOf(key), value);
        }
      }
      if (useLayer) {
        const layer = await state.layer();
        state.discard();
        expect(await state.commitLayer(layer)).toEqual(referenceRoot(model));
      } else {
        expect(await state.commit()).toEqual(referenceRoot(model));
      }
      const probe = [...model.keys()].filter(() => rand() < 0.05);
      probe.push(hexOf(bytes(255, 255))); // never written: a proof of absence
      if (rand() < 0.3) {
        // A crash right after this batch: a new process opens the store as the batch left it.
        kv = kv.clone();
        state = await SparseMerkleState.open(kv, opts);
        reopened++;
      }
      await expectMatches(state, model, probe);
    }
    expect(reopened).toBeGreaterThan(10);
  });

  it("writes each node once per flush, and clears the journal when it flushes", async () => {
    const write = async (interval: number) => {
      const kv = new RecordingKv();
      const state = await SparseMerkleState.open(kv, { nodeFlushInterval: interval });
      for (let block = 0; block < 8; block++) {
        for (let i = 0; i < 50; i++) state.set(bytes(i, block), bytes(block));
        for (let i = 0; i < 20; i++) state.set(bytes(i), bytes(block)); // the same keys each block
        await state.commit();
      }
      return { kv, root: hexOf(state.root) };
    };
    const every = await write(1);
    const fourth = await write(4);
    expect(fourth.root).toBe(every.root);
    const perBatch = (kv: RecordingKv) => kv.batches.map(nodeOps);
    expect(perBatch(every.kv).every((n) => n > 0)).toBe(true);
    // Commits 4 and 8 flush; the others journal their keys and store no node.
    expect(perBatch(fourth.kv).map((n) => n > 0)).toEqual([false, false, false, true, false, false, false, true]);
    const total = (kv: RecordingKv) => perBatch(kv).reduce((a, b) => a + b, 0);
    expect(total(fourth.kv)).toBeLessThan(total(every.kv));
    // A flush stores only nodes not stored yet: no node twice (every value here is new).
    const written = fourth.kv.batches.flat().filter((op) => op.key[0] === StateBucket.node);
    expect(new Set(written.map((op) => hexOf(op.key))).size).toBe(written.length);
    expect(await fourth.kv.get(FLUSHED_KEY)).toBeUndefined();
    for (let i = 0; i < 4; i++) expect(await fourth.kv.get(journalKey(i))).toBeUndefined();
    expect(every.kv.batches.flat().some((op) => op.key[0] === StateBucket.journal)).toBe(false);
  });

  it("flushes early once the commits since the last flush made nodeCacheSize / 4 nodes", async () => {
    const kv = new RecordingKv();
    const state = await SparseMerkleState.open(kv, { nodeFlushInterval: 100, nodeCacheSize: 400 });
    const commit = async (from: number, n: number) => {
      for (let i = from; i < from + n; i++) state.set(bytes(i), bytes(1));
      await state.commit();
    };
    await commit(0, 10); // about 20 nodes: journaled
    await commit(10, 10); // journaled
    await commit(20, 60); // past 100: flushed
    expect(kv.batches.map((b) => nodeOps(b) > 0)).toEqual([false, false, true]);
  });

  it("does not flush early for nodes that later commits replaced", async () => {
    // The same 40 keys rewritten by every commit: each makes about 80 nodes, past the bound of
    // 100 by the second commit, but the tree never holds more than about 80 unstored.
    const kv = new RecordingKv();
    const state = await SparseMerkleState.open(kv, { nodeFlushInterval: 12, nodeCacheSize: 400 });
    const model = new Map<string, Uint8Array>();
    for (let block = 0; block < 24; block++) {
      for (let i = 0; i < 40; i++) {
        state.set(bytes(i, 7), bytes(block));
        model.set(hexOf(bytes(i, 7)), bytes(block));
      }
      await state.commit();
    }
    const flushes = kv.batches.map((b, i) => (nodeOps(b) > 0 ? i : -1)).filter((i) => i >= 0);
    expect(flushes).toEqual([11, 23]);
    await expectMatches(state, model, [hexOf(bytes(0, 7)), hexOf(bytes(39, 7))]);
    // Reopened from the last flush, as after a crash: the same tree.
    const reopened = await SparseMerkleState.open(kv, { nodeFlushInterval: 12, nodeCacheSize: 400 });
    await expectMatches(reopened, model, [hexOf(bytes(5, 7))]);
  });

  it("keeps nodes made since the last flush linked when it cuts the node cache", async () => {
    const rand = prng(11);
    const state = await SparseMerkleState.open(new MemoryKv(), { nodeFlushInterval: 100, nodeCacheSize: 1200 });
    const model = new Map<string, Uint8Array>();
    for (let i = 0; i < 2048; i++) {
      state.set(bytes(i & 0xff, i >> 8), bytes(0));
      model.set(hexOf(bytes(i & 0xff, i >> 8)), bytes(0));
    }
    await state.commit();
    for (let block = 1; block < 80; block++) {
      const written: string[] = [];
      for (let i = 0; i < 10; i++) {
        const key = bytes(Math.floor(rand() * 256), Math.floor(rand() * 8));
        state.set(key, bytes(block));
        model.set(hexOf(key), bytes(block));
        written.push(hexOf(key));
      }
      await state.commit();
      await expectMatches(state, model, written);
    }
  });

  it("proves against the last roots committed, flushed or not", async () => {
    const state = await SparseMerkleState.open(new MemoryKv(), { nodeFlushInterval: 100 });
    const roots: Uint8Array[] = [];
    for (let block = 0; block < 20; block++) {
      state.set(bytes(1), bytes(block));
      state.set(bytes(2, block), bytes(block));
      await state.commit();
      roots.push(state.root);
    }
    const recent = roots[10] as Uint8Array;
    expect(verifyStateProof(recent, bytes(1), bytes(10), await state.prove(bytes(1), recent))).toBe(true);
    const err = await state.prove(bytes(1), roots[0]).catch((e: unknown) => e);
    expect((err as StateError).code).toBe(StateErrorCode.unknownRoot);
  });

  it("refuses to open a store whose journal is damaged or no longer rebuilds the root", async () => {
    const base = new MemoryKv();
    const state = await SparseMerkleState.open(base, { nodeFlushInterval: 10 });
    for (let block = 0; block < 3; block++) {
      for (let i = 0; i < 10; i++) state.set(bytes(i, block), bytes(block));
      await state.commit();
    }
    const reopen = async (damage: KvOp[]) => {
      const kv = base.clone();
      await kv.write(damage);
      return SparseMerkleState.open(kv, { nodeFlushInterval: 10 }).catch((e: unknown) => e);
    };
    expect(await reopen([])).toBeInstanceOf(SparseMerkleState);
    const cases: KvOp[][] = [
      [{ type: "del", key: journalKey(1) }],
      [{ type: "put", key: journalKey(0), value: bytes(0, 0, 0, 9, 1) }],
      [{ type: "put", key: FLUSHED_KEY, value: bytes(1, 2, 3) }],
      [{ type: "put", key: valueKey(bytes(3, 1)), value: bytes(77) }],
    ];
    for (const damage of cases) {
      const err = await reopen(damage);
      expect(err).toBeInstanceOf(StateError);
      expect((err as StateError).code).toBe(StateErrorCode.corruptJournal);
    }
  });
});
