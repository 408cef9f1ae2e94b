// What fast sync accepts from a peer: a run of blocks that continues our tip, every certificate
// holding a quorum of valid signatures, and only the prefix a 2-chain commit proves final.
import { describe, expect, it } from "vitest";
import { blockCodec, type QuorumCert, quorumCertCodec } from "../../../consensus/index.ts";
import { decode, encode, toHex } from "../../../crypto/index.ts";
import type { StoredBlock } from "../../../node/chain/block-store.ts";
import { SyncError } from "../../../node/sync/errors.ts";
import { verifyRange } from "../../../node/sync/verify-range.ts";
import { type Built, fixture, GENESIS, genesis, makeBlock, qcFor } from "../../consensus/engine/helpers.ts";
import { testRangeContext } from "./range-context.ts";

const fx = fixture(4);
const ctx = testRangeContext(fx.set);
const anchor = { height: 0n, hash: GENESIS };

/** Blocks 1..rounds.length on genesis, block i in rounds[i-1], each carrying its parent's QC. */
function chain(rounds: bigint[]): Built[] {
  const out: Built[] = [];
  let parent: Built | null = null;
  for (const round of rounds) {
    const b = makeBlock(fx, { round, parent, qc: parent === null ? genesis(fx) : qcFor(fx, parent) });
    out.push(b);
    parent = b;
  }
  return out;
}

function stored(b: Built, cert: QuorumCert = qcFor(fx, b)): StoredBlock {
  return { hash: b.hash, block: encode(blockCodec, b.block), certificate: encode(quorumCertCodec, cert) };
}

/**
 * Blocks 1-2 of epoch 0 (fx), then 3-5 of epoch 1 (another committee, from height 3). Block 3
 * carries `firstQc` (by default its parent's QC; at a real hand-over, a suffix block's).
 */
const next = fixture(4, { epoch: 1n, keyNumbers: [10, 11, 12, 13] });
const withEpoch1 = { ...ctx, laterEpochs: () => [{ set: next.set, fromHeight: 3n }] };
function acrossEpochs(firstQc?: (b2: Built) => QuorumCert) {
  const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
  const b2 = makeBlock(fx, { round: 2n, parent: b1, qc: qcFor(fx, b1) });
  const qc = firstQc?.(b2) ?? qcFor(fx, b2);
  const b3 = makeBlock(next, { round: qc.round + 1n, parent: b2, qc, epoch: 1n });
  const b4 = makeBlock(next, { round: b3.block.round + 1n, parent: b3, qc: qcFor(next, b3), epoch: 1n });
  const b5 = makeBlock(next, { round: b4.block.round + 1n, parent: b4, qc: qcFor(next, b4), epoch: 1n });
  const run = [stored(b1), stored(b2), ...[b3, b4, b5].map((b) => stored(b, qcFor(next, b)))];
  return { b2, b3, run };
}

