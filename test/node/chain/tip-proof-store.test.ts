// The newest commit proof is stored by reference: its QC and a block count, the blocks read back
// from the pending ones (or the committed ones) by the hash each successor names. These tests
// reopen the store over the same database, as a restarted node does, so the proof cannot come
// from the memory of the process that staged it.
import { describe, expect, it } from "vitest";
import { blockCodec } from "../../../consensus/index.ts";
import { decode, sha256 } from "../../../crypto/index.ts";
import { BlockStore, type StoredBlock } from "../../../node/chain/block-store.ts";
import { PendingBlocks } from "../../../node/chain/pending-blocks.ts";
import { StagedKv } from "../../../node/chain/staged-kv.ts";
import { MemoryKv } from "../../../vm/state/kv.ts";
import { CHAIN } from "../../consensus/engine/helpers.ts";
import { chain, tipOf } from "../sync/sync-peers.ts";

const PREFIX = Uint8Array.of(1);

/**
 * Commits `blocks[0..committed)` with the proof of the last one made of the next `proofBlocks`
 * blocks and the QC of the last of them, as the engine hands them over; the proof's blocks are
 * kept as pending first when `pendingKept`.
 */
async function commitWithProof(blocks: StoredBlock[], committed: number, proofBlocks: number, pendingKept: boolean) {
  const kv = new MemoryKv();
  const db = new StagedKv(kv);
  const store = new BlockStore(db, PREFIX);
  const proofRun = blocks.slice(committed, committed + proofBlocks);
  if (pendingKept) {
    const pending = await PendingBlocks.load(db, store.pendingPrefix(), CHAIN, sha256, 0n);
    await pending.add(
      proofRun.map((b) => decode(blockCodec, b.block)),
      BigInt(committed),
    );
  }
  for (let i = 0; i < committed; i++) {
    const b = blocks[i] as StoredBlock;
    const last = i === committed - 1;
    store.stageCommit({
      tip: tipOf(b),
      block: b,
      txHashes: [],
      receipts: [],
      ...(last
        ? {
            proof: {
              child: (proofRun[0] as StoredBlock).block,
              above: proofRun.slice(1).map((p) => p.block),
              certificate: (proofRun[proofRun.length - 1] as StoredBlock).certificate,
            },
          }
        : {}),
    });
    await db.flushStaged();
  }
  return { store, kv, reopened: () => new BlockStore(new StagedKv(kv), PREFIX) };
}

describe("the stored commit proof of the tip", () => {
  it("is read back after a restart from the pending blocks its QC names", async () => {
    const blocks = chain(4);
    const { store, reopened } = await commitWithProof(blocks, 3, 1, true);
    const expected = { height: 3n, child: blocks[3]?.block, above: [], certificate: blocks[3]?.certificate };
    expect(await store.tipProofFor(3n)).toEqual(expected);
    expect(await reopened().tipProofFor(3n)).toEqual(expected);
    expect(await reopened().tipProofFor(2n)).toBeUndefined();
  });

  it("carries the suffix blocks between the child and the certified block, in order", async () => {
    const blocks = chain(6);
    const { reopened } = await commitWithProof(blocks, 3, 3, true);
    const proof = await reopened().tipProofFor(3n);
    expect(proof?.child).toEqual(blocks[3]?.block);
    expect(proof?.above).toEqual([blocks[4]?.block, blocks[5]?.block]);
    expect(proof?.certificate).toEqual(blocks[5]?.certificate);
  });

  it("finds a block of the proof among the committed ones once it has committed", async () => {
    const blocks = chain(5);
    const { kv, reopened } = await commitWithProof(blocks, 3, 1, false);
    // Block 4, the child, commits without a proof of its own; it was never pending here.
    const db = new StagedKv(kv);
    new BlockStore(db, PREFIX).stageCommit({
      tip: tipOf(blocks[3] as StoredBlock),
      block: blocks[3] as StoredBlock,
      txHashes: [],
      receipts: [],
    });
    await db.flushStaged();
    expect((await reopened().tipProofFor(3n))?.child).toEqual(blocks[3]?.block);
    expect(await reopened().tipProofFor(4n)).toBeUndefined();
  });

  it("is no proof when a block it names is neither pending nor committed", async () => {
    const blocks = chain(4);
    const { store, reopened } = await commitWithProof(blocks, 3, 1, false);
    // The process that staged it still serves it whole (a fast-synced tip's proof, from a peer).
    expect((await store.tipProofFor(3n))?.child).toEqual(blocks[3]?.block);
    expect(await reopened().tipProofFor(3n)).toBeUndefined();
  });
});
