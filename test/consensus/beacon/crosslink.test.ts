import { describe, expect, it } from "vitest";
import {
  advancesCrosslink,
  type BlockIdFields,
  type CommitProof,
  type CrosslinkContext,
  checkCommitProof,
  commitProofCodec,
  commitProofFrom,
} from "../../../consensus/beacon/crosslink.ts";
import { ConsensusErrorCode } from "../../../consensus/errors.ts";
import { blockHash } from "../../../consensus/messages.ts";
import { decode, encode, sha256 } from "../../../crypto/index.ts";
import { type Built, batchVerify, CHAIN, fixture, genesis, makeBlock, qcFor, thrownCode } from "../engine/helpers.ts";

const fx = fixture(4);

function fields(b: Built): BlockIdFields {
  const { epoch, round, height, parent, proposer, payload } = b.block;
  return { epoch, round, height, parent, proposer, payloadDigest: sha256(payload) };
}

/** genesis <- b1 (round 1) <- b2 (round `childRound`, carrying QC(b1)), with QC(b2). */
function chain(childRound = 2n) {
  const b1 = makeBlock(fx, { round: 1n, parent: null, qc: genesis(fx) });
  const qc1 = qcFor(fx, b1);
  const b2 = makeBlock(fx, { round: childRound, parent: b1, qc: qc1 });
  const qc2 = qcFor(fx, b2);
  const proof: CommitProof = {
    block: fields(b1),
    blockParentQc: genesis(fx),
    blockQc: qc1,
    child: fields(b2),
    childQc: qc2,
  };
  return { b1, b2, proof };
}

const ctx: CrosslinkContext = {
  chainId: CHAIN,
  committee: (epoch) => (epoch === 0n ? fx.info : undefined),
  verify: batchVerify,
};

describe("crosslink commit proofs", () => {
  it("accepts a block with a certified child in the next round and returns its hash", () => {
    const { b1, proof } = chain();
    const hash = checkCommitProof(proof, sha256(b1.block.payload), ctx);
    expect(hash).toEqual(blockHash(CHAIN, b1.block));
  });

  it("survives its wire encoding", () => {
    const { b1, proof } = chain();
    const again = decode(commitProofCodec, encode(commitProofCodec, proof));
    expect(checkCommitProof(again, sha256(b1.block.payload), ctx)).toEqual(b1.hash);
  });

  it("refuses a header that is not the block's payload", () => {
    const { proof } = chain();
    expect(thrownCode(() => checkCommitProof(proof, sha256(new Uint8Array([1])), ctx))).toBe(
      ConsensusErrorCode.invalidCrosslink,
    );
  });

  it("refuses a certified block whose child skipped a round (not committed by the 2-chain rule)", () => {
    const { b1, proof } = chain(3n);
    expect(thrownCode(() => checkCommitProof(proof, sha256(b1.block.payload), ctx))).toBe(
      ConsensusErrorCode.invalidCrosslink,
    );
  });

  it("refuses a child that does not extend the block", () => {
    const { b1, proof } = chain();
    const other = { ...proof, child: { ...proof.child, parent: sha256(new Uint8Array([9])) } };
    expect(thrownCode(() => checkCommitProof(other, sha256(b1.block.payload), ctx))).toBe(
      ConsensusErrorCode.invalidCrosslink,
    );
  });

  it("refuses QCs without a quorum, with a forged signature, or from outside the committee", () => {
    const { b1, b2, proof } = chain();
    const digest = sha256(b1.block.payload);
    const weak = { ...proof, childQc: qcFor(fx, b2, [0, 1]) };
    expect(thrownCode(() => checkCommitProof(weak, digest, ctx))).toBe(ConsensusErrorCode.invalidCrosslink);
    const sigs = proof.childQc.signatures.map((s) => Uint8Array.from(s));
    const bent = sigs[1] as Uint8Array;
    bent[5] = (bent[5] as number) ^ 1;
    const forged = { ...proof, childQc: { ...proof.childQc, signatures: sigs } };
    expect(thrownCode(() => checkCommitProof(forged, digest, ctx))).toBe(ConsensusErrorCode.badSignature);
    const strangers = fixture(4, { keyNumbers: [10, 11, 12, 13] });
    const elsewhere: CrosslinkContext = { ...ctx, committee: () => strangers.info };
    expect(thrownCode(() => checkCommitProof(proof, digest, elsewhere))).toBe(ConsensusErrorCode.invalidCrosslink);
    const unknown: CrosslinkContext = { ...ctx, committee: () => undefined };
    expect(thrownCode(() => checkCommitProof(proof, digest, unknown))).toBe(ConsensusErrorCode.invalidCrosslink);
  });

  it("refuses QCs bound to another chain id", () => {
    const { b1, proof } = chain();
    const other: CrosslinkContext = { ...ctx, chainId: `${CHAIN}-other` };
    expect(thrownCode(() => checkCommitProof(proof, sha256(b1.block.payload), other))).toBe(
      ConsensusErrorCode.invalidCrosslink,
    );
  });

  it("refuses a block in its epoch's suffix", () => {
    const { b1, proof } = chain();
    const ended: CrosslinkContext = { ...ctx, lastHeightOf: () => 0n };
    expect(thrownCode(() => checkCommitProof(proof, sha256(b1.block.payload), ended))).toBe(
      ConsensusErrorCode.invalidCrosslink,
    );
  });

  it("binds block hashes to the chain's payload digest", () => {
    const { b1 } = chain();
    const headerOnly = (p: Uint8Array) => sha256(p.subarray(0, 4));
    const h = blockHash(CHAIN, b1.block, headerOnly);
    expect(h).not.toEqual(b1.hash);
    const sameHeader = { ...b1.block, payload: Uint8Array.from([...b1.block.payload.subarray(0, 4), 0xff]) };
    expect(blockHash(CHAIN, sameHeader, headerOnly)).toEqual(h);
    expect(blockHash(CHAIN, sameHeader)).not.toEqual(b1.hash);
  });

  it("moves a shard's crosslink only forward", () => {
    const at = (height: bigint) => ({ chain: 1, height, headerDigest: new Uint8Array(32) });
    expect(advancesCrosslink(undefined, at(1n))).toBe(true);
    expect(advancesCrosslink(at(1n), at(2n))).toBe(true);
    expect(advancesCrosslink(at(2n), at(2n))).toBe(false);
    expect(advancesCrosslink(at(2n), at(1n))).toBe(false);
    expect(advancesCrosslink(at(1n), { ...at(5n), chain: 2 })).toBe(false);
  });

  it("builds a proof from two committed blocks when the child is in the next round", () => {
    const { b1, b2 } = chain();
    const qc1 = qcFor(fx, b1);
    const qc2 = qcFor(fx, b2);
    const proof = commitProofFrom({ block: b1.block, qc: qc1 }, { block: b2.block, qc: qc2 }, sha256);
    expect(proof).not.toBeNull();
    expect(checkCommitProof(proof as CommitProof, sha256(b1.block.payload), ctx)).toEqual(b1.hash);
    const skipped = chain(3n);
    const none = commitProofFrom(
      { block: skipped.b1.block, qc: qcFor(fx, skipped.b1) },
      { block: skipped.b2.block, qc: qcFor(fx, skipped.b2) },
      sha256,
    );
    expect(none).toBeNull();
  });
});
