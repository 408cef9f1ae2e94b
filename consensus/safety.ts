// The safety rules of Jolteon, and the state that must survive a restart for them to hold.
// Every signature this validator produces (proposal, vote, timeout) is made here, after the
// rule for it passed and the state was updated; the engine then persists the new state before
// the signed message leaves (takePersist, called just before each send).
//
//   vote in round r for block B of epoch k (with B.qc, and tc when the previous round timed out):
//     r > lastVotedRound, and
//     B.qc.round + 1 == r, or tc.epoch == k, tc.round + 1 == r and B.qc >= the TC's highest QC
//     (QCs ordered by (epoch, round); within one epoch that is Jolteon's qc.round >= max hqc),
//     and if B is the first block of epoch k (its QC is of epoch k-1): this validator has not
//     yet voted for a block of epoch k that extends a QC of epoch k (highestExtendedEpoch < k)
//   timeout in round r: r >= lastVotedRound and highQc.round < r; then lastVotedRound = r,
//     so this validator never votes in a round it has timed out of
//   proposal in round r: r > lastProposedRound and r > lastVotedRound
//
// Epochs. Rounds are global, so the rules above hold across epochs; what changes is which QCs
// count. QCs are ordered by (epoch, round) and a validator adopts none from an epoch it has not
// entered, so the timeouts of epoch k carry the highest QC of epoch k when there is one (that
// is what makes a TC of epoch k reflect epoch k's locks), and a TC only justifies a block of
// its own epoch. The first blocks of epoch k+1 all build on the committed last block X of epoch
// k and are justified by some QC of epoch k; once a validator has voted for a block that extends
// a QC of epoch k+1, it never votes for such a first block again. Once a block B of epoch k+1
// commits, the quorum that certified B's child has that lock, so no other first block (which
// would fork X's successors) can gather a quorum afterwards; within epoch k+1 Jolteon's own
// argument applies.
import { decode, encode, equalBytes, fixedBytes, optional, struct, text, toHex, u8, u64 } from "../crypto/index.ts";
import { maxHighQc } from "./certificates.ts";
import { ConsensusError, ConsensusErrorCode } from "./errors.ts";
import type { Signer } from "./interface.ts";
import {
  genesisQc,
  MAX_CHAIN_ID_LENGTH,
  proposalSigningBytes,
  type QuorumCert,
  quorumCertCodec,
  type Timeout,
  type TimeoutCert,
  timeoutCertCodec,
  timeoutSigningBytes,
  type Vote,
  type VoteData,
  voteCodec,
  voteSigningBytes,
} from "./messages.ts";

export interface CommittedTip {
  epoch: bigint;
  round: bigint;
  height: bigint;
  hash: Uint8Array;
}

export interface SafetyState {
  chainId: string;
  self: string;
  lastVotedRound: bigint;
  /** Jolteon's one-chain round: the round of highQc. */
  oneChainRound: bigint;
  /** The highest epoch in which this validator voted for a block extending a QC of that epoch. */
  highestExtendedEpoch: bigint;
  highestTimeoutRound: bigint;
  lastProposedRound: bigint;
  /** The last vote signed, re-sent as is when the same proposal comes again. */
  lastVote: Vote | null;
  /** The highest QC seen: what proposals and timeouts carry, and where a restart resumes. */
  highQc: QuorumCert;
  /**
   * The highest TC seen. Kept across a restart so that a validator which restarts in the round
   * after a timed-out one can still show how it got there (its timeouts carry this TC); without
   * it, a committee with no spare validator could wait forever for a TC nobody can rebuild.
   */
  highTc: TimeoutCert | null;
  committed: CommittedTip;
}

const STATE_VERSION = 2;

const safetyStateCodec = struct("SafetyStateV2", {
  version: u8,
  chainId: text(MAX_CHAIN_ID_LENGTH),
  self: text(128),
  lastVotedRound: u64,
  oneChainRound: u64,
  highestExtendedEpoch: u64,
  highestTimeoutRound: u64,
  lastProposedRound: u64,
  lastVote: optional(voteCodec),
  highQc: quorumCertCodec,
  highTc: optional(timeoutCertCodec),
  committedEpoch: u64,
  committedRound: u64,
  committedHeight: u64,
  committedHash: fixedBytes(32),
});

