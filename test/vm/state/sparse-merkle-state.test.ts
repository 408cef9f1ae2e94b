import { describe, expect, it } from "vitest";
import { type KvOp, type KvStore, MemoryKv } from "../../../vm/state/kv.ts";
import { StateError, StateErrorCode } from "../../../vm/state/sparse-merkle-errors.ts";
import { verifyStateProof } from "../../../vm/state/sparse-merkle-proof.ts";
import { SparseMerkleState } from "../../../vm/state/sparse-merkle-state.ts";
import { nodeKey, ROOT_KEY, StateBucket, valueKey } from "../../../vm/state/sparse-merkle-storage.ts";
import { hexOf, referenceRoot } from "./reference-tree.ts";

const bytes = (...b: number[]) => Uint8Array.from(b);

/** A MemoryKv that counts calls and can be told to fail writes. */
class CountingKv implements KvStore {
  readonly inner = new MemoryKv();
  gets = 0;
  writes: (readonly KvOp[])[] = [];
  failWrites = false;

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    this.gets++;
    return this.inner.get(key);
  }

  async write(ops: readonly KvOp[]): Promise<void> {
    if (this.failWrites) throw new Error("disk full");
    this.writes.push(ops);
    await this.inner.write(ops);
  }
}

async function filled(kv: KvStore, n: number, opts = {}): Promise<SparseMerkleState> {
  const state = await SparseMerkleState.open(kv, opts);
  for (let i = 0; i < n; i++) state.set(bytes(i & 0xff, i >> 8), bytes(i & 0xff, 1));
  await state.commit();
  return state;
}

