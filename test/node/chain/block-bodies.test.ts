// A committed block whose pending record has landed is stored once: its committed record names
// that record instead of copying the block, and the record then outlives the block's pending
// life. These tests read the raw records, and reopen the store as a restarted node does.
import { describe, expect, it } from "vitest";
import { blockCodec } from "../../../consensus/index.ts";
import { concatBytes, decode, sha256 } from "../../../crypto/index.ts";
import { BlockStore, type StoredBlock, storedBlockCodec } from "../../../node/chain/block-store.ts";
import { PendingBlocks } from "../../../node/chain/pending-blocks.ts";
import { StagedKv } from "../../../node/chain/staged-kv.ts";
import { MemoryKv } from "../../../vm/state/kv.ts";
import { CHAIN } from "../../consensus/engine/helpers.ts";
import { chain, tipOf } from "../sync/sync-peers.ts";

const PREFIX = Uint8Array.of(1);

function heightKey(height: bigint): Uint8Array {
  const h = new Uint8Array(8);
  new DataView(h.buffer).setBigUint64(0, height);
  return concatBytes(PREFIX, Uint8Array.of(0x01), h);
}

async function setup() {
  const kv = new MemoryKv();
  const db = new StagedKv(kv);
  const store = new BlockStore(db, PREFIX);
  const pending = await PendingBlocks.load(db, store.pendingPrefix(), CHAIN, sha256, 0n);
  store.keepBodiesIn(pending);
  const commit = async (b: StoredBlock) => {
    store.stageCommit({ tip: tipOf(b), block: b, txHashes: [], receipts: [] });
    await db.flushStaged();
    await pending.committed(tipOf(b).height);
  };
  const raw = async (height: bigint) => decode(storedBlockCodec, (await kv.get(heightKey(height))) as Uint8Array);
  return { kv, db, store, pending, commit, raw, reopened: () => new BlockStore(new StagedKv(kv), PREFIX) };
}

describe("committed blocks stored once", () => {
  it("names the landed pending record instead of copying it, and keeps that record", async () => {
    const blocks = chain(2);
    const { pending, commit, raw, reopened } = await setup();
    await pending.add([decode(blockCodec, (blocks[0] as StoredBlock).block)], 0n);
    await commit(blocks[0] as StoredBlock);
    await commit(blocks[1] as StoredBlock);
    // Block 1 was pending and landed: its record holds no copy. Block 2 never was: whole.
    expect((await raw(1n)).block.length).toBe(0);
    expect((await raw(2n)).block).toEqual(blocks[1]?.block);
    expect(pending.size).toBe(0);
    for (const store of [reopened(), reopened()]) {
      expect(await store.blockAt(1n)).toEqual(blocks[0]);
      expect(await store.blockAt(2n)).toEqual(blocks[1]);
    }
  });

  it("keeps a named record that drops below the tip before the commit's batch lands", async () => {
    const blocks = chain(1);
    const { kv, db, pending, store, raw, reopened } = await setup();
    const first = blocks[0] as StoredBlock;
    await pending.add([decode(blockCodec, first.block)], 0n);
    // Staging names (pins) the record; forgetting the block first must not delete it.
    store.stageCommit({ tip: tipOf(first), block: first, txHashes: [], receipts: [] });
    await pending.committed(1n);
    expect(await kv.get(concatBytes(store.pendingPrefix(), first.hash))).toEqual(first.block);
    await db.flushStaged();
    expect((await raw(1n)).block.length).toBe(0);
    expect(await reopened().blockAt(1n)).toEqual(first);
  });

  it("stores a block whole when its pending record has not landed", async () => {
    const blocks = chain(1);
    const { pending, commit, raw } = await setup();
    const first = blocks[0] as StoredBlock;
    const adding = pending.add([decode(blockCodec, first.block)], 0n);
    // The write is still in flight when the block commits.
    expect(pending.pinIfStored(first.hash)).toBe(false);
    await commit(first);
    await adding;
    expect((await raw(1n)).block).toEqual(first.block);
  });

  it("refuses a committed record whose named body is missing", async () => {
    const blocks = chain(1);
    const { kv, store, pending, commit } = await setup();
    const first = blocks[0] as StoredBlock;
    await pending.add([decode(blockCodec, first.block)], 0n);
    await commit(first);
    await kv.write([{ type: "del", key: concatBytes(store.pendingPrefix(), first.hash) }]);
    await expect(store.blockAt(1n)).rejects.toThrow(/names the pending record .* which is missing/);
  });
});