describe("verifyRange", () => {
  it("accepts a chain and returns the prefix a 2-chain commit proves final", async () => {
    const blocks = chain([1n, 2n, 3n, 4n]);
    const ok = await verifyRange(
      ctx,
      anchor,
      blocks.map((b) => stored(b)),
    );
    // Block 4's child is not in the run: 1..3 are final (3 because 4 is certified, round 3+1).
    expect(ok.map((v) => v.block.height)).toEqual([1n, 2n, 3n]);
    // What is kept with each block is a checked QC for it.
    for (const v of ok) expect(decode(quorumCertCodec, v.certificate).blockHash).toEqual(v.hash);
  });

  it("stops the final prefix where rounds are not consecutive", async () => {
    const blocks = chain([1n, 2n, 5n, 7n]);
    const ok = await verifyRange(
      ctx,
      anchor,
      blocks.map((b) => stored(b)),
    );
    // 2 -> 5 and 5 -> 7 are not consecutive: only 1 is proven (by 2 in round 2).
    expect(ok.map((v) => v.block.height)).toEqual([1n]);
  });

  it("refuses a run that does not continue the tip, or with a block that is not what it names", async () => {
    const blocks = chain([1n, 2n, 3n]);
    await expect(
      verifyRange(
        ctx,
        anchor,
        blocks.slice(1).map((b) => stored(b)),
      ),
    ).rejects.toBeInstanceOf(SyncError);
    const renamed = { ...stored(blocks[0] as Built), hash: new Uint8Array(32).fill(1) };
    await expect(verifyRange(ctx, anchor, [renamed, stored(blocks[1] as Built)])).rejects.toThrow(
      /not the block it names/,
    );
  });

  it("refuses a forged signature in a carried QC and in the last block's certificate", async () => {
    const blocks = chain([1n, 2n, 3n]);
    const b2 = blocks[1] as Built;
    const forgedQc = {
      ...b2.block.qc,
      signatures: b2.block.qc.signatures.map((s, i) => (i === 0 ? new Uint8Array(64).fill(5) : s)),
    };
    const forged = { ...b2.block, qc: forgedQc };
    // The forged QC changes no field of the block's identity, only a signature.
    const run = [
      stored(blocks[0] as Built),
      { ...stored(b2), block: encode(blockCodec, forged) },
      stored(blocks[2] as Built),
    ];
    await expect(verifyRange(ctx, anchor, run)).rejects.toThrow(/invalid signature/);
    const last = blocks[2] as Built;
    const badCert = {
      ...qcFor(fx, last),
      signatures: qcFor(fx, last).signatures.map(() => new Uint8Array(64).fill(3)),
    };
    await expect(
      verifyRange(ctx, anchor, [...blocks.slice(0, 2).map((b) => stored(b)), stored(last, badCert)]),
    ).rejects.toThrow(SyncError);
  });

  it("refuses a certificate without a quorum", async () => {
    const blocks = chain([1n, 2n]);
    const weak = qcFor(fx, blocks[1] as Built, [0, 1]);
    await expect(
      verifyRange(ctx, anchor, [stored(blocks[0] as Built), stored(blocks[1] as Built, weak)]),
    ).rejects.toThrow(/quorum/);
    expect(toHex(GENESIS)).toHaveLength(64);
  });

  it("stops without blame at the first certificate of an epoch not learned yet, and goes on once it is", async () => {
    const { b3, run } = acrossEpochs();
    // Not learned: 1 is proven (by 2, round 2); 2 would need 3's certificate, of epoch 1.
    const unknown = await verifyRange(ctx, anchor, run);
    expect(unknown.map((v) => v.block.height)).toEqual([1n]);
    // Learned: the whole run but its last block.
    const learned = await verifyRange(withEpoch1, anchor, run);
    expect(learned.map((v) => v.block.height)).toEqual([1n, 2n, 3n, 4n]);
    // A certificate of epoch 1 signed by the old committee is refused, with blame.
    const forged = [...run];
    forged[3] = stored(makeBlock(next, { round: 4n, parent: b3, qc: { ...qcFor(fx, b3), epoch: 1n }, epoch: 1n }));
    await expect(verifyRange(withEpoch1, anchor, forged)).rejects.toBeInstanceOf(SyncError);
  });

  it("takes the first block of an epoch whose QC certifies a suffix block, on its parent's own certificate", async () => {
    // Epoch 0 ends at height 2. Its validators certified a suffix block above 2 (never
    // committed); epoch 1's first block builds on 2 and carries that suffix block's QC.
    let suffix: Built | undefined;
    const { b2, run } = acrossEpochs((b2) => {
      suffix = makeBlock(fx, { round: 3n, parent: b2, qc: qcFor(fx, b2), payload: new Uint8Array(0) });
      return qcFor(fx, suffix);
    });
    const ok = await verifyRange(withEpoch1, anchor, run);
    expect(ok.map((v) => v.block.height)).toEqual([1n, 2n, 3n, 4n]);
    // Block 2 keeps its own certificate (the one that was checked for it).
    expect(decode(quorumCertCodec, (ok[1] as { certificate: Uint8Array }).certificate).blockHash).toEqual(b2.hash);
    // Block 2's own certificate forged: refused.
    const badCert = { ...qcFor(fx, b2), signatures: qcFor(fx, b2).signatures.map(() => new Uint8Array(64)) };
    const forged = [...run];
    forged[1] = stored(b2, badCert);
    await expect(verifyRange(withEpoch1, anchor, forged)).rejects.toBeInstanceOf(SyncError);
    // A block of the same epoch whose QC certifies something other than its parent: refused.
    const stray = makeBlock(fx, { round: 4n, parent: b2, qc: qcFor(fx, suffix as Built) });
    await expect(verifyRange(ctx, anchor, [...run.slice(0, 2), stored(stray)])).rejects.toThrow(
      /does not certify its parent/,
    );
  });
  describe("with the peer's tip proof", () => {
    /** The proof the engine stores for `tip`: its child in `round` and the QC certifying that child. */
    function proofOf(tip: Built, round: bigint, certSigners?: number[]) {
      const child = makeBlock(fx, { round, parent: tip, qc: qcFor(fx, tip) });
      return {
        child: encode(blockCodec, child.block),
        above: [],
        certificate: encode(quorumCertCodec, qcFor(fx, child, certSigners)),
      };
    }

    /**
     * The proof of an epoch's last block: the empty suffix blocks above it in `rounds` (the first
     * is its child) and the QC certifying the last one.
     */
    function suffixProofOf(tip: Built, rounds: bigint[], certSigners?: number[]) {
      const suffix: Built[] = [];
      let parent = tip;
      for (const round of rounds) {
        parent = makeBlock(fx, { round, parent, qc: qcFor(fx, parent), payload: new Uint8Array(0) });
        suffix.push(parent);
      }
      const [child, ...above] = suffix.map((b) => encode(blockCodec, b.block));
      return {
        child: child as Uint8Array,
        above,
        certificate: encode(quorumCertCodec, qcFor(fx, parent, certSigners)),
      };
    }

    it("proves the last block too, and keeps the child's QC as its certificate", async () => {
      const blocks = chain([1n, 2n, 5n]);
      const tip = blocks[2] as Built;
      // Without a proof, 2 -> 5 is not consecutive: only 1 is final.
      expect(
        (
          await verifyRange(
            ctx,
            anchor,
            blocks.map((b) => stored(b)),
          )
        ).length,
      ).toBe(1);
      const ok = await verifyRange(
        ctx,
        anchor,
        blocks.map((b) => stored(b)),
        proofOf(tip, 6n),
      );
      expect(ok.map((v) => v.block.height)).toEqual([1n, 2n, 3n]);
      expect(decode(quorumCertCodec, (ok[2] as { certificate: Uint8Array }).certificate).blockHash).toEqual(tip.hash);
      // A run of the tip alone is proven by the proof alone.
      const alone = await verifyRange(
        ctx,
        { height: 2n, hash: (blocks[1] as Built).hash },
        [stored(tip)],
        proofOf(tip, 6n),
      );
      expect(alone.map((v) => v.block.height)).toEqual([3n]);
    });

    it("proves an epoch's last block through the suffix blocks above it", async () => {
      // The epoch's last block (3) was committed when its suffix ran two blocks in consecutive
      // rounds (5, 6), a round after its child: a child alone would prove nothing.
      const blocks = chain([1n, 2n, 3n]);
      const tip = blocks[2] as Built;
      const run = blocks.map((b) => stored(b));
      expect((await verifyRange(ctx, anchor, run, suffixProofOf(tip, [5n]))).length).toBe(2);
      const ok = await verifyRange(ctx, anchor, run, suffixProofOf(tip, [5n, 6n]));
      expect(ok.map((v) => v.block.height)).toEqual([1n, 2n, 3n]);
      // The tip keeps a checked QC for itself: the child's.
      expect(decode(quorumCertCodec, (ok[2] as { certificate: Uint8Array }).certificate).blockHash).toEqual(tip.hash);
      expect((await verifyRange(ctx, anchor, run, suffixProofOf(tip, [5n, 7n, 8n]))).length).toBe(3);
      // Suffix blocks that never make a 2-chain prove nothing; a last one without a quorum, or a
      // block in the middle that does not continue the one before, is the peer's fault.
      expect((await verifyRange(ctx, anchor, run, suffixProofOf(tip, [5n, 7n]))).length).toBe(2);
      await expect(verifyRange(ctx, anchor, run, suffixProofOf(tip, [5n, 6n], [0, 1]))).rejects.toThrow(/quorum/);
      const broken = suffixProofOf(tip, [5n, 6n, 7n]);
      await expect(
        verifyRange(ctx, anchor, run, { ...broken, above: [broken.above[1] as Uint8Array] }),
      ).rejects.toBeInstanceOf(SyncError);
    });

    it("proves nothing more with a child from a later round, and refuses a forged one", async () => {
      const blocks = chain([1n, 2n, 3n]);
      const tip = blocks[2] as Built;
      const run = blocks.map((b) => stored(b));
      // A child two rounds on is certified but does not make a 2-chain: 3 stays unproven.
      expect((await verifyRange(ctx, anchor, run, proofOf(tip, 5n))).map((v) => v.block.height)).toEqual([1n, 2n]);
      // A child certified without a quorum, a child of another block, bytes that do not decode.
      await expect(verifyRange(ctx, anchor, run, proofOf(tip, 4n, [0, 1]))).rejects.toThrow(/quorum/);
      await expect(verifyRange(ctx, anchor, run, proofOf(blocks[1] as Built, 4n))).rejects.toBeInstanceOf(SyncError);
      const garbage = { child: new Uint8Array([1, 2, 3]), above: [], certificate: new Uint8Array(4) };
      await expect(verifyRange(ctx, anchor, run, garbage)).rejects.toThrow(/tip proof does not decode/);
    });
  });
});
