// Crosslinks: how the beacon chain learns, and proves to every shard, that a shard block is
// final. A crosslink carries a shard block's identity without its body: the block's fields,
// the digest of its payload (for a shard block, the hash of its header, which commits to the
// body), and a commit proof under the 2-chain rule of block-tree.ts: the QC that certifies the
// block, its direct child in the next round whose QC field is that QC, and the QC that
// certifies the child. A certified block alone is not enough: with 2-chain HotStuff a block
// that has a QC but no certified child in the next round can still be abandoned, and a
// receipt from an abandoned block would credit value its source never debited.
//
// Consensus does not know what a header contains: the caller passes the digest it computed
// from the header bytes (shard/ does that), and this file checks the rest.
import { type CodecType, compareBytes, equalBytes, fixedBytes, struct, toHex, u16, u64 } from "../../crypto/index.ts";
import { ConsensusError, ConsensusErrorCode } from "../errors.ts";
import type { BatchVerify } from "../interface.ts";
import { type Block, blockHashFromId, type QuorumCert, quorumCertCodec, voteSigningBytes } from "../messages.ts";
import { type EpochInfo, hasQuorum } from "../validators.ts";

const hash32 = fixedBytes(32);

/** A block's identity fields but its payload, whose digest travels separately. */
export const blockIdFieldsCodec = struct("CrosslinkBlock", {
  epoch: u64,
  round: u64,
  height: u64,
  parent: hash32,
  proposer: fixedBytes(32),
  payloadDigest: hash32,
});
export type BlockIdFields = CodecType<typeof blockIdFieldsCodec>;

export const commitProofCodec = struct("CommitProof", {
  /** The crosslinked block; its payloadDigest is recomputed from the header by the caller. */
  block: blockIdFieldsCodec,
  /** The QC the block itself carries (it is part of the block's identity). */
  blockParentQc: quorumCertCodec,
  /** Certifies `block`; it is also the QC field of `child`. */
  blockQc: quorumCertCodec,
  /** `block`'s child in the next round. */
  child: blockIdFieldsCodec,
  /** Certifies `child`. */
  childQc: quorumCertCodec,
});
export type CommitProof = CodecType<typeof commitProofCodec>;

export const crosslinkRefCodec = struct("CrosslinkRef", { chain: u16, height: u64, headerDigest: hash32 });
/** What the beacon state keeps per shard: the newest crosslinked block. */
export type CrosslinkRef = CodecType<typeof crosslinkRefCodec>;

export interface CrosslinkContext {
  /** The shard chain's consensus chain id (block hashes and votes are bound to it). */
  chainId: string;
  /** The shard committee of an epoch, as the beacon chain assigned it; undefined if unknown. */
  committee(epoch: bigint): EpochInfo | undefined;
  /**
   * The last height of `epoch` on this shard once the next epoch's start is known. Blocks above
   * it are the epoch's empty suffix, which is never committed itself (block-tree.ts).
   */
  lastHeightOf?(epoch: bigint): bigint | undefined;
  verify: BatchVerify;
}

/**
 * Checks that the block whose payload digest is `headerDigest` is committed on the shard chain.
 * Returns the block's hash; throws ConsensusError (invalidCrosslink or badSignature) otherwise.
 */
export function checkCommitProof(proof: CommitProof, headerDigest: Uint8Array, ctx: CrosslinkContext): Uint8Array {
  const { block, blockParentQc, blockQc, child, childQc } = proof;
  if (!equalBytes(block.payloadDigest, headerDigest)) fail("the header is not the crosslinked block's payload");
  const hash = blockHashFromId(ctx.chainId, idOf(block, blockParentQc), block.payloadDigest);
  if (!certifies(blockQc, block, hash)) fail("blockQc does not certify the block");
  if (!equalBytes(child.parent, hash)) fail("the child does not extend the block");
  if (child.round !== block.round + 1n) fail("the child is not in the next round (no 2-chain commit)");
  if (child.height !== block.height + 1n || child.epoch !== block.epoch) fail("the child is not the block's successor");
  const childHash = blockHashFromId(ctx.chainId, idOf(child, blockQc), child.payloadDigest);
  if (!certifies(childQc, child, childHash)) fail("childQc does not certify the child");
  const last = ctx.lastHeightOf?.(block.epoch);
  if (last !== undefined && block.height > last) fail("the block is in its epoch's suffix, never committed itself");
  checkQuorumCert(blockQc, ctx);
  checkQuorumCert(childQc, ctx);
  return hash;
}

