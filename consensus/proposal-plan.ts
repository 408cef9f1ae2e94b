// The leader's side of a round, decided without side effects: whether this validator proposes
// now, on which parent and certificates, and whether the block is an empty suffix block
// (proposed at once) or needs a payload from the host first.
import { toHex } from "../crypto/index.ts";
import type { BlockNode, BlockTree } from "./block-tree.ts";
import type { ValidatorId } from "./interface.ts";
import type { Block, QuorumCert, TimeoutCert } from "./messages.ts";
import type { SafetyState } from "./safety.ts";
import type { EpochInfo, EpochRegistry } from "./validators.ts";

export interface ProposalPlan {
  round: bigint;
  epoch: bigint;
  parent: BlockNode;
  height: bigint;
  qc: QuorumCert;
  tc: TimeoutCert | null;
}

export type ProposalStep =
  /** Not this validator's turn, or not yet. */
  | { kind: "none" }
  /** The block the highest QC certifies must be fetched first. */
  | { kind: "fetch"; blockHash: Uint8Array }
  /** Above the epoch's last height: an empty suffix block, proposed at once. */
  | { kind: "suffix"; plan: ProposalPlan }
  /** Ask the host for a payload. */
  | { kind: "request"; plan: ProposalPlan };

export interface ProposalContext {
  self: ValidatorId;
  /** The epoch of the next height to commit. */
  info: EpochInfo;
  round: bigint;
  safety: SafetyState;
  highTc: TimeoutCert | null;
  /** The round of the proposal already waiting for a payload, if any. */
  plannedRound: bigint | null;
  tree: BlockTree;
  registry: EpochRegistry;
  /** The last QC this validator formed from votes sent to it, if any. */
  formedQc: QuorumCert | null;
}

/** The leader of the current round proposes on its highest QC, with the TC that ended the last round if it got here by one. */
export function nextProposal(c: ProposalContext): ProposalStep {
  const { info, round, safety: s } = c;
  if (!info.byId.has(c.self)) return { kind: "none" };
  if (round <= s.lastProposedRound || round <= s.lastVotedRound || c.plannedRound === round) return { kind: "none" };
  const qc = s.highQc;
  let tc: TimeoutCert | null = null;
  if (qc.round + 1n !== round) {
    if (c.highTc === null || c.highTc.round + 1n !== round) return { kind: "none" };
    tc = c.highTc;
  }
  // After a certified round the leader is drawn from the certified block (validators.ts): one
  // that is missing here is fetched by the validator that collected its votes.
  let parent: BlockNode | undefined;
  if (qc.epoch === info.epoch) {
    parent = c.tree.get(toHex(qc.blockHash));
    if (parent === undefined) {
      // Votes for it came here, so this validator is the one drawn to lead; or it leads by the hash schedule.
      const formedHere = c.formedQc !== null && c.formedQc.epoch === qc.epoch && c.formedQc.round === qc.round;
      return (tc === null && formedHere) || (tc !== null && c.registry.leader(info, round) === c.self)
        ? { kind: "fetch", blockHash: qc.blockHash }
        : { kind: "none" };
    }
    if (c.registry.leaderAfter(info, tc === null ? parent.block : null, round) !== c.self) return { kind: "none" };
  } else {
    if (c.registry.leader(info, round) !== c.self) return { kind: "none" };
    // The first block of an epoch builds on the committed last block of the previous one.
    parent = c.tree.committedTip;
    if (qc.epoch > info.epoch || parent.epoch + 1n !== info.epoch || parent.height + 1n !== info.fromHeight) {
      return { kind: "none" };
    }
  }
  const height = parent.height + 1n;
  const plan: ProposalPlan = { round, epoch: info.epoch, parent, height, qc, tc };
  return c.registry.atHeight(height).epoch > info.epoch ? { kind: "suffix", plan } : { kind: "request", plan };
}

export function proposalBlock(plan: ProposalPlan, proposer: Uint8Array, payload: Uint8Array): Block {
  return {
    epoch: plan.epoch,
    round: plan.round,
    height: plan.height,
    parent: plan.parent.hash,
    proposer,
    payload,
    qc: plan.qc,
  };
}