export function encodeSafetyState(s: SafetyState): Uint8Array {
  return encode(safetyStateCodec, {
    version: STATE_VERSION,
    chainId: s.chainId,
    self: s.self,
    lastVotedRound: s.lastVotedRound,
    oneChainRound: s.oneChainRound,
    highestExtendedEpoch: s.highestExtendedEpoch,
    highestTimeoutRound: s.highestTimeoutRound,
    lastProposedRound: s.lastProposedRound,
    lastVote: s.lastVote,
    highQc: s.highQc,
    highTc: s.highTc,
    committedEpoch: s.committed.epoch,
    committedRound: s.committed.round,
    committedHeight: s.committed.height,
    committedHash: s.committed.hash,
  });
}

/** Throws ConsensusError (invalidPersistedState) on anything but a state this engine wrote. */
export function decodeSafetyState(bytes: Uint8Array): SafetyState {
  let v: ReturnType<typeof safetyStateCodec.fromValue>;
  try {
    v = decode(safetyStateCodec, bytes);
  } catch (e) {
    throw new ConsensusError(
      ConsensusErrorCode.invalidPersistedState,
      `persisted safety state is unreadable: ${(e as Error).message}`,
      { cause: e },
    );
  }
  if (v.version !== STATE_VERSION) {
    throw new ConsensusError(ConsensusErrorCode.invalidPersistedState, `unknown safety state version ${v.version}`);
  }
  return {
    chainId: v.chainId,
    self: v.self,
    lastVotedRound: v.lastVotedRound,
    oneChainRound: v.oneChainRound,
    highestExtendedEpoch: v.highestExtendedEpoch,
    highestTimeoutRound: v.highestTimeoutRound,
    lastProposedRound: v.lastProposedRound,
    lastVote: v.lastVote,
    highQc: v.highQc,
    highTc: v.highTc,
    committed: { epoch: v.committedEpoch, round: v.committedRound, height: v.committedHeight, hash: v.committedHash },
  };
}

export function initialSafetyState(chainId: string, self: string, epoch: bigint, genesisHash: Uint8Array): SafetyState {
  return {
    chainId,
    self,
    lastVotedRound: 0n,
    oneChainRound: 0n,
    highestExtendedEpoch: 0n,
    highestTimeoutRound: 0n,
    lastProposedRound: 0n,
    lastVote: null,
    highQc: genesisQc(epoch, genesisHash),
    highTc: null,
    committed: { epoch, round: 0n, height: 0n, hash: genesisHash },
  };
}

/**
 * Jolteon's vote rule without the round check: the block extends the QC of the previous round,
 * or a QC at least as high as any in the TC (of its own epoch) of the previous round.
 */
export function extendsHighestQc(b: VoteCandidate, tc: TimeoutCert | null): boolean {
  if (b.qcRound + 1n === b.round) return true;
  if (tc === null || tc.epoch !== b.epoch || tc.round + 1n !== b.round) return false;
  const max = maxHighQc(tc);
  return b.qcEpoch > max.epoch || (b.qcEpoch === max.epoch && b.qcRound >= max.round);
}

export interface VoteCandidate extends VoteData {
  qcEpoch: bigint;
  qcRound: bigint;
}

/** (epoch, round) order of QCs. */
export function isHigherQc(a: QuorumCert, b: QuorumCert): boolean {
  return a.epoch > b.epoch || (a.epoch === b.epoch && a.round > b.round);
}

export class SafetyRules {
  private readonly s: SafetyState;
  private readonly signer: Signer;
  private readonly selfKey: Uint8Array;
  private readonly skipVoteSafetyCheck: boolean;
  private lastPersisted: Uint8Array | null;
  signaturesCreated = 0;

  constructor(
    state: SafetyState,
    persisted: Uint8Array | null,
    signer: Signer,
    selfKey: Uint8Array,
    skipVoteSafetyCheck: boolean,
  ) {
    this.s = state;
    this.lastPersisted = persisted;
    this.signer = signer;
    this.selfKey = selfKey;
    this.skipVoteSafetyCheck = skipVoteSafetyCheck;
  }

  get state(): Readonly<SafetyState> {
    return this.s;
  }

  /**
   * Records a verified QC; returns true when it is the new highest by (epoch, round). A QC of
   * an epoch later than `currentEpoch` is not adopted (it still commits blocks in the tree).
   */
  observeQc(qc: QuorumCert, currentEpoch: bigint): boolean {
    if (qc.epoch > currentEpoch || !isHigherQc(qc, this.s.highQc)) return false;
    this.s.highQc = qc;
    this.s.oneChainRound = qc.round;
    return true;
  }

