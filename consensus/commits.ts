// What the engine hands the host for each block it commits, and what proves the last one of a
// commit final to a node that holds nothing above it (fast sync, light followers).
import { encode, toHex } from "../crypto/index.ts";
import type { BlockNode, BlockTree } from "./block-tree.ts";
import { type CommitProof, type CommittedBlock, MAX_PROOF_BLOCKS_ABOVE } from "./interface.ts";
import { blockCodec, type QuorumCert, quorumCertCodec } from "./messages.ts";

/** A committed node as the host stores it; `proof` goes with the last block of a commit. */
export function committedBlock(n: BlockNode, proof?: CommitProof): CommittedBlock {
  const b = n.block;
  const qc = n.certifiedBy;
  if (b === null || qc === null) throw new Error("invariant: a committed block is known and certified");
  return {
    height: n.height,
    round: n.round,
    epoch: n.epoch,
    hash: n.hash,
    parent: b.parent,
    proposer: toHex(b.proposer),
    payload: b.payload,
    certificate: encode(quorumCertCodec, qc),
    encoded: encode(blockCodec, b),
    ...(proof !== undefined ? { proof } : {}),
  };
}

/**
 * What proves `tip` final: the blocks from its child up to `certified`, the block whose QC
 * committed it, and that QC. A plain commit gives the child alone. The last block of an epoch
 * is committed across the epoch's suffix, often with a round or more between it and its
 * child; its proof then carries the suffix blocks too, or a node that holds nothing above it
 * could not prove it until the next epoch's second block (on an idle chain, never).
 */
export function commitProof(
  tree: BlockTree,
  tip: BlockNode,
  certified: BlockNode,
  qc: QuorumCert,
): CommitProof | undefined {
  // `certified` descends from `tip`: the blocks above the tip are the last `count` up to it.
  const count = Number(certified.height - tip.height);
  if (count < 1 || count > MAX_PROOF_BLOCKS_ABOVE + 1) return undefined;
  const [child, ...above] = tree.chainEndingAt(certified.hex, count).map((b) => encode(blockCodec, b));
  if (child === undefined || above.length + 1 !== count) return undefined;
  return { child, above, certificate: encode(quorumCertCodec, qc) };
}
