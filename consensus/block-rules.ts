// What a block must be to enter the tree, given its parent and the validator sets.
//   - height = parent.height + 1, round > parent.round > ... and QC.round < round;
//   - proposed by the leader of its round in its epoch;
//   - a block of epoch k extends a block of epoch k and carries the QC of its parent; above
//     the last height of epoch k (a "suffix" block, see block-tree.ts) it is empty;
//   - the first block of epoch k+1 sits at fromHeight(k+1) on the last block X of epoch k and
//     carries a QC of epoch k from X's round on (by epoch k's safety, a QC of X or of a
//     descendant of X); X must be committed before it goes in (checked by the core).
import { equalBytes, toHex } from "../crypto/index.ts";
import type { BlockNode } from "./block-tree.ts";
import { ConsensusError, ConsensusErrorCode } from "./errors.ts";
import type { Block } from "./messages.ts";
import type { EpochRegistry } from "./validators.ts";

export type BlockPlace = "normal" | "suffix" | "epoch-start";

/**
 * Whether `b` was proposed by its round's leader: drawn from the QC inside its parent when it
 * follows its parent's round and that QC is of the round before the parent's (validators.ts
 * leaderAfter), from the hash schedule otherwise. A restarted engine's root is a committed
 * block whose contents it does not hold; a block on it that follows its round cannot be judged
 * and passes (voting on it once is safe, and a QC on it shows a quorum judged it).
 */
export function proposedByLeader(b: Block, parent: BlockNode, registry: EpochRegistry): boolean {
  const info = registry.byEpoch(b.epoch);
  if (info === undefined) return false;
  const drawnFromParent = b.qc.round + 1n === b.round && parent.epoch === b.epoch;
  if (drawnFromParent && parent.block === null && parent.height > 0n) return true;
  return toHex(b.proposer) === registry.leaderAfter(info, drawnFromParent ? parent.block : null, b.round);
}

/** Is this the first block of its epoch (justified by a QC of the previous epoch)? */
export function startsEpoch(b: Block): boolean {
  return b.qc.epoch !== b.epoch;
}

export function placeBlock(b: Block, parent: BlockNode, registry: EpochRegistry): BlockPlace {
  const invalid = (why: string) => new ConsensusError(ConsensusErrorCode.invalidBlock, why);
  if (b.height !== parent.height + 1n || b.round <= parent.round || b.qc.round >= b.round) {
    throw invalid("height must follow the parent's, rounds must increase");
  }
  const info = registry.byEpoch(b.epoch);
  if (info === undefined) throw new ConsensusError(ConsensusErrorCode.unknownEpoch, `unknown epoch ${b.epoch}`);
  if (!proposedByLeader(b, parent, registry)) throw invalid(`not the leader of round ${b.round}`);
  const heightEpoch = registry.atHeight(b.height).epoch;
  if (b.epoch === parent.epoch) {
    const q = b.qc;
    const certifiesParent =
      equalBytes(q.blockHash, parent.hash) &&
      q.round === parent.round &&
      q.height === parent.height &&
      q.epoch === parent.epoch;
    if (!certifiesParent) throw invalid("the QC must certify the parent");
    if (heightEpoch < b.epoch) throw invalid(`height ${b.height} belongs to epoch ${heightEpoch}`);
    if (heightEpoch === b.epoch) return "normal";
    if (b.payload.length !== 0) throw invalid("blocks after the last height of an epoch are empty");
    return "suffix";
  }
  if (b.epoch === parent.epoch + 1n && heightEpoch === b.epoch && info.fromHeight === b.height) {
    if (b.qc.epoch !== parent.epoch || b.qc.round < parent.round) {
      throw invalid("the first block of an epoch carries a QC of the previous epoch from its last block on");
    }
    return "epoch-start";
  }
  throw invalid(`a block of epoch ${b.epoch} cannot follow one of epoch ${parent.epoch}`);
}
