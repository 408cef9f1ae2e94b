// The 2-chain commit rule: a block commits when its child, one round later, is certified.
import { describe, expect, test } from "vitest";
import { blockCodec, decodeQuorumCert } from "../../../consensus/index.ts";
import { encode } from "../../../crypto/index.ts";
import {
  type Built,
  commitsOf,
  fixture,
  genesis,
  leaderIndex,
  makeBlock,
  makeEngine,
  msg,
  proposalBytes,
  qcFor,
  tcFor,
} from "./helpers.ts";

const fx = fixture(4);
const observer = () => {
  const e = makeEngine(fx, fx.keys[0] as (typeof fx.keys)[number]);
  e.start();
  return e;
};
const feed = (e: ReturnType<typeof observer>, b: Built, tc: Parameters<typeof proposalBytes>[2] = null) =>
  commitsOf(e.handle(msg(fx, leaderIndex(fx, b.block.round), proposalBytes(fx, b, tc))));

describe("2-chain commit", () => {
  test("commits the parent once its child of the next round is certified, each block once", () => {
    const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
    const b2 = makeBlock(fx, { round: 2n, parent: b1, qc: qcFor(fx, b1) });
    const b3 = makeBlock(fx, { round: 3n, parent: b2, qc: qcFor(fx, b2) });
    const b4 = makeBlock(fx, { round: 4n, parent: b3, qc: qcFor(fx, b3) });
    const e = observer();
    expect(feed(e, b1)).toEqual([]);
    expect(feed(e, b2)).toEqual([]);
    const c3 = feed(e, b3);
    expect(c3.map((c) => c.hash)).toEqual([b1.hash]);
    const c = c3[0];
    expect(c?.height).toBe(1n);
    expect(c?.round).toBe(1n);
    expect(c?.parent).toEqual(b1.block.parent);
    expect(c?.payload).toEqual(b1.block.payload);
    expect(c?.proposer).toBe(fx.ids[leaderIndex(fx, 1n)]);
    const cert = decodeQuorumCert(c?.certificate as Uint8Array);
    expect(cert.blockHash).toEqual(b1.hash);
    expect(cert.round).toBe(1n);
    // What proves b1 final to a node holding nothing above it: b2 and the QC that certifies it.
    expect(c?.proof?.child).toEqual(encode(blockCodec, b2.block));
    expect(decodeQuorumCert(c?.proof?.certificate as Uint8Array)).toEqual(b3.block.qc);
    expect(feed(e, b4).map((x) => x.hash)).toEqual([b2.hash]);
    expect(feed(e, b4)).toEqual([]);
    expect(e.status().committedHeight).toBe(2n);
  });

  test("a certified child one round late (a gap) commits nothing; the next direct child commits both, in order", () => {
    const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
    const q1 = qcFor(fx, b1);
    const tc2 = tcFor(
      fx,
      2n,
      [0, 1, 2].map((signer) => ({ signer, highQc: q1 })),
    );
    const b3 = makeBlock(fx, { round: 3n, parent: b1, qc: q1 });
    const b4 = makeBlock(fx, { round: 4n, parent: b3, qc: qcFor(fx, b3) });
    const b5 = makeBlock(fx, { round: 5n, parent: b4, qc: qcFor(fx, b4) });
    const e = observer();
    expect(feed(e, b1)).toEqual([]);
    expect(feed(e, b3, tc2)).toEqual([]);
    // QC(b3) is seen, and b3's QC certifies b1, but rounds 1 and 3 are not consecutive.
    expect(feed(e, b4)).toEqual([]);
    const commits = feed(e, b5);
    expect(commits.map((c) => c.hash)).toEqual([b1.hash, b3.hash]);
    expect(commits.map((c) => c.height)).toEqual([1n, 2n]);
    // Only the last block of a commit carries the proof (b4 and its QC); b1 is proven through it.
    expect(commits[0]?.proof).toBeUndefined();
    expect(commits[1]?.proof?.child).toEqual(encode(blockCodec, b4.block));
    expect(commits[1]?.proof?.above).toEqual([]);
  });

  test("the last block of an epoch, committed across its suffix, is proven by the suffix blocks up to the certified one", () => {
    // Block 2 ends epoch 0; its suffix starts a round late (s4), so QC(s4) commits nothing. QC(s5),
    // one round after s4, commits block 2 through s4. A node holding nothing above 2 can prove
    // it only with s4, s5 and QC(s5): s4 alone (2 -> 4) is no 2-chain.
    const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
    const b2 = makeBlock(fx, { round: 2n, parent: b1, qc: qcFor(fx, b1) });
    const q2 = qcFor(fx, b2);
    const tc3 = tcFor(
      fx,
      3n,
      [0, 1, 2].map((signer) => ({ signer, highQc: q2 })),
    );
    const empty = new Uint8Array(0);
    const s4 = makeBlock(fx, { round: 4n, parent: b2, qc: q2, payload: empty });
    const s5 = makeBlock(fx, { round: 5n, parent: s4, qc: qcFor(fx, s4), payload: empty });
    const s6 = makeBlock(fx, { round: 6n, parent: s5, qc: qcFor(fx, s5), payload: empty });
    const e = observer();
    for (const b of [b1, b2]) feed(e, b);
    expect(feed(e, s4, tc3).map((c) => c.hash)).toEqual([b1.hash]);
    expect(feed(e, s5)).toEqual([]);
    const commits = feed(e, s6);
    expect(commits.map((c) => c.hash)).toEqual([b2.hash]);
    expect(commits[0]?.proof?.child).toEqual(encode(blockCodec, s4.block));
    expect(commits[0]?.proof?.above).toEqual([encode(blockCodec, s5.block)]);
    expect(decodeQuorumCert(commits[0]?.proof?.certificate as Uint8Array)).toEqual(s6.block.qc);
  });

  test("a block that forks below the committed height is refused", () => {
    const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
    const b2 = makeBlock(fx, { round: 2n, parent: b1, qc: qcFor(fx, b1) });
    const b3 = makeBlock(fx, { round: 3n, parent: b2, qc: qcFor(fx, b2) });
    const e = observer();
    for (const b of [b1, b2, b3]) feed(e, b);
    expect(e.status().committedHeight).toBe(1n);
    // A round-4 block on genesis (through a TC) would replace the committed b1.
    const tc3 = tcFor(
      fx,
      3n,
      [0, 1, 2].map((signer) => ({ signer, highQc: genesis(fx) })),
    );
    const fork = makeBlock(fx, { round: 4n, parent: null, qc: genesis(fx) });
    expect(feed(e, fork, tc3)).toEqual([]);
    expect(e.stats().dropped.CONSENSUS_CONFLICTS_WITH_COMMIT).toBe(1);
  });

  test("an engine that has not learned the next epoch never commits the empty suffix blocks of a hand-over", () => {
    // Epoch 0 ends at height 2 (its validators know; this observer does not yet). Blocks 3 and 4
    // are the empty suffix the old committee certifies while the new epoch starts. Had the
    // observer committed block 3, it would hold another block at height 3 than everyone else.
    const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
    const b2 = makeBlock(fx, { round: 2n, parent: b1, qc: qcFor(fx, b1) });
    const s3 = makeBlock(fx, { round: 3n, parent: b2, qc: qcFor(fx, b2), payload: new Uint8Array(0) });
    const s4 = makeBlock(fx, { round: 4n, parent: s3, qc: qcFor(fx, s3), payload: new Uint8Array(0) });
    const s5 = makeBlock(fx, { round: 5n, parent: s4, qc: qcFor(fx, s4), payload: new Uint8Array(0) });
    const s6 = makeBlock(fx, { round: 6n, parent: s5, qc: qcFor(fx, s5), payload: new Uint8Array(0) });
    const e = observer();
    for (const b of [b1, b2, s3]) feed(e, b);
    // QC(s3), carried by s4, certifies the child of b2 one round later: b2 commits.
    expect(feed(e, s4).map((c) => c.hash)).toEqual([b2.hash]);
    // QC(s4) would commit s3 by the 2-chain rule; QC(s5), s4. Neither may commit.
    expect(feed(e, s5)).toEqual([]);
    expect(feed(e, s6)).toEqual([]);
    expect(e.status().committedHeight).toBe(2n);
  });
});
