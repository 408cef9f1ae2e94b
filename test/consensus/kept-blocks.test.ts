// The blocks a host keeps above the committed tip across engine restarts (consensus/kept-blocks.ts).
import { describe, expect, it } from "vitest";
import { KeptBlocks } from "../../consensus/kept-blocks.ts";
import { toHex } from "../../crypto/index.ts";
import { type Built, CHAIN, fixture, genesis, makeBlock, qcFor } from "./engine/helpers.ts";

const fx = fixture(4);

/** Blocks at heights 1..n, each extending the one before. */
function chainOf(n: number): Built[] {
  const out: Built[] = [];
  let qc = genesis(fx);
  for (let h = 1; h <= n; h++) {
    const b = makeBlock(fx, { round: BigInt(h), parent: out.at(-1) ?? null, qc });
    out.push(b);
    qc = qcFor(fx, b);
  }
  return out;
}

describe("kept blocks", () => {
  const blocks = chainOf(6);
  const hex = (i: number) => toHex((blocks[i] as Built).hash);

  it("keep what is above the committed tip, once, and answer a sync request from it alone", () => {
    const kept = new KeptBlocks(CHAIN, undefined, 16);
    const first = kept.add(
      blocks.map((b) => b.block),
      2n,
    );
    expect(first.added.map((e) => e.block.height)).toEqual([3n, 4n, 5n, 6n]);
    expect(kept.add([(blocks[4] as Built).block], 2n).added).toEqual([]);
    // Block 6 and its ancestors down to the committed block 2, oldest first.
    const r = kept.syncResponse(hex(5), (blocks[1] as Built).hash, 32);
    expect(r?.blocks.map((b) => b.height)).toEqual([3n, 4n, 5n, 6n]);
    expect(kept.syncResponse(hex(5), (blocks[1] as Built).hash, 2)?.blocks.map((b) => b.height)).toEqual([5n, 6n]);
    // A chain with a gap is not answered.
    kept.committed(3n);
    expect(kept.syncResponse(hex(5), (blocks[1] as Built).hash, 32)).toBeNull();
    expect(kept.syncResponse(hex(5), (blocks[2] as Built).hash, 32)?.blocks).toHaveLength(3);
  });

  it("forget committed blocks and, at the bound, the lowest first", () => {
    const kept = new KeptBlocks(CHAIN, undefined, 3);
    const { evicted } = kept.add(
      blocks.map((b) => b.block),
      0n,
    );
    expect(evicted.map((e) => e.block.height)).toEqual([1n, 2n, 3n]);
    expect(kept.size).toBe(3);
    expect(kept.committed(5n).map((e) => e.block.height)).toEqual([4n, 5n]);
    expect([...kept.entries()].map((e) => e.block.height)).toEqual([6n]);
  });

  it("answer the host's own engine once per block, again for a new engine or a new tip", () => {
    const kept = new KeptBlocks(CHAIN, undefined, 16);
    kept.add(
      blocks.map((b) => b.block),
      2n,
    );
    const tip2 = (blocks[1] as Built).hash;
    expect(kept.answerOwn(1, hex(5), tip2, 32)?.blocks).toHaveLength(4);
    // The same engine asking again at once (it could not use the answer) is not answered.
    expect(kept.answerOwn(1, hex(5), tip2, 32)).toBeNull();
    expect(kept.answerOwn(1, hex(4), tip2, 32)?.blocks).toHaveLength(3);
    // Peers are always answered.
    expect(kept.syncResponse(hex(5), tip2, 32)?.blocks).toHaveLength(4);
    // A restarted engine, or the same one at a new committed tip, is answered again.
    expect(kept.answerOwn(2, hex(5), tip2, 32)?.blocks).toHaveLength(4);
    expect(kept.answerOwn(2, hex(5), (blocks[2] as Built).hash, 32)?.blocks).toHaveLength(3);
  });
});