/** One committed block as the engine's commit action hands it over: the block and the QC that certifies it. */
export interface CertifiedBlock {
  block: Block;
  qc: QuorumCert;
}

/**
 * A commit proof for `block` from data every follower of the chain has: the block and its
 * committed child, each with the QC that certifies it. Possible only when the child is in the
 * very next round (the 2-chain rule); otherwise null, and the host proves a later block (a
 * crosslink carries all headers up to the one it proves, so no header is skipped).
 */
export function commitProofFrom(
  block: CertifiedBlock,
  child: CertifiedBlock,
  payloadDigest: (payload: Uint8Array) => Uint8Array,
): CommitProof | null {
  const b = block.block;
  const c = child.block;
  if (c.round !== b.round + 1n || c.height !== b.height + 1n || c.epoch !== b.epoch) return null;
  if (!equalBytes(c.qc.blockHash, block.qc.blockHash) || c.qc.round !== b.round) return null;
  return {
    block: fieldsOf(b, payloadDigest),
    blockParentQc: b.qc,
    blockQc: block.qc,
    child: fieldsOf(c, payloadDigest),
    childQc: child.qc,
  };
}

function fieldsOf(b: Block, payloadDigest: (payload: Uint8Array) => Uint8Array): BlockIdFields {
  const { epoch, round, height, parent, proposer } = b;
  return { epoch, round, height, parent, proposer, payloadDigest: payloadDigest(b.payload) };
}

/** A crosslink must move its shard forward: a higher block than the one the beacon holds. */
export function advancesCrosslink(previous: CrosslinkRef | undefined, next: CrosslinkRef): boolean {
  return previous === undefined || (next.chain === previous.chain && next.height > previous.height);
}

function idOf(b: BlockIdFields, qc: QuorumCert) {
  return {
    epoch: b.epoch,
    round: b.round,
    height: b.height,
    parent: b.parent,
    proposer: b.proposer,
    qc,
  };
}

function certifies(qc: QuorumCert, b: BlockIdFields, hash: Uint8Array): boolean {
  return qc.epoch === b.epoch && qc.round === b.round && qc.height === b.height && equalBytes(qc.blockHash, hash);
}

/** Signers are committee members, strictly ascending, hold a quorum, and every signature holds. */
function checkQuorumCert(qc: QuorumCert, ctx: CrosslinkContext): void {
  const committee = ctx.committee(qc.epoch);
  if (committee === undefined) fail(`no committee is known for epoch ${qc.epoch}`);
  const info = committee as EpochInfo;
  if (qc.signers.length !== qc.signatures.length) fail("one signature per signer");
  let stake = 0n;
  const message = voteSigningBytes(ctx.chainId, qc);
  const items = qc.signers.map((key, i) => {
    if (i > 0 && compareBytes(qc.signers[i - 1] as Uint8Array, key) >= 0) fail("signers must be strictly ascending");
    const member = info.byId.get(toHex(key));
    if (member === undefined) fail(`a signer is not in the committee of epoch ${qc.epoch}`);
    stake += (member as { stake: bigint }).stake;
    return { publicKey: key, message, signature: qc.signatures[i] as Uint8Array };
  });
  if (!hasQuorum(stake, info.totalStake)) fail(`signers hold no quorum of the committee of epoch ${qc.epoch}`);
  const ok = ctx.verify(items);
  if (ok.length !== items.length || !ok.every((x) => x === true)) {
    throw new ConsensusError(ConsensusErrorCode.badSignature, "bad signature in a crosslink's QC");
  }
}

function fail(why: string): never {
  throw new ConsensusError(ConsensusErrorCode.invalidCrosslink, `crosslink: ${why}`);
}