describe("SparseMerkleState", () => {
  it("shows pending writes to get before commit, and stores them in exactly one kv.write", async () => {
    const kv = new CountingKv();
    const state = await filled(kv, 100);
    kv.writes = [];
    const root = state.root;

    state.set(bytes(1, 0), bytes(42));
    state.delete(bytes(2, 0));
    state.set(bytes(250, 250), bytes(7));
    expect(await state.get(bytes(1, 0))).toEqual(bytes(42));
    expect(await state.get(bytes(2, 0))).toBeUndefined();
    expect(await state.get(bytes(250, 250))).toEqual(bytes(7));
    expect(state.root).toEqual(root);
    expect(kv.writes).toHaveLength(0);

    const pending = await state.pendingRoot();
    expect(kv.writes).toHaveLength(0);
    expect(await state.commit()).toEqual(pending);
    expect(state.root).toEqual(pending);
    expect(kv.writes).toHaveLength(1);
    const ops = kv.writes[0] as readonly KvOp[];
    expect(ops.filter((op) => op.key[0] === StateBucket.value)).toHaveLength(3);
    expect(ops.some((op) => op.type === "del" && hexOf(op.key) === hexOf(valueKey(bytes(2, 0))))).toBe(true);
    expect(ops.some((op) => op.type === "put" && hexOf(op.key) === hexOf(ROOT_KEY))).toBe(true);

    // Nothing pending: commit stores nothing.
    expect(await state.commit()).toEqual(pending);
    expect(kv.writes).toHaveLength(1);
  });

  it("leaves root and values untouched on discard", async () => {
    const kv = new CountingKv();
    const state = await filled(kv, 20);
    const root = state.root;
    const writes = kv.writes.length;
    state.set(bytes(3, 0), bytes(99));
    state.set(bytes(77), bytes(1));
    state.delete(bytes(4, 0));
    expect(await state.pendingRoot()).not.toEqual(root);
    state.discard();
    expect(await state.get(bytes(3, 0))).toEqual(bytes(3, 1));
    expect(await state.get(bytes(77))).toBeUndefined();
    expect(await state.get(bytes(4, 0))).toEqual(bytes(4, 1));
    expect(await state.pendingRoot()).toEqual(root);
    expect(await state.commit()).toEqual(root);
    expect(kv.writes.length).toBe(writes);
  });

  it("reopens from the same store with the same root and values", async () => {
    const kv = new MemoryKv();
    const model = new Map<string, Uint8Array>();
    const state = await SparseMerkleState.open(kv);
    for (let i = 0; i < 200; i++) {
      state.set(bytes(i), bytes(i, 2));
      model.set(hexOf(bytes(i)), bytes(i, 2));
    }
    await state.commit();
    for (let i = 0; i < 200; i += 3) {
      state.delete(bytes(i));
      model.delete(hexOf(bytes(i)));
    }
    const root = await state.commit();
    expect(root).toEqual(referenceRoot(model));

    const again = await SparseMerkleState.open(kv);
    expect(again.root).toEqual(root);
    for (let i = 0; i < 200; i++) expect(await again.get(bytes(i))).toEqual(i % 3 === 0 ? undefined : bytes(i, 2));
    // The reopened tree loads nodes on demand and keeps updating correctly.
    again.set(bytes(0), bytes(0, 2));
    model.set(hexOf(bytes(0)), bytes(0, 2));
    again.delete(bytes(1));
    model.delete(hexOf(bytes(1)));
    expect(await again.commit()).toEqual(referenceRoot(model));
    const proof = await again.prove(bytes(2));
    expect(verifyStateProof(again.root, bytes(2), bytes(2, 2), proof)).toBe(true);
  });

  it("reads committed values through the cache, not the store", async () => {
    const kv = new CountingKv();
    const state = await filled(kv, 50);
    kv.gets = 0;
    expect(await state.get(bytes(5, 0))).toEqual(bytes(5, 1)); // written by the commit: cached
    expect(await state.get(bytes(200, 200))).toBeUndefined(); // a miss goes to the store once
    expect(await state.get(bytes(200, 200))).toBeUndefined();
    expect(kv.gets).toBe(1);

    const counting = new CountingKv();
    await counting.inner.write([{ type: "put", key: valueKey(bytes(9)), value: bytes(1) }]);
    const small = await SparseMerkleState.open(counting, { readCacheSize: 2 });
    for (const k of [9, 10, 11, 9]) await small.get(bytes(k));
    expect(counting.gets).toBe(2 + 4); // root and flush records + 9, 10, 11, then 9 again once evicted
  });

  it("copies values in and out", async () => {
    const state = await SparseMerkleState.open(new MemoryKv());
    const v = bytes(1, 2, 3);
    state.set(bytes(1), v);
    v[0] = 9;
    const got = (await state.get(bytes(1))) as Uint8Array;
    expect(got).toEqual(bytes(1, 2, 3));
    got[0] = 9;
    await state.commit();
    expect(await state.get(bytes(1))).toEqual(bytes(1, 2, 3));
  });

  it("adopt writes as set does, keeping the caller's arrays instead of copies", async () => {
    const copied = await SparseMerkleState.open(new MemoryKv());
    const adopted = await SparseMerkleState.open(new MemoryKv());
    for (let k = 0; k < 20; k++) {
      copied.set(bytes(k), bytes(k, 1));
      adopted.adopt(bytes(k), bytes(k, 1));
    }
    expect(await adopted.pendingRoot()).toEqual(await copied.pendingRoot());
    expect(await adopted.commit()).toEqual(await copied.commit());
    // What is read out is still a copy.
    const got = (await adopted.get(bytes(3))) as Uint8Array;
    got[0] = 9;
    expect(await adopted.get(bytes(3))).toEqual(bytes(3, 1));
  });

  it("takes empty and long keys and empty values", async () => {
    const state = await SparseMerkleState.open(new MemoryKv());
    const long = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
    const longer = Uint8Array.from([...long, 0]);
    state.set(new Uint8Array(0), bytes(1));
    state.set(long, new Uint8Array(0));
    state.set(longer, bytes(2));
    const root = await state.commit();
    expect(await state.get(new Uint8Array(0))).toEqual(bytes(1));
    expect(await state.get(long)).toEqual(new Uint8Array(0));
    expect(await state.get(longer)).toEqual(bytes(2));
    expect(verifyStateProof(root, long, new Uint8Array(0), await state.prove(long))).toBe(true);
    expect(verifyStateProof(root, long, undefined, await state.prove(long))).toBe(false);
    expect(root).toEqual(
      referenceRoot(
        new Map([
          ["", bytes(1)],
          [hexOf(long), new Uint8Array(0)],
          [hexOf(longer), bytes(2)],
        ]),
      ),
    );
  });

  it("stays correct with a node cache far smaller than the tree", async () => {
    const kv = new MemoryKv();
    const model = new Map<string, Uint8Array>();
    const state = await SparseMerkleState.open(kv, { nodeCacheSize: 16, readCacheSize: 8 });
    for (let block = 0; block < 5; block++) {
      for (let i = 0; i < 150; i++) {
        const k = bytes((i * 7 + block) & 0xff);
        if ((i + block) % 4 === 0) {
          state.delete(k);
          model.delete(hexOf(k));
        } else {
          state.set(k, bytes(block));
          model.set(hexOf(k), bytes(block));
        }
      }
      expect(await state.commit()).toEqual(referenceRoot(model));
    }
    for (const [k, v] of model) {
      const key = Uint8Array.from(Buffer.from(k, "hex"));
      expect(verifyStateProof(state.root, key, v, await state.prove(key))).toBe(true);
    }
  });

  it("keeps pending writes and state when the store write fails", async () => {
    const kv = new CountingKv();
    const state = await filled(kv, 10);
    const root = state.root;
    state.set(bytes(1), bytes(1));
    const pending = await state.pendingRoot();
    kv.failWrites = true;
    await expect(state.commit()).rejects.toThrow("disk full");
    expect(state.root).toEqual(root);
    expect(await state.get(bytes(1))).toEqual(bytes(1));
    kv.failWrites = false;
    expect(await state.commit()).toEqual(pending);
  });

  it("refuses a second commit while one is running, and keeps writes made meanwhile", async () => {
    const state = await SparseMerkleState.open(new MemoryKv());
    state.set(bytes(1), bytes(1));
    const first = state.commit();
    state.set(bytes(2), bytes(2));
    await expect(state.commit()).rejects.toMatchObject({ code: StateErrorCode.commitInProgress });
    await first;
    expect(await state.get(bytes(2))).toEqual(bytes(2));
    const model = new Map([
      ["01", bytes(1)],
      ["02", bytes(2)],
    ]);
    expect(await state.commit()).toEqual(referenceRoot(model));
  });

  it("reports a missing or corrupt node with a StateError", async () => {
    const kv = new MemoryKv();
    const state = await filled(kv, 40);
    const root = state.root;

    const corrupt = new MemoryKv();
    const node = (await kv.get(nodeKey(String.fromCharCode(...root)))) as Uint8Array;
    await corrupt.write([
      { type: "put", key: ROOT_KEY, value: root },
      {
        type: "put",
        key: nodeKey(String.fromCharCode(...root)),
        value: Uint8Array.from(node, (b, i) => (i === 5 ? b ^ 1 : b)),
      },
    ]);
    await expect(SparseMerkleState.open(corrupt)).rejects.toMatchObject({ code: StateErrorCode.corruptNode });

    const missing = new MemoryKv();
    await missing.write([{ type: "put", key: ROOT_KEY, value: root }]);
    const err = await SparseMerkleState.open(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as StateError).code).toBe(StateErrorCode.unknownRoot);

    // The root is there but a node below it is not.
    await missing.write([{ type: "put", key: nodeKey(String.fromCharCode(...root)), value: node }]);
    const partial = await SparseMerkleState.open(missing);
    await expect(partial.prove(bytes(1, 0))).rejects.toMatchObject({ code: StateErrorCode.missingNode });

    const badMeta = new MemoryKv();
    await badMeta.write([{ type: "put", key: ROOT_KEY, value: bytes(1, 2) }]);
    await expect(SparseMerkleState.open(badMeta)).rejects.toMatchObject({ code: StateErrorCode.corruptRoot });
  });
});
