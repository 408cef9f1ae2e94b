// A network's validators spread their state flushes over the interval (stateFlushOffset), and
// the state takes its first flush that much earlier (nodeFlushOffset), then one per interval.
import { describe, expect, it } from "vitest";
import type { ValidatorSet } from "../../consensus/index.ts";
import { keyPairFromSeed, toHex } from "../../crypto/index.ts";
import { STATE_NODE_FLUSH_INTERVAL, stateFlushOffset } from "../../node/open-shard-chain.ts";
import { type KvOp, MemoryKv } from "../../vm/state/kv.ts";
import { SparseMerkleState } from "../../vm/state/sparse-merkle-state.ts";
import { StateBucket } from "../../vm/state/sparse-merkle-storage.ts";

const keys = [1, 2, 3, 4].map((i) => keyPairFromSeed(new Uint8Array(32).fill(i)));
const set: ValidatorSet = {
  epoch: 0n,
  validators: keys
    .map((k) => ({ id: toHex(k.publicKey), publicKey: k.publicKey, stake: 1n }))
    .sort((a, b) => (a.id < b.id ? -1 : 1)),
};

class RecordingKv extends MemoryKv {
  batches: (readonly KvOp[])[] = [];
  override async write(ops: readonly KvOp[]): Promise<void> {
    this.batches.push(ops);
    await super.write(ops);
  }
}

describe("staggered state flushes", () => {
  it("gives each validator its own place in the interval, and a node outside the set the first", () => {
    const offsets = keys.map((k) => stateFlushOffset(set, k.secretKey)).sort((a, b) => a - b);
    expect(offsets).toEqual([0, 1, 2, 3].map((i) => (i * STATE_NODE_FLUSH_INTERVAL) / 4));
    expect(stateFlushOffset(set, undefined)).toBe(0);
    expect(stateFlushOffset(set, keyPairFromSeed(new Uint8Array(32).fill(9)).secretKey)).toBe(0);
  });

  it("flushes first after interval - offset commits, then at every interval", async () => {
    const kv = new RecordingKv();
    const state = await SparseMerkleState.open(kv, { nodeFlushInterval: 8, nodeFlushOffset: 3 });
    for (let block = 0; block < 21; block++) {
      state.set(Uint8Array.of(block % 5), Uint8Array.of(block));
      await state.commit();
    }
    const flushes = kv.batches
      .map((b, i) => (b.some((op) => op.key[0] === StateBucket.node) ? i : -1))
      .filter((i) => i >= 0);
    expect(flushes).toEqual([4, 12, 20]);
    await expect(SparseMerkleState.open(new MemoryKv(), { nodeFlushInterval: 8, nodeFlushOffset: 8 })).rejects.toThrow(
      RangeError,
    );
  });
});
