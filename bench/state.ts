// Cost of the state root of a block: a state of `keys` accounts, then blocks that each write
// `dirty` keys (half of them existing accounts changed, half new accounts, as in a block of
// transfers to fresh addresses) and commit. Times the writes (set, which hashes the key), the
// root (one-pass update and hashing) and the store batch separately, then proofs against the
// new root, made and verified.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LevelKv } from "../node/storage/level-kv.ts";
import { type KvStore, MemoryKv, SparseMerkleState, verifyStateProof } from "../vm/index.ts";
import { median } from "./util.ts";

export interface StateBenchOptions {
  /** Accounts in the state before the measured blocks. */
  keys: number;
  /** Keys written by each measured block. */
  dirty: number;
  /** Measured blocks; times are medians over them. */
  blocks: number;
  /** Proofs made (and verified) after the last block. */
  proofs: number;
  store: "memory" | "level";
}

export const defaultStateBenchOptions: StateBenchOptions = {
  keys: 10_000,
  dirty: 20_000,
  blocks: 3,
  proofs: 5_000,
  store: "memory",
};

export interface StateBenchResult {
  store: "memory" | "level";
  keys: number;
  dirty: number;
  /** Median time to set the dirty keys of a block. */
  write_ms: number;
  /** Median time to compute the new root (pendingRoot: key and value hashing, tree update). */
  root_ms: number;
  /** Median time to store the block (commit after pendingRoot: building and writing the batch). */
  persist_ms: number;
  /** root_ms + persist_ms: what commit() takes when pendingRoot was not called first. */
  commit_ms: number;
  proofs_per_s: number;
  verifies_per_s: number;
}

/** An account-like key: a bucket byte and a 20-byte address made from `i`. */
function accountKey(i: number): Uint8Array {
  const key = new Uint8Array(21);
  key[0] = 0x01;
  new DataView(key.buffer).setUint32(1, i);
  key.fill(0x5a, 5);
  return key;
}

/** An account-like value: 16-byte balance, 8-byte nonce, changing with `round`. */
function accountValue(i: number, round: number): Uint8Array {
  const value = new Uint8Array(24);
  const view = new DataView(value.buffer);
  view.setUint32(12, i ^ (round * 0x9e3779b9));
  view.setUint32(20, round);
  return value;
}

export async function runStateBench(opts: Partial<StateBenchOptions> = {}): Promise<StateBenchResult> {
  const o = { ...defaultStateBenchOptions, ...opts };
  const dir = o.store === "level" ? await mkdtemp(join(tmpdir(), "ubn-state-bench-")) : undefined;
  const level = dir === undefined ? undefined : await LevelKv.open(dir);
  const kv: KvStore = level ?? new MemoryKv();
  try {
    const state = await SparseMerkleState.open(kv);
    for (let i = 0; i < o.keys; i++) state.set(accountKey(i), accountValue(i, 0));
    await state.commit();

    let next = o.keys;
    const writeMs: number[] = [];
    const rootMs: number[] = [];
    const persistMs: number[] = [];
    for (let round = 1; round <= o.blocks; round++) {
      const existing = Math.floor(o.dirty / 2);
      const t0 = performance.now();
      for (let j = 0; j < existing; j++) {
        const i = (j * 7919 + round) % next;
        state.set(accountKey(i), accountValue(i, round));
      }
      for (let j = existing; j < o.dirty; j++, next++) state.set(accountKey(next), accountValue(next, round));
      const t1 = performance.now();
      await state.pendingRoot();
      const t2 = performance.now();
      await state.commit();
      const t3 = performance.now();
      writeMs.push(t1 - t0);
      rootMs.push(t2 - t1);
      persistMs.push(t3 - t2);
    }

    const root = state.root;
    const proofs = [];
    const t3 = performance.now();
    for (let j = 0; j < o.proofs; j++) {
      const i = (j * 104729) % next;
      proofs.push({ key: accountKey(i), proof: await state.prove(accountKey(i)) });
    }
    const t4 = performance.now();
    for (const { key, proof } of proofs) {
      const value = await state.get(key);
      if (!verifyStateProof(root, key, value, proof)) throw new Error("a proof made by the state did not verify");
    }
    const t5 = performance.now();

    return {
      store: o.store,
      keys: o.keys,
      dirty: o.dirty,
      write_ms: Math.round(median(writeMs)),
      root_ms: Math.round(median(rootMs)),
      persist_ms: Math.round(median(persistMs)),
      commit_ms: Math.round(median(rootMs.map((r, i) => r + (persistMs[i] as number)))),
      proofs_per_s: Math.round((o.proofs * 1000) / (t4 - t3)),
      verifies_per_s: Math.round((o.proofs * 1000) / (t5 - t4)),
    };
  } finally {
    await level?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
}