  /** Why this validator must not vote for the block, or null when it may. */
  voteRefusal(candidate: VoteCandidate, tc: TimeoutCert | null): string | null {
    // ---- BREAK RULE (tests only) --------------------------------------------------------
    // modules.breakRules.skipVoteSafetyCheck: vote for any proposal of the current round,
    // even a second one, so the simulator can show that it catches the violation.
    if (this.skipVoteSafetyCheck) return null;
    // --------------------------------------------------------------------------------------
    if (candidate.round <= this.s.lastVotedRound) {
      return `round ${candidate.round} is not above the last voted round ${this.s.lastVotedRound}`;
    }
    if (candidate.round <= this.s.highestTimeoutRound) return `timed out of round ${candidate.round}`;
    if (!extendsHighestQc(candidate, tc)) {
      return `block of round ${candidate.round} with a QC of round ${candidate.qcRound} follows neither that QC nor a TC`;
    }
    if (candidate.qcEpoch !== candidate.epoch && candidate.epoch <= this.s.highestExtendedEpoch) {
      return `already voted on top of a QC of epoch ${candidate.epoch}: no new first block of it`;
    }
    return null;
  }

  signVote(candidate: VoteCandidate, tc: TimeoutCert | null): Vote {
    const refusal = this.voteRefusal(candidate, tc);
    if (refusal !== null) throw new ConsensusError(ConsensusErrorCode.voteRefused, refusal);
    const data: VoteData = {
      epoch: candidate.epoch,
      round: candidate.round,
      height: candidate.height,
      blockHash: candidate.blockHash,
    };
    const vote: Vote = { ...data, voter: this.selfKey, signature: this.sign(voteSigningBytes(this.s.chainId, data)) };
    if (candidate.round > this.s.lastVotedRound) this.s.lastVotedRound = candidate.round;
    if (candidate.qcEpoch === candidate.epoch && candidate.epoch > this.s.highestExtendedEpoch) {
      this.s.highestExtendedEpoch = candidate.epoch;
    }
    this.s.lastVote = vote;
    return vote;
  }

  /** Remembers a verified TC if it is the highest so far; persisted with the next state. */
  recordTc(tc: TimeoutCert): void {
    if (
      this.s.highTc === null ||
      tc.epoch > this.s.highTc.epoch ||
      (tc.epoch === this.s.highTc.epoch && tc.round > this.s.highTc.round)
    ) {
      this.s.highTc = tc;
    }
  }

  /** The vote already signed for this block, to be sent again unchanged. */
  previousVoteFor(round: bigint, blockHash: Uint8Array): Vote | null {
    const v = this.s.lastVote;
    return v !== null && v.round === round && equalBytes(v.blockHash, blockHash) ? v : null;
  }

  /** Signs a timeout of `round` carrying the highest QC; from now on no vote in `round`. */
  signTimeout(epoch: bigint, round: bigint): Timeout {
    const highQc = this.s.highQc;
    if (round < this.s.lastVotedRound || round < this.s.highestTimeoutRound) {
      throw new ConsensusError(
        ConsensusErrorCode.timeoutRefused,
        `round ${round} is behind this validator's last vote`,
      );
    }
    if (highQc.round >= round || highQc.epoch > epoch) {
      throw new ConsensusError(
        ConsensusErrorCode.timeoutRefused,
        `high QC of round ${highQc.round} for round ${round}`,
      );
    }
    this.s.highestTimeoutRound = round;
    this.s.lastVotedRound = round;
    const signature = this.sign(timeoutSigningBytes(this.s.chainId, epoch, round, highQc));
    return { epoch, round, highQc, lastTc: null, author: this.selfKey, signature };
  }

  signProposal(epoch: bigint, round: bigint, blockHash: Uint8Array): Uint8Array {
    if (round <= this.s.lastProposedRound || round <= this.s.lastVotedRound) {
      throw new ConsensusError(ConsensusErrorCode.proposalRefused, `already proposed or voted in round ${round}`);
    }
    this.s.lastProposedRound = round;
    return this.sign(proposalSigningBytes(this.s.chainId, epoch, round, blockHash));
  }

  recordCommit(tip: CommittedTip): void {
    this.s.committed = { ...tip };
  }

  /** The state's bytes if they changed since they were last handed out, else null. */
  takePersist(): Uint8Array | null {
    const bytes = encodeSafetyState(this.s);
    if (this.lastPersisted !== null && equalBytes(bytes, this.lastPersisted)) return null;
    this.lastPersisted = bytes;
    return bytes;
  }

  get selfId(): string {
    return toHex(this.selfKey);
  }

  private sign(message: Uint8Array): Uint8Array {
    this.signaturesCreated++;
    return this.signer(message);
  }
}
