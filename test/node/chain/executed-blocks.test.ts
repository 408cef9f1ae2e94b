// The executor's record of blocks executed above the committed tip: the chains it hands out for
// a child's execution, what a commit drops, built blocks waiting for their proposal, and the
// ancestors a block needs executed first.
import { describe, expect, it } from "vitest";
import { toHex } from "../../../crypto/index.ts";
import { type ExecutedBlock, ExecutedBlocks, type KnownBlock } from "../../../node/chain/executed-blocks.ts";
import { genesisShardHeader } from "../../../shard/header.ts";
import { StateLayer } from "../../../vm/state/sparse-merkle-layer.ts";

const hash = (n: number) => new Uint8Array(32).fill(n);
const hex = (n: number) => toHex(hash(n));
const TIP = { hex: hex(0), height: 10n };

/** Block n at `height`, child of block `parent` (0 is the committed tip). */
function block(parent: number, height: bigint, round: bigint | null = height): ExecutedBlock {
  return {
    parentHex: hex(parent),
    height,
    round,
    proposer: hash(9),
    payload: { header: genesisShardHeader(0, hash(0), hash(0)), body: { txs: [], inbound: [] } },
    writes: [],
    receipts: [],
    outbox: [],
  };
}

function chainOf(blocks: ExecutedBlocks, ...links: [number, number, bigint][]): void {
  for (const [n, parent, height] of links) blocks.remember(hex(n), block(parent, height));
}

describe("ExecutedBlocks", () => {
  it("hands out the chain from the tip to a parent, oldest first, checking the child's height", () => {
    const blocks = new ExecutedBlocks();
    chainOf(blocks, [1, 0, 11n], [2, 1, 12n], [3, 2, 13n]);
    expect(blocks.chainTo(TIP, hex(3))?.map((b) => b.height)).toEqual([11n, 12n, 13n]);
    expect(blocks.chainTo(TIP, hex(2), 13n)?.map((b) => b.height)).toEqual([11n, 12n]);
    expect(blocks.chainTo(TIP, hex(0), 11n)).toEqual([]);
    expect(blocks.chainTo(TIP, hex(2), 14n)).toBeNull();
    expect(blocks.chainTo(TIP, hex(7))).toBeNull();
  });

  it("a chain with a missing link is no chain", () => {
    const blocks = new ExecutedBlocks();
    chainOf(blocks, [2, 1, 12n], [3, 2, 13n]);
    expect(blocks.chainTo(TIP, hex(3))).toBeNull();
  });

  it("a commit drops the block and everything at or below its height, forks included", () => {
    const blocks = new ExecutedBlocks();
    chainOf(blocks, [1, 0, 11n], [2, 1, 12n], [5, 0, 11n], [3, 2, 13n]);
    blocks.committed(hex(1), 11n);
    expect(blocks.get(hex(1))).toBeUndefined();
    expect(blocks.get(hex(5))).toBeUndefined();
    const tip = { hex: hex(1), height: 11n };
    expect(blocks.chainTo(tip, hex(3))?.map((b) => b.height)).toEqual([12n, 13n]);
  });

  it("a built block is found by its payload hash once, under the hash and round of its proposal", () => {
    const blocks = new ExecutedBlocks();
    blocks.rememberBuilt("p1", block(0, 11n, null));
    expect(blocks.adoptBuilt("other", hex(1), 4n)).toBeUndefined();
    const adopted = blocks.adoptBuilt("p1", hex(1), 4n);
    expect(adopted?.round).toBe(4n);
    expect(blocks.get(hex(1))?.round).toBe(4n);
    expect(blocks.adoptBuilt("p1", hex(1), 4n)).toBeUndefined();
  });

  it("keeps only the latest 64 built blocks", () => {
    const blocks = new ExecutedBlocks();
    for (let i = 0; i < 65; i++) blocks.rememberBuilt(`p${i}`, block(0, 11n, null));
    expect(blocks.adoptBuilt("p0", hex(1), 1n)).toBeUndefined();
    expect(blocks.adoptBuilt("p1", hex(1), 1n)).toBeDefined();
    expect(blocks.adoptBuilt("p64", hex(2), 1n)).toBeDefined();
  });

  it("names the known ancestors not executed yet, oldest first, and refuses what it cannot reach", () => {
    const blocks = new ExecutedBlocks();
    chainOf(blocks, [1, 0, 11n]);
    const known = new Map<string, KnownBlock>([
      [hex(2), { parent: hash(1), height: 12n, proposer: hash(9), payload: new Uint8Array(0) }],
      [hex(3), { parent: hash(2), height: 13n, proposer: hash(9), payload: new Uint8Array(0) }],
      [hex(8), { parent: hash(7), height: 9n, proposer: hash(9), payload: new Uint8Array(0) }],
    ]);
    const missing = blocks.missingUpTo(TIP, hex(3), (h) => known.get(h));
    expect(missing?.map((m) => m.hex)).toEqual([hex(2), hex(3)]);
    expect(blocks.missingUpTo(TIP, hex(1), (h) => known.get(h))).toEqual([]);
    expect(blocks.missingUpTo(TIP, hex(4), (h) => known.get(h))).toBeNull();
    // At or below the committed tip: never executed again.
    expect(blocks.missingUpTo(TIP, hex(8), (h) => known.get(h))).toBeNull();
  });

  it("keeps the state layers of the newest 64 blocks only, and no layer leads down to a dropped one", () => {
    const blocks = new ExecutedBlocks();
    let below: StateLayer | undefined;
    for (let n = 1; n <= 70; n++) {
      const layer: StateLayer = new StateLayer(below, `root ${n - 1}`, null, [], []);
      blocks.remember(hex(n), { ...block(n - 1, 10n + BigInt(n)), layer });
      below = layer;
    }
    expect(blocks.layers).toBe(64);
    for (let n = 1; n <= 6; n++) expect(blocks.get(hex(n))?.layer).toBeUndefined();
    expect(blocks.get(hex(7))?.layer?.below).toBeUndefined();
    expect(blocks.get(hex(8))?.layer?.below).toBe(blocks.get(hex(7))?.layer);
    blocks.committed(hex(40), 50n);
    expect(blocks.layers).toBe(30);
  });
});
