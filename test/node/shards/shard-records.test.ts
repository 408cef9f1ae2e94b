// What a node keeps of a source shard's outboxes: the block that emitted each receipt, found by
// (destination, seq), for as long as the destination has not taken it.
import { describe, expect, it } from "vitest";
import { blockCodec, quorumCertCodec } from "../../../consensus/index.ts";
import { encode } from "../../../crypto/index.ts";
import { ShardRecords } from "../../../node/shards/shard-records.ts";
import { genesisShardHeader } from "../../../shard/header.ts";
import type { CrossReceipt } from "../../../vm/cross-shard/receipt.ts";
import { type Built, fixture, genesis, makeBlock, qcFor } from "../../consensus/engine/helpers.ts";

const fx = fixture(4);

function receipt(destination: number, seq: bigint): CrossReceipt {
  return {
    source: 0,
    destination,
    seq,
    kind: 0,
    origin: new Uint8Array(32).fill(Number(seq)),
    from: new Uint8Array(20),
    to: new Uint8Array(20),
    amount: 1n,
    validator: new Uint8Array(0),
  };
}

/** Source shard 0 with `outboxes[h - 1]` emitted by its block at height h (after `before` ran on it). */
function sourceWith(outboxes: CrossReceipt[][], before: (r: ShardRecords) => void = () => {}): ShardRecords {
  const r = new ShardRecords(0);
  before(r);
  let parent: Built | null = null;
  outboxes.forEach((outbox, i) => {
    const b = makeBlock(fx, { round: BigInt(i + 1), parent, qc: parent === null ? genesis(fx) : qcFor(fx, parent) });
    const header = { ...genesisShardHeader(0, new Uint8Array(32), new Uint8Array(32)), height: BigInt(i + 1) };
    r.add(BigInt(i + 1), encode(blockCodec, b.block), encode(quorumCertCodec, qcFor(fx, b)), header, outbox);
    parent = b;
  });
  return r;
}

describe("ShardRecords", () => {
  it("finds each receipt's block by destination and seq, and forgets what the destination took", () => {
    const r = sourceWith([[receipt(1, 0n), receipt(2, 0n), receipt(1, 1n)], [], [receipt(1, 2n), receipt(2, 1n)]]);
    expect(r.emitted(1, 0n)?.header.height).toBe(1n);
    expect(r.emitted(1, 2n)?.header.height).toBe(3n);
    expect(r.emitted(2, 1n)?.header.height).toBe(3n);
    expect(r.highestSeq(1)).toBe(2n);
    expect(r.keptReceipts).toBe(5);

    // Shard 1 took seq 0 and 1: only its seq 2 and shard 2's receipts stay.
    r.taken(1, 2n);
    expect(r.emitted(1, 0n)).toBeUndefined();
    expect(r.emitted(1, 1n)).toBeUndefined();
    expect(r.emitted(1, 2n)?.header.height).toBe(3n);
    expect(r.emitted(2, 0n)?.header.height).toBe(1n);
    expect(r.keptReceipts).toBe(3);
    // Told again, or told less: nothing changes; the highest seq is still known.
    r.taken(1, 1n);
    expect(r.keptReceipts).toBe(3);
    expect(r.highestSeq(1)).toBe(2n);
  });

  it("does not keep receipts the destination took before this node committed their source block", () => {
    const r = sourceWith([[receipt(1, 1n), receipt(1, 2n)]], (r) => r.taken(1, 2n));
    expect(r.emitted(1, 1n)).toBeUndefined();
    expect(r.emitted(1, 2n)?.header.height).toBe(1n);
    expect(r.highestSeq(1)).toBe(2n);
  });
});
