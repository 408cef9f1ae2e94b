// What a peer answers to fast sync and to light followers: consecutive committed blocks, plus
// the stored commit proof of its tip when (and only when) the answer ends at that tip.
import { describe, expect, it } from "vitest";
import { BlockStore, type ChainTip } from "../../../node/chain/block-store.ts";
import { StagedKv } from "../../../node/chain/staged-kv.ts";
import { decodeLightResponse, encodeLightRequest, serveLightBlocks } from "../../../node/shards/light-blocks.ts";
import { decodeBlocksResponse, encodeBlocksRequest, serveBlocks } from "../../../node/sync/protocol.ts";
import { MemoryKv } from "../../../vm/state/kv.ts";

function tip(height: bigint): ChainTip {
  return {
    height,
    hash: new Uint8Array(32).fill(Number(height)),
    epoch: 0n,
    round: height,
    stateRoot: new Uint8Array(32),
    timeMs: 0n,
  };
}

async function storeWith(heights: bigint[], proofAt: bigint | null): Promise<BlockStore> {
  const db = new StagedKv(new MemoryKv());
  const store = new BlockStore(db, Uint8Array.of(1));
  for (const h of heights) {
    const t = tip(h);
    store.stageCommit({
      tip: t,
      block: { hash: t.hash, block: new Uint8Array([Number(h)]), certificate: new Uint8Array([0xc0 + Number(h)]) },
      txHashes: [],
      receipts: [],
      ...(h === proofAt
        ? { proof: { child: new Uint8Array([7, 7]), above: [new Uint8Array([8])], certificate: new Uint8Array([9]) } }
        : {}),
    });
    await db.flushStaged();
  }
  return store;
}

describe("serving blocks with the tip's commit proof", () => {
  it("adds the proof when the answer reaches the tip it proves, not otherwise", async () => {
    const store = await storeWith([1n, 2n, 3n], 3n);
    const all = decodeBlocksResponse(
      await serveBlocks(store, 3n, encodeBlocksRequest({ fromHeight: 1n, maxBlocks: 10 })),
    );
    expect(all.blocks.length).toBe(3);
    expect(all.tipProof?.height).toBe(3n);
    expect(all.tipProof?.child).toEqual(new Uint8Array([7, 7]));
    expect(all.tipProof?.above).toEqual([new Uint8Array([8])]);
    const short = decodeBlocksResponse(
      await serveBlocks(store, 3n, encodeBlocksRequest({ fromHeight: 1n, maxBlocks: 2 })),
    );
    expect(short.blocks.length).toBe(2);
    expect(short.tipProof).toBeNull();
    const light = decodeLightResponse(await serveLightBlocks(store, 3n, encodeLightRequest(3n, 10)));
    expect(light.blocks.length).toBe(1);
    expect(light.tipProof?.height).toBe(3n);
  });

  it("drops a proof made stale by a later commit without one", async () => {
    const store = await storeWith([1n, 2n, 3n, 4n], 3n);
    expect(await store.tipProofFor(4n)).toBeUndefined();
    const r = decodeBlocksResponse(
      await serveBlocks(store, 4n, encodeBlocksRequest({ fromHeight: 1n, maxBlocks: 10 })),
    );
    expect(r.blocks.length).toBe(4);
    expect(r.tipProof).toBeNull();
  });
});
